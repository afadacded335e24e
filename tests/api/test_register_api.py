"""GET /api/v1/certifications/registre/?q= : the case worker picks a certification from the
loaded RNCP register, by code or title (README « Registre RNCP »)."""

from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accords.register import register_import

SAMPLE_ZIP = Path(settings.BASE_DIR) / "fixtures" / "rncp" / "export-fiches-csv-2026-11-02.zip"
URL = "/api/v1/certifications/registre/"


@pytest.fixture
def register(db):
    register_import(path=SAMPLE_ZIP)


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_search_by_code_or_title(api, register):
    assert codes(api.get(URL, {"q": "RNCP3486"})) == ["RNCP34860"]
    assert codes(api.get(URL, {"q": "34860"})) == ["RNCP34860"]
    assert codes(api.get(URL, {"q": "logistique"})) == ["RNCP1120", "RNCP1899", "RNCP25600"]
    assert codes(api.get(URL, {"q": "magasinier agent"})) == ["RNCP1852"]
    assert codes(api.get(URL, {"q": "logistique", "active": "true"})) == [
        "RNCP1120",
        "RNCP1899",
        "RNCP25600",
    ]


def test_a_fiche_says_what_the_register_says(api, register):
    row = api.get(URL, {"q": "RNCP1852"}).json()["results"][0]
    assert row == {
        "code": "RNCP1852",
        "title": "Agent magasinier",
        "level": 3,
        "active": False,
        "effect_date": "2015-03-02",
        "end_date": "2020-08-31",
        "routes": ["professionalisation", "experience"],
        "successors": ["RNCP34857"],
        "in_latest_export": True,
    }


def test_active_fiches_come_first_and_pages_are_bounded(api, register):
    listed = api.get(URL, {"page_size": 2}).json()
    assert listed["count"] == 7 and len(listed["results"]) == 2
    everything = codes(api.get(URL))
    assert everything[-1] == "RNCP1852"  # the only inactive one


def test_logged_in_users_only_and_french_errors(db, api, register):
    anonymous = APIClient().get(URL, {"q": "RNCP"})
    assert anonymous.status_code in (401, 403)
    too_long = api.get(URL, {"q": "x" * 101})
    assert too_long.status_code == 400
    assert "caractères" in too_long.content.decode()
    empty = api.get(URL, {"q": ""})
    assert empty.status_code == 400 and "vide" in empty.content.decode()


def test_no_register_loaded_is_an_empty_list(api):
    assert codes(api.get(URL, {"q": "RNCP34860"})) == []


def test_the_certifications_detail_route_is_untouched(api, register):
    assert api.get("/api/v1/certifications/").status_code == 200
    assert api.get("/api/v1/certifications/999999/").status_code == 404


def test_active_takes_true_or_false_only(api, register):
    assert codes(api.get(URL, {"active": "false"})) == ["RNCP1852"]
    refused = api.get(URL, {"active": "null"})
    assert refused.status_code == 400 and "true ou false" in refused.content.decode()
