"""Deadlines a plan creates, with weekends and public holidays (DOMAIN.md §3 table)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from cases.rules.deadlines import plan_deadlines
from tests.rules.conftest import plan, worker


def deadlines(rules, p, departement="75", deposit_date=None):
    found = plan_deadlines(
        p, rules(p.dispositif), departement=departement, deposit_date=deposit_date
    )
    return {d.kind: d for d in found}


def test_cpi_deposit_five_calendar_days_and_safe_friday(rules):
    """003 — fiche CPI (max 5 jours après démarrage); D.6325-1: Mon 2 Mar → Sat 7 Mar, act Fri."""
    found = deadlines(rules, plan())
    assert found["akto_deposit"].due == dt.date(2026, 3, 7)
    assert found["akto_deposit"].safe_date == dt.date(2026, 3, 6)


def test_cpi_decision_twenty_days_silence_accepted(rules):
    """Code du travail D.6325-2: the OPCO decides within 20 days; silence = accepted."""
    found = deadlines(rules, plan())
    assert found["akto_decision"].due == dt.date(2026, 3, 27)
    assert found["akto_decision"].silence == "accepted"
    actual = deadlines(rules, plan(), deposit_date=dt.date(2026, 3, 4))
    assert actual["akto_decision"].due == dt.date(2026, 3, 24)


@pytest.mark.parametrize(
    ("departement", "safe"), [("75", dt.date(2026, 4, 3)), ("57", dt.date(2026, 4, 2))]
)
def test_good_friday_in_alsace_moselle(rules, departement, safe):
    """003 — fiche CPI; D.6325-1: due Fri 3 Apr 2026 (Good Friday: a holiday only in 57/67/68)."""
    p = plan(contract_start=dt.date(2026, 3, 29), contract_end=dt.date(2027, 3, 28))
    found = deadlines(rules, p, departement)
    assert found["akto_deposit"].due == dt.date(2026, 4, 3)
    assert found["akto_deposit"].safe_date == safe


@pytest.mark.parametrize(
    ("departement", "safe"), [("75", dt.date(2025, 12, 26)), ("67", dt.date(2025, 12, 24))]
)
def test_saint_stephen_in_alsace(rules, departement, safe):
    """003 — fiche CPI; D.6325-1: due Fri 26 Dec 2025 (a holiday in Alsace-Moselle only)."""
    p = plan(contract_start=dt.date(2025, 12, 21), contract_end=dt.date(2026, 12, 20))
    assert deadlines(rules, p, departement)["akto_deposit"].safe_date == safe


def test_overseas_holiday(rules):
    """003 — fiche CPI: due Wed 27 May 2026, abolition of slavery day in Guadeloupe (971)."""
    p = plan(contract_start=dt.date(2026, 5, 22), contract_end=dt.date(2027, 5, 21))
    assert deadlines(rules, p, "75")["akto_deposit"].safe_date == dt.date(2026, 5, 27)
    assert deadlines(rules, p, "971")["akto_deposit"].safe_date == dt.date(2026, 5, 26)


@pytest.mark.parametrize(
    ("departement", "due", "safe"),
    [
        ("75", dt.date(2026, 12, 29), dt.date(2026, 12, 29)),
        ("68", dt.date(2026, 12, 30), dt.date(2026, 12, 30)),
    ],
)
def test_cai_deposit_five_working_days(rules, departement, due, safe):
    """003 — fiche CAI; D.6224-1: 5 jours ouvrables (Saturday counts, 25 Dec and, in Alsace,
    26 Dec do not)."""
    p = plan(
        "CAI",
        contract_start=dt.date(2026, 12, 22),
        contract_end=dt.date(2027, 12, 21),
        training_hours=D("500"),
    )
    found = deadlines(rules, p, departement)
    assert (found["akto_deposit"].due, found["akto_deposit"].safe_date) == (due, safe)
    assert found["akto_decision"].silence == "refused"


def test_car_request_due_on_training_start(rules):
    """003 — fiche CAR: « Faire parvenir sa demande à AKTO (maxi au démarrage de la formation) »."""
    p = plan(
        "CAR",
        worker=worker(publics={"AT_MP"}),
        training_start=dt.date(2026, 3, 7),
        training_end=dt.date(2026, 11, 30),
    )
    found = deadlines(rules, p)
    assert found["akto_deposit"].due == dt.date(2026, 3, 7)
    assert found["akto_deposit"].safe_date == dt.date(2026, 3, 6)
    assert "akto_decision" not in found
    assert found["mission_obligation"].due == dt.date(2027, 2, 28)


def test_cipi_reservation_before_start_and_missions_within_contract(rules):
    """003 — fiche CIPI: funds reserved beforehand; missions inside the contract."""
    p = plan(
        "CIPI",
        worker=worker(publics={"RSA"}),
        contract_end=dt.date(2026, 6, 30),
        contract_hours=D("300"),
        training_hours=D("200"),
    )
    found = deadlines(rules, p)
    assert found["fund_reservation"].due == dt.date(2026, 3, 1)
    assert found["fund_reservation"].safe_date == dt.date(2026, 2, 27)
    assert found["mission_obligation"].due == dt.date(2026, 6, 30)
    assert "akto_deposit" not in found


def test_cdpi_mission_window_three_months_after_training(rules):
    """003 — fiche CDPI: 1/3 of the training hours within 3 months after the training ends."""
    p = plan("CDPI", training_end=dt.date(2026, 9, 30), contract_end=dt.date(2026, 12, 31))
    found = deadlines(rules, p)
    assert found["mission_obligation"].due == dt.date(2026, 12, 30)
    assert found["mission_obligation"].safe_date == dt.date(2026, 12, 30)
