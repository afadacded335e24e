"""A deadline met after its due date is « respectée en retard » (DOMAIN.md §3, §14 of STYLE:
a state is a fact): the status follows the date of the fact that meets it."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from cases.choices import DeadlineKind, DeadlineStatus
from cases.deadlines import deadlines_sync
from cases.models import Deadline, Mission
from cases.rules.in_force import rule_set_in_force
from notifications.services.sweep import sweep
from tests.factories import DossierFactory, MissionFactory
from tests.notifications.conftest import at

MONDAY = dt.date(2026, 3, 2)
K, S = DeadlineKind, DeadlineStatus


def status(dossier, kind):
    return Deadline.objects.get(dossier=dossier, kind=kind).status


def record(dossier, now, **facts):
    for name, value in facts.items():
        setattr(dossier, name, value)
    dossier.save()
    deadlines_sync(dossier, now=at(now))


def test_met_late_has_its_french_label():
    assert S.MET_LATE.label == "Respectée en retard"


@pytest.mark.parametrize(
    ("deposit", "expected"),
    [(dt.date(2026, 3, 7), S.MET), (dt.date(2026, 3, 8), S.MET_LATE)],
)
def test_cpi_deposit_on_the_due_day_is_met_the_day_after_is_late(agency, deposit, expected):
    """003 fiche CPI; D.6325-1: due Sat 7 Mar (start + 5 days); the 8th is late."""
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    record(dossier, "2026-03-09", deposit_date=deposit)
    assert status(dossier, K.AKTO_DEPOSIT) == expected


def test_breached_then_deposited_late_is_met_late(agency):
    """D.6325-1: the sweep breaches the deposit on the 8th; a deposit on the 10th meets it late."""
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    sweep(now=at("2026-03-08"))
    assert status(dossier, K.AKTO_DEPOSIT) == S.BREACHED
    record(dossier, "2026-03-10", deposit_date=dt.date(2026, 3, 10))
    deposit = Deadline.objects.get(dossier=dossier, kind=K.AKTO_DEPOSIT)
    assert (deposit.status, deposit.breached_at is not None) == (S.MET_LATE, True)


def test_breached_then_a_deposit_dated_in_time_is_met(agency):
    """STYLE 14 (a state is a fact): a deposit made on the 6th but recorded after the sweep
    breached the deadline was made in time."""
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    sweep(now=at("2026-03-08"))
    record(dossier, "2026-03-10", deposit_date=dt.date(2026, 3, 6))
    assert status(dossier, K.AKTO_DEPOSIT) == S.MET


def test_a_corrected_fact_date_corrects_the_status(agency):
    """STYLE 14: the deposit date typed wrong (the 9th), then corrected (the 5th)."""
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY)
    record(dossier, "2026-03-09", deposit_date=dt.date(2026, 3, 9))
    assert status(dossier, K.AKTO_DEPOSIT) == S.MET_LATE
    record(dossier, "2026-03-09", deposit_date=dt.date(2026, 3, 5))
    assert status(dossier, K.AKTO_DEPOSIT) == S.MET


def test_akto_decision_after_twenty_days_is_late(agency):
    """D.6325-2: the decision is due 20 days after the deposit (4 Mar → 24 Mar)."""
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY)
    record(dossier, "2026-03-04", deposit_date=dt.date(2026, 3, 4))
    record(dossier, "2026-03-25", akto_decision_date=dt.date(2026, 3, 25))
    assert status(dossier, K.AKTO_DECISION) == S.MET_LATE


def test_akto_silence_decides_on_time_whatever_comes_later(agency):
    """D.6325-2: silence on the 24th means accepted; a letter dated the 28th changes nothing."""
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY)
    record(dossier, "2026-03-04", deposit_date=dt.date(2026, 3, 4))
    record(dossier, "2026-03-25", deemed_decision="accepted")
    record(dossier, "2026-03-30", akto_decision_date=dt.date(2026, 3, 28))
    assert status(dossier, K.AKTO_DECISION) == S.MET


@pytest.mark.parametrize(
    ("reserved_on", "expected"),
    [(dt.date(2026, 3, 1), S.MET), (dt.date(2026, 3, 2), S.MET_LATE)],
)
def test_cipi_funds_reserved_on_the_start_day_is_late(agency, reserved_on, expected):
    """003 fiche CIPI: funds reserved « en amont »: due the day before the start (1 Mar)."""
    dossier = DossierFactory(cipi=True, agency=agency, contract_start=MONDAY)
    record(dossier, "2026-03-02", funds_reserved_on=reserved_on)
    assert status(dossier, K.FUND_RESERVATION) == expected


def test_car_opinion_after_the_training_start_is_late(agency):
    """003 fiche CAR: favourable opinion before the request, due on the training start."""
    dossier = DossierFactory(car=True, agency=agency, contract_start=MONDAY)
    record(dossier, "2026-03-03", opinion_date=dt.date(2026, 3, 3))
    assert status(dossier, K.FPETT_OPINION) == S.MET_LATE


def test_reimbursement_requested_after_its_delay_is_late(agency):
    """003 (CIPI): reimbursement after the training; its delay is a parameter (here 60 days)."""
    rule_set = rule_set_in_force("CIPI", MONDAY)
    rule_set.parameters = {
        **rule_set.parameters,
        "reimbursement": {"days_after_training": 60, "source": "Décision FPE.TT (test)"},
    }
    rule_set.save()
    dossier = DossierFactory(cipi=True, agency=agency, contract_start=MONDAY)
    late = dossier.training_end + dt.timedelta(days=61)
    record(dossier, late.isoformat(), reimbursement_requested_on=late)
    assert status(dossier, K.REIMBURSEMENT_REQUEST) == S.MET_LATE


def test_mission_obligation_met_by_hours_inside_the_window_is_met_even_after_a_breach(agency):
    """003 fiche CIPI: hours worked inside the contract meet it, whenever they are recorded."""
    dossier = DossierFactory(cipi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    sweep(now=at((dossier.contract_end + dt.timedelta(days=1)).isoformat()))
    assert status(dossier, K.MISSION_OBLIGATION) == S.BREACHED
    MissionFactory(
        worker=dossier.worker,
        dossier=dossier,
        start=dt.date(2026, 4, 6),
        end=dt.date(2026, 4, 17),
        hours=Decimal("70"),
    )
    deadlines_sync(dossier, now=at("2026-06-15"))
    assert status(dossier, K.MISSION_OBLIGATION) == S.MET


def test_mission_obligation_reopens_when_its_hours_go(agency):
    """003 fiche CIPI: a deleted mission takes its hours away; the obligation is due again."""
    dossier = DossierFactory(cipi=True, agency=agency, contract_start=MONDAY)
    mission = MissionFactory(
        worker=dossier.worker,
        dossier=dossier,
        start=dt.date(2026, 4, 6),
        end=dt.date(2026, 4, 17),
        hours=Decimal("70"),
    )
    deadlines_sync(dossier, now=at("2026-04-20"))
    assert status(dossier, K.MISSION_OBLIGATION) == S.MET
    Mission.objects.filter(pk=mission.pk).delete()
    deadlines_sync(dossier, now=at("2026-04-21"))
    obligation = Deadline.objects.get(dossier=dossier, kind=K.MISSION_OBLIGATION)
    assert (obligation.status, obligation.met_at) == (S.OPEN, None)


def test_the_data_migration_marks_late_only_what_a_recorded_date_proves(agency):
    """Existing met deadlines: late where the fact date is after the due date; unchanged where
    it is unknown (a decision deemed by AKTO's silence, the mission obligation)."""
    migration = importlib.import_module("cases.migrations.0015_deadline_met_late_backfill")
    on_time = DossierFactory(cpi=True, agency=agency, deposit_date=dt.date(2026, 3, 7))
    late = DossierFactory(
        cpi=True,
        agency=agency,
        deposit_date=dt.date(2026, 3, 9),
        akto_decision_date=dt.date(2026, 4, 10),
    )
    deemed = DossierFactory(
        cpi=True,
        agency=agency,
        deposit_date=dt.date(2026, 3, 9),
        deemed_decision="accepted",
        akto_decision_date=dt.date(2026, 4, 10),
    )

    def met(dossier, kind, due):
        return Deadline.objects.create(
            dossier=dossier,
            kind=kind,
            label=kind,
            due=due,
            safe_date=due,
            source="test",
            status=S.MET,
        )

    rows = {
        "on_time": met(on_time, K.AKTO_DEPOSIT, dt.date(2026, 3, 7)),
        "late": met(late, K.AKTO_DEPOSIT, dt.date(2026, 3, 7)),
        "late_decision": met(late, K.AKTO_DECISION, dt.date(2026, 3, 29)),
        "deemed": met(deemed, K.AKTO_DECISION, dt.date(2026, 3, 29)),
        "mission": met(deemed, K.MISSION_OBLIGATION, dt.date(2026, 3, 1)),
    }
    migration.mark_late(apps, None)
    found = {name: Deadline.objects.get(pk=row.pk).status for name, row in rows.items()}
    assert found == {
        "on_time": S.MET,
        "late": S.MET_LATE,
        "late_decision": S.MET_LATE,
        "deemed": S.MET,
        "mission": S.MET,
    }
    migration.unmark_late(apps, None)
    assert set(Deadline.objects.values_list("status", flat=True)) == {S.MET}


def test_a_late_deposit_stays_visible_in_the_admin_and_the_api(agency, case_worker, client):
    """003 fiche CPI; D.6325-1: deposited on the 9th for a due date on the 7th."""
    dossier = DossierFactory(cpi=True, agency=agency, case_worker=case_worker)
    record(dossier, "2026-03-09", deposit_date=dt.date(2026, 3, 9))
    client.force_login(case_worker)
    page = client.get("/admin/cases/deadline/").content.decode()
    assert '<span class="deadline deadline-met_late">Respectée en retard</span>' in page
    body = client.get(f"/api/v1/deadlines/?dossier={dossier.pk}&status=met_late").json()
    assert [(d["kind"], d["status"]) for d in body["results"]] == [("akto_deposit", "met_late")]
