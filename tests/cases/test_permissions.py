"""Who may run which step (cases/permissions.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.choices import DossierState, Role
from cases.exceptions import DossierNotFound, TransitionForbidden
from cases.reference import load_document_requirements
from cases.services import dossier_run_transition
from tests.factories import AgencyFactory, DossierFactory, UserFactory

CANCEL = {"cancellation_reason": "error", "comment": "Erreur de saisie."}


@pytest.fixture(autouse=True)
def _reference(db):
    load_document_requirements()


def test_another_agencys_dossier_does_not_exist_for_a_case_worker():
    dossier = DossierFactory()
    stranger = UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()])
    with pytest.raises(DossierNotFound):
        dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=stranger, data=CANCEL)


def test_a_training_manager_runs_steps_of_permanent_staff_pro_a_only():
    pro_a = DossierFactory(pro_a_permanent=True)
    cpi = DossierFactory(cpi=True, agency=pro_a.agency)
    manager = UserFactory(role=Role.TRAINING_MANAGER, agencies=[pro_a.agency])
    dossier_run_transition(dossier_id=pro_a.pk, name="cancel", by=manager, data=CANCEL)
    with pytest.raises(TransitionForbidden, match="Votre rôle ne permet pas"):
        dossier_run_transition(dossier_id=cpi.pk, name="cancel", by=manager, data=CANCEL)
    cpi.refresh_from_db()
    assert cpi.state == DossierState.DRAFT


def test_the_fpett_advisor_records_the_opinion_and_nothing_else():
    advisor = UserFactory(role=Role.FPETT_ADVISOR)
    car = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
    dossier_run_transition(
        dossier_id=car.pk,
        name="give_opinion",
        by=advisor,
        data={"opinion_date": "2026-02-20"},
        files={"fpett_opinion": SimpleUploadedFile("avis.pdf", b"%PDF-1.4\n")},
    )
    with pytest.raises(TransitionForbidden):
        dossier_run_transition(dossier_id=car.pk, name="cancel", by=advisor, data=CANCEL)
    cpi = DossierFactory(cpi=True)
    with pytest.raises(DossierNotFound):
        dossier_run_transition(dossier_id=cpi.pk, name="cancel", by=advisor, data=CANCEL)


def test_a_cpne_reporter_moves_no_dossier():
    dossier = DossierFactory()
    reporter = UserFactory(role=Role.CPNE_REPORTER, agencies=[dossier.agency])
    with pytest.raises(DossierNotFound):
        dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=reporter, data=CANCEL)


def test_an_inactive_user_moves_nothing():
    dossier = DossierFactory()
    user = UserFactory(role=Role.AGENCY_MANAGER, agencies=[dossier.agency], is_active=False)
    with pytest.raises(DossierNotFound):
        dossier_run_transition(dossier_id=dossier.pk, name="cancel", by=user, data=CANCEL)


@pytest.mark.django_db
def test_scope_follows_a_membership_change_on_the_same_user_object():
    """agency_ids is read once per user object; adding or removing an agency clears it."""
    from cases.models import Dossier
    from cases.permissions import scope_dossiers
    from tests.factories import AgencyFactory, DossierFactory, UserFactory

    first, second = AgencyFactory(), AgencyFactory()
    user = UserFactory(agencies=[first])
    DossierFactory(agency=first)
    other = DossierFactory(agency=second)
    assert other not in scope_dossiers(Dossier.objects.all(), user)
    user.agencies.add(second)
    assert other in scope_dossiers(Dossier.objects.all(), user)
    user.agencies.remove(second)
    assert other not in scope_dossiers(Dossier.objects.all(), user)
