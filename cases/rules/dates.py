"""Date arithmetic of the rules (DOMAIN.md §7): months, calendar and working days, safe dates."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

ONE_DAY = dt.timedelta(days=1)
CENT = Decimal("0.01")

# Départements whose public holidays differ from the national calendar (holidays' subdivisions).
_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` + N months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    return day + relativedelta(months=months)


def lasts_at_least_months(start: dt.date, end: dt.date, months: int) -> bool:
    """Whether start → end (both included) lasts N months or more: E + 1 day ≥ S + N months."""
    return end + ONE_DAY >= add_months(start, months)


def lasts_at_most_months(start: dt.date, end: dt.date, months: int) -> bool:
    """Whether start → end (both included) lasts N months or less: E + 1 day ≤ S + N months."""
    return end + ONE_DAY <= add_months(start, months)


def calendar_days_inclusive(start: dt.date, end: dt.date) -> int:
    return (end - start).days + 1


def default_contract_hours(start: dt.date, end: dt.date, weekly_hours: Decimal) -> Decimal:
    """`weekly_hours` (the rule set's legal weekly working time) per calendar week of the
    contract, start and end included (DOMAIN.md §7), to the cent."""
    days = Decimal(calendar_days_inclusive(start, end))
    return (Decimal(weekly_hours) * days / Decimal(7)).quantize(CENT, rounding=ROUND_HALF_UP)


def subdivision(departement: str | None) -> str | None:
    """The `holidays` subdivision of a département: Alsace-Moselle and overseas have their own."""
    return _SUBDIVISIONS.get((departement or "").strip().upper())


@lru_cache(maxsize=256)
def _holidays_of(subdiv: str | None, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.France(subdiv=subdiv, years=year).keys())


def is_public_holiday(day: dt.date, departement: str | None = None) -> bool:
    return day in _holidays_of(subdivision(departement), day.year)


def is_business_day(day: dt.date, departement: str | None = None) -> bool:
    """Monday to Friday, not a public holiday of the département."""
    return day.weekday() < 5 and not is_public_holiday(day, departement)


def is_working_day(day: dt.date, departement: str | None = None) -> bool:
    """A *jour ouvrable*: Monday to Saturday, not a public holiday of the département."""
    return day.weekday() < 6 and not is_public_holiday(day, departement)


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    """The Nth calendar day counted from the day after `start`."""
    return start + dt.timedelta(days=days)


def add_working_days(start: dt.date, days: int, departement: str | None = None) -> dt.date:
    """The Nth *jour ouvrable* counted from the day after `start`."""
    day, counted = start, 0
    while counted < days:
        day += ONE_DAY
        if is_working_day(day, departement):
            counted += 1
    return day


def working_days_between(start: dt.date, end: dt.date, departement: str | None = None) -> int:
    """How many *jours ouvrables* fall after `start`, up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_working_day(day, departement):
            count += 1
    return count


def safe_business_day(due: dt.date, departement: str | None = None) -> dt.date:
    """The last business day on or before `due`: the day a case worker can safely act."""
    day = due
    while not is_business_day(day, departement):
        day -= ONE_DAY
    return day
