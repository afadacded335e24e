"""The CPNE report's funding figures are the sums of its cohort's ledger lines (issue 15:
« the CPNE report's funding figures equal the sum of the ledger lines of its cohort »), on
generated data whose ledger the steps wrote (`generate_load`). The 100 000-dossier run is the
benchmark's (`make bench`), not a unit test: see README, « Financement ».
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from cases.choices import Dispositif, FundingLineKind
from cases.models import FundingLine
from reports import figures
from reports.periods import Period
from reports.scope import Scope

TODAY = dt.date(2026, 11, 23)
KINDS = {
    "reserved": FundingLineKind.RESERVED,
    "claimed": FundingLineKind.CLAIMED,
    "paid": FundingLineKind.PAID,
}


@pytest.fixture
def generated(db):
    call_command(
        "generate_load",
        dossiers=400,
        seed=3,
        today=TODAY,
        no_progress=True,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def _ledger(period: Period, kind: str, dispositif: str | None = None) -> float:
    lines = FundingLine.objects.filter(
        kind=kind,
        dossier__contract_start__gte=period.start,
        dossier__contract_start__lte=period.end,
    )
    if dispositif:
        lines = lines.filter(dossier__dispositif=dispositif)
    total = lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return float(Decimal(total).quantize(Decimal("0.01")))


@pytest.mark.parametrize(
    "period",
    [
        Period(dt.date(2016, 1, 1), TODAY.replace(day=30), "tout"),
        Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "2024"),
        Period(dt.date(2025, 7, 1), dt.date(2025, 12, 31), "2025-H2"),
    ],
)
def test_the_reports_reserved_claimed_and_paid_are_the_ledgers_sums(generated, period):
    table = figures.hours_and_funds(figures.cohort(period, Scope()))
    rows = {row["dispositif"]: row for row in table["rows"]}
    for column, kind in KINDS.items():
        assert table["totals"][column] == pytest.approx(_ledger(period, kind), abs=0.005), column
        for dispositif in Dispositif:
            row = rows[figures.dispositif_label(dispositif)]
            assert row[column] == pytest.approx(_ledger(period, kind, dispositif), abs=0.005), (
                column,
                dispositif,
            )
    assert _ledger(period, FundingLineKind.RESERVED) > 0  # the data reaches the figures


def test_the_generated_ledger_has_every_kind_of_line(generated):
    kinds = set(FundingLine.objects.values_list("kind", flat=True))
    assert kinds == set(FundingLineKind.values)
