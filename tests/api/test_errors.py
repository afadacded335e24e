"""Every error under /api/ answers the API's JSON error, in French: what DRF refuses, what
Django refuses before a view runs, and a crash."""

import json

import pytest
from django.test import RequestFactory
from rest_framework import exceptions
from rest_framework.test import APIClient

from config import api as config_api
from tests.factories import DossierFactory

ENGLISH = ("JSON parse error", "Not Found", "Bad Request", "Server Error", "Traceback", "Request")


def assert_french_error(response, status: int, code: str | None = None) -> dict:
    """The API's one error shape (cases.api.schema.ErrorSerializer), in French."""
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) >= {"detail", "code", "errors"}, body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["errors"], dict), body
    if code:
        assert body["code"] == code, body
    for word in ENGLISH:
        assert word not in response.content.decode(), (word, body)
    return body


@pytest.fixture
def quiet_api(api) -> APIClient:
    """The API client, answering a crash as a deployed server does instead of raising it."""
    api.raise_request_exception = False
    return api


def post_raw(api, body: bytes, url="/api/v1/workers/", content_type="application/json"):
    return api.generic("POST", url, body, content_type=content_type)


# Bodies DRF could not read


def test_malformed_json_is_refused_in_french(api):
    body = assert_french_error(post_raw(api, b'{"last_name": '), 400, "parse_error")
    assert (
        body["detail"] == "Le corps de la requête n'est pas du JSON valide (ligne 1, colonne 15)."
    )


def test_invalid_utf8_is_refused_in_french(api):
    body = assert_french_error(post_raw(api, b'{"last_name": "\xff\xfe"}'), 400, "parse_error")
    assert body["detail"] == "Le corps de la requête n'est pas un texte valide en UTF-8."


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_non_finite_numbers_are_refused_in_french(api, number):
    payload = b'{"plan": {"training_hours": %s}}' % number.encode()
    body = assert_french_error(post_raw(api, payload, "/api/v1/rules/check"), 400, "parse_error")
    assert "nombre non admis" in body["detail"]


def test_an_integer_too_long_to_read_is_refused_in_french(api):
    body = assert_french_error(post_raw(api, b'{"agency": ' + b"9" * 5000 + b"}"), 400)
    assert "nombre non admis" in body["detail"]


def test_malformed_multipart_is_refused_in_french(api):
    response = post_raw(
        api, b"--x\r\nnot a part", "/api/v1/documents/", "multipart/form-data; boundary=é"
    )
    body = assert_french_error(response, 400, "parse_error")
    assert "multipart" in body["detail"]


def test_unsupported_media_type_is_415_in_french(api):
    body = assert_french_error(post_raw(api, b"a=b", content_type="text/plain"), 415)
    assert body["code"] == "unsupported_media_type"


# Addresses, methods, formats


def test_an_unknown_id_is_404_in_french(api):
    body = assert_french_error(api.get("/api/v1/workers/999999/"), 404, "not_found")
    assert body["detail"] == "Non trouvé."


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing/", "/api/nothing", "/api", "/api/v2/dossiers/", "/api/v1/workers/x/y/"],
)
def test_an_unknown_address_under_api_is_404_json_in_french(api, path):
    body = assert_french_error(api.get(path), 404, "not_found")
    assert body["detail"] == "Ressource introuvable : vérifiez l'adresse."


def test_an_unknown_address_elsewhere_keeps_the_html_page(client):
    response = client.get("/nothing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_not_allowed_is_405_in_french(api, agency_a):
    body = assert_french_error(api.delete("/api/v1/workers/"), 405, "method_not_allowed")
    assert "DELETE" in body["detail"] and "non autorisée" in body["detail"]


def test_an_unknown_format_is_refused_in_french(api):
    assert_french_error(api.get("/api/v1/workers/", HTTP_ACCEPT="application/xml"), 406)
    assert_french_error(api.get("/api/v1/workers/?format=xml"), 404, "not_found")


def test_throttling_answers_in_french():
    # No throttle is configured today; one added later answers in the same shape and language.
    response = config_api.api_exception_handler(exceptions.Throttled(wait=30), {})
    assert response.status_code == 429
    assert response.data == {
        "detail": "Requête ralentie. Disponible à nouveau dans 30 secondes.",
        "code": "throttled",
        "errors": {},
    }


# Limits Django enforces while it reads a request


def test_a_body_over_the_limit_is_413_in_french(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = post_raw(api, b'{"last_name": "' + b"x" * 2000 + b'"}')
    body = assert_french_error(response, 413, "payload_too_large")
    assert body["detail"] == "Le corps de la requête dépasse la taille maximale (1 Ko)."


def test_too_many_query_parameters_are_refused_in_french(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = api.get("/api/v1/dossiers/?" + "&".join(["state=draft"] * 11))
    body = assert_french_error(response, 400, "too_many_fields")
    assert body["detail"] == "La requête contient trop de champs (10 au plus)."


def test_too_many_form_fields_are_refused_in_french(api, agency_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    fields = {f"field{i}": "x" for i in range(11)}
    response = api.post("/api/v1/documents/", fields, format="multipart")
    assert_french_error(response, 400, "too_many_fields")


def test_django_level_refusals_under_api_are_json(rf: RequestFactory):
    from django.core.exceptions import PermissionDenied, SuspiciousOperation

    request = rf.get("/api/v1/workers/")
    assert_french_error(config_api.api_bad_request(request, SuspiciousOperation()), 400)
    assert_french_error(config_api.api_permission_denied(request, PermissionDenied()), 403)
    body = assert_french_error(config_api.api_csrf_failure(request, "no token"), 403)
    assert body["code"] == "csrf_failed"
    elsewhere = rf.get("/admin/")
    for response in (
        config_api.api_bad_request(elsewhere, SuspiciousOperation()),
        config_api.api_permission_denied(elsewhere, PermissionDenied()),
        config_api.api_csrf_failure(elsewhere, "no token"),
    ):
        assert response["Content-Type"].startswith("text/html")


# A crash


@pytest.fixture
def crashing_worker_list(monkeypatch):
    from cases.api.views import WorkerViewSet

    def crash(self, request, *args, **kwargs):
        raise RuntimeError("secret detail of the crash")

    monkeypatch.setattr(WorkerViewSet, "list", crash)


def test_a_crash_under_api_is_a_generic_french_500_without_traceback(
    quiet_api, crashing_worker_list
):
    response = quiet_api.get("/api/v1/workers/")
    body = assert_french_error(response, 500, "server_error")
    assert body["detail"].startswith("Erreur interne du serveur")
    assert b"secret detail" not in response.content
    assert b"RuntimeError" not in response.content


def test_a_crash_elsewhere_keeps_the_html_page(rf: RequestFactory):
    response = config_api.api_server_error(rf.get("/admin/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


def test_every_error_of_a_dossier_write_keeps_the_shape(api, agency_a):
    dossier = DossierFactory(agency=agency_a)
    for response in (
        api.patch(f"/api/v1/dossiers/{dossier.pk}/", {"contract_end": "x"}, format="json"),
        post_raw(api, b"[", f"/api/v1/dossiers/{dossier.pk}/transitions/cancel/"),
        api.post(f"/api/v1/dossiers/{dossier.pk}/transitions/nothing/", {}, format="json"),
    ):
        assert_french_error(response, response.status_code)
