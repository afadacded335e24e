"""The mission obligations in SQL: `cases.rules.obligations`, mirrored for the CPNE report.

The same windows, the same pro-rata and the same thresholds, on SQLite and on PostgreSQL, so
that the report aggregates every dossier of a cohort in one query. `tests/reports/
test_obligations_sql.py` compares these verdicts with the Python ones, dossier by dossier, on
generated data.

- Windows: CIPI (`mission_in_contract`) the contract, both ends included; CDPI, CAR
  (`mission_after_training`) the day after the training end to the training end + N months,
  the training end being the actual one when recorded, else the planned one (`after_basis`).
- A mission counts its hours × its calendar days inside the window ÷ its calendar days,
  rounded to the cent (half up) mission by mission. SQLite computes in floating point: each
  part gets 1e-9 before rounding, so that an exact half cent rounds up as Python's decimal
  does (a part that is not an exact half cent is at least 1e-6 away from one: hours are in
  cents, a mission lasts fewer than 10 000 days). PostgreSQL computes in exact decimals.
- Thresholds: « done ≥ min » (both in cents), and « done × denominator ≥ training hours ×
  numerator », both products rounded to the cent, which is Python's « done ≥ the share rounded
  up to the cent ».
- The numbers come from the rule set in force on the contract start: one CASE branch per rule
  set (there are a handful).
"""

import datetime as dt
import re
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    DateField,
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round
from django.db.models.lookups import GreaterThanOrEqual

from accords.models import RuleSet
from cases.choices import Dispositif
from cases.models import Mission
from reports.dates import AddDays, AddMonths

OBLIGATION_DISPOSITIFS = [Dispositif.CIPI, Dispositif.CDPI, Dispositif.CAR]
HOURS = DecimalField(max_digits=12, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=HOURS)


class HoursInWindow(Func):
    """A mission's hours inside [window_start, window_end], pro rata of calendar days.

    The caller keeps only missions that overlap the window.
    """

    arity = 5
    output_field = HOURS
    NAMES = ("hours", "start", "end", "window_start", "window_end")
    SQLITE = (
        "ROUND(CAST({hours} AS REAL) * (JULIANDAY(MIN({end}, {window_end})) "
        "- JULIANDAY(MAX({start}, {window_start})) + 1) "
        "/ (JULIANDAY({end}) - JULIANDAY({start}) + 1) + 1e-9, 2)"
    )
    POSTGRESQL = (
        "ROUND({hours} * (LEAST({end}, {window_end}) - GREATEST({start}, {window_start}) + 1) "
        "/ ({end} - {start} + 1), 2)"
    )

    def _render(self, compiler, template: str):
        compiled = dict(
            zip(
                self.NAMES,
                (compiler.compile(e) for e in self.get_source_expressions()),
                strict=True,
            )
        )
        sql, params = [], []
        for token in re.split(r"(\{\w+\})", template):
            name = token[1:-1] if token.startswith("{") else None
            if name in compiled:
                part_sql, part_params = compiled[name]
                sql.append(part_sql)
                params.extend(part_params)
            else:
                sql.append(token)
        return "".join(sql), params

    def as_sqlite(self, compiler, connection, **extra_context):
        return self._render(compiler, self.SQLITE)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self._render(compiler, self.POSTGRESQL)


def _in_force(rule_set: RuleSet) -> Q:
    condition = Q(dispositif=rule_set.dispositif, contract_start__gte=rule_set.valid_from)
    if rule_set.valid_to:
        condition &= Q(contract_start__lte=rule_set.valid_to)
    return condition


def obligation_rule_sets() -> list[tuple[RuleSet, object]]:
    """The rule sets of CIPI, CDPI and CAR with their parameters, the latest start first."""
    rule_sets = RuleSet.objects.filter(dispositif__in=OBLIGATION_DISPOSITIFS)
    return [(rule_set, rule_set.params) for rule_set in rule_sets.order_by("-valid_from")]


def _by_rule_set(rule_sets, pick, output_field):
    """A CASE giving, per dossier, `pick(params)` of the rule set in force on its start."""
    whens = []
    for rule_set, params in rule_sets:
        value = pick(params)
        if value is not None:
            whens.append(When(_in_force(rule_set), then=value))
    return Case(*whens, default=Value(None), output_field=output_field)


def _min_hours(params):
    rule = params.mission_in_contract
    return Value(rule.min) if rule and rule.min is not None else None


def _after(attribute: str):
    def pick(params):
        rule = params.mission_after_training
        return Value(getattr(rule, attribute)) if rule else None

    return pick


def _window_end(params):
    rule = params.mission_after_training
    return AddMonths(F("after_basis"), rule.window_months) if rule else None


def _hours_done(window_start: str, window_end: str):
    """Hours of the dossier's missions inside its window (outer fields `window_start`/`end`)."""
    missions = Mission.objects.filter(
        dossier=OuterRef("pk"), start__lte=OuterRef(window_end), end__gte=OuterRef(window_start)
    )
    part = HoursInWindow(
        F("hours"), F("start"), F("end"), OuterRef(window_start), OuterRef(window_end)
    )
    total = missions.order_by().values("dossier").annotate(total=Sum(part)).values("total")
    return Round(Coalesce(Subquery(total, output_field=HOURS), ZERO), 2, output_field=HOURS)


def obligation_rows(qs: QuerySet, *, as_of: dt.date, rule_sets=None) -> QuerySet:
    """The cohort's CIPI, CDPI and CAR dossiers, each with its obligations in SQL.

    Annotations: `in_done`/`in_needed` (missions in the contract), `after_done`, `after_num`,
    `after_den`, `after_basis` (the actual training end, else the planned one), `after_start`,
    `after_end` (missions after the training), `assessed` (every
    window closed before `as_of`) and `met` (every obligation met). `rule_sets`: those of
    `obligation_rule_sets()`, read once by a caller that needs them too.
    """
    rule_sets = obligation_rule_sets() if rule_sets is None else rule_sets
    rows = qs.filter(dispositif__in=OBLIGATION_DISPOSITIFS).annotate(
        after_basis=Coalesce(F("training_ended_on"), F("training_end"), output_field=DateField())
    )
    rows = rows.annotate(
        in_needed=_by_rule_set(rule_sets, _min_hours, HOURS),
        after_num=_by_rule_set(rule_sets, _after("numerator"), IntegerField()),
        after_den=_by_rule_set(rule_sets, _after("denominator"), IntegerField()),
        after_end=_by_rule_set(rule_sets, _window_end, DateField()),
        after_start=AddDays(F("after_basis"), 1),
    )
    has_in = Q(in_needed__isnull=False)
    has_after = Q(after_num__isnull=False, after_basis__isnull=False)
    rows = rows.annotate(
        in_done=Case(When(has_in, then=_hours_done("contract_start", "contract_end"))),
        after_done=Case(When(has_after, then=_hours_done("after_start", "after_end"))),
    )
    in_met = ~has_in | Q(in_done__gte=F("in_needed"))
    after_met = ~has_after | Q(
        GreaterThanOrEqual(
            Round(F("after_done") * F("after_den"), 2, output_field=HOURS),
            Round(F("planned_training_hours") * F("after_num"), 2, output_field=HOURS),
        )
    )
    closed = (~has_in | Q(contract_end__lt=as_of)) & (~has_after | Q(after_end__lt=as_of))
    return rows.annotate(
        assessed=Case(
            When((has_in | has_after) & closed, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        met=Case(
            When((has_in | has_after) & in_met & after_met, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
