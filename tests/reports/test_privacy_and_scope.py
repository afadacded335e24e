"""Secret statistique (« s »), and who sees what (agency users: their agencies; CPNE:
everything). The arithmetic attack on it: tests/security/test_report_disclosure.py."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reports import scope, services
from reports.periods import year


def client(user):
    token, _ = Token.objects.get_or_create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def first_table(report):
    return report["tables"][0]


def test_inside_own_agency_small_counts_are_shown(users):
    own = scope.resolve(users.case_worker_a)
    report = services.cpne_report(year(2026), own, as_of=dt.date(2026, 12, 31))
    assert report["privacy"]["masked"] is False
    # Agency A starts 5 dossiers in 2026: d1, d2 (CPI), d3, d7, d9.
    assert first_table(report)["totals"]["total"] == 5
    assert first_table(report)["rows"][0]["total"] == 2  # CPI: 2 < 5, still shown


def test_outside_own_agency_small_counts_are_masked(users):
    everything = scope.resolve(users.cpne)
    report = services.cpne_report(year(2026), everything, as_of=dt.date(2026, 12, 31))
    assert report["privacy"]["masked"] is True
    table = first_table(report)
    assert table["rows"][0]["total"] == "s"  # CPI: 2 people
    # The 8 dossiers fall in 8 different (month, dispositif) cells of « Dossiers par mois »,
    # each hidden: with the total 8 shown, a reader would know that every one is 1 (eight
    # non-zero cells adding up to 8). The total is hidden too (secondary suppression).
    assert table["totals"]["total"] == "s"
    assert table["rows"][-1]["total"] == 0  # Pro-A permanents: nobody, nothing to hide
    deposits = next(t for t in report["tables"] if t["key"] == "depots_akto")
    assert deposits["totals"]["rate"] == "s"  # a rate over a hidden count of deposits


def test_administrator_in_own_agency_sees_it_unmasked(users, data):
    mine = scope.resolve(users.admin, scope.AGENCY, agency=data.a.pk)
    other = scope.resolve(users.admin, scope.AGENCY, agency=data.b.pk)
    assert mine.within_own_agencies() and not other.within_own_agencies()


def test_reports_carry_no_names(users, data):
    report = services.cpne_report(
        year(2026), scope.resolve(users.cpne), as_of=dt.date(2026, 12, 31)
    )
    text = str(report)
    from cases.models import Worker

    for last_name, birth_date in Worker.objects.values_list("last_name", "birth_date"):
        assert last_name not in text and birth_date.isoformat() not in text


def test_roles_without_reports_are_refused(users):
    with pytest.raises(PermissionDenied):
        scope.resolve(users.fpett)


@pytest.mark.parametrize("name", ["case_worker_a", "cpne"])
def test_api_cpne_scoping(users, name):
    response = client(getattr(users, name)).get(
        "/api/v1/reports/cpne/", {"from": "2026-01-01", "to": "2026-12-31"}
    )
    assert response.status_code == 200, response.content
    totals = response.json()["tables"][0]["totals"]
    # Case worker of A: 5 dossiers of agency A; CPNE reporter: all 8, hidden (see above).
    assert totals["total"] == {"case_worker_a": 5, "cpne": "s"}[name]


def test_api_agency_user_cannot_read_another_agency(users, data):
    response = client(users.case_worker_a).get(
        "/api/v1/reports/cpne/", {"period": "2026", "scope": "agency", "agency": data.b.pk}
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Cette agence n'est pas dans votre périmètre."


def test_api_region_scope_for_an_agency_user_stays_in_their_agencies(users):
    response = client(users.manager_b).get(
        "/api/v1/reports/cpne/", {"period": "2026", "scope": "region", "region": "Île-de-France"}
    )
    assert response.status_code == 200
    assert response.json()["tables"][0]["totals"]["total"] == 0


def test_api_refuses_other_roles_and_bad_periods(users):
    assert client(users.fpett).get("/api/v1/reports/cpne/", {"period": "2026"}).status_code == 403
    bad = client(users.cpne).get("/api/v1/reports/cpne/", {"period": "2026-H3"})
    assert bad.status_code == 400
    assert "Période invalide" in bad.json()["errors"]["non_field_errors"][0]
    missing = client(users.cpne).get("/api/v1/reports/mission-jeunes/")
    assert missing.status_code == 400


def test_api_mission_jeunes_refuses_fewer_than_five_people(users):
    response = client(users.cpne).get("/api/v1/reports/mission-jeunes/", {"half": "2026-H1"})
    assert response.status_code == 400  # 2 young people and 1 CDPI entry
    assert "moins de 5 personnes" in response.json()["errors"]["non_field_errors"][0]


def test_api_refuses_a_period_that_is_not_whole_months(users):
    response = client(users.cpne).get(
        "/api/v1/reports/cpne/", {"from": "2026-01-01", "to": "2026-01-15"}
    )
    assert response.status_code == 400
    assert "mois entiers" in response.json()["errors"]["non_field_errors"][0]


def test_api_mission_jeunes(users, young):
    response = client(users.cpne).get("/api/v1/reports/mission-jeunes/", {"half": "2026-H1"})
    assert response.status_code == 200
    table = response.json()["tables"][0]
    rows = {row["region"]: row for row in table["rows"]}
    # Bretagne: 1 young person (hidden), her mission and hours hidden with her; Île-de-France
    # (6) hidden too, or 7 − 6 would give Bretagne back.
    assert rows["Bretagne"]["young"] == "s" and rows["Bretagne"]["hours"] == "s"
    assert rows["Île-de-France"]["young"] == "s"
    assert table["totals"]["young"] == 7 and table["totals"]["hours"] == 300.0
    assert table["totals"]["cdpi"] == "s"  # 1 CDPI entry, in Bretagne
