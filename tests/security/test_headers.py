"""Every response carries the browser-enforced headers: a Content-Security-Policy with no
inline script, no plugin and no framing, a Permissions-Policy, no MIME sniffing and a
same-origin referrer. The browser test (tests/e2e/test_content_security_policy.py) checks
that the pages work under them."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


@pytest.fixture
def responses(client):
    """A page, an API answer, a refusal and a static file."""
    api = APIClient()
    api.force_authenticate(UserFactory())
    return {
        "login page": client.get("/admin/login/"),
        "API": api.get("/api/v1/workers/"),
        "API refusal": APIClient().get("/api/v1/workers/"),
        "static file": client.get("/static/admin/js/core.js"),
    }


def test_the_responses_are_what_they_seem(responses):
    assert [response.status_code for response in responses.values()] == [200, 200, 401, 200]


def test_every_response_carries_the_policy(responses):
    for name, response in responses.items():
        directives = _directives(response)
        assert directives["default-src"] == ["'self'"], name
        assert directives["script-src"] == ["'self'"], name  # no inline script, no eval
        assert directives["object-src"] == ["'none'"], name
        assert directives["base-uri"] == ["'self'"], name
        assert directives["form-action"] == ["'self'"], name
        assert directives["frame-ancestors"] == ["'none'"], name


def test_every_response_carries_the_other_headers(responses):
    for name, response in responses.items():
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert "camera=()" in response["Permissions-Policy"], name
        assert "geolocation=()" in response["Permissions-Policy"], name
    assert responses["login page"]["X-Frame-Options"] == "DENY"
