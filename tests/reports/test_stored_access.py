"""Stored reports cover every agency (issue #16): only CPNE reporters and administrators read
them, in every view of the admin; an agency user reads the reports of their own scope only."""

import datetime as dt

import pytest

from reports import stored

BASE = "/admin/reports/storedreport/"


@pytest.fixture
def report(users):
    return stored.build_previous_period("cpne", today=dt.date(2027, 1, 1))


def views(pk):
    return [
        f"{BASE}{pk}/change/",
        f"{BASE}{pk}/history/",
        f"{BASE}{pk}/telecharger/xlsx/",
        f"{BASE}{pk}/telecharger/pdf/",
    ]


@pytest.mark.parametrize("name", ["case_worker_a", "manager_b"])
def test_an_agency_user_reads_no_stored_report(client, users, report, name):
    client.force_login(getattr(users, name))
    for url in views(report.pk):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert b"dossiers_dispositif" not in response.content  # the payload's first table
    page = client.get(BASE)
    assert page.status_code == 200 and not page.context["stored"]
    assert views(report.pk)[2] not in page.content.decode()


@pytest.mark.parametrize("name", ["cpne", "admin"])
def test_cpne_reporters_and_administrators_read_them(client, users, report, name):
    client.force_login(getattr(users, name))
    assert client.get(views(report.pk)[0]).status_code == 200
    assert client.get(views(report.pk)[2]).status_code == 200
    assert list(client.get(BASE).context["stored"]) == [report]


def test_the_selector_scopes_them(users, report):
    assert list(stored.stored_reports_for(users.cpne)) == [report]
    assert not stored.stored_reports_for(users.case_worker_a).exists()
    assert not stored.stored_reports_for(users.fpett).exists()
