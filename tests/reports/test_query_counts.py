"""The reports read the database in a fixed number of queries, whatever the number of dossiers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from cases.choices import FundingLineKind
from cases.models import Deadline, FundingLine
from reports import services
from reports.mission_jeunes import mission_jeunes_table
from reports.periods import half, year
from reports.scope import Scope
from tests.factories import AgencyFactory, DossierFactory, MissionFactory

# The CPNE report's queries (their number, not their cost); on PostgreSQL one more, the
# report's `SET LOCAL jit = off` (reports/services.py: JIT compiling costs more than it saves).
BUDGET = 20 + (connection.vendor == "postgresql")


def make_dossiers(n: int) -> None:
    agency = AgencyFactory()
    kinds = ["cpi", "cipi", "cdpi", "car", "pro_a_interim"]
    for i in range(n):
        dossier = DossierFactory(
            agency=agency,
            state="closed",
            contract_start=dt.date(2026, 1 + i % 6, 1 + i % 20),
            worker__mission_locale=True,
            **{kinds[i % len(kinds)]: True},
        )
        Deadline.objects.create(
            dossier=dossier,
            kind="mission_obligation",
            label="x",
            due=dt.date(2026, 10, 1),
            safe_date=dt.date(2026, 10, 1),
            source="test",
        )
        FundingLine.objects.create(
            dossier=dossier,
            kind=FundingLineKind.CLAIMED,
            amount=Decimal("100"),
            on=dossier.contract_start,
        )
        MissionFactory(
            worker=dossier.worker,
            dossier=dossier,
            start=dossier.contract_start,
            end=dossier.contract_start,
        )


@pytest.mark.parametrize("n", [10, 60])
def test_cpne_report_queries_do_not_grow(db, django_assert_max_num_queries, n):
    make_dossiers(n)
    with django_assert_max_num_queries(BUDGET):
        report = services.cpne_report(year(2026), Scope(), as_of=dt.date(2026, 12, 31))
    # 10 dossiers: 2 per dispositif, each in its own (month, dispositif) cell; shown, the total
    # would tell that every hidden cell is 1: it is hidden (reports/privacy.py).
    assert report["tables"][0]["totals"]["total"] == {10: "s", 60: 60}[n]


@pytest.mark.parametrize("n", [10, 60])
def test_mission_jeunes_queries_do_not_grow(db, django_assert_max_num_queries, n):
    make_dossiers(n)
    with django_assert_max_num_queries(3):
        mission_jeunes_table(half(2026, 1), Scope())
