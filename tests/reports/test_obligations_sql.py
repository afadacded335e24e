"""One rule, one implementation (STYLE habit 15): the report's SQL for the mission obligations
(`reports.obligations`) gives, dossier by dossier, the verdicts and hours of the Python rule
(`cases.rules.obligations`) — 003 fiches CIPI, CDPI, CAR; DOMAIN.md §3; pro-rata of a mission
straddling a window boundary (product rule) — on generated data, on SQLite and PostgreSQL."""

import datetime as dt
import io
import random
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F

from cases.choices import Dispositif, DossierState
from cases.models import Dossier, Mission
from cases.rules import dates
from cases.rules.obligations import (
    ACTUAL_END,
    AFTER_TRAINING,
    IN_CONTRACT,
    MET,
    PLANNED_END,
    dossier_obligations,
)
from reports.dates import AddDays, AddMonths
from reports.obligations import obligation_rows
from tests.factories import ClientCompanyFactory, WorkerFactory

TODAY = dt.date(2026, 11, 23)
DAY = dt.timedelta(days=1)


@pytest.fixture
def generated(db):
    """A few hundred generated dossiers, plus missions on every boundary of some windows."""
    call_command(
        "generate_load",
        dossiers=400,
        seed=11,
        today=TODAY,
        no_progress=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    company = ClientCompanyFactory()
    rng = random.Random(5)
    # Trainings that ended earlier or later than planned: the window follows the actual end.
    ended = Dossier.objects.filter(
        dispositif__in=[Dispositif.CDPI, Dispositif.CAR], training_ended_on__isnull=False
    ).order_by("pk")
    for n, dossier in enumerate(ended[::2]):
        shift = [-10, 7, -1, 1, 31][n % 5] * DAY
        moved = max(dossier.training_ended_on + shift, dossier.training_started_on)
        Dossier.objects.filter(pk=dossier.pk).update(training_ended_on=min(moved, TODAY))
    dossiers = Dossier.objects.filter(
        dispositif__in=[Dispositif.CIPI, Dispositif.CDPI, Dispositif.CAR]
    ).order_by("pk")
    for n, dossier in enumerate(dossiers[::3]):
        if dossier.dispositif == Dispositif.CIPI:
            first, last = dossier.contract_start, dossier.contract_end
        else:
            ended = dossier.training_ended_on or dossier.training_end
            first = ended + DAY
            last = dates.add_months(ended, 3)
        boundary = [
            (first - 2 * DAY, first + 2 * DAY),  # straddles the window start
            (last - DAY, last + 3 * DAY),  # straddles the window end
            (last, last),  # the window's last day
            (last + DAY, last + DAY),  # the day after
            (first - DAY, first - DAY),  # the day before (the training end day)
        ][n % 5]
        # Hours in cents, some of them halves of a cent once split (x.x1 over 2 days).
        hours = Decimal(rng.choice(["7", "10.01", "35.5", "70", "0.05", "123.45", "69.99"]))
        Mission.objects.create(
            worker_id=dossier.worker_id,
            dossier=dossier,
            client_company=company,
            start=boundary[0],
            end=boundary[1],
            hours=hours,
        )
    return Dossier.objects.exclude(state=DossierState.CANCELLED)


def python_verdicts(dossiers, as_of):
    found = {}
    for dossier in dossiers:
        obligations = dossier_obligations(dossier, today=as_of)
        if not obligations:
            continue
        done = {o.kind: o.hours_done for o in obligations}
        found[dossier.pk] = {
            "assessed": all(as_of > o.window_end for o in obligations),
            "met": all(o.verdict == MET for o in obligations),
            "in_done": done.get(IN_CONTRACT),
            "after_done": done.get(AFTER_TRAINING),
            "prorated": any(o.prorated for o in obligations),
            "basis": {o.window_basis for o in obligations},
            "moved": bool(dossier.training_ended_on)
            and dossier.training_ended_on != dossier.training_end,
        }
    return found


@pytest.mark.parametrize(
    "as_of", [TODAY, dt.date(2026, 3, 1), dt.date(2030, 1, 1)], ids=["today", "2026-03", "later"]
)
def test_sql_and_python_agree_dossier_by_dossier(generated, as_of):
    dossiers = list(
        generated.filter(
            dispositif__in=[Dispositif.CIPI, Dispositif.CDPI, Dispositif.CAR]
        ).order_by("pk")
    )
    python = python_verdicts(dossiers, as_of)
    sql = {
        row.pop("pk"): row
        for row in obligation_rows(generated, as_of=as_of).values(
            "pk", "assessed", "met", "in_done", "after_done"
        )
    }
    sql = {pk: row for pk, row in sql.items() if pk in python or row["assessed"] or row["met"]}
    assert set(sql) == set(python)
    for pk, want in python.items():
        got = sql[pk]
        assert (got["assessed"], got["met"]) == (want["assessed"], want["met"]), pk
        assert got["in_done"] == want["in_done"], pk
        assert got["after_done"] == want["after_done"], pk
    # The comparison saw every case: prorated parts, met and unmet, open and closed windows.
    verdicts = list(python.values())
    assert sum(v["prorated"] for v in verdicts) >= 10
    # Windows counted from the actual end (some moved from the planned one) and provisional ones.
    assert sum(v["moved"] for v in verdicts) >= 10
    assert any(ACTUAL_END in v["basis"] for v in verdicts)
    assert any(PLANNED_END in v["basis"] for v in verdicts)
    assert any(v["met"] for v in verdicts) and any(not v["met"] for v in verdicts)
    if as_of == TODAY:
        assert any(v["assessed"] for v in verdicts) and any(not v["assessed"] for v in verdicts)


# Every month end of a leap and a common year, and the days around them.
DAYS = sorted(
    {
        dt.date(year, month, 1) + dt.timedelta(days=delta)
        for year in (2027, 2028)
        for month in range(1, 13)
        for delta in (-3, -2, -1, 0, 14)
    }
)


@pytest.mark.parametrize("months", [1, 3, 12])
def test_add_months_in_sql_clamps_as_python(db, months):
    """DOMAIN.md §7 (months): 30 Nov + 3 months is 28 Feb (29 in a leap year)."""
    company = ClientCompanyFactory()
    worker = WorkerFactory()
    Mission.objects.bulk_create(
        Mission(worker=worker, client_company=company, start=day, end=day, hours=Decimal("1"))
        for day in DAYS
    )
    rows = Mission.objects.annotate(
        later=AddMonths(F("start"), months), next_day=AddDays(F("start"), 1)
    ).values_list("start", "later", "next_day")
    for start, later, next_day in rows:
        assert later == dates.add_months(start, months), start
        assert next_day == start + DAY, start
