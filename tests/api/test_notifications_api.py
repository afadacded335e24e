"""/api/v1/notifications/ (own only) and /api/v1/deadlines/ (scoped to the caller's agencies)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from cases.choices import Role
from cases.deadlines import deadlines_sync
from notifications.models import Notification
from tests.factories import AgencyFactory, DossierFactory, UserFactory


@pytest.fixture
def setting(db):
    mine, other = AgencyFactory(), AgencyFactory()
    me = UserFactory(role=Role.CASE_WORKER, agencies=[mine])
    colleague = UserFactory(role=Role.CASE_WORKER, agencies=[other])
    own = DossierFactory(cpi=True, agency=mine, case_worker=me, contract_start=dt.date(2026, 3, 2))
    foreign = DossierFactory(
        cpi=True, agency=other, case_worker=colleague, contract_start=dt.date(2026, 3, 2)
    )
    for dossier in (own, foreign):
        deadlines_sync(dossier)
    client = APIClient()
    client.force_authenticate(me)
    return client, me, own, foreign


def test_notifications_are_ones_own(setting):
    client, _me, own, foreign = setting
    body = client.get("/api/v1/notifications/").json()
    assert [n["dossier"] for n in body["results"]] == [own.pk]
    theirs = Notification.objects.get(dossier=foreign)
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404


def test_mark_as_read(setting):
    client, me, _own, _ = setting
    notice = Notification.objects.get(recipient=me)
    answer = client.post(f"/api/v1/notifications/{notice.pk}/read/")
    assert answer.status_code == 200 and answer.json()["read"] is True
    assert client.get("/api/v1/notifications/?unread=true").json()["results"] == []


def test_deadlines_due_before_are_scoped(setting):
    client, _, own, _foreign = setting
    body = client.get("/api/v1/deadlines/?due_before=2026-03-07").json()
    assert [(d["dossier"], d["kind"], d["safe_date"]) for d in body["results"]] == [
        (own.pk, "akto_deposit", "2026-03-06")
    ]
    assert client.get("/api/v1/deadlines/?due_before=2026-03-06").json()["results"] == []
    assert client.get("/api/v1/deadlines/?due_before=demain").status_code == 400


def test_a_cpne_reporter_sees_no_deadline(setting):
    _, _, own, _ = setting
    reporter = UserFactory(role=Role.CPNE_REPORTER, agencies=[own.agency])
    client = APIClient()
    client.force_authenticate(reporter)
    assert client.get("/api/v1/deadlines/").status_code == 403
    assert client.get("/api/v1/notifications/").status_code == 200
