"""Every error the API answers is in French, CSRF refusals included."""

from rest_framework.test import APIClient

from cases.choices import Role
from tests.factories import AgencyFactory, UserFactory


def test_a_session_write_without_csrf_token_is_refused_in_french(db):
    user = UserFactory(role=Role.CASE_WORKER, agencies=[AgencyFactory()])
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/api/v1/client-companies/", {"name": "X"}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed"
    assert body["detail"].startswith("Vérification CSRF échouée")
