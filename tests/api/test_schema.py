"""The OpenAPI contract: served, described in French, errors documented, docs offline."""

import pytest
import yaml
from rest_framework.test import APIClient

from tests.factories import UserFactory


def _signed_in() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


@pytest.fixture
def schema(db):
    response = _signed_in().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_every_field_is_described(schema):
    missing = [
        f"{name}.{prop}"
        for name, component in schema["components"]["schemas"].items()
        for prop, definition in component.get("properties", {}).items()
        if not definition.get("description")
    ]
    assert missing == []


def test_every_operation_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404"} <= codes, (method, path)
            assert operation["responses"]["401"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }


def test_transitions_document_conflicts(schema):
    post = schema["paths"]["/api/v1/dossiers/{id}/transitions/{name}/"]["post"]
    assert "409" in post["responses"]


def test_state_is_read_only(schema):
    assert "state" not in schema["components"]["schemas"]["DossierRequest"]["properties"]
    assert schema["components"]["schemas"]["Dossier"]["properties"]["state"]["readOnly"]


def test_docs_render_offline(db, settings):
    # Without collectstatic, serve static files unhashed (the manifest needs collectstatic).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = APIClient()
    client.force_login(UserFactory())  # a browser page: the session's user
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn.jsdelivr" not in html


def test_rules_check_route_serves_the_simulator(schema):
    from django.urls import resolve

    from cases.api.rules_check import RulesCheckView

    assert resolve("/api/v1/rules/check").func.view_class is RulesCheckView
    operation = schema["paths"]["/api/v1/rules/check"]["post"]
    assert operation["operationId"] == "rules_check"
