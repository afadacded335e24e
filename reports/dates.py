"""Date arithmetic the database does natively, on SQLite as on PostgreSQL.

Django's ``Extract*``, ``Trunc*`` and date differences run on SQLite as Python functions called
once per row (``django_date_extract``, ``django_timestamp_diff``…): over a year of dossiers they
cost seconds. These expressions use only built-in SQL functions on both vendors.

Whole years follow ``Worker.age_on`` (DOMAIN.md §7, « Age »; ``relativedelta``): N years are
reached on the N-th anniversary, and an anniversary that does not exist (29 February in a common
year) falls on the last day of the month, 28 February, as a delay in years does (CPC art. 641).
"""

from django.db.models import CharField, DateField, F, Func, IntegerField, Q
from django.db.models.lookups import GreaterThan, LessThanOrEqual


class AddYears(Func):
    """A date plus a whole number of years; 29 February becomes 28 February in a common year."""

    arity = 1
    output_field = DateField()

    def __init__(self, expression, years: int, **extra):
        self.years = int(years)  # written into the SQL: an int, never user input
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        # date(x, '+N years') would roll 29 February over to 1 March in a common year: from
        # the 1st of the month, N years and a month on, minus a day, is the last day of February.
        n = self.years
        template = (
            "(CASE WHEN SUBSTR(%(expressions)s, 6, 5) = '02-29' "
            f"THEN DATE(%(expressions)s, 'start of month', '{n:+d} years', '+1 month', '-1 day') "
            f"ELSE DATE(%(expressions)s, '{n:+d} years') END)"
        )
        sql, params = self.as_sql(compiler, connection, template=template, **extra_context)
        return sql, tuple(params) * 3

    def as_postgresql(self, compiler, connection, **extra_context):
        # PostgreSQL already keeps the day within the month (2000-02-29 + 1 year = 2001-02-28).
        template = f"CAST(%(expressions)s + MAKE_INTERVAL(years => {self.years}) AS date)"
        return self.as_sql(compiler, connection, template=template, **extra_context)


class DaysBetween(Func):
    """Calendar days from ``earlier`` to ``later`` (negative when ``later`` comes first)."""

    arity = 2
    output_field = IntegerField()

    def __init__(self, earlier, later, **extra):
        super().__init__(later, earlier, **extra)  # the SQL reads « later − earlier »

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(JULIANDAY(%(expressions)s) AS INTEGER)",
            arg_joiner=") - JULIANDAY(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        # date − date is an integer number of days.
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context
        )


class YearMonth(Func):
    """A date's month as the text 'YYYY-MM'."""

    arity = 1
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="SUBSTR(%(expressions)s, 1, 7)", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="TO_CHAR(%(expressions)s, 'YYYY-MM')", **extra_context
        )


def reached(earlier: str, later: str, years: int) -> Q:
    """At least ``years`` whole years from the date at ``earlier`` to the date at ``later``."""
    return Q(LessThanOrEqual(AddYears(F(earlier), years), F(later)))


def aged(birth: str, on: str, low: int | None = None, high: int | None = None) -> Q:
    """Aged ``low`` to ``high`` whole years included on the date at ``on`` (« 16–25 »: up to the
    day before the 26th birthday)."""
    q = Q()
    if low is not None:
        q &= reached(birth, on, low)
    if high is not None:
        q &= ~reached(birth, on, high + 1)
    return q


def more_than(earlier: str, later: str, years: int) -> Q:
    """Strictly more than ``years`` years: the anniversary day itself does not count."""
    return Q(GreaterThan(F(later), AddYears(F(earlier), years)))


class AddDays(Func):
    """A date plus a whole number of days."""

    arity = 1
    output_field = DateField()

    def __init__(self, expression, days: int, **extra):
        self.days = int(days)  # written into the SQL: an int, never user input
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        template = f"DATE(%(expressions)s, '{self.days:+d} days')"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        template = f"(%(expressions)s + {self.days})"  # date + integer is a date
        return self.as_sql(compiler, connection, template=template, **extra_context)


class AddMonths(Func):
    """A date plus a whole number of months, clamped to the month's last day (31 Nov → 30 Nov),
    as ``cases.rules.dates.add_months`` (relativedelta) computes it."""

    arity = 1
    output_field = DateField()

    def __init__(self, expression, months: int, **extra):
        self.months = int(months)  # written into the SQL: an int, never user input
        super().__init__(expression, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        # date(x, '+N months') overflows into the next month (30 Nov + 3 months = 2 Mar): the
        # last day of the target month is then the earlier of the two.
        n = self.months
        template = (
            f"MIN(DATE(%(expressions)s, '{n:+d} months'), "
            f"DATE(%(expressions)s, 'start of month', '{n + 1:+d} months', '-1 day'))"
        )
        sql, params = self.as_sql(compiler, connection, template=template, **extra_context)
        return sql, tuple(params) * 2

    def as_postgresql(self, compiler, connection, **extra_context):
        # PostgreSQL already keeps the day within the month (30 Nov + 3 months = 28 Feb).
        template = f"CAST(%(expressions)s + MAKE_INTERVAL(months => {self.months}) AS date)"
        return self.as_sql(compiler, connection, template=template, **extra_context)
