"""Client companies and training providers filled from the company register, end to end: the
service (role, scope), the Celery task (eager, retries), the API action, the admin button and
the findings on the dossier. Recorded answers only (tests/registers/data)."""

import pytest
import requests
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse
from rest_framework.test import APIClient

from cases import tasks
from cases.choices import RegisterStatus, Role
from cases.exceptions import DossierForbidden
from cases.models import ClientCompany
from cases.registers.company_search import CompanySearchUnavailable
from cases.services import client_company_update, organisation_fill_from_siret
from cases.services import registers as register_services
from cases.workflow.checks import dossier_findings, transition_findings
from config.celery import app as celery_app
from tests.factories import (
    AgencyFactory,
    ClientCompanyFactory,
    DossierFactory,
    TrainingProviderFactory,
    UserFactory,
)
from tests.registers.conftest import ok

pytestmark = pytest.mark.django_db

OPEN, CLOSED = "41234567000019", "41234567000027"
QUALIOPI, NOT_QUALIOPI, UNKNOWN = "52345678800018", "63456789500012", "74567890400012"


@pytest.fixture
def eager():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def agency():
    return AgencyFactory()


@pytest.fixture
def case_worker(agency):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agency])


def _fill(record, by, capture):
    kind = "client_company" if isinstance(record, ClientCompany) else "training_provider"
    with capture(execute=True):
        organisation_fill_from_siret(kind=kind, record_id=record.pk, by=by)
    record.refresh_from_db()
    return record


# --- What is filled, what is never overwritten -----------------------------------------------


def test_an_open_company_fills_the_empty_fields_and_the_registers_facts(
    register, eager, case_worker, django_capture_on_commit_callbacks
):
    register(ok("client_open.json"))
    company = ClientCompanyFactory(siret=OPEN, name="Transports du Rhône", city="")
    company = _fill(company, case_worker, django_capture_on_commit_callbacks)
    assert company.register_status == RegisterStatus.DONE
    assert company.register_checked_at is not None and company.register_error == ""
    assert company.city == "LYON"  # empty: filled
    assert company.address == "12 RUE DE LA REPUBLIQUE 69002 LYON"
    assert (company.naf_code, company.idcc_list) == ("49.41A", ["0016"])
    assert company.establishment_closed is False
    # Typed « Transports du Rhône » and the register's « TRANSPORTS DU RHONE » differ by an
    # accent: the typed name stays, the register's is shown beside it.
    assert company.name == "Transports du Rhône"
    assert company.register_differences == {"name": "TRANSPORTS DU RHONE"}


def test_a_typed_value_equal_but_for_case_is_no_difference(
    register, eager, case_worker, django_capture_on_commit_callbacks
):
    register(ok("client_open.json"))
    company = ClientCompanyFactory(siret=OPEN, name="Transports  du rhone", city="Lyon")
    company = _fill(company, case_worker, django_capture_on_commit_callbacks)
    assert company.register_differences == {}
    assert (company.name, company.city) == ("Transports  du rhone", "Lyon")


def test_a_closed_establishment_is_recorded_with_its_date(
    register, eager, case_worker, django_capture_on_commit_callbacks
):
    register(ok("client_closed.json"))
    company = _fill(
        ClientCompanyFactory(siret=CLOSED), case_worker, django_capture_on_commit_callbacks
    )
    assert company.establishment_closed is True
    assert company.closed_on.isoformat() == "2025-06-30"


@pytest.mark.parametrize(
    ("answer", "siret", "qualiopi", "nda"),
    [
        ("provider_qualiopi.json", QUALIOPI, True, "84691234569"),
        ("provider_not_qualiopi.json", NOT_QUALIOPI, False, "84690000017"),
    ],
)
def test_a_provider_gets_its_declaration_and_qualiopi_state(
    register, eager, case_worker, django_capture_on_commit_callbacks, answer, siret, qualiopi, nda
):
    register(ok(answer))
    provider = TrainingProviderFactory(siret=siret, nda_number="")
    provider = _fill(provider, case_worker, django_capture_on_commit_callbacks)
    assert provider.qualiopi is qualiopi
    assert (provider.nda_number, provider.nda_numbers) == (nda, [nda])


def test_a_typed_nda_that_is_not_the_registers_is_kept_and_shown(
    register, eager, case_worker, django_capture_on_commit_callbacks
):
    register(ok("provider_qualiopi.json"))
    provider = TrainingProviderFactory(siret=QUALIOPI, nda_number="11755555575")
    provider = _fill(provider, case_worker, django_capture_on_commit_callbacks)
    assert provider.nda_number == "11755555575"
    assert provider.register_differences["nda_number"] == "84691234569"


def test_a_siret_the_register_does_not_know_is_not_retried(
    register, eager, case_worker, django_capture_on_commit_callbacks
):
    transport = register(ok("not_found.json"))
    company = ClientCompanyFactory(
        siret=UNKNOWN, establishment_closed=True, naf_code="49.41A", idcc_list=["0016"]
    )
    company = _fill(company, case_worker, django_capture_on_commit_callbacks)
    assert len(transport.requests) == 1
    assert company.register_status == RegisterStatus.NOT_FOUND
    assert "Aucun établissement ne porte le SIRET" in company.register_error
    # What was known no longer describes a known establishment.
    assert (company.establishment_closed, company.naf_code, company.idcc_list) == (None, "", [])


def test_changing_the_siret_forgets_what_the_register_said(case_worker):
    company = ClientCompanyFactory(
        siret=OPEN, establishment_closed=True, register_status=RegisterStatus.DONE
    )
    client_company_update(client_company_id=company.pk, by=case_worker, data={"siret": CLOSED})
    company.refresh_from_db()
    assert company.establishment_closed is None
    assert company.register_status == RegisterStatus.NEVER


# --- The task: retries with back-off on temporary failures, none on the others ---------------


def test_network_absent_is_retried_then_recorded_in_french(register, eager):
    transport = register(requests.ConnectionError("no route to host"))
    company = ClientCompanyFactory(siret=OPEN)
    result = tasks.fill_from_siret.apply(args=("client_company", company.pk))
    assert result.get() == RegisterStatus.FAILED
    assert len(transport.requests) == tasks.FILL_MAX_RETRIES + 1
    company.refresh_from_db()
    assert company.register_status == RegisterStatus.FAILED
    assert "injoignable (réseau absent" in company.register_error


@pytest.mark.parametrize(
    "first",
    [
        (429, {}, {"Retry-After": "1"}),
        (503, b"Service Unavailable", {}),
        (502, b"Bad Gateway", {}),
        requests.Timeout("read timed out"),
    ],
)
def test_a_temporary_failure_then_an_answer(register, eager, first):
    transport = register(first, ok("client_open.json"))
    company = ClientCompanyFactory(siret=OPEN)
    assert tasks.fill_from_siret.apply(args=("client_company", company.pk)).get() == "done"
    assert len(transport.requests) == 2
    company.refresh_from_db()
    assert (company.register_status, company.register_error) == (RegisterStatus.DONE, "")


def test_timeouts_every_time_end_as_a_failure_saying_so(register, eager):
    register(requests.Timeout("read timed out"))
    company = ClientCompanyFactory(siret=OPEN)
    tasks.fill_from_siret.apply(args=("client_company", company.pk))
    company.refresh_from_db()
    assert company.register_status == RegisterStatus.FAILED
    assert "n'a pas répondu à temps" in company.register_error


def test_the_back_off_grows_and_honours_retry_after():
    from_429 = CompanySearchUnavailable("x", retry_after=120)
    plain = CompanySearchUnavailable("x")
    delays = [tasks.fill_retry_delay(n, plain) for n in range(8)]
    assert delays[:4] == [10, 20, 40, 80]
    assert max(delays) == tasks.FILL_MAX_DELAY
    assert tasks.fill_retry_delay(0, from_429) == 120


def test_the_task_out_of_time_records_it(eager, monkeypatch):
    def too_long(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(register_services, "organisation_register_lookup", too_long)
    company = ClientCompanyFactory(siret=OPEN)
    tasks.fill_from_siret.apply(args=("client_company", company.pk))
    company.refresh_from_db()
    assert company.register_status == RegisterStatus.FAILED
    assert company.register_error == tasks.FILL_TIMED_OUT


def test_a_record_deleted_before_its_lookup_is_left_alone(register, eager):
    transport = register(ok("client_open.json"))
    company = ClientCompanyFactory(siret=OPEN)
    pk = company.pk
    company.delete()
    assert tasks.fill_from_siret.apply(args=("client_company", pk)).get() == "missing"
    assert transport.requests == []


# --- Who may ask (cases.permissions: f) ------------------------------------------------------


def test_the_request_queues_after_commit_and_nothing_runs_before(case_worker, register):
    transport = register(ok("client_open.json"))
    company = ClientCompanyFactory(siret=OPEN)
    organisation_fill_from_siret(kind="client_company", record_id=company.pk, by=case_worker)
    company.refresh_from_db()
    assert company.register_status == RegisterStatus.QUEUED
    assert transport.requests == []  # not on the request path


@pytest.mark.parametrize(
    ("role", "kind", "allowed"),
    [
        (Role.TRAINING_MANAGER, "client_company", False),
        (Role.TRAINING_MANAGER, "training_provider", True),
        (Role.FPETT_ADVISOR, "training_provider", False),
        (Role.CPNE_REPORTER, "client_company", False),
        (Role.AGENCY_MANAGER, "client_company", True),
        (Role.ADMINISTRATOR, "client_company", True),
    ],
)
def test_who_may_fill_from_the_register(agency, role, kind, allowed):
    user = UserFactory(role=role, agencies=[] if role == Role.ADMINISTRATOR else [agency])
    factory = ClientCompanyFactory if kind == "client_company" else TrainingProviderFactory
    record = factory()
    if allowed:
        organisation_fill_from_siret(kind=kind, record_id=record.pk, by=user)
        record.refresh_from_db()
        assert record.register_status == RegisterStatus.QUEUED
    else:
        with pytest.raises(DossierForbidden):
            organisation_fill_from_siret(kind=kind, record_id=record.pk, by=user)


# --- The API and the admin -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("/api/v1/client-companies/{}/fill-from-siret/", ClientCompanyFactory),
        ("/api/v1/training-providers/{}/fill-from-siret/", TrainingProviderFactory),
    ],
)
def test_the_api_answers_202_with_the_queued_state(case_worker, url, factory):
    record = factory()
    api = APIClient()
    api.force_authenticate(case_worker)
    answer = api.post(url.format(record.pk))
    assert answer.status_code == 202, answer.json()
    assert answer.json() == {
        "id": record.pk,
        "siret": record.siret,
        "register_status": "queued",
        "register_checked_at": None,
        "register_error": "",
    }
    assert api.post(url.format(999999)).status_code == 404


def test_the_api_refuses_a_training_manager_on_a_client_company(agency):
    api = APIClient()
    api.force_authenticate(UserFactory(role=Role.TRAINING_MANAGER, agencies=[agency]))
    company = ClientCompanyFactory()
    answer = api.post(f"/api/v1/client-companies/{company.pk}/fill-from-siret/")
    assert answer.status_code == 403
    assert "Votre rôle" in answer.json()["detail"]


def test_the_admin_button_queues_the_lookup_and_shows_the_flags(client, case_worker):
    provider = TrainingProviderFactory(
        siret=NOT_QUALIOPI, qualiopi=False, register_status=RegisterStatus.DONE
    )
    client.force_login(case_worker)
    page = client.get(reverse("admin:cases_trainingprovider_change", args=[provider.pk]))
    html = page.content.decode()
    assert "Compléter depuis le SIRET" in html
    assert "n&#x27;est pas certifié Qualiopi" in html and "L. 6316-1" in html
    url = reverse("admin:cases_trainingprovider_fill_from_siret", args=[provider.pk])
    answer = client.post(url, follow=True)
    assert "Recherche du SIRET lancée" in answer.content.decode()
    provider.refresh_from_db()
    assert provider.register_status == RegisterStatus.QUEUED


def test_no_button_for_a_role_that_may_not_fill(client, agency):
    client.force_login(UserFactory(role=Role.TRAINING_MANAGER, agencies=[agency]))
    company = ClientCompanyFactory()
    page = client.get(reverse("admin:cases_clientcompany_change", args=[company.pk]))
    assert page.status_code == 200
    assert "Compléter depuis le SIRET" not in page.content.decode()
    url = reverse("admin:cases_clientcompany_fill_from_siret", args=[company.pk])
    client.post(url)
    company.refresh_from_db()
    assert company.register_status == RegisterStatus.NEVER


# --- The flags in the dossier's findings ------------------------------------------------------


def _codes(findings):
    return {(f.code, f.severity) for f in findings}


def test_a_provider_without_qualiopi_blocks_the_filing_steps(agency):
    """Code du travail art. L. 6316-1: an OPCO funds certified providers only."""
    provider = TrainingProviderFactory(qualiopi=False)
    dossier = DossierFactory(cpi=True, agency=agency, training_provider=provider)
    findings = transition_findings(dossier, "submit")
    assert ("provider_not_qualiopi", "error") in _codes(findings)
    (finding,) = [f for f in findings if f.code == "provider_not_qualiopi"]
    assert "L. 6316-1" in finding.source
    assert ("provider_not_qualiopi", "error") in _codes(dossier_findings(dossier))


def test_a_certified_or_never_checked_provider_raises_nothing(agency):
    for qualiopi in (True, None):
        provider = TrainingProviderFactory(qualiopi=qualiopi)
        dossier = DossierFactory(cpi=True, agency=agency, training_provider=provider)
        codes = {f.code for f in transition_findings(dossier, "submit")}
        assert not codes & {"provider_not_qualiopi", "establishment_closed"}


def test_closed_establishments_provider_blocks_client_company_warns(agency):
    provider = TrainingProviderFactory(establishment_closed=True, qualiopi=True)
    company = ClientCompanyFactory(establishment_closed=True)
    dossier = DossierFactory(cpi=True, agency=agency, training_provider=provider)
    dossier.client_companies.add(company)
    found = [f for f in transition_findings(dossier, "submit") if f.code == "establishment_closed"]
    assert {(f.severity, f.field) for f in found} == {
        ("error", "training_provider"),
        ("warning", "client_companies"),
    }


def test_the_flags_are_not_asked_of_steps_that_file_nothing(agency):
    provider = TrainingProviderFactory(qualiopi=False)
    dossier = DossierFactory(cpi=True, agency=agency, training_provider=provider)
    assert "provider_not_qualiopi" not in {f.code for f in transition_findings(dossier, "cancel")}


def test_a_broker_out_of_service_is_said_on_the_record(
    case_worker, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.fill_from_siret, "delay", down)
    company = ClientCompanyFactory(siret=OPEN)
    company = _fill(company, case_worker, django_capture_on_commit_callbacks)
    assert company.register_status == RegisterStatus.FAILED
    assert company.register_error == register_services.BROKER_DOWN
