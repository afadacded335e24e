"""The admin « Rapports » page: reachable from the index, tables and SVG charts, scoped."""

import pytest

URL = "/admin/reports/storedreport/"


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.mark.parametrize("name", ["cpne", "case_worker_a"])
def test_index_links_to_the_reports_page(login, users, name):
    response = login(getattr(users, name)).get("/admin/")
    assert response.status_code == 200
    assert URL in response.content.decode()


def test_cpne_reporter_sees_tables_charts_and_downloads(login, users):
    response = login(users.cpne).get(URL, {"kind": "cpne", "period": "2026", "scope": "all"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dossiers par dispositif" in html and html.count('class="report-chart"') == 3
    assert "format=xlsx" in html and "format=pdf" in html and "format=csv" in html
    assert "<td>s</td>" in html  # CPI: 2 people outside the reporter's agencies


def test_agency_user_stays_in_their_scope(login, users, data, young):
    client = login(users.case_worker_a)
    response = client.get(
        URL, {"kind": "cpne", "period": "2026", "scope": "agency", "agency": data.b.pk}
    )
    assert response.status_code == 200
    assert "Cette agence n&#x27;est pas dans votre périmètre." in response.content.decode()
    mine = client.get(URL, {"kind": "mission_jeunes", "period": "2026-H1", "scope": "all"})
    assert "Mission jeunes" in mine.content.decode() and mine.context["report"]


def test_a_cohort_under_five_people_is_refused_in_french(login, users):
    # Agency B starts 3 dossiers in 2026 (d4, d5, d6): too few people for a report.
    page = login(users.manager_b).get(URL, {"kind": "cpne", "period": "2026", "scope": "all"})
    assert page.status_code == 200 and "report" not in page.context
    assert "moins de 5 personnes" in page.content.decode()


def test_fpett_advisor_has_no_reports_page(login, users):
    assert login(users.fpett).get(URL).status_code == 403
