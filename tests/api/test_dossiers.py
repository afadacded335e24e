"""Dossier create and edit go through the services; the state is read-only."""

import datetime as dt

import pytest

from cases import services
from cases.choices import DossierState, Role
from cases.models import DossierEvent
from tests.factories import ClientCompanyFactory, DossierFactory, WorkerFactory

S = DossierState


@pytest.fixture
def payload(agency_a):
    worker = WorkerFactory(agency=agency_a)
    return {
        "dispositif": "CPI",
        "agency": agency_a.pk,
        "worker": worker.pk,
        "contract_start": "2026-03-02",
        "contract_end": "2027-03-01",
        "training_start": "2026-03-02",
        "training_end": "2027-02-15",
        "planned_training_hours": "400.00",
        "certification_code": "RNCP34860",
        "client_companies": [ClientCompanyFactory().pk],
    }


def test_create_starts_in_draft_and_records_event(api, payload, case_worker):
    response = api.post("/api/v1/dossiers/", {**payload, "state": "closed"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["dispositif"] == "CPI"
    # A CPI starting on 2 March 2026 must be deposited by Saturday 7 March (003 fiche CPI).
    assert body["next_deadline"] == {
        "kind": "akto_deposit",
        "label": "Dépôt du dossier à l'AKTO",
        "due": "2026-03-07",
        "safe_date": "2026-03-06",
        "status": "open",
    }
    assert body["client_companies"] == payload["client_companies"]
    event = DossierEvent.objects.get(dossier_id=body["id"])
    assert event.kind == "created"
    assert event.actor == case_worker


def test_representation_keys(api, agency_a):
    dossier = DossierFactory(agency=agency_a)
    body = api.get(f"/api/v1/dossiers/{dossier.pk}/").json()
    for key in ("id", "dispositif", "state", "agency", "worker", "next_deadline"):
        assert key in body
    assert body["state_label"] == "Brouillon"


def test_dates_out_of_order_are_400_in_french(api, payload):
    response = api.post(
        "/api/v1/dossiers/", {**payload, "contract_end": "2026-01-01"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Les données envoyées ne sont pas valides."
    assert "La fin du contrat précède son début." in body["errors"]["contract_end"]


def test_bad_rncp_code_is_400(api, payload):
    response = api.post(
        "/api/v1/dossiers/", {**payload, "certification_code": "RNCP-12"}, format="json"
    )
    assert response.status_code == 400
    assert (
        "n'est pas un code de certification valide"
        in response.json()["errors"]["certification_code"][0]
    )


@pytest.mark.parametrize("hours", ["0", "-5", "100000", "abc", "1e400"])
def test_hours_positive_and_bounded(api, payload, hours):
    response = api.post(
        "/api/v1/dossiers/", {**payload, "planned_training_hours": hours}, format="json"
    )
    assert response.status_code == 400
    assert "planned_training_hours" in response.json()["errors"]


def test_update_records_changed_fields_and_ignores_state(api, agency_a):
    dossier = DossierFactory(agency=agency_a)
    response = api.patch(
        f"/api/v1/dossiers/{dossier.pk}/",
        {"agency_tutor": "Nouveau Tuteur", "state": "closed", "dispositif": "CAR"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "draft"
    assert response.json()["dispositif"] == "CPI"
    event = DossierEvent.objects.get(dossier=dossier, kind="edited")
    assert event.data == {"fields": ["agency_tutor"]}


def test_closed_dossier_is_not_edited(api, agency_a):
    dossier = DossierFactory(agency=agency_a, state=DossierState.CLOSED)
    response = api.patch(f"/api/v1/dossiers/{dossier.pk}/", {"notes": "x"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "dossier_locked"


def test_training_manager_creates_only_pro_a_permanent(client_for, make_user, payload):
    api = client_for(make_user(role=Role.TRAINING_MANAGER))
    assert api.post("/api/v1/dossiers/", payload, format="json").status_code == 403
    response = api.post(
        "/api/v1/dossiers/", {**payload, "dispositif": "PRO_A_PERMANENT"}, format="json"
    )
    assert response.status_code == 201


def test_filters_search_ordering_and_page_size(api, agency_a):
    DossierFactory(agency=agency_a, cpi=True, akto_reference="AKTO-XYZ")
    DossierFactory(agency=agency_a, car=True, state=DossierState.SUBMITTED)
    DossierFactory(agency=agency_a, cipi=True)

    def ids(query):
        response = api.get(f"/api/v1/dossiers/?{query}")
        assert response.status_code == 200, response.json()
        return [row["dispositif"] for row in response.json()["results"]]

    assert ids("dispositif=CAR") == ["CAR"]
    assert sorted(ids("dispositif=CAR&dispositif=CIPI")) == ["CAR", "CIPI"]
    assert ids("state=submitted") == ["CAR"]
    assert ids("search=XYZ") == ["CPI"]
    assert ids(f"agency={agency_a.pk}&ordering=dispositif") == ["CAR", "CIPI", "CPI"]
    assert len(ids("page_size=1")) == 1
    assert ids("contract_start_after=2030-01-01") == []


@pytest.mark.parametrize(
    "query",
    [
        "dispositif=XYZ",
        "state=nowhere",
        "agency=abc",
        "agency=99999999999999999999999",
        "contract_start_after=2026-13-45",
    ],
)
def test_bad_filters_are_400(api, query):
    response = api.get(f"/api/v1/dossiers/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_page_size_is_capped(api, agency_a):
    response = api.get("/api/v1/dossiers/?page_size=100000")
    assert response.status_code == 200


# --- The funding ledger: read it, record a payment received (issue 15) ----------------------


@pytest.fixture
def claimed_dossier(agency_a, case_worker):
    """A CDPI whose reimbursement of 4 200 € was requested through the step."""
    dossier = DossierFactory(
        cdpi=True, agency=agency_a, contract_start=dt.date(2025, 1, 6), state=S.MISSION_FOLLOW_UP
    )
    services.dossier_run_transition(
        dossier_id=dossier.pk,
        name="request_reimbursement",
        by=case_worker,
        data={
            "reimbursement_requested_on": "2026-02-02",
            "claimed_hours": "300",
            "claimed_amount": "4200.00",
        },
    )
    return dossier


def test_a_payment_is_recorded_over_the_api(api, claimed_dossier, case_worker):
    url = f"/api/v1/dossiers/{claimed_dossier.pk}/payments/"
    body = {"amount": "1500.00", "on": "2026-03-01", "reference": "PAI-1"}
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    ledger = response.json()
    assert (ledger["claimed"], ledger["paid"], ledger["still_due"]) == (
        "4200.00",
        "1500.00",
        "2700.00",
    )
    assert [(line["kind"], line["recorded_by"]) for line in ledger["lines"]] == [
        ("claimed", str(case_worker)),
        ("paid", str(case_worker)),
    ]
    assert api.get(f"/api/v1/dossiers/{claimed_dossier.pk}/ledger/").json() == ledger


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0", "on": "2026-03-01", "reference": "P"}, "amount"),
        ({"amount": "10", "on": "2026-01-01", "reference": "P"}, "on"),
        ({"amount": "10", "on": "2026-03-01"}, "reference"),
        ({"amount": "ten", "on": "2026-03-01", "reference": "P"}, "amount"),
    ],
)
def test_a_wrong_payment_is_400_in_french_and_changes_nothing(api, claimed_dossier, body, field):
    response = api.post(f"/api/v1/dossiers/{claimed_dossier.pk}/payments/", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not claimed_dossier.funding_lines.filter(kind="paid").exists()


def test_another_agencys_ledger_and_payments_are_404(api_b, claimed_dossier):
    assert api_b.get(f"/api/v1/dossiers/{claimed_dossier.pk}/ledger/").status_code == 404
    body = {"amount": "10", "on": "2026-03-01", "reference": "P"}
    response = api_b.post(f"/api/v1/dossiers/{claimed_dossier.pk}/payments/", body, format="json")
    assert response.status_code == 404
    assert not claimed_dossier.funding_lines.filter(kind="paid").exists()


def test_a_reporter_records_no_payment(client_for, make_user, claimed_dossier):
    reporter = client_for(make_user(Role.CPNE_REPORTER))
    body = {"amount": "10", "on": "2026-03-01", "reference": "P"}
    response = reporter.post(
        f"/api/v1/dossiers/{claimed_dossier.pk}/payments/", body, format="json"
    )
    assert response.status_code in (403, 404)
    assert not claimed_dossier.funding_lines.filter(kind="paid").exists()
