"""The case worker's admin: scoping by agency, transition buttons, step forms, history."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.choices import DossierState, Role
from cases.models import Dossier
from cases.reference import load_document_requirements
from tests.factories import AgencyFactory, DossierFactory, UserFactory, WorkerFactory

PASSWORD = "motdepasse-de-test-42"


@pytest.fixture
def two_agencies(db):
    load_document_requirements()
    mine, other = AgencyFactory(), AgencyFactory()
    user = UserFactory(role=Role.CASE_WORKER, agencies=[mine])
    return user, mine, other


@pytest.fixture
def logged_in(client, two_agencies):
    user, _, _ = two_agencies
    client.force_login(user)
    return client


def change_url(dossier):
    return reverse("admin:cases_dossier_change", args=[dossier.pk])


def test_a_case_worker_sees_only_their_agencies_dossiers(logged_in, two_agencies):
    _, mine, other = two_agencies
    own = DossierFactory(agency=mine, worker__last_name="Visible")
    foreign = DossierFactory(agency=other, worker__last_name="Cache")
    page = logged_in.get(reverse("admin:cases_dossier_changelist"))
    assert page.status_code == 200
    assert "VISIBLE" in page.content.decode()
    assert "CACHE" not in page.content.decode()
    assert logged_in.get(change_url(own)).status_code == 200
    # Another agency's dossier, opened by URL: the admin answers as if it did not exist.
    response = logged_in.get(change_url(foreign), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert (
        "n’existe pas" in response.content.decode() or "n'existe pas" in response.content.decode()
    )


def test_a_case_worker_cannot_move_another_agencys_dossier(logged_in, two_agencies):
    _, _, other = two_agencies
    foreign = DossierFactory(agency=other, provide_documents=True)
    url = reverse("admin:cases_dossier_transition", args=[foreign.pk, "cancel"])
    logged_in.post(url, {"cancellation_reason": "error", "comment": "Tentative."})
    foreign.refresh_from_db()
    assert foreign.state == DossierState.DRAFT


def test_workers_and_their_health_data_are_scoped(client, two_agencies):
    user, mine, other = two_agencies
    WorkerFactory(agency=mine, last_name="Proche")
    WorkerFactory(agency=other, last_name="Lointain")
    client.force_login(user)
    page = client.get(reverse("admin:cases_worker_changelist")).content.decode()
    assert "PROCHE" in page and "LOINTAIN" not in page
    training_manager = UserFactory(role=Role.TRAINING_MANAGER, agencies=[mine])
    worker = WorkerFactory(agency=mine)
    client.force_login(training_manager)
    form = client.get(reverse("admin:cases_worker_change", args=[worker.pk])).content.decode()
    assert "fitness_status" not in form and "at_mp" not in form
    client.force_login(user)
    form = client.get(reverse("admin:cases_worker_change", args=[worker.pk])).content.decode()
    assert "fitness_status" in form


def test_the_page_offers_only_the_steps_the_user_may_run_now(logged_in, two_agencies):
    _, mine, _ = two_agencies
    dossier = DossierFactory(cpi=True, agency=mine)
    page = logged_in.get(change_url(dossier)).content.decode()
    assert 'value="submit"' in page and "Déposer à l&#x27;AKTO" in page
    assert 'value="request_funds"' in page
    assert 'value="cancel"' in page
    assert 'value="accept"' not in page and 'value="close"' not in page


def test_a_step_with_a_form_records_its_data_and_the_event(logged_in, two_agencies):
    user, mine, _ = two_agencies
    dossier = DossierFactory(cpi=True, agency=mine, provide_documents=True)
    url = reverse("admin:cases_dossier_transition", args=[dossier.pk, "submit"])
    form_page = logged_in.get(url)
    assert form_page.status_code == 200
    assert (
        "Date de dépôt à l’AKTO" in form_page.content.decode()
        or "dépôt" in form_page.content.decode()
    )
    response = logged_in.post(
        url,
        {"deposit_date": "04/03/2026", "akto_reference": "AKTO-77", "expected_state": "draft"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.deposit_date == dt.date(2026, 3, 4)
    event = dossier.events.get(transition="submit")
    assert event.actor == user
    history = logged_in.get(change_url(dossier)).content.decode()
    assert "Déposé à l&#x27;AKTO" in history


def test_a_step_form_refuses_bad_input_in_french_and_changes_nothing(logged_in, two_agencies):
    _, mine, _ = two_agencies
    dossier = DossierFactory(cpi=True, agency=mine, provide_documents=True)
    url = reverse("admin:cases_dossier_transition", args=[dossier.pk, "submit"])
    response = logged_in.post(url, {"deposit_date": "32/13/2026", "akto_reference": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saisissez une date valide." in page
    assert "Ce champ est obligatoire." in page
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT and not dossier.events.exists()


def test_a_blocked_step_says_why(logged_in, two_agencies):
    _, mine, _ = two_agencies
    dossier = DossierFactory(cpi=True, agency=mine)  # no documents received
    url = reverse("admin:cases_dossier_transition", args=[dossier.pk, "submit"])
    response = logged_in.post(
        url, {"deposit_date": "04/03/2026", "akto_reference": "AKTO-1"}, follow=True
    )
    assert "Pièce manquante pour cette étape : CERFA signé." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_a_step_on_a_dossier_that_moved_meanwhile_is_refused(logged_in, two_agencies):
    _, mine, _ = two_agencies
    dossier = DossierFactory(cpi=True, agency=mine, state=DossierState.SUBMITTED)
    url = reverse("admin:cases_dossier_transition", args=[dossier.pk, "cancel"])
    response = logged_in.post(
        url,
        {"cancellation_reason": "error", "comment": "Doublon.", "expected_state": "draft"},
        follow=True,
    )
    assert "modifié entre-temps" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == DossierState.SUBMITTED


def test_a_button_without_form_runs_the_step(logged_in, two_agencies):
    _, mine, _ = two_agencies
    dossier = DossierFactory(cpi=True, agency=mine, state=DossierState.REFUSED)
    page = logged_in.get(change_url(dossier))
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "contract_start": "02/03/2026",
            "contract_end": "01/03/2027",
            "training_start": "02/03/2026",
            "training_end": "15/02/2027",
            "_fsm_transition_to": "amend",
            "_fsm_expected_state": "refused",
        }
    )
    for prefix in ("missions", "documents", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    logged_in.post(change_url(dossier), data)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_an_unknown_step_is_a_404_not_a_crash(logged_in, two_agencies):
    _, mine, _ = two_agencies
    dossier = DossierFactory(agency=mine)
    url = reverse("admin:cases_dossier_transition", args=[dossier.pk, "delete"])
    assert logged_in.get(url).status_code == 404


def test_a_cpne_reporter_sees_no_dossier(client, two_agencies):
    _, mine, _ = two_agencies
    reporter = UserFactory(role=Role.CPNE_REPORTER, agencies=[mine])
    DossierFactory(agency=mine)
    client.force_login(reporter)
    assert client.get(reverse("admin:cases_dossier_changelist")).status_code == 403


def test_the_fpett_advisor_sees_car_dossiers_only_and_records_the_opinion(client, db):
    load_document_requirements()
    advisor = UserFactory(role=Role.FPETT_ADVISOR)
    car = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
    cpi = DossierFactory(cpi=True)
    client.force_login(advisor)
    page = client.get(reverse("admin:cases_dossier_changelist")).content.decode()
    assert str(car.worker).split()[0] in page and str(cpi.worker).split()[0] not in page
    url = reverse("admin:cases_dossier_transition", args=[car.pk, "give_opinion"])
    data = {"opinion_date": "01/03/2026", "expected_state": "opinion_requested"}
    response = client.post(url, data)  # the opinion's document is missing: the form asks it
    assert "Pièce manquante pour cette étape : Avis du pôle reconversion FPE.TT." in (
        response.content.decode()
    )
    opinion = SimpleUploadedFile("avis.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    client.post(url, data | {"fpett_opinion": opinion})
    car.refresh_from_db()
    assert car.state == DossierState.OPINION_GIVEN
    assert car.documents.get(kind="fpett_opinion").uploaded_by == advisor
