"""Smoke tests: settings load, the database is migrated, Redis answers when configured."""

import os

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection


def test_settings_load():
    assert settings.ROOT_URLCONF == "config.urls"
    assert settings.AUTH_USER_MODEL == "cases.User"


@pytest.mark.django_db
def test_database_is_migrated_and_queryable():
    assert connection.vendor in {"sqlite", "postgresql"}
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert connection.vendor == "postgresql"
    assert get_user_model().objects.count() == 0


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_redis_answers():
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        assert client.ping() is True
    finally:
        client.close()
    assert os.environ["REDIS_URL"] == settings.CELERY_BROKER_URL
