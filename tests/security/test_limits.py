"""Promise: the work one request can ask for is bounded, and each limit answers in French.

Limits (config/settings.py, README « Configuration »): DATA_UPLOAD_MAX_MEMORY_SIZE (a body
read whole, JSON included), DATA_UPLOAD_MAX_NUMBER_FIELDS, API_MAX_LIST_ITEMS (items of a list
in an API body), API_MAX_PAGE_SIZE, DOCUMENT_MAX_UPLOAD_SIZE (enforced while the file streams
in: nothing past it is stored) and UPLOAD_MAX_REQUEST_SIZE (from Content-Length, before a
byte is read).
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, ClientHandler, encode_multipart
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Document, Dossier
from cases.upload_limits import RefusedUpload, UploadRefused
from tests.factories import ClientCompanyFactory, DossierFactory, WorkerFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n"
LIMIT = 64 * 1024


@pytest.fixture
def token(case_worker) -> str:
    return Token.objects.create(user=case_worker).key


@pytest.fixture
def api(token):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# Lists and pages


def dossier_payload(agency, client_companies) -> dict:
    return {
        "dispositif": "CPI",
        "agency": agency.pk,
        "worker": WorkerFactory(agency=agency).pk,
        "contract_start": "2026-03-02",
        "contract_end": "2027-03-01",
        "planned_training_hours": "400.00",
        "client_companies": client_companies,
    }


def test_a_hundred_thousand_client_companies_are_refused_before_any_lookup(
    api, agency, django_assert_max_num_queries
):
    # Each id used to be looked up in turn: 16 s for 100 000 of them.
    payload = dossier_payload(agency, list(range(1, 100_001)))
    with django_assert_max_num_queries(15):
        response = api.post("/api/v1/dossiers/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["client_companies"] == [
        "Cette liste compte 100000 éléments : 50 au plus."
    ]
    assert not Dossier.objects.exists()


def test_the_list_limit_is_a_setting_and_a_list_within_it_is_accepted(api, agency, settings):
    settings.API_MAX_LIST_ITEMS = 3
    companies = [ClientCompanyFactory().pk for _ in range(4)]
    refused = api.post("/api/v1/dossiers/", dossier_payload(agency, companies), format="json")
    assert refused.status_code == 400
    assert "3 au plus" in refused.json()["errors"]["client_companies"][0]
    accepted = api.post("/api/v1/dossiers/", dossier_payload(agency, companies[:3]), format="json")
    assert accepted.status_code == 201, accepted.json()


def test_the_simulator_refuses_a_long_list_of_publics(api):
    data = {
        "dispositif": "CPI",
        "worker": {"birth_date": "2001-05-14", "employment": "CTT", "publics": ["RSA"] * 51},
        "plan": {"contract_start": "2026-03-02", "contract_end": "2027-03-01", "training_hours": 1},
    }
    response = api.post("/api/v1/rules/check", data, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["worker.publics"] == [
        "Cette liste compte 51 éléments : 50 au plus."
    ]


def test_the_schema_documents_the_list_limit(api):
    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"]
    assert schema["DossierRequest"]["properties"]["client_companies"]["maxItems"] == 50
    assert schema["WorkerInputRequest"]["properties"]["publics"]["maxItems"] == 50


def test_the_page_size_is_capped_by_its_setting(api, agency, settings):
    settings.API_MAX_PAGE_SIZE = 2
    for _ in range(3):
        WorkerFactory(agency=agency)
    response = api.get("/api/v1/workers/", {"page_size": 1000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2


def test_a_json_body_over_the_limit_is_refused_before_it_is_parsed(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"client_companies": list(range(5_000))}).encode()
    response = api.generic("POST", "/api/v1/dossiers/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "Le corps de la requête dépasse la taille maximale (9,8 Ko).",
        "code": "payload_too_large",
        "errors": {},
    }


# Uploads, stopped while they stream in


class SpyHandler(FileUploadHandler):
    """Sits after the size limit and before the storing handlers: counts what it lets by."""

    received: list[int] = []

    def receive_data_chunk(self, raw_data, start):
        SpyHandler.received.append(len(raw_data))
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def small_limits(settings, tmp_path):
    """A 64 KB document limit, files past 1 KB spooled to a temporary folder we can watch."""
    settings.DOCUMENT_MAX_UPLOAD_SIZE = LIMIT
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    settings.FILE_UPLOAD_HANDLERS = [
        "cases.upload_limits.SizeLimitedUploadHandler",
        "tests.security.test_limits.SpyHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    SpyHandler.received = []
    return tmp_path / "uploads"


class CountingInput:
    """A request body that counts the bytes the server reads from it."""

    def __init__(self, data: bytes):
        self.data = io.BytesIO(data)
        self.read_bytes = 0

    def read(self, size=-1):
        chunk = self.data.read(size)
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = self.data.readline(size)
        self.read_bytes += len(line)
        return line


def wsgi_post(path: str, body: bytes, *, content_length: int | None = None, **headers):
    """POST through Django's whole stack (middleware, URLconf, views) as a WSGI server would,
    with a body that counts what is read from it."""
    stream = CountingInput(body)
    environ = RequestFactory()._base_environ(
        PATH_INFO=path,
        REQUEST_METHOD="POST",
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body) if content_length is None else content_length),
        **{"wsgi.input": stream},
        **headers,
    )
    return ClientHandler(enforce_csrf_checks=False)(environ), stream


def upload_body(dossier, size: int) -> bytes:
    content = PDF + b"x" * (size - len(PDF))
    file = SimpleUploadedFile("gros.pdf", content, content_type="application/pdf")
    return encode_multipart(BOUNDARY, {"dossier": dossier.pk, "kind": "cerfa", "file": file})


def test_an_api_upload_over_the_limit_stops_as_it_streams_in(agency, token, small_limits):
    dossier = DossierFactory(agency=agency)
    body = upload_body(dossier, 2 * 1024 * 1024)
    response, stream = wsgi_post("/api/v1/documents/", body, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 413
    assert json.loads(response.content) == {
        "detail": "Le fichier « gros.pdf » dépasse la taille maximale (64 Ko).",
        "code": "payload_too_large",
        "errors": {"file": ["Le fichier « gros.pdf » dépasse la taille maximale (64 Ko)."]},
    }
    assert 0 < sum(SpyHandler.received) <= LIMIT  # nothing past the limit went on to storage
    assert list(small_limits.iterdir()) == []  # and what was is deleted
    assert stream.read_bytes < len(body) // 4  # the rest of the 2 MB was never read
    assert not Document.objects.exists()


def test_an_api_upload_within_the_limit_is_stored(agency, token, small_limits):
    dossier = DossierFactory(agency=agency)
    response, _ = wsgi_post(
        "/api/v1/documents/", upload_body(dossier, LIMIT), HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 201, response.content
    assert Document.objects.get().file.size == sum(SpyHandler.received) == LIMIT


def test_an_api_request_announcing_too_much_is_refused_before_reading(
    agency, token, small_limits, settings
):
    settings.UPLOAD_MAX_REQUEST_SIZE = 1024 * 1024
    body = upload_body(DossierFactory(agency=agency), 1024)
    response, stream = wsgi_post(
        "/api/v1/documents/",
        body,
        content_length=300 * 1024 * 1024,  # a 300 MB upload announced
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 413
    assert json.loads(response.content) == {
        "detail": "La requête dépasse la taille maximale des envois (1 Mo).",
        "code": "payload_too_large",
        "errors": {},
    }
    assert stream.read_bytes == 0


def test_the_admin_shows_a_form_error_for_a_file_over_the_limit(
    client, agency, case_worker, small_limits
):
    dossier = DossierFactory(agency=agency)
    client.force_login(case_worker)
    content = PDF + b"x" * (2 * LIMIT)
    response = client.post(
        reverse("admin:cases_document_add"),
        {
            "dossier": dossier.pk,
            "kind": "cerfa",
            "file": SimpleUploadedFile("gros.pdf", content),
            "status": "received",
            "note": "lue après le fichier",
        },
    )
    assert response.status_code == 200  # the form again, with its error
    form = response.context["adminform"].form
    assert form.errors["file"] == ["Le fichier « gros.pdf » dépasse la taille maximale (64 Ko)."]
    assert form.data["note"] == "lue après le fichier"  # the fields after the file were read
    assert 0 < sum(SpyHandler.received) <= LIMIT
    assert list(small_limits.iterdir()) == []
    assert not Document.objects.exists()


def test_the_admin_answers_a_french_page_for_a_request_announcing_too_much(
    client, agency, case_worker, small_limits, settings
):
    settings.UPLOAD_MAX_REQUEST_SIZE = 1024
    client.force_login(case_worker)
    client.raise_request_exception = False
    file = SimpleUploadedFile("gros.pdf", PDF + b"x" * 2048)
    response = client.post(reverse("admin:cases_document_add"), {"kind": "cerfa", "file": file})
    assert response.status_code == 413
    html = response.content.decode()
    assert "Requête trop volumineuse" in html
    assert "La requête dépasse la taille maximale des envois (1 Ko)." in html


def test_a_refused_file_cannot_be_stored_by_mistake():
    refused = RefusedUpload("gros.pdf", 10**9, "application/pdf", None)
    with pytest.raises(UploadRefused):
        refused.read()
    with pytest.raises(UploadRefused):
        list(refused.chunks())
