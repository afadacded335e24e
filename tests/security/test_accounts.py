"""Promises on accounts: login throttling with a French lockout message, strong passwords,
sessions that expire, API tokens that can be revoked (and refused for inactive users), and a
clean `manage.py check --deploy` with production settings."""

import datetime as dt
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "un-long-mot-de-passe-solide-2026"


@pytest.fixture
def user(db):
    user = UserFactory(role=Role.CASE_WORKER, username="camille")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, password: str, username: str = "camille", **meta):
    meta.setdefault("REMOTE_ADDR", "203.0.113.7")
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **meta,
    )


def _lock_out(client, username: str = "camille", **meta) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "mauvais", username, **meta)


def test_logins_are_throttled_with_a_french_message(client, user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "mauvais").status_code == 200  # the form again, with its error
    assert _login(client, "mauvais").status_code == 429  # the limit-th failure locks
    locked = _login(client, PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Trop de tentatives de connexion" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.fixture
def colleague(db):
    """Another user of the same agency: behind the same address."""
    colleague = UserFactory(role=Role.CASE_WORKER, username="dominique")
    colleague.set_password(PASSWORD)
    colleague.save()
    return colleague


def test_a_lockout_holds_one_account_from_one_address_only(client, user, colleague):
    _lock_out(client)
    assert _login(client, PASSWORD).status_code == 429  # camille, from this address
    assert _login(client, PASSWORD, "dominique").status_code == 302  # her colleague gets in
    client.logout()
    # camille herself, from another address (her phone): allowed too.
    assert _login(client, PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_x_forwarded_for_is_ignored_unless_trusted(client, user, settings):
    """Without TRUST_X_FORWARDED_FOR, a forged header does not buy fresh attempts."""
    settings.TRUST_X_FORWARDED_FOR = False  # the default, whatever the test run's environment
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "mauvais", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    assert _login(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


PROXY = "10.0.0.2"


def test_behind_a_trusted_proxy_clients_are_told_apart(client, user, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    _lock_out(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert (
        _login(client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    ).status_code == 429
    # The same account from another client behind the same proxy.
    assert (
        _login(client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    ).status_code == 302


def test_behind_a_trusted_proxy_a_client_cannot_pick_its_address(client, user, settings):
    """The proxy appends the address it saw: only the last entry of the header is believed."""
    settings.TRUST_X_FORWARDED_FOR = True
    real = "198.51.100.1"
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(
            client, "mauvais", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, {real}"
        )
    forged = f"192.0.2.99, {real}"
    assert (
        _login(client, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged)
    ).status_code == 429


def test_an_administrator_unlocks_a_locked_out_login(client, user):
    _lock_out(client)
    admin = UserFactory(role=Role.ADMINISTRATOR, is_superuser=True)
    client.force_login(admin)
    client.post(
        reverse("admin:cases_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [user.pk]},
    )
    client.logout()
    assert _login(client, PASSWORD).status_code == 302  # logged in, sent on to /admin/


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Court-1", "trop court"),
        ("123456789012345", "entièrement numérique"),
        ("q1w2e3r4t5y6", "trop courant"),
        ("camille12345!", "trop semblable"),
    ],
)
def test_weak_passwords_are_refused_in_french(user, password, reason):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=user)
    assert reason in " ".join(refused.value.messages)


def test_a_strong_password_is_accepted(user):
    validate_password(PASSWORD, user=user)


def test_sessions_expire(client, user):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    page = client.get(reverse("admin:index"))
    assert page.status_code == 302 and reverse("admin:login") in page["Location"]


def _api(token: Token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_an_administrator_revokes_a_users_api_token(client, user):
    token = Token.objects.create(user=user)
    assert _api(token).get("/api/v1/workers/").status_code == 200
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, is_superuser=True))
    client.post(
        reverse("admin:cases_user_changelist"),
        {"action": "revoke_api_tokens", "_selected_action": [user.pk]},
    )
    assert not Token.objects.filter(user=user).exists()
    refused = _api(token).get("/api/v1/workers/")
    assert refused.status_code == 401
    assert "non valide" in refused.json()["detail"]


def test_an_inactive_users_token_is_refused(user):
    token = Token.objects.create(user=user)
    user.is_active = False
    user.save()
    refused = _api(token).get("/api/v1/workers/")
    assert refused.status_code == 401
    assert "inactif" in refused.json()["detail"]


def _deploy_check(**env) -> subprocess.CompletedProcess:
    # A production-like environment: none of the test session's own switches (the browser
    # tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright's event loop).
    test_only = {"DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in test_only}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _deploy_check(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="alternance.example.fr",
        HTTPS="true",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_https(tmp_path):
    """The check is not blind: the same settings without HTTPS are reported."""
    result = _deploy_check(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="alternance.example.fr",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
