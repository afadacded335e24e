"""A dossier reaches a state only once its facts have happened (issue « One core », #15).

Each dispositif is walked along its declared path with a fixed « today » that moves only when
the calendar must allow the next step. At every step, generated from its declaration
(`cases.workflow.steps`: `asked`, `not_before`, `guards`): a date in the future is refused, a
date before the fact it follows is refused, a step whose calendar has not come is refused
with a French blocking finding (also listed by the API), then the step succeeds. Closing waits
until every mission obligation is met or waived by an agency manager; a case worker asking to
waive is told to ask their manager.

The scenario of the issue: on 24 November, a contract starting on 27 November.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import models
from rest_framework.test import APIClient

from cases.choices import (
    CancellationReason,
    DeadlineKind,
    DeadlineStatus,
    Dispositif,
    DossierState,
    Role,
)
from cases.exceptions import TransitionBlocked, TransitionForbidden, TransitionInvalid
from cases.models import Deadline, Dossier
from cases.reference import load_document_requirements
from cases.services import dossier_run_transition
from cases.waivers import deadline_waive
from cases.workflow.guards import guard_findings
from cases.workflow.steps import STEPS, GuardKind, Step, steps_from
from tests.factories import DossierFactory, UserFactory, meet_obligations

S = DossierState
ASKED_ON = dt.date(2026, 11, 24)
CONTRACT_START = dt.date(2026, 11, 27)
TRAITS = {
    Dispositif.CPI: "cpi",
    Dispositif.CAI: "cai",
    Dispositif.CIPI: "cipi",
    Dispositif.CDPI: "cdpi",
    Dispositif.CAR: "car",
    Dispositif.PRO_A_INTERIM: "pro_a_interim",
    Dispositif.PRO_A_PERMANENT: "pro_a_permanent",
}
OBLIGED = {Dispositif.CIPI, Dispositif.CDPI, Dispositif.CAR}
# The values the steps ask that are not dates.
VALUES = {
    "reserved_amount": Decimal("4200.00"),
    "funds_reference": "RES-2026-1",
    "akto_reference": "AKTO-2026-1",
    "claimed_hours": Decimal("400"),
    "claimed_amount": Decimal("4200.00"),
    "cancellation_reason": CancellationReason.ABANDONMENT,
}
# The planned date each actual training fact is expected on.
PLANNED = {"training_started_on": "training_start", "training_ended_on": "training_end"}
SIDE_STEPS = {"cancel", "refuse", "amend"}


def main_path(dispositif: str) -> list[Step]:
    """The declared path from the draft to the closure (the first step offered each time)."""
    path, state = [], S.DRAFT
    while state != S.CLOSED:
        step = next(s for s in steps_from(dispositif, state) if s.name not in SIDE_STEPS)
        path.append(step)
        state = step.target
    return path


def is_date(name: str) -> bool:
    return isinstance(Dossier._meta.get_field(name), models.DateField)


def asked_now(step: Step, dossier: Dossier) -> list[str]:
    return [*step.fields, *(n for n in step.asks_once if getattr(dossier, n) is None)]


def fact_day(name: str, dossier: Dossier, today: dt.date) -> dt.date:
    """The day a fact happens: an actual training date on its planned day, others today."""
    return getattr(dossier, PLANNED[name]) if name in PLANNED else today


def data_for(step: Step, dossier: Dossier, today: dt.date, **dates) -> dict:
    data = {}
    for name in asked_now(step, dossier):
        if is_date(name):
            data[name] = dates.get(name, fact_day(name, dossier, today)).isoformat()
        else:
            data[name] = str(VALUES[name])
    if step.comment_required:
        data["comment"] = "Motif saisi."
    return data


def run(dossier, step, by, data):
    return dossier_run_transition(dossier_id=dossier.pk, name=step.name, by=by, data=data)


def assert_unchanged(dossier, state):
    dossier.refresh_from_db()
    assert dossier.state == state


@pytest.fixture
def people(db):
    load_document_requirements()

    def make(agency):
        worker = UserFactory(role=Role.CASE_WORKER)
        manager = UserFactory(role=Role.AGENCY_MANAGER)
        worker.agencies.add(agency)
        manager.agencies.add(agency)
        return worker, manager

    return make


def refuse_future_and_disorder(step, dossier, by, today):
    """A date in the future, or before the fact it follows, is refused in French."""
    state = dossier.state
    for name in filter(is_date, asked_now(step, dossier)):
        future = data_for(step, dossier, today, **{name: today + dt.timedelta(days=1)})
        with pytest.raises(TransitionInvalid) as refused:
            run(dossier, step, by, future)
        assert refused.value.errors[name] == ["Cette date ne peut pas être dans le futur."]
        assert_unchanged(dossier, state)
    for rule in step.not_before:
        earlier = getattr(dossier, rule.earlier)
        if earlier is None or rule.field not in asked_now(step, dossier):
            continue
        before = earlier - dt.timedelta(days=1)
        data = data_for(step, dossier, today, **{rule.field: before})
        with pytest.raises(TransitionInvalid) as refused:
            run(dossier, step, by, data)
        assert refused.value.errors[rule.field][0].startswith(rule.message), rule
        assert_unchanged(dossier, state)


def wait_for_the_calendar(step, dossier, by, today, freeze_today) -> dt.date:
    """Refused while the calendar has not come (a French blocking finding); then it comes."""
    for guard in step.guards:
        if guard.kind != GuardKind.REACHED:
            continue
        waited = getattr(dossier, guard.field) or getattr(dossier, guard.fallback or guard.field)
        if guard.field in PLANNED:  # asked by the step: its actual date is the planned one
            waited = fact_day(guard.field, dossier, today)
        if waited is None or waited <= today:
            continue
        if guard.field in asked_now(step, dossier):
            with pytest.raises(TransitionInvalid):  # its form refuses a date in the future
                run(dossier, step, by, data_for(step, dossier, today))
        else:
            (finding,) = guard_findings(dossier, step, today=today)
            assert (finding.code, finding.blocking) == (guard.code, True)
            assert f"{waited:%d/%m/%Y}" in finding.message and finding.source
            # Any date the form would take is refused: by the form (future, before the
            # contract) or by the guard.
            with pytest.raises((TransitionInvalid, TransitionBlocked)):
                run(dossier, step, by, data_for(step, dossier, today))
            api = APIClient()
            api.force_authenticate(by)
            listed = api.get(f"/api/v1/dossiers/{dossier.pk}/findings/").json()
            assert guard.code in [f["code"] for f in listed]
        assert_unchanged(dossier, dossier.state)
        today = freeze_today(waited)
    return today


def settle_obligations(step, dossier, worker, manager, today):
    """Closing is refused while an obligation is not met; only a manager's waiver passes."""
    if not any(g.kind == GuardKind.SETTLED for g in step.guards):
        return
    if dossier.dispositif not in OBLIGED:
        assert not guard_findings(dossier, step, today=today)
        return
    with pytest.raises(TransitionBlocked) as refused:
        run(dossier, step, worker, {})
    (finding,) = refused.value.findings
    assert finding.code == "obligation_not_settled"
    assert "responsable d'agence" in finding.message and "h sur" in finding.message
    deadline = Deadline.objects.get(dossier=dossier, kind=DeadlineKind.MISSION_OBLIGATION)
    with pytest.raises(TransitionForbidden) as forbidden:
        deadline_waive(deadline_id=deadline.pk, by=worker, reason="Fin de mission anticipée.")
    assert "demandez-le à votre responsable d'agence" in forbidden.value.message
    deadline_waive(deadline_id=deadline.pk, by=manager, reason="Accord de la CPNE.")
    deadline.refresh_from_db()
    assert (deadline.status, deadline.waived_by) == (DeadlineStatus.WAIVED, manager)
    assert dossier.events.filter(kind="deadline_waived", actor=manager).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("dispositif", list(Dispositif))
def test_each_dispositif_follows_its_facts(dispositif, people, freeze_today):
    today = freeze_today(ASKED_ON)
    dossier = DossierFactory(
        **{TRAITS[dispositif]: True}, contract_start=CONTRACT_START, provide_documents=True
    )
    worker, manager = people(dossier.agency)
    for step in main_path(dispositif):
        dossier.refresh_from_db()
        today = wait_for_the_calendar(step, dossier, worker, today, freeze_today)
        refuse_future_and_disorder(step, dossier, worker, today)
        settle_obligations(step, dossier, worker, manager, today)
        run(dossier, step, worker, data_for(step, dossier, today))
        dossier.refresh_from_db()
        assert dossier.state == step.target, step.name
        if step.on:
            assert getattr(dossier, step.on) is not None, step.name
    assert dossier.training_started_on == dossier.training_start == CONTRACT_START
    assert dossier.training_ended_on == dossier.training_end
    assert dossier.reimbursement_requested_on >= dossier.training_ended_on
    # Closing changed no obligation: nothing is « Levée » without its author.
    assert not Deadline.objects.filter(
        dossier=dossier, status=DeadlineStatus.WAIVED, waived_by__isnull=True
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("dispositif", sorted(OBLIGED))
def test_an_obligation_met_by_missions_lets_the_dossier_close(dispositif, people, freeze_today):
    dossier = DossierFactory(
        **{TRAITS[dispositif]: True}, state=S.REIMBURSEMENT_REQUESTED, provide_documents=True
    )
    freeze_today(dossier.training_end + dt.timedelta(days=1))
    worker, _ = people(dossier.agency)
    with pytest.raises(TransitionBlocked):
        run(dossier, STEPS["close"], worker, {})
    meet_obligations(dossier)
    run(dossier, STEPS["close"], worker, {})
    dossier.refresh_from_db()
    assert dossier.state == S.CLOSED
    deadline = Deadline.objects.get(dossier=dossier, kind=DeadlineKind.MISSION_OBLIGATION)
    assert deadline.status == DeadlineStatus.MET


@pytest.mark.django_db
@pytest.mark.parametrize("dispositif", list(Dispositif))
def test_cancellation_stays_possible_with_a_reason_and_waives_nothing(
    dispositif, people, freeze_today
):
    """Even while the calendar blocks the next step; pending deadlines are « Annulée »."""
    freeze_today(ASKED_ON)
    dossier = DossierFactory(
        **{TRAITS[dispositif]: True},
        contract_start=CONTRACT_START,
        state=S.FUNDS_RESERVED if dispositif in {Dispositif.CIPI, Dispositif.CDPI} else S.ACCEPTED,
        provide_documents=True,
    )
    worker, _ = people(dossier.agency)
    assert guard_findings(dossier, STEPS["start_training"])
    with pytest.raises(TransitionInvalid) as refused:
        run(dossier, STEPS["cancel"], worker, {"comment": "Abandon."})
    assert refused.value.errors["cancellation_reason"] == ["Ce champ est obligatoire."]
    run(dossier, STEPS["cancel"], worker, data_for(STEPS["cancel"], dossier, ASKED_ON))
    dossier.refresh_from_db()
    assert dossier.state == S.CANCELLED
    statuses = set(Deadline.objects.filter(dossier=dossier).values_list("status", flat=True))
    assert DeadlineStatus.WAIVED not in statuses and DeadlineStatus.OPEN not in statuses


def test_every_dispositif_path_records_the_actual_training_dates():
    for dispositif in Dispositif:
        recorded = {n for step in main_path(dispositif) for n in step.asked}
        assert {"training_started_on", "training_ended_on"} <= recorded, dispositif
