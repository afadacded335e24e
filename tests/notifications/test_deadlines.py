"""Deadline records follow the dossier (DOMAIN.md §3, deadlines table; §7 counting rules)."""

import datetime as dt
from decimal import Decimal

import pytest

from cases.choices import DeadlineKind, DeadlineStatus, DossierState
from cases.deadlines import deadlines_sync
from cases.models import Deadline
from cases.services import dossier_run_transition, mission_create
from notifications.models import Notification
from tests.factories import AgencyFactory, ClientCompanyFactory, DossierFactory
from tests.notifications.conftest import at

MONDAY = dt.date(2026, 3, 2)


def deadline(dossier, kind):
    return Deadline.objects.get(dossier=dossier, kind=kind)


def test_cpi_deposit_is_due_five_calendar_days_after_the_start(agency, case_worker):
    """003 fiche CPI; D.6325-1: at most 5 days after the start (calendar days)."""
    dossier = DossierFactory(
        cpi=True, agency=agency, case_worker=case_worker, contract_start=MONDAY
    )
    deadlines_sync(dossier, now=at("2026-03-02"))
    deposit = deadline(dossier, DeadlineKind.AKTO_DEPOSIT)
    assert deposit.due == dt.date(2026, 3, 7)  # a Saturday
    assert deposit.safe_date == dt.date(2026, 3, 6)  # the Friday before
    assert deposit.status == DeadlineStatus.OPEN
    assert "D.6325-1" in deposit.source or "003" in deposit.source
    assert deposit.rule_set is not None
    # The case worker hears of it at once, and only once.
    created = Notification.objects.get(recipient=case_worker, deadline=deposit)
    assert (created.kind, created.level) == ("created", "info")
    assert "06/03/2026" in created.message
    deadlines_sync(dossier, now=at("2026-03-02", 15))
    assert Notification.objects.filter(recipient=case_worker).count() == 1
    assert Deadline.objects.filter(dossier=dossier).count() == 1


def test_cai_deposit_counts_working_days_and_skips_public_holidays(agency, case_worker):
    """003 fiche CAI; D.6224-1: 5 jours ouvrables (Monday–Saturday, holidays excluded)."""
    start = dt.date(2026, 5, 4)  # Monday; Friday 8 May is a public holiday
    dossier = DossierFactory(cai=True, agency=agency, case_worker=case_worker, contract_start=start)
    deadlines_sync(dossier, now=at("2026-05-04"))
    deposit = deadline(dossier, DeadlineKind.AKTO_DEPOSIT)
    # Tue 5, Wed 6, Thu 7, (Fri 8 holiday), Sat 9, Mon 11.
    assert deposit.due == dt.date(2026, 5, 11)
    assert deposit.safe_date == dt.date(2026, 5, 11)


@pytest.mark.parametrize(
    ("departement", "safe"), [("75", dt.date(2026, 4, 3)), ("67", dt.date(2026, 4, 2))]
)
def test_safe_date_follows_the_agencys_public_holidays(db, departement, safe):
    """DOMAIN.md §3: safe date = last business day; Good Friday is a holiday in Alsace-Moselle only."""
    agency = AgencyFactory(departement=departement)
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=dt.date(2026, 3, 29))
    deadlines_sync(dossier, now=at("2026-03-29"))
    deposit = deadline(dossier, DeadlineKind.AKTO_DEPOSIT)
    assert deposit.due == dt.date(2026, 4, 3)
    assert deposit.safe_date == safe


def test_deposit_meets_the_deadline_and_opens_the_decision_one(agency, manager):
    """D.6325-2: AKTO decides within 20 days of the deposit; silence means accepted (CPI)."""
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY, provide_documents=True)
    deadlines_sync(dossier, now=at("2026-03-02"))
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="submit",
        by=manager,
        data={"deposit_date": "2026-03-04", "akto_reference": "AKTO-1"},
    )
    assert deadline(dossier, DeadlineKind.AKTO_DEPOSIT).status == DeadlineStatus.MET
    decision = deadline(dossier, DeadlineKind.AKTO_DECISION)
    assert decision.due == dt.date(2026, 3, 24)
    assert decision.silence == "accepted"


def test_cipi_and_cdpi_must_have_funds_reserved_before_the_start(agency, case_worker):
    """003 fiches CIPI, CDPI: « Demander la réservation de fonds en amont à AKTO »."""
    dossier = DossierFactory(cipi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-02-01"))
    reservation = deadline(dossier, DeadlineKind.FUND_RESERVATION)
    assert reservation.due == dt.date(2026, 3, 1)
    assert reservation.safe_date == dt.date(2026, 2, 27)  # Friday before Sunday 1 March
    assert not Deadline.objects.filter(dossier=dossier, kind=DeadlineKind.AKTO_DEPOSIT).exists()


def test_car_needs_the_fpett_opinion_before_the_request(agency):
    """003 fiche CAR: favourable FPE.TT opinion mandatory; request to AKTO by the training start."""
    dossier = DossierFactory(car=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-02-01"))
    opinion = deadline(dossier, DeadlineKind.FPETT_OPINION)
    assert opinion.due == MONDAY == deadline(dossier, DeadlineKind.AKTO_DEPOSIT).due


def test_cipi_mission_hours_meet_the_obligation(agency, manager):
    """003 fiche CIPI: at least 70 h of missions inside the contract."""
    dossier = DossierFactory(cipi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    obligation = deadline(dossier, DeadlineKind.MISSION_OBLIGATION)
    assert obligation.due == dossier.contract_end
    company = ClientCompanyFactory()
    mission = {
        "worker": dossier.worker,
        "dossier": dossier,
        "client_company": company,
        "start": dt.date(2026, 3, 16),
        "end": dt.date(2026, 3, 27),
        "hours": Decimal("69.99"),
    }
    mission_create(by=manager, data=mission)
    assert deadline(dossier, DeadlineKind.MISSION_OBLIGATION).status == DeadlineStatus.OPEN
    mission_create(
        by=manager,
        data={
            **mission,
            "start": dt.date(2026, 4, 1),
            "end": dt.date(2026, 4, 1),
            "hours": Decimal("0.01"),
        },
    )
    assert deadline(dossier, DeadlineKind.MISSION_OBLIGATION).status == DeadlineStatus.MET


def test_a_cancelled_dossier_has_no_open_deadline(agency, manager):
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="cancel",
        by=manager,
        data={"cancellation_reason": "abandonment", "comment": "Abandon."},
    )
    deposit = deadline(dossier, DeadlineKind.AKTO_DEPOSIT)
    # « Annulée », never « Levée »: only an agency manager waives (cases.waivers).
    assert deposit.status == DeadlineStatus.CANCELLED
    assert deposit.waiver_reason == "Dossier annulé."
    assert (deposit.waived_by, deposit.waived_at) == (None, None)


def test_corrected_dates_move_the_deadline(agency, manager):
    dossier = DossierFactory(cpi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    dossier.contract_start = dossier.training_start = dt.date(2026, 3, 9)
    dossier.save()
    deadlines_sync(dossier, now=at("2026-03-02"))
    assert deadline(dossier, DeadlineKind.AKTO_DEPOSIT).due == dt.date(2026, 3, 14)
    assert dossier.state == DossierState.DRAFT


def test_reimbursement_request_exists_only_when_the_rule_set_gives_its_delay(agency):
    """003 (CIPI, CDPI, CAR): reimbursement after the training; the delay is a parameter with
    no published value, so there is no deadline until an administrator sets one."""
    from cases.rules.in_force import rule_set_in_force

    dossier = DossierFactory(cipi=True, agency=agency, contract_start=MONDAY)
    deadlines_sync(dossier, now=at("2026-03-02"))
    assert not Deadline.objects.filter(dossier=dossier, kind="reimbursement_request").exists()
    rule_set = rule_set_in_force("CIPI", MONDAY)
    rule_set.parameters = {
        **rule_set.parameters,
        "reimbursement": {"days_after_training": 60, "source": "Décision du conseil FPE.TT"},
    }
    rule_set.save()
    deadlines_sync(dossier, now=at("2026-03-02"))
    request = deadline(dossier, DeadlineKind.REIMBURSEMENT_REQUEST)
    assert request.due == dossier.training_end + dt.timedelta(days=60)
    assert request.source == "Décision du conseil FPE.TT"
    dossier.reimbursement_requested_on = dt.date(2026, 5, 1)
    dossier.save()
    deadlines_sync(dossier, now=at("2026-05-01"))
    assert deadline(dossier, DeadlineKind.REIMBURSEMENT_REQUEST).status == DeadlineStatus.MET


def test_the_actual_training_end_moves_the_mission_obligation_deadline(
    agency, manager, freeze_today
):
    """003 fiche CDPI (« dans les 3 mois suivant la fin de formation »): recording the actual
    end (« Passer au suivi des missions », 15 Oct, before the planned 31 Oct) moves the
    obligation's deadline from 31 Jan 2027 to 15 Jan 2027."""
    freeze_today(dt.date(2026, 10, 20))
    dossier = DossierFactory(
        cdpi=True,
        agency=agency,
        state=DossierState.IN_TRAINING,
        contract_start=MONDAY,
        training_end=dt.date(2026, 10, 31),
        worker__other_agencies_branch_hours=Decimal("200"),
    )
    deadlines_sync(dossier)
    assert deadline(dossier, DeadlineKind.MISSION_OBLIGATION).due == dt.date(2027, 1, 31)
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="start_follow_up",
        by=manager,
        data={"training_ended_on": "2026-10-15"},
    )
    assert deadline(dossier, DeadlineKind.MISSION_OBLIGATION).due == dt.date(2027, 1, 15)
