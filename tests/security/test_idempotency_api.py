"""Promise: a POST to the API sent again with the same `Idempotency-Key` is processed once.

The first answer is replayed to a retry with the same key, method, path and body; another body
is a 422, a retry while the first is in flight or after it failed uncertainly a 409, all in
the API's French error format. A unique constraint (user, key) decides between two requests
at once (PostgreSQL, threads)."""

import datetime as dt
import threading
import time
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections
from django.test.client import encode_multipart
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases import services
from cases.api.views import DossierViewSet
from cases.choices import Role
from cases.idempotency import idempotency_records_purge
from cases.models import Document, Dossier, IdempotencyKey
from cases.tasks import purge_idempotency
from config.api_docs import SchemaView
from tests.factories import ClientCompanyFactory, DossierFactory, UserFactory, WorkerFactory
from tests.security.conftest import postgresql_only

KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"
PDF = b"%PDF-1.4\n%test\n"


def api_for(user) -> APIClient:
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def dossier_payload(agency) -> dict:
    return {
        "dispositif": "CPI",
        "agency": agency.pk,
        "worker": WorkerFactory(agency=agency).pk,
        "contract_start": "2026-03-02",
        "contract_end": "2027-03-01",
        "training_start": "2026-03-02",
        "training_end": "2027-02-15",
        "planned_training_hours": "400.00",
        "certification_code": "RNCP34860",
        "client_companies": [ClientCompanyFactory().pk],
    }


def post(client, payload, key=KEY, path="/api/v1/dossiers/"):
    return client.post(path, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def api(case_worker):
    return api_for(case_worker)


@pytest.fixture
def payload(agency):
    return dossier_payload(agency)


def test_a_retried_post_creates_one_dossier_and_replays_the_answer(api, payload):
    first = post(api, payload)
    retry = post(api, payload)

    assert first.status_code == retry.status_code == 201, first.content
    assert retry.json() == first.json()
    assert retry["Content-Type"] == first["Content-Type"] == "application/json"
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 1


def test_without_a_key_a_retried_post_creates_two_dossiers(api, payload):
    """The control: what the header prevents."""
    api.post("/api/v1/dossiers/", payload, format="json")
    api.post("/api/v1/dossiers/", payload, format="json")
    assert Dossier.objects.count() == 2


def test_the_same_key_with_another_body_is_a_422_in_french(api, payload):
    assert post(api, payload).status_code == 201
    response = post(api, {**payload, "planned_training_hours": "450.00"})

    assert response.status_code == 422
    assert response.json() == {
        "detail": response.json()["detail"],
        "code": "idempotency_key_reused",
        "errors": {},
    }
    assert "déjà servi pour une autre requête" in response.json()["detail"]
    assert Dossier.objects.count() == 1


def test_the_same_key_on_another_address_is_a_422(api, payload, case_worker):
    assert post(api, payload).status_code == 201
    dossier = DossierFactory(agency=case_worker.agencies.first())
    response = post(api, {}, path=f"/api/v1/dossiers/{dossier.pk}/transitions/cancel/")
    assert response.status_code == 422


def test_the_errors_have_the_shape_of_every_other_api_error(api):
    reused = IdempotencyKey.objects.create(
        user=Token.objects.get().user, key=KEY, fingerprint="x", path="/", created=timezone.now()
    )
    not_found = api.get("/api/v1/dossiers/999999/")
    response = post(api, {})
    assert response.status_code == 422 and reused.pk
    assert set(response.json()) == set(not_found.json()) == {"detail", "code", "errors"}


def test_keys_belong_to_their_user(api, payload, agency):
    colleague = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    assert post(api, payload).status_code == 201
    response = post(api_for(colleague), payload)
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 2


def test_a_refused_request_frees_its_key(api, payload):
    """A 4xx wrote nothing: the same key may carry the corrected request."""
    refused = post(api, {**payload, "contract_end": "2025-01-01"})
    assert refused.status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert post(api, payload).status_code == 201
    assert Dossier.objects.count() == 1


def test_a_retry_while_the_first_is_in_flight_is_a_409(api, payload):
    assert post(api, payload).status_code == 201
    IdempotencyKey.objects.update(status_code=None)  # as while the first is being processed

    response = post(api, payload)

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_in_progress"
    assert "en cours de traitement" in response.json()["detail"]
    assert Dossier.objects.count() == 1


def test_a_retry_after_an_uncertain_failure_is_a_409_not_a_second_try(api, payload):
    """A 5xx or a process killed mid-request: maybe written, maybe not. Not tried again."""
    real_create = services.dossier_create

    def create_then_fail(**kwargs):
        real_create(**kwargs)
        raise RuntimeError("after the commit")

    api.raise_request_exception = False
    # The viewset holds its service (cases.api.views, EditableViewSet.create_service).
    with mock.patch.object(DossierViewSet, "create_service", staticmethod(create_then_fail)):
        assert post(api, payload).status_code == 500
    assert Dossier.objects.count() == 1

    retry = post(api, payload)
    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_key_interrupted"
    assert "vérifiez si l'opération a eu lieu" in retry.json()["detail"]

    # Same for a first request that never answered (its process was killed).
    IdempotencyKey.objects.update(status_code=None, created=timezone.now() - dt.timedelta(hours=1))
    assert post(api, payload).json()["code"] == "idempotency_key_interrupted"
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize("key", ["", "a b", "é", "x" * 256])
def test_a_malformed_key_is_a_400_in_french(api, payload, key):
    response = post(api, payload, key=key)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Dossier.objects.exists()


def test_a_quoted_key_is_the_same_key(api, payload):
    """The draft writes the key as a structured-field string: "…"."""
    assert post(api, payload, key=f'"{KEY}"').status_code == 201
    assert post(api, payload, key=KEY)["Idempotent-Replayed"] == "true"


def test_an_anonymous_request_with_a_key_is_refused_by_the_view(payload):
    response = post(APIClient(), payload)
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_a_session_request_is_replayed_only_with_its_csrf_token(case_worker, payload):
    """The replay skips the view, not its checks: the session still needs its CSRF token."""
    assert post(api_for(case_worker), payload).status_code == 201
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(case_worker)
    response = post(browser, payload)
    assert response.status_code == 403
    assert not response.has_header("Idempotent-Replayed")


def test_keys_expire_then_are_purged(api, payload, settings):
    assert post(api, payload).status_code == 201
    later = timezone.now() + dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        replayed = post(api, payload)  # an expired key is a new key
    assert replayed.status_code == 201 and not replayed.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 2

    IdempotencyKey.objects.update(created=timezone.now() - dt.timedelta(hours=25))
    live = IdempotencyKey.objects.create(
        user=Token.objects.get().user, key="live", fingerprint="x", path="/", created=timezone.now()
    )
    assert idempotency_records_purge()["idempotency_keys"] == 1
    assert list(IdempotencyKey.objects.all()) == [live]
    IdempotencyKey.objects.update(created=timezone.now() - dt.timedelta(hours=25))
    call_command("purge_idempotency")
    assert not IdempotencyKey.objects.exists()
    assert purge_idempotency.apply().get() == {"idempotency_keys": 0, "form_submissions": 0}


def _multipart(dossier_id: int, boundary: str, content: bytes) -> tuple[bytes, str]:
    body = encode_multipart(
        boundary,
        {"dossier": dossier_id, "kind": "cerfa", "file": SimpleUploadedFile("cerfa.pdf", content)},
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_an_upload_sent_again_with_a_new_boundary_is_stored_once(api, agency):
    """A client that encodes the upload again picks a new boundary: same request all the same.
    Larger than DATA_UPLOAD_MAX_MEMORY_SIZE (5 Mo), as real documents are."""
    dossier = DossierFactory(agency=agency)
    content = PDF + b"0" * (6 * 1024 * 1024)
    answers = []
    for boundary in ("first-boundary", "second-boundary"):
        body, content_type = _multipart(dossier.pk, boundary, content)
        answers.append(
            api.post(
                "/api/v1/documents/", body, content_type=content_type, HTTP_IDEMPOTENCY_KEY=KEY
            )
        )
    assert answers[0].status_code == 201, answers[0].content
    assert answers[1].json() == answers[0].json()
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert Document.objects.filter(dossier=dossier).count() == 1
    assert Document.objects.get(dossier=dossier).file.size == len(content)


def test_the_schema_documents_the_header_on_every_post():
    generator = SchemaView.generator_class(urlconf=SchemaView.urlconf, patterns=SchemaView.patterns)
    schema = generator.get_schema(request=None, public=SchemaView.serve_public)
    posts = [ops["post"] for ops in schema["paths"].values() if "post" in ops]
    assert len(posts) >= 5
    for operation in posts:
        names = [p["name"] for p in operation["parameters"] if p.get("in") == "header"]
        assert "Idempotency-Key" in names
        assert {"409", "422"} <= set(operation["responses"])
        success = next(r for code, r in operation["responses"].items() if code.startswith("2"))
        assert "Idempotent-Replayed" in success["headers"]


@postgresql_only
def test_two_requests_at_once_with_one_key_create_one_dossier(committed_db):
    """The unique constraint decides: the second request is told the first is in flight."""
    from tests.factories import AgencyFactory

    agency = AgencyFactory()
    user = UserFactory(role=Role.CASE_WORKER, agencies=[agency])
    payload = dossier_payload(agency)
    real_create = services.dossier_create
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def slow_create(**kwargs):
        time.sleep(1)  # the other request arrives meanwhile
        return real_create(**kwargs)

    def send(index: int) -> None:
        try:
            client = api_for(user)
            barrier.wait(timeout=10)
            answers[index] = post(client, payload)
        finally:
            connections.close_all()

    with mock.patch.object(services, "dossier_create", slow_create):
        threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201, 409], [a.content for a in answers]
    conflict = next(a for a in answers if a.status_code == 409)
    assert conflict.json()["code"] == "idempotency_key_in_progress"
    assert Dossier.objects.filter(agency=agency).count() == 1
    assert post(api_for(user), payload)["Idempotent-Replayed"] == "true"
