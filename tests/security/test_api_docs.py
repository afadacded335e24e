"""The OpenAPI schema and its docs page are for signed-in users: anonymous visitors get a
French JSON refusal (schema) or the login page (docs)."""

import json

import pytest
from django.urls import reverse
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import Role
from config.api_docs import SchemaView
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_schema_refuses_anonymous_visitors_in_french_json():
    refused = APIClient().get("/api/schema/")
    assert refused.status_code == 401
    assert refused["Content-Type"].startswith("application/json")
    assert refused.json()["detail"] == "Informations d'authentification non fournies."
    assert refused["WWW-Authenticate"] == "Token"


def test_the_schema_is_served_to_a_token_or_a_session():
    user = UserFactory(role=Role.CASE_WORKER)
    by_token = APIClient()
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert by_token.get("/api/schema/").status_code == 200
    by_session = APIClient()
    by_session.force_login(user)
    schema = by_session.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/dossiers/" in schema.json()["paths"]


def test_the_docs_page_sends_anonymous_visitors_to_the_login_page(client):
    page = client.get("/api/docs/")
    assert page.status_code == 302
    assert page["Location"] == f"{reverse('admin:login')}?next=/api/docs/"
    script = client.get("/api/docs/?script=")  # its start-up script too
    assert script.status_code == 302


def test_the_docs_page_is_served_to_a_signed_in_user(client):
    client.force_login(UserFactory(role=Role.CASE_WORKER))
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "/api/docs/?script=" in page.content.decode()  # the script is a file, not inline
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_every_reader_gets_the_same_contract():
    """The schema lists every field whoever reads it (the health fields too: the description
    says which roles receive them), as the contract test loads it."""
    generator = SchemaView.generator_class(urlconf=SchemaView.urlconf, patterns=SchemaView.patterns)
    contract = json.loads(OpenApiJsonRenderer().render(generator.get_schema(public=True)))
    assert "fitness_status" in contract["components"]["schemas"]["Worker"]["properties"]
    for role in Role:
        client = APIClient()
        client.force_authenticate(UserFactory(role=role))
        served = client.get("/api/schema/", HTTP_ACCEPT="application/json")
        assert served.json() == contract, role
