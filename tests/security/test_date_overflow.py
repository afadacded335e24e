"""Promise: a date out of range from the user is a French 400 (or form error) naming the input,
never a 500 from the date arithmetic behind it.

The API takes dates between 1900 and 2100 (cases.api.serializers, DescribedSerializerMixin):
the deadlines add months and days to them, and 9999-12-31 overflowed Python's dates. Report
periods take the same years.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import DossierState
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db

RULES_CHECK = "/api/v1/rules/check"
EXTREMES = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]


@pytest.fixture
def api(case_worker):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=case_worker).key}")
    return client


def simulation(worker=None, plan=None) -> dict:
    return {
        "dispositif": "CPI",
        "worker": {"birth_date": "2001-05-14", "employment": "CTT", **(worker or {})},
        "plan": {
            "contract_start": "2026-03-02",
            "contract_end": "2027-03-01",
            "training_hours": 300,
            **(plan or {}),
        },
    }


def assert_400_naming(response, field: str) -> None:
    assert response.status_code == 400, (field, response.status_code, response.content[:200])
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"], (field, body)
    assert body["errors"][field][0].startswith("Cette date est trop"), body


def test_simulator_contract_ending_in_9999_is_a_400_naming_the_field(api):
    # The reported case: plan_deadlines added months to 9999-12-31 (OverflowError, a 500).
    response = api.post(RULES_CHECK, simulation(plan={"contract_end": "9999-12-31"}), format="json")
    assert_400_naming(response, "plan.contract_end")
    assert response.json()["errors"]["plan.contract_end"] == [
        "Cette date est trop lointaine (après 2100)."
    ]


@pytest.mark.parametrize("value", EXTREMES)
@pytest.mark.parametrize(
    ("part", "field"),
    [
        ("plan", "contract_start"),
        ("plan", "contract_end"),
        ("plan", "training_start"),
        ("plan", "training_end"),
        ("worker", "birth_date"),
    ],
)
def test_simulator_dates_out_of_range_are_400s(api, part, field, value):
    dates = {field: value}
    if field.startswith("training"):  # the other end, so that only this one is wrong
        dates = {"training_start": "2026-03-02", "training_end": "2027-02-15", **dates}
    data = simulation(**{part: dates})
    assert_400_naming(api.post(RULES_CHECK, data, format="json"), f"{part}.{field}")


TRANSITION_DATES = [
    ("cpi", DossierState.DRAFT, "submit", "deposit_date", {"akto_reference": "A-1"}),
    ("cpi", DossierState.SUBMITTED, "accept", "akto_decision_date", {}),
    ("cipi", DossierState.DRAFT, "request_funds", "funds_requested_on", {}),
    ("car", DossierState.OPINION_REQUESTED, "give_opinion", "opinion_date", {}),
]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
@pytest.mark.parametrize(("trait", "state", "step", "field", "extra"), TRANSITION_DATES)
def test_transition_dates_out_of_range_are_400s(
    api, agency, trait, state, step, field, extra, value
):
    dossier = DossierFactory(agency=agency, state=state, **{trait: True})
    response = api.post(
        f"/api/v1/dossiers/{dossier.pk}/transitions/{step}/",
        {field: value, **extra},
        format="json",
    )
    assert_400_naming(response, field)


@pytest.mark.parametrize(
    "query",
    [
        {"period": "0000"},
        {"period": "0000-H1"},
        {"period": "0001-Q1"},
        {"period": "9999"},
        {"period": "１２３４"},  # non-ASCII digits
        {"from": "0001-01-01", "to": "2026-12-31"},
        {"from": "2026-01-01", "to": "9999-12-31"},
    ],
)
def test_report_periods_out_of_range_are_400s(api, query):
    response = api.get("/api/v1/reports/cpne/", query)
    assert response.status_code == 400, (query, response.status_code)
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"]["non_field_errors"][0].startswith("Période")


@pytest.mark.parametrize("half", ["0000-H1", "0000-H2", "9999-H1"])
def test_mission_jeunes_half_out_of_range_is_a_400(api, half):
    response = api.get("/api/v1/reports/mission-jeunes/", {"half": half})
    assert response.status_code == 400, (half, response.status_code)
    assert response.json()["errors"]["non_field_errors"][0].startswith("Période")


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "cpne", "period": "0000", "scope": "all"},
        {"kind": "mission_jeunes", "period": "0000-H1", "scope": "all"},
        {"kind": "cpne", "date_from": "0001-01-01", "date_to": "2026-01-31", "scope": "all"},
    ],
)
def test_admin_report_page_shows_a_form_error_for_a_period_out_of_range(client, case_worker, query):
    client.force_login(case_worker)
    client.raise_request_exception = False
    response = client.get("/admin/reports/storedreport/", query)
    assert response.status_code == 200, response.status_code
    form = response.context["form"]
    assert form.errors["__all__"] == ["Période hors limites : les années vont de 1900 à 2100."], (
        form.errors
    )
