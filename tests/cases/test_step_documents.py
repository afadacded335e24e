"""Steps that carry their documents, and the FPE.TT opinion as a real exchange (issue #17).

A step's form asks for the documents the step needs (`DocumentRequirement` of the dossier's
dispositif and the step, AFEST-aware: fixtures/document_requirements.json, 003 fact sheets)
and attaches them in the same transaction as the step: a refused step keeps no document and
leaves no file on disk. An unfavourable FPE.TT opinion stops the CAR (003, fiche CAR: the
favourable opinion is mandatory), with its reason shown; asking the opinion notifies the
FPE.TT advisors.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cases import services
from cases.choices import CancellationReason, DocumentKind, DocumentStatus, DossierState, Role
from cases.exceptions import TransitionBlocked, TransitionInvalid
from cases.models import Document
from cases.reference import load_document_requirements
from cases.workflow.checks import requirements_for
from cases.workflow.steps import STEPS
from cases.workflow.transitions import form_class
from notifications.models import Notification
from notifications.services.opinions import OPINION_REQUESTED, opinion_requests
from tests.factories import AgencyFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
CPI_SUBMIT = {"deposit_date": "2026-03-04", "akto_reference": "AKTO-2026-001"}
CPI_SUBMIT_KINDS = ("calendar", "cerfa", "mission_letter", "programme", "quote")


def pdf(name: str = "piece.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture(autouse=True)
def _requirements(db, freeze_today):
    load_document_requirements()
    freeze_today(dt.date(2027, 6, 1))  # after every planned date of the factories' dossiers


@pytest.fixture
def agency():
    return AgencyFactory(name="Agence Lyon")


@pytest.fixture
def worker_user(agency):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agency])


@pytest.fixture
def advisor():
    return UserFactory(role=Role.FPETT_ADVISOR, agencies=[], last_name="Garnier")


# --- The form asks what the declaration requires -----------------------------------------


@pytest.mark.parametrize("name", [n for n, s in STEPS.items() if s.dispositifs])
@pytest.mark.parametrize("afest", [False, True])
def test_each_step_form_asks_the_documents_the_requirements_name(name, afest):
    """Generated from the declaration × the reference data: one file field per kind."""
    for dispositif, states in sorted(STEPS[name].sources.items()):
        dossier = DossierFactory(dispositif=dispositif, state=sorted(states)[0], afest=afest)
        required = {r.kind for r in requirements_for(dossier, [name])}
        form = form_class(name)(instance=dossier)
        assert set(form.document_fields) == required, (name, dispositif)
        for kind in required:
            assert form.fields[kind].required
            assert str(form.fields[kind].label) == DocumentKind(kind).label


def test_afest_adds_its_protocol_to_the_deposit():
    plain = form_class("submit")(instance=DossierFactory(cpi=True))
    afest = form_class("submit")(instance=DossierFactory(cpi=True, afest=True))
    assert "afest_protocol" not in plain.fields
    assert "afest_protocol" in afest.fields


def test_a_document_already_received_is_optional_a_replacement():
    dossier = DossierFactory(cpi=True, provide_documents=True)
    form = form_class("submit")(instance=dossier)
    assert set(form.document_fields) == set(CPI_SUBMIT_KINDS)
    assert not any(form.fields[kind].required for kind in CPI_SUBMIT_KINDS)
    assert "remplacer" in form.fields["cerfa"].help_text


# --- The service attaches them in the step's transaction ---------------------------------


def test_the_step_attaches_its_documents_and_runs(worker_user, agency, settings):
    dossier = DossierFactory(cpi=True, agency=agency)
    files = {kind: pdf(f"{kind}.pdf") for kind in CPI_SUBMIT_KINDS}
    services.dossier_run_transition(
        dossier_id=dossier.pk, name="submit", by=worker_user, data=CPI_SUBMIT, files=files
    )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    documents = Document.objects.filter(dossier=dossier)
    assert sorted(d.kind for d in documents) == sorted(CPI_SUBMIT_KINDS)
    assert all(d.status == DocumentStatus.RECEIVED and d.file for d in documents)
    assert all(d.uploaded_by == worker_user for d in documents)
    step = dossier.events.get(transition="submit")
    assert step.data["documents"] == sorted(CPI_SUBMIT_KINDS)
    assert dossier.events.filter(kind="document").count() == len(CPI_SUBMIT_KINDS)
    assert len(stored_files(settings)) == len(CPI_SUBMIT_KINDS)


def test_a_missing_document_is_a_french_error_naming_it(worker_user, agency, settings):
    dossier = DossierFactory(cpi=True, agency=agency)
    files = {"cerfa": pdf()}
    with pytest.raises(TransitionInvalid) as refused:
        services.dossier_run_transition(
            dossier_id=dossier.pk, name="submit", by=worker_user, data=CPI_SUBMIT, files=files
        )
    assert refused.value.errors["quote"] == [
        "Pièce manquante pour cette étape : Devis de l'organisme de formation. Joignez le fichier."
    ]
    assert "cerfa" not in refused.value.errors
    assert not Document.objects.filter(dossier=dossier).exists()
    assert stored_files(settings) == set()


def test_a_bad_file_is_refused_by_the_upload_checks(worker_user, agency, settings):
    dossier = DossierFactory(cpi=True, agency=agency)
    files = {kind: pdf(f"{kind}.pdf") for kind in CPI_SUBMIT_KINDS}
    files["cerfa"] = pdf("cerfa.pdf", HTML)
    with pytest.raises(TransitionInvalid) as refused:
        services.dossier_run_transition(
            dossier_id=dossier.pk, name="submit", by=worker_user, data=CPI_SUBMIT, files=files
        )
    assert "ne correspond pas à son extension" in refused.value.errors["cerfa"][0]
    assert not Document.objects.filter(dossier=dossier).exists()
    assert stored_files(settings) == set()


def test_a_refused_step_keeps_no_document_and_no_file(worker_user, agency, settings, freeze_today):
    """The documents are stored, then a blocking finding refuses the step: all rolled back,
    and the files removed from disk (cases.uploads.stored_files_delete_on_failure)."""
    dossier = DossierFactory(cdpi=True, agency=agency, state=DossierState.FUNDS_RESERVED)
    # Today the contract has begun, not the training planned ten days later: the guard
    # « training_not_started » refuses the step once the documents are stored.
    dossier.training_start = dossier.contract_start + dt.timedelta(days=10)
    dossier.save()
    freeze_today(dossier.contract_start + dt.timedelta(days=5))
    started = (dossier.contract_start + dt.timedelta(days=1)).isoformat()
    with pytest.raises(TransitionBlocked) as refused:
        services.dossier_run_transition(
            dossier_id=dossier.pk,
            name="start_training",
            by=worker_user,
            data={"training_started_on": started},
            files={"mission_letter": pdf()},
        )
    assert "training_not_started" in {f.code for f in refused.value.findings}
    dossier.refresh_from_db()
    assert dossier.state == DossierState.FUNDS_RESERVED
    assert not Document.objects.filter(dossier=dossier).exists()
    assert stored_files(settings) == set()


def test_a_file_the_step_does_not_ask_is_refused(worker_user, agency):
    dossier = DossierFactory(cpi=True, agency=agency)
    files = {kind: pdf(f"{kind}.pdf") for kind in CPI_SUBMIT_KINDS} | {"fpett_opinion": pdf()}
    with pytest.raises(TransitionInvalid) as refused:
        services.dossier_run_transition(
            dossier_id=dossier.pk, name="submit", by=worker_user, data=CPI_SUBMIT, files=files
        )
    assert refused.value.errors["fpett_opinion"] == [
        "Cette étape ne demande pas cette pièce : Avis du pôle reconversion FPE.TT."
    ]
    assert not Document.objects.filter(dossier=dossier).exists()


def test_a_replacement_updates_the_document_and_removes_the_old_file(
    worker_user, agency, settings, django_capture_on_commit_callbacks
):
    dossier = DossierFactory(cpi=True, agency=agency, provide_documents=True)
    old = Document.objects.get(dossier=dossier, kind="cerfa")
    old.file = pdf("ancien.pdf")
    old.save()
    old_name = old.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_run_transition(
            dossier_id=dossier.pk,
            name="submit",
            by=worker_user,
            data=CPI_SUBMIT,
            files={"cerfa": pdf("nouveau.pdf")},
        )
    old.refresh_from_db()
    assert old.file.name != old_name and "nouveau" in old.file.name
    assert Document.objects.filter(dossier=dossier, kind="cerfa").count() == 1
    assert old_name not in stored_files(settings)


# --- The FPE.TT opinion --------------------------------------------------------------------


def test_the_advisor_gives_the_favourable_opinion_with_its_document(advisor):
    car = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
    with pytest.raises(TransitionInvalid) as refused:
        services.dossier_run_transition(
            dossier_id=car.pk, name="give_opinion", by=advisor, data={"opinion_date": "2027-05-20"}
        )
    assert "fpett_opinion" in refused.value.errors
    services.dossier_run_transition(
        dossier_id=car.pk,
        name="give_opinion",
        by=advisor,
        data={"opinion_date": "2027-05-20", "comment": "Parcours cohérent."},
        files={"fpett_opinion": pdf("avis.pdf")},
    )
    car.refresh_from_db()
    assert car.state == DossierState.OPINION_GIVEN
    opinion = car.documents.get(kind="fpett_opinion")
    assert opinion.uploaded_by == advisor and opinion.is_provided
    assert car.events.get(transition="give_opinion").comment == "Parcours cohérent."


def test_an_unfavourable_opinion_stops_the_car_with_its_reason(advisor, client_for_api):
    car = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
    with pytest.raises(TransitionInvalid) as refused:
        services.dossier_run_transition(
            dossier_id=car.pk,
            name="refuse_opinion",
            by=advisor,
            data={"opinion_date": "2027-05-20"},
            files={"fpett_opinion": pdf()},
        )
    assert "comment" in refused.value.errors  # the reason is required
    reason = "Le projet ne correspond pas à une reconversion."
    services.dossier_run_transition(
        dossier_id=car.pk,
        name="refuse_opinion",
        by=advisor,
        data={"opinion_date": "2027-05-20", "comment": reason},
        files={"fpett_opinion": pdf("avis.pdf")},
    )
    car.refresh_from_db()
    assert car.state == DossierState.CANCELLED
    assert car.cancellation_reason == CancellationReason.FPETT_UNFAVOURABLE
    assert car.opinion_date.isoformat() == "2027-05-20"
    assert car.documents.get(kind="fpett_opinion").is_provided
    event = car.events.get(transition="refuse_opinion")
    assert (event.to_state, event.comment) == (DossierState.CANCELLED, reason)
    # Shown in the API (detail and history) …
    api = client_for_api(advisor)
    body = api.get(f"/api/v1/dossiers/{car.pk}/").json()
    assert body["cancellation_reason"] == "fpett_unfavourable"
    assert body["stop_reason"] == f"Avis FPE.TT défavorable : {reason}"
    history = api.get(f"/api/v1/dossiers/{car.pk}/events/").json()
    assert any(e["comment"] == reason for e in history)


def test_the_dossier_page_shows_the_reason_of_the_stop(client, advisor):
    car = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
    reason = "Le projet ne correspond pas à une reconversion."
    services.dossier_run_transition(
        dossier_id=car.pk,
        name="refuse_opinion",
        by=advisor,
        data={"opinion_date": "2027-05-20", "comment": reason},
        files={"fpett_opinion": pdf()},
    )
    client.force_login(advisor)
    html = client.get(reverse("admin:cases_dossier_change", args=[car.pk])).content.decode()
    assert "Motif de l&#x27;arrêt" in html or "Motif de l'arrêt" in html
    assert f"Avis FPE.TT défavorable : {reason}" in html.replace("&#x27;", "'")


def test_the_advisor_attaches_only_the_opinion(advisor):
    """The role table: an FPE.TT advisor adds the opinion, nothing else (cases.permissions)."""
    car = DossierFactory(car=True, state=DossierState.OPINION_REQUESTED)
    with pytest.raises(TransitionInvalid):
        services.dossier_run_transition(
            dossier_id=car.pk,
            name="give_opinion",
            by=advisor,
            data={"opinion_date": "2027-05-20"},
            files={"fpett_opinion": pdf(), "cerfa": pdf()},
        )
    assert not car.documents.exists()


# --- The notice « avis demandé » ------------------------------------------------------------


def test_asking_the_opinion_notifies_every_fpett_advisor(worker_user, agency, advisor):
    other_advisor = UserFactory(role=Role.FPETT_ADVISOR, agencies=[])
    UserFactory(role=Role.FPETT_ADVISOR, agencies=[], is_active=False)
    first = DossierFactory(car=True, agency=agency, provide_documents=True)
    second = DossierFactory(car=True, agency=agency, provide_documents=True)
    for car in (first, second):
        services.dossier_run_transition(dossier_id=car.pk, name="request_opinion", by=worker_user)
    notices = Notification.objects.filter(kind=OPINION_REQUESTED)
    assert {n.recipient for n in notices} == {advisor, other_advisor}
    notice = notices.filter(recipient=advisor, dossier=first).get()
    assert notice.message.startswith(f"Avis demandé : dossier CAR n° {first.pk}")
    assert "Enregistrer l'avis défavorable" in notice.message
    # The advisor's desk: opinions asked, oldest first, until given.
    assert [n.dossier for n in opinion_requests(advisor)] == [first, second]
    services.dossier_run_transition(
        dossier_id=first.pk,
        name="give_opinion",
        by=advisor,
        data={"opinion_date": "2027-05-20"},
        files={"fpett_opinion": pdf()},
    )
    assert [n.dossier for n in opinion_requests(advisor)] == [second]


def test_a_refused_request_sends_no_notice(worker_user, agency, advisor):
    car = DossierFactory(car=True, agency=agency)  # no programme, quote, calendar
    with pytest.raises(TransitionInvalid):
        services.dossier_run_transition(dossier_id=car.pk, name="request_opinion", by=worker_user)
    assert not Notification.objects.filter(kind=OPINION_REQUESTED).exists()


# --- The admin's step page and the API ------------------------------------------------------


def test_the_admin_step_page_takes_the_files(client, worker_user, agency):
    dossier = DossierFactory(cpi=True, agency=agency)
    client.force_login(worker_user)
    page = client.get(reverse("admin:cases_dossier_change", args=[dossier.pk])).content.decode()
    # The missing documents do not grey the step: its form asks for them.
    submit = page[page.index('value="submit"') - 120 : page.index('value="submit"')]
    assert "disabled" not in submit
    assert "à joindre dans le formulaire de l'étape" in page
    url = reverse("admin:cases_dossier_transition", args=[dossier.pk, "submit"])
    form_page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form_page
    for kind in CPI_SUBMIT_KINDS:
        assert f'type="file" name="{kind}"' in form_page
    data = {"deposit_date": "04/03/2026", "akto_reference": "AKTO-1"}
    data |= {kind: pdf(f"{kind}.pdf") for kind in CPI_SUBMIT_KINDS}
    response = client.post(url, data, follow=True)
    assert "Étape « Déposer à l&#x27;AKTO » effectuée." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED
    assert dossier.documents.count() == len(CPI_SUBMIT_KINDS)


@pytest.fixture
def client_for_api():
    def make(user) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api

    return make


def test_the_api_takes_the_files_as_multipart(client_for_api, worker_user, agency, settings):
    dossier = DossierFactory(cpi=True, agency=agency)
    api = client_for_api(worker_user)
    listed = api.get(f"/api/v1/dossiers/{dossier.pk}/transitions/").json()
    submit = next(t for t in listed if t["name"] == "submit")
    files = {f["name"] for f in submit["fields"] if f["type"] == "file"}
    assert files == set(CPI_SUBMIT_KINDS)
    body = {"deposit_date": "2026-03-04", "akto_reference": "AKTO-1"}
    body |= {kind: pdf(f"{kind}.pdf") for kind in CPI_SUBMIT_KINDS}
    response = api.post(
        f"/api/v1/dossiers/{dossier.pk}/transitions/submit/", body, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "submitted"
    assert len(stored_files(settings)) == len(CPI_SUBMIT_KINDS)


def test_the_api_refuses_a_bad_file_and_keeps_nothing(
    client_for_api, worker_user, agency, settings
):
    dossier = DossierFactory(cpi=True, agency=agency)
    body = {"deposit_date": "2026-03-04", "akto_reference": "AKTO-1"}
    body |= {kind: pdf(f"{kind}.pdf") for kind in CPI_SUBMIT_KINDS}
    body["quote"] = pdf("devis.pdf", HTML)
    response = client_for_api(worker_user).post(
        f"/api/v1/dossiers/{dossier.pk}/transitions/submit/", body, format="multipart"
    )
    assert response.status_code == 400
    assert "quote" in response.json()["errors"]
    assert stored_files(settings) == set()
    assert not dossier.documents.exists()


def test_the_schema_declares_the_multipart_body_with_every_kind(client_for_api, worker_user):
    schema = client_for_api(worker_user).get("/api/schema/", {"format": "json"}).json()
    post = schema["paths"]["/api/v1/dossiers/{id}/transitions/{name}/"]["post"]
    content = post["requestBody"]["content"]
    assert set(content) == {"application/json", "multipart/form-data"}
    ref = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    for kind in DocumentKind.values:
        assert properties[kind]["format"] == "binary"
    json_ref = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert not set(DocumentKind.values) & set(
        schema["components"]["schemas"][json_ref]["properties"]
    )
