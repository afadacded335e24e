"""Build the CPNE report and the Mission jeunes table as JSON-ready dicts."""

import datetime as dt
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone

from reports import figures, links, privacy
from reports.mission_jeunes import mission_jeunes_people, mission_jeunes_table
from reports.periods import Period
from reports.scope import Scope

CPNE, MISSION_JEUNES = "cpne", "mission_jeunes"
TITLES = {
    CPNE: "Rapport de suivi CPNE des dispositifs de formation en alternance",
    MISSION_JEUNES: "Mission jeunes — tableau de suivi semestriel",
}


@contextmanager
def report_queries():
    """Run a report's queries in one transaction; on PostgreSQL, without JIT compilation.

    The report's aggregates carry many FILTER clauses and per-dossier mission sums, so the
    planner's cost estimate passes the JIT thresholds although they run in well under a
    second: EXPLAIN ANALYZE at 100 000 dossiers showed 3.7 s of JIT compilation for 0.4 s of
    execution (bench/RESULTS.md).
    """
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def _envelope(
    kind: str,
    period: Period,
    scope: Scope,
    tables: list[dict],
    *,
    links=(),
    all_health: bool = False,
    narrow: bool = False,
    **extra,
) -> dict:
    masked = not scope.within_own_agencies()
    generated = timezone.localtime()
    if narrow:
        shown = privacy.suppress_all(tables)
    else:
        shown = privacy.protect(tables, links, masked=masked, all_health=all_health)
    return {
        "kind": kind,
        "title": TITLES[kind],
        "period": period.as_dict(),
        "scope": scope.as_dict(),
        "generated_at": generated.isoformat(timespec="seconds"),
        "generated_label": f"{generated:%d/%m/%Y à %H:%M}",
        "privacy": {
            "masked": masked,
            "threshold": privacy.THRESHOLD,
            "rule": privacy.rule(masked),
            "legend": privacy.LEGEND,
            "suppressed_all": narrow,
            **({"note": privacy.SUPPRESSED_ALL} if narrow else {}),
        },
        **extra,
        "tables": shown,
    }


def _narrow(people: int, refuse_narrow: bool) -> bool:
    """Whether the cohort is too small to publish; refused when asked to (before the report's
    transaction: an error inside it would spoil a caller's transaction)."""
    if refuse_narrow:
        privacy.check_cohort(people)
    return privacy.is_narrow(people)


def cpne_report(
    period: Period,
    scope: Scope,
    dispositif: str | None = None,
    *,
    as_of: dt.date | None = None,
    refuse_narrow: bool = True,
) -> dict:
    """The CPNE report as `scope`'s reader may see it.

    Raise ValidationError (a French message) for a period that is not made of whole months,
    and, with `refuse_narrow`, for a cohort of fewer than 5 people; otherwise such a cohort's
    figures are all hidden.
    """
    privacy.check_period(period)
    as_of = as_of or timezone.localdate()
    narrow = _narrow(figures.people(period, scope, dispositif), refuse_narrow)
    with report_queries():
        tables = figures.cpne_tables(period, scope, dispositif, as_of=as_of)
    return _envelope(
        CPNE,
        period,
        scope,
        tables,
        links=links.cpne_links(tables),
        all_health=dispositif in figures.HEALTH_DISPOSITIFS,
        narrow=narrow,
        dispositif=dispositif or None,
        as_of=as_of.isoformat(),
    )


def mission_jeunes_report(period: Period, scope: Scope, *, refuse_narrow: bool = True) -> dict:
    """The Mission jeunes table as `scope`'s reader may see it (same refusals as above)."""
    privacy.check_period(period)
    narrow = _narrow(mission_jeunes_people(period, scope), refuse_narrow)
    with report_queries():
        tables = [mission_jeunes_table(period, scope)]
    return _envelope(MISSION_JEUNES, period, scope, tables, narrow=narrow)
