"""Funding estimate (rates of DOMAIN.md §6) and the dossier's funding ledger."""

import datetime as dt
from decimal import Decimal as D

import pytest

from cases.ledger import funding_line_add, ledger_summary
from cases.rules.funding import estimate
from cases.rules.in_force import rate_in_force
from cases.workflow import checks
from tests.factories import DossierFactory


@pytest.mark.parametrize(
    ("dispositif", "day", "rate"),
    [
        ("CPI", dt.date(2023, 6, 1), D("17.00")),
        ("CPI", dt.date(2026, 3, 2), None),  # the AKTO CPI rate for 2024–2026 was never published
        ("CIPI", dt.date(2021, 5, 31), D("17.00")),
        ("CIPI", dt.date(2021, 6, 1), D("14.00")),
        ("CDPI", dt.date(2026, 3, 2), D("14.00")),
        ("PRO_A_INTERIM", dt.date(2021, 5, 11), None),
        ("PRO_A_INTERIM", dt.date(2021, 5, 12), D("17.00")),
        ("PRO_A_PERMANENT", dt.date(2026, 3, 2), D("17.00")),
        ("CAR", dt.date(2026, 3, 2), None),
        ("CAI", dt.date(2026, 3, 2), None),
    ],
)
def test_rates_in_force(rules, dispositif, day, rate):
    """Accord du 29 novembre 2019 (CPI 17 €/h); CPNE 1er juin 2021 (CIPI/CDPI 14 €/h);
    001 art. 6 and 000 art. 6 (Pro-A 17 €/h); CAR and CAI: no published rate."""
    found = rate_in_force(dispositif, day)
    assert (found.hourly_rate if found else None) == rate


def test_national_programme_rate(rules):
    """CPNE decision of 1 June 2021: national programmes 27 → 17 €/h for CIPI/CDPI."""
    assert rate_in_force("CIPI", dt.date(2021, 5, 1), "national").hourly_rate == D("27.00")
    assert rate_in_force("CIPI", dt.date(2026, 5, 1), "national").hourly_rate == D("17.00")


def test_estimate_is_hours_times_rate_in_decimal(rules):
    """001 art. 6: 17 €/h × 300 h = 5 100 €."""
    found = estimate(D("300"), rate_in_force("PRO_A_INTERIM", dt.date(2026, 3, 2)))
    assert found.as_dict() == {
        "hourly_rate": "17.00",
        "hours": "300.00",
        "amount": "5100.00",
        "source": "001 art. 6 (forfait de 17 € de l'heure)",
    }
    assert estimate(D("300"), None).as_dict() == {"rate_unknown": True}


def test_ledger_gaps(db):
    dossier = DossierFactory(cdpi=True)
    funding_line_add(dossier=dossier, kind="estimated", amount=D("5600.00"), on=dt.date(2026, 1, 5))
    funding_line_add(
        dossier=dossier,
        kind="reserved",
        amount=D("5600.00"),
        on=dt.date(2026, 2, 1),
        reference="R-1",
    )
    funding_line_add(
        dossier=dossier,
        kind="claimed",
        amount=D("3000.00"),
        hours=D("214.29"),
        on=dt.date(2026, 7, 1),
    )
    funding_line_add(dossier=dossier, kind="paid", amount=D("2000.00"), on=dt.date(2026, 8, 1))
    summary = ledger_summary(dossier)
    assert summary.claimed_unpaid == D("1000.00")
    assert summary.reserved_unused == D("2600.00")
    assert summary.claimed_over_reservation == D("0.00")


def test_claim_above_reservation_is_a_warning(db):
    """003 — fiches CIPI, CDPI: funds are reserved first, then reimbursed."""
    dossier = DossierFactory(cdpi=True, worker__other_agencies_branch_hours=D("200"))
    funding_line_add(dossier=dossier, kind="reserved", amount=D("1000.00"), on=dt.date(2026, 2, 1))
    funding_line_add(dossier=dossier, kind="claimed", amount=D("1000.01"), on=dt.date(2026, 7, 1))
    found = [
        f
        for f in checks.transition_findings(dossier, "close")
        if f.code == "claim_exceeds_reservation"
    ]
    assert [(f.severity, f.message) for f in found] == [
        ("warning", "Les remboursements demandés dépassent de 0,01 € le montant réservé.")
    ]


def test_ledger_refuses_floats(db):
    dossier = DossierFactory()
    with pytest.raises(TypeError):
        funding_line_add(dossier=dossier, kind="paid", amount=10.5, on=dt.date(2026, 1, 1))
