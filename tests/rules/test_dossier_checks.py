"""Dossiers use the rules engine: a transition refuses to run while an error finding blocks it."""

import datetime as dt
from decimal import Decimal as D

import pytest

from cases.choices import Role
from cases.exceptions import TransitionBlocked
from cases.models import Dossier
from cases.services import dossier_run_transition
from cases.workflow import checks
from tests.factories import DossierFactory, MissionFactory, UserFactory


@pytest.fixture
def admin_user(db):
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture(autouse=True)
def _rules(rules):
    """Every test here runs with the reference rule sets loaded."""


def run(dossier, name, user, **data):
    return dossier_run_transition(dossier_id=dossier.pk, name=name, by=user, data=data)


def codes_of(dossier, name):
    return {f.code for f in checks.transition_findings(dossier, name)}


def test_submit_runs_when_the_plan_is_sound(admin_user):
    """003 — fiche CPI: the factory's CPI (12 months, 400 h, two tutors) may be submitted."""
    dossier = DossierFactory(cpi=True)
    run(dossier, "submit", admin_user, deposit_date="2026-03-05", akto_reference="AK-1")
    assert Dossier.objects.get(pk=dossier.pk).state == "submitted"


def test_submit_refused_below_150_hours(admin_user):
    """003 — fiche CPI: « Durée de la formation minimum 150h »; the dossier stays a draft."""
    dossier = DossierFactory(
        cpi=True,
        contract_end=dt.date(2026, 9, 1),
        planned_contract_hours=D("800"),
        planned_training_hours=D("149.99"),
    )
    with pytest.raises(TransitionBlocked) as raised:
        run(dossier, "submit", admin_user, deposit_date="2026-03-05", akto_reference="AK-1")
    assert "training_hours_below_minimum" in {f.code for f in raised.value.findings}
    assert Dossier.objects.get(pk=dossier.pk).state == "draft"


def test_cancel_is_never_blocked(admin_user):
    """DOMAIN.md §3: any non-final state → cancelled, whatever the dossier lacks."""
    dossier = DossierFactory(cpi=True, planned_training_hours=D("10"), eu_tutor="")
    assert checks.blocking_findings(dossier, "cancel") == []
    run(dossier, "cancel", admin_user, cancellation_reason="error", comment="Saisie en double")
    assert Dossier.objects.get(pk=dossier.pk).state == "cancelled"


def test_tutor_missing_blocks_submit(admin_user):
    """003 — fiche CPI: « Désignation d'un tuteur en agence d'emploi et en entreprise utilisatrice »."""
    dossier = DossierFactory(cpi=True, eu_tutor="")
    found = checks.blocking_findings(dossier, "submit")
    assert [(f.code, f.field) for f in found] == [("tutor_missing", "eu_tutor")]


def test_car_submit_needs_the_fpett_opinion(db):
    """003 — fiche CAR: the FPE.TT reconversion team validates eligibility before the request."""
    dossier = DossierFactory(
        car=True, state="opinion_given", worker__at_mp=True, eu_tutor="", opinion_date=None
    )
    assert "opinion_missing" in codes_of(dossier, "submit")
    dossier.opinion_date = dt.date(2026, 2, 20)
    assert "opinion_missing" not in codes_of(dossier, "submit")


def test_cipi_cannot_start_without_reserved_funds(db):
    """003 — fiche CIPI: « Demander la réservation de fonds en amont à AKTO »."""
    dossier = DossierFactory(
        cipi=True,
        state="funds_reserved",
        worker__rsa=True,
        planned_contract_hours=D("300"),
        funds_reserved_on=None,
    )
    assert "funds_not_reserved" in {
        f.code for f in checks.blocking_findings(dossier, "start_training")
    }
    dossier.funds_reserved_on = dt.date(2026, 2, 20)
    assert checks.blocking_findings(dossier, "start_training") == []


def test_cipi_plan_errors_block_the_reservation_request(db):
    """003 — fiche CIPI: 140–315 h in total; 90 days at 35 h/week is far beyond 315 h."""
    dossier = DossierFactory(cipi=True, worker__rsa=True, planned_contract_hours=None)
    assert "contract_hours_out_of_range" in codes_of(dossier, "request_funds")


def test_late_deposit_warns_but_does_not_block(admin_user):
    """003 — fiche CPI; D.6325-1: 5 days after the start; late is worth knowing, not blocking."""
    dossier = DossierFactory(cpi=True)
    dossier.deposit_date = dt.date(2026, 3, 9)
    found = {f.code: f for f in checks.transition_findings(dossier, "submit")}
    assert found["deposit_overdue"].severity == "warning"
    run(dossier, "submit", admin_user, deposit_date="2026-03-09", akto_reference="AK-2")


def test_no_rule_set_in_force_blocks(db):
    """001 art. 8: the Pro-A temp-worker accord is in force from 12 May 2021 only."""
    dossier = DossierFactory(
        pro_a_interim=True, contract_start=dt.date(2021, 1, 4), worker__employment="CDII"
    )
    assert "rule_set_missing" in codes_of(dossier, "submit")


def test_post_training_missions_checked_after_the_window(db):
    """003 — fiche CDPI: missions ≥ 1/3 of the training hours within 3 months after training."""
    dossier = DossierFactory(
        cdpi=True,
        state="mission_follow_up",
        worker__other_agencies_branch_hours=D("200"),
        training_end=dt.date(2026, 6, 30),
        planned_training_hours=D("300"),
    )
    assert "post_training_missions_insufficient" in codes_of(dossier, "request_reimbursement")
    MissionFactory(
        worker=dossier.worker,
        dossier=dossier,
        start=dt.date(2026, 7, 6),
        end=dt.date(2026, 8, 28),
        hours=D("100"),
    )
    assert "post_training_missions_insufficient" not in codes_of(dossier, "request_reimbursement")


def test_dossier_findings_show_plan_errors(db):
    """003 — fiche CPI « Pour qui ? »: a 30-year-old with no public code is not eligible."""
    dossier = DossierFactory(cpi=True, worker__birth_date=dt.date(1995, 1, 1))
    assert "public_not_eligible" in {f.code for f in checks.dossier_findings(dossier)}


def test_branch_seniority_counts_recorded_missions(db):
    """003 — fiche CDPI; DOMAIN.md §7: missions of the 12 months before the start + declared hours."""
    dossier = DossierFactory(
        cdpi=True, worker__career_change=False, worker__other_agencies_branch_hours=D("100")
    )
    assert "seniority_insufficient" in codes_of(dossier, "request_funds")
    MissionFactory(
        worker=dossier.worker, start=dt.date(2025, 3, 2), end=dt.date(2025, 3, 20), hours=D("50")
    )
    assert "seniority_insufficient" not in codes_of(dossier, "request_funds")


def test_plan_findings_point_at_dossier_fields(db):
    """003 — fiche CPI (150 h minimum): the finding names the dossier's own field."""
    dossier = DossierFactory(
        cpi=True,
        contract_end=dt.date(2026, 9, 1),
        planned_contract_hours=D("800"),
        planned_training_hours=D("149"),
        worker__birth_date=dt.date(1990, 1, 1),
    )
    fields = {f.code: f.field for f in checks.transition_findings(dossier, "submit")}
    assert fields["training_hours_below_minimum"] == "planned_training_hours"
    assert fields["public_not_eligible"] == "worker"


@pytest.mark.parametrize(
    ("dispositif", "state", "transition"),
    [
        ("car", "opinion_requested", "give_opinion"),
        ("cipi", "funds_requested", "reserve_funds"),
        ("cpi", "submitted", "accept"),
        ("cpi", "in_training", "start_follow_up"),
    ],
)
def test_recording_outside_decisions_is_not_blocked_by_plan_rules(
    db, dispositif, state, transition
):
    """DOMAIN.md §3: FPE.TT and AKTO decide; the dossier records what they decided."""
    dossier = DossierFactory(
        **{dispositif: True},
        state=state,
        worker__birth_date=dt.date(1980, 1, 1),
        worker__rsa=False,
        worker__at_mp=False,
        worker__fitness_status="",
    )
    assert "public_not_eligible" in codes_of(
        dossier, "request_funds" if dispositif == "cipi" else "submit"
    )
    assert not {f.code for f in checks.blocking_findings(dossier, transition)} & {
        "public_not_eligible",
        "age_out_of_range",
    }


def test_dossier_rules_report(db):
    """CPNE decision of 1 June 2021 (CDPI 14 €/h); 003 — fiche CDPI (reservation, missions)."""
    from cases.rules.plan_checks import dossier_rules_report

    dossier = DossierFactory(cdpi=True, worker__other_agencies_branch_hours=D("200"))
    report = dossier_rules_report(dossier)
    assert report["eligible"] is True
    assert report["funding"]["amount"] == "5600.00"
    assert [d["kind"] for d in report["deadlines"]] == ["fund_reservation", "mission_obligation"]
