"""Two agencies, a user per role, and API clients authenticated by token."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import Role
from tests.factories import AgencyFactory, UserFactory


@pytest.fixture
def agency_a(db):
    return AgencyFactory(name="Agence A")


@pytest.fixture
def agency_b(db):
    return AgencyFactory(name="Agence B")


@pytest.fixture
def make_user(agency_a):
    def make(role=Role.CASE_WORKER, agencies=None):
        return UserFactory(role=role, agencies=[agency_a] if agencies is None else agencies)

    return make


@pytest.fixture
def client_for():
    """An API client authenticated with `user`'s token (as an agency's own tool would be)."""

    def make(user) -> APIClient:
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def case_worker(make_user):
    return make_user()


@pytest.fixture
def api(client_for, case_worker) -> APIClient:
    """A case worker of agency A."""
    return client_for(case_worker)


@pytest.fixture
def api_b(client_for, agency_b) -> APIClient:
    """A case worker of agency B."""
    return client_for(UserFactory(role=Role.CASE_WORKER, agencies=[agency_b]))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
