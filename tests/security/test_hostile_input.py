"""Promise: hostile input never breaks the API (no 500) and never runs in the admin.

Oversized payloads, wrong types, SQL and HTML injection strings in every writable text field of
every API resource, unicode edge cases (RTL override, zero-width, emoji, NUL byte) and dates
out of range: each is refused with a 400 in French or stored as plain text; a stored script is
escaped on the admin pages that show it.
"""

import pytest
from django.urls import reverse
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.api import serializers as s
from cases.models import ClientCompany, Worker
from tests.factories import ClientCompanyFactory, DossierFactory, WorkerFactory, make_siret

pytestmark = pytest.mark.django_db

HOSTILE = {
    "sql": "'; DROP TABLE cases_worker; --",
    "sql_or": "' OR '1'='1",
    "script": "<script>alert('xss')</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "rtl": "facture\u202efdp.exe",
    "zero_width": "Du\u200bpont\ufeff",
    "emoji": "Lou 😀👩‍👩‍👧 🇫🇷",
    "nul": "Du\x00pont",
    "long": "x" * 20_000,
    "combining": "e\u0301" * 300,
}
WRONG_TYPES = {"int": 12, "list": ["a"], "dict": {"a": 1}, "bool": True, "null": None}
BAD_DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "-1", "demain", 20260101]


@pytest.fixture
def api(case_worker):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=case_worker).key}")
    return client


@pytest.fixture
def resources(agency):
    """For each resource: its URL, its serializer and a valid payload to spoil field by field."""
    worker = WorkerFactory(agency=agency)
    return {
        "workers": (
            s.WorkerSerializer,
            lambda: {
                "agency": agency.pk,
                "last_name": "Dupont",
                "first_name": "Lou",
                "birth_date": "1985-05-01",
                "employment": "CTT",
            },
        ),
        "client-companies": (
            s.ClientCompanySerializer,
            lambda: {"name": "Chantiers", "siret": make_siret()},
        ),
        "training-providers": (
            s.TrainingProviderSerializer,
            lambda: {"name": "Organisme", "siret": make_siret()},
        ),
        "dossiers": (
            s.DossierSerializer,
            lambda: {
                "dispositif": "CPI",
                "agency": agency.pk,
                "worker": worker.pk,
                "contract_start": "2026-03-02",
                "contract_end": "2027-03-01",
                "planned_training_hours": "400.00",
                "client_companies": [ClientCompanyFactory().pk],
            },
        ),
        "missions": (
            s.MissionSerializer,
            lambda: {
                "worker": worker.pk,
                "client_company": ClientCompanyFactory().pk,
                "start": "2026-04-01",
                "end": "2026-04-30",
                "hours": "140",
            },
        ),
    }


def writable(serializer_class, kinds) -> list[str]:
    fields = serializer_class(context={}).get_fields()
    return [
        name
        for name, field in fields.items()
        if isinstance(field, kinds)
        and not field.read_only
        and not isinstance(field, s.serializers.ChoiceField)
    ]


def assert_no_500(response, label: str) -> None:
    assert response.status_code < 500, f"{label}: {response.status_code}"
    if response.status_code == 400:
        body = response.json()
        assert body["code"] and body["detail"], label  # the usual French error shape


def test_injection_and_unicode_in_every_text_field(api, resources):
    for url, (serializer_class, payload) in resources.items():
        for field in writable(serializer_class, serializers.CharField):
            for kind, value in HOSTILE.items():
                label = f"POST /api/v1/{url}/ {field}={kind}"
                response = api.post(f"/api/v1/{url}/", {**payload(), field: value}, format="json")
                assert_no_500(response, label)
                if response.status_code == 201 and kind in {"sql", "script", "emoji", "rtl"}:
                    assert response.json()[field] == value, label  # stored as plain text


def test_wrong_types_in_every_field(api, resources):
    for url, (serializer_class, payload) in resources.items():
        for field in serializer_class(context={}).get_fields():
            for kind, value in WRONG_TYPES.items():
                label = f"POST /api/v1/{url}/ {field}={kind}"
                response = api.post(f"/api/v1/{url}/", {**payload(), field: value}, format="json")
                assert_no_500(response, label)


def test_dates_out_of_range_in_every_date_field(api, resources):
    for url, (serializer_class, payload) in resources.items():
        for field in writable(serializer_class, serializers.DateField):
            for value in BAD_DATES:
                label = f"POST /api/v1/{url}/ {field}={value}"
                response = api.post(f"/api/v1/{url}/", {**payload(), field: value}, format="json")
                assert_no_500(response, label)
                if value in {"0001-01-01", "9999-12-31"}:
                    assert response.status_code == 400, label


def test_hostile_filters_search_and_ordering(api):
    for value in [*HOSTILE.values(), "-id,;select", "9" * 40]:
        for query in ("search", "ordering", "page", "page_size", "agency", "state"):
            for url in ("workers", "dossiers", "missions", "documents"):
                response = api.get(f"/api/v1/{url}/", {query: value[:2000]})
                assert_no_500(response, f"GET {url} ?{query}")


def test_hostile_transition_input(api, agency):
    dossier = DossierFactory(cpi=True, agency=agency)
    bodies = [
        {"comment": HOSTILE["script"], "cancellation_reason": "error"},
        {"comment": HOSTILE["nul"], "cancellation_reason": "error"},
        {"comment": HOSTILE["long"], "cancellation_reason": "error"},
        {"comment": ["x"], "cancellation_reason": {"a": 1}},
        {"expected_state": 12, "cancellation_reason": None},
        ["not", "an", "object"],
        "a string",
    ]
    for body in bodies:
        response = api.post(
            f"/api/v1/dossiers/{dossier.pk}/transitions/cancel/", body, format="json"
        )
        assert_no_500(response, f"cancel {str(body)[:40]}")
    for name in ("../admin", "cancel;drop", "x" * 500, "%00"):
        response = api.post(f"/api/v1/dossiers/{dossier.pk}/transitions/{name}/", {}, format="json")
        assert_no_500(response, f"transition {name[:20]}")


def test_oversized_payload_is_refused_without_a_500(api, settings):
    big = {"last_name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    response = api.post("/api/v1/workers/", big, format="json")
    assert 400 <= response.status_code < 500
    deep = '{"a":' * 100_000 + "1" + "}" * 100_000  # deeper than Python's recursion limit
    response = api.generic("POST", "/api/v1/workers/", deep, content_type="application/json")
    assert_no_500(response, "deeply nested JSON")
    garbage = api.generic(
        "POST", "/api/v1/workers/", b"\xff\xfe\x00", content_type="application/json"
    )
    assert_no_500(garbage, "invalid UTF-8")


def test_a_stored_script_is_escaped_in_the_admin(client, agency, case_worker):
    script = HOSTILE["script"]
    img = HOSTILE["img"]
    worker = WorkerFactory(agency=agency, last_name=script, first_name=img)
    dossier = DossierFactory(cpi=True, agency=agency, worker=worker, notes=script, eu_tutor=img)
    company = ClientCompanyFactory(name=script)
    client.force_login(case_worker)
    pages = [
        reverse("admin:cases_worker_change", args=[worker.pk]),
        reverse("admin:cases_worker_changelist"),
        reverse("admin:cases_dossier_change", args=[dossier.pk]),
        reverse("admin:cases_dossier_changelist"),
        reverse("admin:cases_dossier_history", args=[dossier.pk]),
        reverse("admin:cases_clientcompany_change", args=[company.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert script not in html and img not in html, url
        assert "&lt;script&gt;" in html or "&lt;SCRIPT&gt;" in html, url
    assert Worker.objects.filter(last_name=script).exists()
    assert ClientCompany.objects.filter(name=script).exists()
