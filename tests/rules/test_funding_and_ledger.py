"""Funding estimate (rates of DOMAIN.md §6) and the dossier's funding ledger."""

import datetime as dt
from decimal import Decimal as D

import pytest

from cases.ledger import funding_line_add, ledger_summary
from cases.rules.funding import estimate
from cases.rules.in_force import dossier_rate_days, rate_by_date_basis, rate_in_force
from cases.rules.plan_checks import dossier_funding
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


# --- Rates as their records say: programme, date basis, extra-cost share ---------------------

PRIORITY = "priority_no_cofunding"


@pytest.mark.parametrize(
    ("reserved_on", "rate"),
    [
        (None, None),  # no reservation yet: the rate's day is unknown, nothing is guessed
        (dt.date(2024, 6, 30), None),  # reserved the day before the rule applies
        (dt.date(2024, 7, 1), D("27.00")),  # from 1 July 2024, by reservation date
    ],
)
def test_the_priority_rate_is_picked_by_reservation_date(rules, reserved_on, rate):
    """FPE.TT notice, board of 16 May 2024: priority publics, by reservation date from
    1 July 2024 — whatever the contract start (here before that date)."""
    days = dossier_rate_days(dt.date(2024, 6, 1), reserved_on)
    found = rate_by_date_basis("CIPI", PRIORITY, days)
    assert (found.hourly_rate if found else None) == rate


def test_the_standard_rate_is_picked_by_contract_start(rules):
    """CPNE decision of 1 June 2021 (CIPI 17 → 14 €/h), by contract start whatever the
    reservation date."""
    days = dossier_rate_days(dt.date(2021, 5, 31), dt.date(2021, 6, 15))
    assert rate_by_date_basis("CIPI", "standard", days).hourly_rate == D("17.00")


@pytest.mark.parametrize(
    ("cost", "amount", "said"),
    [
        # 150 h × 27 €/h = 4 050 €; cost 6 050 € → extra cost 2 000 € × 30 % = 600 €.
        (D("6050"), D("4650.00"), "plus 30 % du surcoût"),
        (D("3000"), D("4050.00"), "plus 30 % du surcoût"),  # no extra cost
        (None, D("4050.00"), "coût pédagogique à renseigner"),
    ],
)
def test_the_extra_cost_share_applies_as_the_rate_says(db, rules, cost, amount, said):
    """FPE.TT notice of 16 May 2024: 27 €/h + 30 % of the extra cost (no co-funding)."""
    dossier = DossierFactory(
        cipi=True,
        contract_start=dt.date(2024, 9, 2),
        funds_reserved_on=dt.date(2024, 8, 1),
        funding_programme=PRIORITY,
        training_cost=cost,
    )
    found = dossier_funding(dossier)
    assert (found.hourly_rate, found.amount) == (D("27.00"), amount)
    assert said in found.source and "16 mai 2024" in found.source


def test_the_estimate_of_a_standard_dossier_is_unchanged(db, rules):
    dossier = DossierFactory(cdpi=True)
    assert dossier_funding(dossier).amount == D("5600.00")  # 400 h × 14 €/h
