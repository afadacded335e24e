"""Every transition over HTTP, through the same service as the admin."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.choices import DossierState, Role
from cases.models import DossierEvent
from cases.reference import load_document_requirements
from tests.factories import DossierFactory, meet_obligations

SUBMIT = ("submit", {"deposit_date": "2026-03-04", "akto_reference": "AKTO-2026-001"})
ACCEPT = ("accept", {"akto_decision_date": "2026-03-10"})
START = ("start_training", {"training_started_on": "2026-03-02"})
FOLLOW_UP = ("start_follow_up", {"training_ended_on": "2026-04-16"})
# Pro-A has no follow-up: its request records the actual training end (others ignore it).
REIMBURSE = (
    "request_reimbursement",
    {
        "reimbursement_requested_on": "2026-10-01",
        "training_ended_on": "2026-04-16",
        "claimed_hours": "400",
        "claimed_amount": "6800",
    },
)
CLOSE = ("close", {"comment": "Tout est payé."})
REQUEST_FUNDS = ("request_funds", {"funds_requested_on": "2026-02-01"})
RESERVE_FUNDS = (
    "reserve_funds",
    {"reserved_amount": "2100.00", "funds_reference": "RES-42", "funds_reserved_on": "2026-02-10"},
)
REQUEST_OPINION = ("request_opinion", {})
GIVE_OPINION = ("give_opinion", {"opinion_date": "2026-02-15"})

PATHS = {
    "cpi": [SUBMIT, ACCEPT, START, FOLLOW_UP, REIMBURSE, CLOSE],
    "cai": [SUBMIT, ACCEPT, START, FOLLOW_UP, REIMBURSE, CLOSE],
    "cpi_with_reservation": [REQUEST_FUNDS, RESERVE_FUNDS, SUBMIT, ACCEPT, START, FOLLOW_UP],
    "pro_a_interim": [SUBMIT, ACCEPT, START, REIMBURSE, CLOSE],
    "pro_a_permanent": [SUBMIT, ACCEPT, START, REIMBURSE, CLOSE],
    "cipi": [REQUEST_FUNDS, RESERVE_FUNDS, START, FOLLOW_UP, REIMBURSE, CLOSE],
    "cdpi": [REQUEST_FUNDS, RESERVE_FUNDS, START, FOLLOW_UP, REIMBURSE, CLOSE],
    "car": [REQUEST_OPINION, GIVE_OPINION, SUBMIT, ACCEPT, START, FOLLOW_UP, REIMBURSE, CLOSE],
}


@pytest.fixture(autouse=True)
def _today(freeze_today):
    """After every planned date of the factories' dossiers (steps wait on the calendar)."""
    freeze_today(dt.date(2027, 6, 1))


def run(api, dossier_id, name, data=None):
    return api.post(f"/api/v1/dossiers/{dossier_id}/transitions/{name}/", data or {}, format="json")


@pytest.mark.parametrize("path", sorted(PATHS))
def test_full_path_over_http(api, agency_a, path):
    trait = path.removesuffix("_with_reservation")
    dossier = DossierFactory(agency=agency_a, **{trait: True})
    for name, data in PATHS[path]:
        listed = api.get(f"/api/v1/dossiers/{dossier.pk}/transitions/").json()
        assert name in [t["name"] for t in listed], (name, listed)
        if name == "close":
            meet_obligations(dossier)  # closing waits until they are settled
        response = run(api, dossier.pk, name, data)
        assert response.status_code == 200, (name, response.json())
    dossier.refresh_from_db()
    events = DossierEvent.objects.filter(dossier=dossier, kind="transition")
    assert events.count() == len(PATHS[path])
    assert response.json()["state"] == dossier.state


def test_refusal_then_amend(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cpi=True, state=DossierState.SUBMITTED)
    response = run(
        api, dossier.pk, "refuse", {"akto_decision_date": "2026-03-10", "comment": "Incomplet"}
    )
    assert response.json()["state"] == "refused"
    assert run(api, dossier.pk, "amend").json()["state"] == "draft"


def test_cancel_with_reason(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cipi=True, state=DossierState.FUNDS_REQUESTED)
    response = run(
        api, dossier.pk, "cancel", {"cancellation_reason": "abandonment", "comment": "Abandon"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert response.json()["cancellation_reason"] == "abandonment"


def test_transitions_list_gives_labels_and_fields(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cpi=True)
    listed = {t["name"]: t for t in api.get(f"/api/v1/dossiers/{dossier.pk}/transitions/").json()}
    assert set(listed) == {"submit", "request_funds", "cancel"}
    assert listed["submit"]["label"] == "Déposer à l'AKTO"
    fields = {f["name"]: f for f in listed["submit"]["fields"]}
    assert fields["deposit_date"] == {
        "name": "deposit_date",
        "label": "Date de dépôt à l'AKTO",
        "type": "date",
        "required": True,
        "choices": [],
    }
    reasons = {f["name"]: f for f in listed["cancel"]["fields"]}["cancellation_reason"]
    assert {c["value"] for c in reasons["choices"]} == {
        "rupture",
        "abandonment",
        "refusal",
        "fpett_unfavourable",
        "error",
    }


def test_unknown_transition_is_404(api, agency_a):
    dossier = DossierFactory(agency=agency_a)
    response = run(api, dossier.pk, "teleport")
    assert response.status_code == 404
    assert response.json()["detail"] == "L'étape « teleport » n'existe pas."


def test_transition_not_allowed_from_state_is_409(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cpi=True)
    response = run(api, dossier.pk, "close")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_not_allowed"
    assert "Clôturer le dossier" in body["detail"]


def test_transition_off_the_dispositif_path_is_409(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cipi=True)
    response = run(api, dossier.pk, *SUBMIT)
    assert response.status_code == 409


def test_missing_documents_are_asked_by_the_step_400_naming_each_kind(api, agency_a):
    """The step's form asks the documents it needs (one file field per kind it lacks)."""
    load_document_requirements()
    dossier = DossierFactory(agency=agency_a, cpi=True)
    response = run(api, dossier.pk, *SUBMIT)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"cerfa", "programme", "quote", "calendar", "mission_letter"} <= set(errors)
    assert errors["cerfa"] == [
        "Pièce manquante pour cette étape : CERFA signé. Joignez le fichier."
    ]
    dossier.refresh_from_db()
    assert dossier.state == DossierState.DRAFT


def test_blocking_findings_answer_409_with_findings(api, agency_a):
    """Beyond the documents the form asks, a blocking finding refuses the step (409)."""
    load_document_requirements()
    dossier = DossierFactory(
        agency=agency_a, cdpi=True, state=DossierState.REIMBURSEMENT_REQUESTED
    )  # no mission after the training: the obligation is not met
    response = run(api, dossier.pk, *CLOSE)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_blocked"
    assert "obligation_not_settled" in {f["code"] for f in body["findings"]}
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REIMBURSEMENT_REQUESTED


def test_findings_endpoint(api, agency_a):
    load_document_requirements()
    dossier = DossierFactory(agency=agency_a, cpi=True)
    findings = api.get(f"/api/v1/dossiers/{dossier.pk}/findings/").json()
    # Other rules may add findings (an unknown rate, an overdue deposit): only the missing
    # documents are asserted, and every finding keeps the documented shape.
    missing = [f for f in findings if f["code"] == "document_missing"]
    assert missing
    assert all(f["severity"] == "error" and f["source"] for f in missing)
    complete = DossierFactory(agency=agency_a, cpi=True, provide_documents=True)
    complete_findings = api.get(f"/api/v1/dossiers/{complete.pk}/findings/").json()
    assert not [f for f in complete_findings if f["severity"] == "error"]
    for finding in findings + complete_findings:
        assert {"code", "severity", "message", "source"} <= set(finding)
        assert finding["severity"] in {"error", "warning"}
        assert finding["message"] and finding["source"]


def test_stale_expected_state_is_409(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cpi=True, state=DossierState.SUBMITTED)
    response = run(api, dossier.pk, "accept", {**ACCEPT[1], "expected_state": "draft"})
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_change"
    dossier.refresh_from_db()
    assert dossier.state == DossierState.SUBMITTED


def test_missing_transition_data_is_400_with_french_field_errors(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cpi=True)
    response = run(api, dossier.pk, "submit", {"akto_reference": "X"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"deposit_date": ["Ce champ est obligatoire."]}


def test_future_deposit_date_is_refused(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cpi=True)
    tomorrow = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = run(api, dossier.pk, "submit", {"deposit_date": tomorrow, "akto_reference": "X"})
    assert response.status_code == 400
    assert response.json()["errors"]["deposit_date"] == [
        "Cette date ne peut pas être dans le futur."
    ]


def test_refusal_needs_a_comment(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cpi=True, state=DossierState.SUBMITTED)
    response = run(api, dossier.pk, "refuse", {"akto_decision_date": "2026-03-10"})
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"deposit_date": "pas une date", "akto_reference": "X"}, "deposit_date"),
        ({"deposit_date": 20260304, "akto_reference": "X"}, "deposit_date"),
        ({"expected_state": "nowhere"}, "expected_state"),
        ({"cancellation_reason": "boredom"}, "cancellation_reason"),
        ({"reserved_amount": "1e40"}, "reserved_amount"),
    ],
)
def test_wrong_types_are_400(api, agency_a, data, field):
    dossier = DossierFactory(agency=agency_a, cpi=True)
    response = run(api, dossier.pk, "submit", data)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_fpett_advisor_gives_opinion_on_any_agency_car(client_for, make_user, agency_b):
    advisor = make_user(role=Role.FPETT_ADVISOR, agencies=[])
    api = client_for(advisor)
    car = DossierFactory(agency=agency_b, car=True, state=DossierState.OPINION_REQUESTED)
    cpi = DossierFactory(agency=agency_b, cpi=True)
    listed = api.get(f"/api/v1/dossiers/{car.pk}/transitions/").json()
    assert {t["name"] for t in listed} == {"give_opinion", "refuse_opinion", "cancel"}
    assert run(api, car.pk, *GIVE_OPINION).json()["state"] == "opinion_given"
    assert api.get(f"/api/v1/dossiers/{cpi.pk}/").status_code == 404


def test_fpett_advisor_cannot_submit(client_for, make_user, agency_b):
    api = client_for(make_user(role=Role.FPETT_ADVISOR, agencies=[]))
    car = DossierFactory(agency=agency_b, car=True, state=DossierState.OPINION_GIVEN)
    response = run(api, car.pk, *SUBMIT)
    assert response.status_code == 403
    car.refresh_from_db()
    assert car.state == DossierState.OPINION_GIVEN


def test_training_manager_runs_only_pro_a_permanent(client_for, make_user, agency_a):
    api = client_for(make_user(role=Role.TRAINING_MANAGER))
    cpi = DossierFactory(agency=agency_a, cpi=True)
    pro_a = DossierFactory(agency=agency_a, pro_a_permanent=True)
    assert api.get(f"/api/v1/dossiers/{cpi.pk}/transitions/").json() == []
    assert run(api, cpi.pk, *SUBMIT).status_code == 403
    assert run(api, pro_a.pk, *SUBMIT).status_code == 200


def test_events_endpoint(api, agency_a):
    dossier = DossierFactory(agency=agency_a, cpi=True)
    run(api, dossier.pk, *SUBMIT)
    events = api.get(f"/api/v1/dossiers/{dossier.pk}/events/").json()
    assert events[0]["transition"] == "submit"
    assert events[0]["from_state"] == "draft"
    assert events[0]["to_state"] == "submitted"
    assert events[0]["data"]["akto_reference"] == "AKTO-2026-001"


def test_concurrent_save_is_409_and_nothing_recorded(api, agency_a, monkeypatch):
    from django_fsm import ConcurrentTransition

    from cases.models import Dossier

    dossier = DossierFactory(agency=agency_a, cpi=True, state=DossierState.SUBMITTED)

    def save_after_someone_else(self, *args, **kwargs):
        raise ConcurrentTransition("state changed")

    monkeypatch.setattr(Dossier, "save", save_after_someone_else)
    response = run(api, dossier.pk, *ACCEPT)
    assert response.status_code == 409
    assert response.json()["code"] == "concurrent_change"
    assert not DossierEvent.objects.filter(dossier_id=dossier.pk, kind="transition").exists()
