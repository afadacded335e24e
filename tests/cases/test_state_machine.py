"""The dossier state machine: every dispositif, every state, every transition (DOMAIN.md §3).

The expected paths are written out here again, from DOMAIN.md §3, independently of
`cases.workflow.steps`, so that a mistake in the code's table cannot hide in its own test.
"""

import datetime as dt
from decimal import Decimal

import pytest

from cases.choices import CancellationReason, Dispositif, DossierState, Role
from cases.exceptions import TransitionInvalid, TransitionNotAllowed
from cases.models import Dossier, DossierEvent
from cases.reference import load_document_requirements
from cases.services import dossier_run_transition
from cases.workflow.transitions import TRANSITION_NAMES
from tests.factories import DossierFactory, UserFactory, meet_obligations

S = DossierState

# DOMAIN.md §3, « The path each dispositif takes through it ».
COMMON_AKTO = {
    S.DRAFT: {"request_funds", "submit"},
    S.FUNDS_REQUESTED: {"reserve_funds"},
    S.FUNDS_RESERVED: {"submit"},
    S.SUBMITTED: {"accept", "refuse"},
    S.REFUSED: {"amend"},
    S.ACCEPTED: {"start_training"},
}
EXPECTED: dict[str, dict[str, set[str]]] = {
    Dispositif.CPI: {
        **COMMON_AKTO,
        S.IN_TRAINING: {"start_follow_up"},
        S.MISSION_FOLLOW_UP: {"request_reimbursement"},
        S.REIMBURSEMENT_REQUESTED: {"close"},
    },
    Dispositif.PRO_A_INTERIM: {
        **COMMON_AKTO,
        S.IN_TRAINING: {"request_reimbursement"},
        S.REIMBURSEMENT_REQUESTED: {"close"},
    },
    Dispositif.CIPI: {
        S.DRAFT: {"request_funds"},
        S.FUNDS_REQUESTED: {"reserve_funds"},
        S.FUNDS_RESERVED: {"start_training"},
        S.IN_TRAINING: {"start_follow_up"},
        S.MISSION_FOLLOW_UP: {"request_reimbursement"},
        S.REIMBURSEMENT_REQUESTED: {"close"},
    },
    Dispositif.CAR: {
        S.DRAFT: {"request_opinion"},
        S.OPINION_REQUESTED: {"give_opinion", "refuse_opinion"},
        S.OPINION_GIVEN: {"submit"},
        S.SUBMITTED: {"accept", "refuse"},
        S.REFUSED: {"amend"},
        S.ACCEPTED: {"start_training"},
        S.IN_TRAINING: {"start_follow_up"},
        S.MISSION_FOLLOW_UP: {"request_reimbursement"},
        S.REIMBURSEMENT_REQUESTED: {"close"},
    },
}
EXPECTED[Dispositif.CAI] = EXPECTED[Dispositif.CPI]
EXPECTED[Dispositif.PRO_A_PERMANENT] = EXPECTED[Dispositif.PRO_A_INTERIM]
EXPECTED[Dispositif.CDPI] = EXPECTED[Dispositif.CIPI]
# Any non-final state may be cancelled (reason required).
for table in EXPECTED.values():
    for state in S:
        if state not in (S.CLOSED, S.CANCELLED):
            table.setdefault(state, set())
            table[state] = table[state] | {"cancel"}

TARGETS = {
    "request_opinion": S.OPINION_REQUESTED,
    "give_opinion": S.OPINION_GIVEN,
    "refuse_opinion": S.CANCELLED,
    "request_funds": S.FUNDS_REQUESTED,
    "reserve_funds": S.FUNDS_RESERVED,
    "submit": S.SUBMITTED,
    "accept": S.ACCEPTED,
    "refuse": S.REFUSED,
    "amend": S.DRAFT,
    "start_training": S.IN_TRAINING,
    "start_follow_up": S.MISSION_FOLLOW_UP,
    "request_reimbursement": S.REIMBURSEMENT_REQUESTED,
    "close": S.CLOSED,
    "cancel": S.CANCELLED,
}

TRAITS = {
    Dispositif.CPI: "cpi",
    Dispositif.CAI: "cai",
    Dispositif.CIPI: "cipi",
    Dispositif.CDPI: "cdpi",
    Dispositif.CAR: "car",
    Dispositif.PRO_A_INTERIM: "pro_a_interim",
    Dispositif.PRO_A_PERMANENT: "pro_a_permanent",
}


# The « today » of these tests: after every planned date of the factories' dossiers.
TODAY = dt.date(2027, 6, 1)


def valid_data(name: str, dossier: Dossier) -> dict:
    """Form data that each step accepts (facts in their order, none in the future)."""
    day = dt.date(2026, 3, 3)
    started = dossier.training_started_on or dossier.training_start
    ended = dossier.training_ended_on or dossier.training_end
    return {
        "give_opinion": {"opinion_date": day},
        "refuse_opinion": {"opinion_date": day, "comment": "Projet hors reconversion."},
        "request_funds": {"funds_requested_on": day},
        "reserve_funds": {
            "reserved_amount": Decimal("6800.00"),
            "funds_reference": "RES-1",
            "funds_reserved_on": dossier.funds_requested_on or day,
        },
        "submit": {"deposit_date": day, "akto_reference": "AKTO-2026-001"},
        "accept": {"akto_decision_date": dossier.deposit_date or day},
        "refuse": {
            "akto_decision_date": dossier.deposit_date or day,
            "comment": "Pièce illisible.",
        },
        "start_training": {"training_started_on": dossier.training_start},
        "start_follow_up": {"training_ended_on": ended, "training_started_on": started},
        "request_reimbursement": {
            "reimbursement_requested_on": ended,
            "training_started_on": started,
            "training_ended_on": ended,
            "claimed_hours": Decimal("400"),
            "claimed_amount": Decimal("6800.00"),
        },
        "cancel": {"cancellation_reason": CancellationReason.ABANDONMENT, "comment": "Abandon."},
    }.get(name, {})


@pytest.fixture
def manager(db, freeze_today):
    freeze_today(TODAY)
    load_document_requirements()
    return UserFactory(role=Role.AGENCY_MANAGER)


def test_the_expected_table_covers_every_transition():
    assert set(TARGETS) == set(TRANSITION_NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("dispositif", list(Dispositif))
def test_transition_matrix(dispositif, manager):
    """Every allowed transition succeeds; every other one is refused and changes nothing."""
    for state in S:
        allowed = EXPECTED[dispositif].get(state, set())
        for name in TRANSITION_NAMES:
            dossier = DossierFactory(
                **{TRAITS[dispositif]: True}, state=state, provide_documents=True
            )
            manager.agencies.add(dossier.agency)
            data = valid_data(name, dossier)
            label = f"{dispositif} {state} {name}"
            if name == "close":
                meet_obligations(dossier)  # closing waits until they are settled
            if name in allowed:
                dossier_run_transition(dossier_id=dossier.pk, name=name, by=manager, data=data)
                dossier.refresh_from_db()
                assert dossier.state == TARGETS[name], label
                event = dossier.events.get(transition=name)
                assert (event.from_state, event.to_state, event.actor) == (
                    state,
                    TARGETS[name],
                    manager,
                ), label
            else:
                with pytest.raises(TransitionNotAllowed) as refused:
                    dossier_run_transition(dossier_id=dossier.pk, name=name, by=manager, data=data)
                assert "n'est pas possible" in refused.value.message, label
                dossier.refresh_from_db()
                assert dossier.state == state, label
                assert not DossierEvent.objects.filter(dossier=dossier).exists(), label


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "state", "missing"),
    [
        ("submit", S.DRAFT, "deposit_date"),
        ("submit", S.DRAFT, "akto_reference"),
        ("refuse", S.SUBMITTED, "comment"),
        ("cancel", S.DRAFT, "comment"),
        ("cancel", S.DRAFT, "cancellation_reason"),
        ("reserve_funds", S.FUNDS_REQUESTED, "reserved_amount"),
    ],
)
def test_a_step_without_its_data_is_refused_in_french_and_changes_nothing(
    name, state, missing, manager
):
    dossier = DossierFactory(cpi=True, state=state, provide_documents=True)
    manager.agencies.add(dossier.agency)
    data = valid_data(name, dossier)
    data.pop(missing)
    dossier.refresh_from_db()
    before = {f.attname: getattr(dossier, f.attname) for f in Dossier._meta.concrete_fields}
    with pytest.raises(TransitionInvalid) as refused:
        dossier_run_transition(dossier_id=dossier.pk, name=name, by=manager, data=data)
    assert refused.value.errors[missing] == ["Ce champ est obligatoire."]
    dossier.refresh_from_db()
    after = {f.attname: getattr(dossier, f.attname) for f in Dossier._meta.concrete_fields}
    assert after == before
    assert not dossier.events.exists()


@pytest.mark.django_db
def test_the_dossier_keeps_what_the_step_recorded(manager):
    dossier = DossierFactory(cpi=True, provide_documents=True)
    manager.agencies.add(dossier.agency)
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="submit",
        by=manager,
        data={"deposit_date": "2026-03-04", "akto_reference": " AKTO-42 ", "comment": "Déposé."},
    )
    dossier.refresh_from_db()
    assert (dossier.deposit_date, dossier.akto_reference) == (dt.date(2026, 3, 4), "AKTO-42")
    event = dossier.events.get()
    assert event.comment == "Déposé."
    assert event.data == {"deposit_date": "2026-03-04", "akto_reference": "AKTO-42"}


@pytest.mark.django_db
def test_a_decision_before_the_deposit_is_refused(manager):
    dossier = DossierFactory(cpi=True, state=S.SUBMITTED, deposit_date=dt.date(2026, 3, 4))
    manager.agencies.add(dossier.agency)
    with pytest.raises(TransitionInvalid) as refused:
        dossier_run_transition(
            dossier_id=dossier.pk,
            name="accept",
            by=manager,
            data={"akto_decision_date": "2026-03-03"},
        )
    assert "ne peut pas précéder le dépôt" in refused.value.errors["akto_decision_date"][0]


@pytest.mark.django_db
def test_the_state_field_is_protected():
    dossier = DossierFactory(cpi=True)
    with pytest.raises(AttributeError):
        dossier.state = S.CLOSED
