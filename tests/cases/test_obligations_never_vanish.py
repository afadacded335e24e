"""Obligations never vanish, and dossiers kept from before keep working (issue #15).

- Nothing waives anything silently: only `cases.waivers.deadline_waive` sets « Levée », with
  its author (read in the code itself, and on every path a dossier takes).
- The data migration fills the actual training dates from the step events, never before the
  planned dates, and turns the « Levée » without author that closings wrote into « Annulée ».
- A dossier that lacks a fact its path should have recorded says so (« Date à renseigner »),
  and the next step asks it.
"""

import ast
import datetime as dt
import importlib
import zoneinfo
from pathlib import Path

import pytest
from django.apps import apps as django_apps

from cases.choices import DeadlineKind, DeadlineStatus, Dispositif, DossierState, Role
from cases.deadlines import deadlines_sync
from cases.exceptions import TransitionInvalid
from cases.models import Deadline, DossierEvent
from cases.services import dossier_run_transition
from cases.workflow.checks import dossier_findings
from cases.workflow.steps import facts_recorded
from tests.factories import DossierFactory, UserFactory

S = DossierState
ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("accords", "cases", "notifications", "reports", "bench", "config")
# Where a deadline becomes « Levée »: a manager's waiver, with its author (the service; the
# load generator writes the same row for a closed dossier its missions left unmet).
WAIVING_MODULES = {"cases/waivers.py", "bench/loadgen/dossiers.py"}
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
fill_migration = importlib.import_module("cases.migrations.0019_dossier_facts_fill")


def _is_waived(node) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "WAIVED") or (
        isinstance(node, ast.Constant) and node.value == "waived"
    )


def waiving_lines(tree: ast.AST) -> list[int]:
    """Lines that write « waived » (an assignment, or a create/update keyword)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if [getattr(t, "id", "") for t in targets] == ["WAIVED"]:
                continue  # the choice itself (cases.choices)
            values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
            if any(_is_waived(v) for v in values):
                found.append(node.lineno)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            writes = name in {"update", "create", "update_or_create", "get_or_create", "Deadline"}
            if writes and any(k.arg == "status" and _is_waived(k.value) for k in node.keywords):
                found.append(node.lineno)
    return found


def test_no_code_path_sets_waived_without_an_author():
    offenders = {}
    for app in PRODUCT:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in WAIVING_MODULES:
                continue
            if lines := waiving_lines(ast.parse(path.read_text(encoding="utf-8"))):
                offenders[relative] = lines
    assert offenders == {}
    for module in WAIVING_MODULES:
        source = (ROOT / module).read_text(encoding="utf-8")
        assert waiving_lines(ast.parse(source)) and "waived_by" in source, module


def test_the_scan_would_see_a_silent_waiver():
    assert waiving_lines(ast.parse("d.status = DeadlineStatus.WAIVED"))
    assert waiving_lines(ast.parse("Deadline.objects.filter().update(status='waived')"))
    assert not waiving_lines(ast.parse("Deadline.objects.filter(status='waived')"))


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.CLOSED, S.CANCELLED])
def test_closing_or_cancelling_never_waives(state):
    dossier = DossierFactory(cdpi=True, state=S.MISSION_FOLLOW_UP)
    deadlines_sync(dossier)
    obligation = Deadline.objects.get(dossier=dossier, kind=DeadlineKind.MISSION_OBLIGATION)
    before = obligation.status
    type(dossier).objects.filter(pk=dossier.pk).update(state=state)
    dossier.refresh_from_db()
    deadlines_sync(dossier)
    obligation.refresh_from_db()
    assert obligation.status == (before if state == S.CLOSED else DeadlineStatus.CANCELLED)
    assert obligation.waived_by is None and obligation.waived_at is None
    assert obligation.get_status_display() in ("À faire", "Dépassée", "Annulée")


# The data migration.


def _event(dossier, name: str, day: dt.date) -> None:
    event = DossierEvent.objects.create(dossier=dossier, kind="transition", transition=name)
    moment = dt.datetime.combine(day, dt.time(23, 30), tzinfo=PARIS)  # 22:30 UTC: Paris day
    DossierEvent.objects.filter(pk=event.pk).update(created=moment)


@pytest.mark.django_db
def test_the_migration_fills_what_the_events_prove_and_invents_nothing():
    planned = {"training_start": dt.date(2026, 3, 2), "training_end": dt.date(2026, 9, 30)}
    fillable = DossierFactory(
        cpi=True, state=S.MISSION_FOLLOW_UP, training_started_on=None, training_ended_on=None
    )
    type(fillable).objects.filter(pk=fillable.pk).update(**planned)
    _event(fillable, "start_training", dt.date(2026, 3, 2))
    _event(fillable, "start_follow_up", dt.date(2026, 10, 2))
    # Clicked before the planned dates (the dossier): nothing proves the training.
    early = DossierFactory(
        cpi=True, state=S.MISSION_FOLLOW_UP, training_started_on=None, training_ended_on=None
    )
    type(early).objects.filter(pk=early.pk).update(**planned)
    _event(early, "start_training", dt.date(2026, 2, 27))
    _event(early, "start_follow_up", dt.date(2026, 3, 5))
    # Pro-A: the reimbursement request gives no training end.
    pro_a = DossierFactory(
        pro_a_interim=True,
        state=S.REIMBURSEMENT_REQUESTED,
        training_started_on=None,
        training_ended_on=None,
    )
    silent = Deadline.objects.create(
        dossier=early,
        kind=DeadlineKind.MISSION_OBLIGATION,
        label="Obligation",
        due=dt.date(2026, 12, 30),
        safe_date=dt.date(2026, 12, 30),
        status=DeadlineStatus.WAIVED,
        waived_at=dt.datetime(2026, 6, 1, tzinfo=PARIS),
        waiver_reason="Dossier clôturé.",
        source="003",
    )
    manager = UserFactory(role=Role.AGENCY_MANAGER)
    waived = Deadline.objects.create(
        dossier=fillable,
        kind=DeadlineKind.AKTO_DEPOSIT,
        label="Dépôt",
        due=dt.date(2026, 3, 7),
        safe_date=dt.date(2026, 3, 6),
        status=DeadlineStatus.WAIVED,
        waived_by=manager,
        waiver_reason="Accord AKTO.",
        source="003",
    )

    fill_migration.fill(django_apps, None)

    for dossier in (fillable, early, pro_a, silent, waived):
        dossier.refresh_from_db()
    assert (fillable.training_started_on, fillable.training_ended_on) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 10, 2),
    )
    assert (early.training_started_on, early.training_ended_on) == (None, None)
    assert (pro_a.training_started_on, pro_a.training_ended_on) == (None, None)
    assert (silent.status, silent.waiver_reason) == (DeadlineStatus.CANCELLED, "Dossier clôturé.")
    assert (waived.status, waived.waived_by) == (DeadlineStatus.WAIVED, manager)
    # What stays empty is visible to the case worker, and asked by the next step.
    codes = {(f.code, f.field): f for f in dossier_findings(early)}
    missing = codes[("fact_missing", "training_started_on")]
    assert not missing.blocking
    assert "début réel de la formation" in missing.message
    assert "« Demander le remboursement »" in missing.message


# The claim the reimbursement request records (the funding ledger's « demandé »).
CLAIM = {"claimed_hours": "400", "claimed_amount": "4000"}


@pytest.mark.django_db
def test_the_next_step_asks_a_missing_fact_once(freeze_today):
    freeze_today(dt.date(2027, 6, 1))
    dossier = DossierFactory(
        cpi=True, state=S.MISSION_FOLLOW_UP, training_started_on=None, training_ended_on=None
    )
    manager = UserFactory(role=Role.AGENCY_MANAGER)
    manager.agencies.add(dossier.agency)
    with pytest.raises(TransitionInvalid) as refused:
        dossier_run_transition(
            dossier_id=dossier.pk,
            name="request_reimbursement",
            by=manager,
            data={"reimbursement_requested_on": "2027-03-01", **CLAIM},
        )
    assert set(refused.value.errors) == {"training_started_on", "training_ended_on"}
    dossier_run_transition(
        dossier_id=dossier.pk,
        name="request_reimbursement",
        by=manager,
        data={
            "reimbursement_requested_on": "2027-03-01",
            **CLAIM,
            "training_started_on": "2026-03-02",
            "training_ended_on": "2027-02-15",
        },
    )
    dossier.refresh_from_db()
    assert dossier.training_ended_on == dt.date(2027, 2, 15)
    assert not [f for f in dossier_findings(dossier) if f.code == "fact_missing"]


@pytest.mark.parametrize("dispositif", list(Dispositif))
def test_the_facts_expected_in_each_state_follow_the_declared_path(dispositif):
    assert facts_recorded(dispositif, S.DRAFT) == frozenset()
    assert "training_started_on" in facts_recorded(dispositif, S.IN_TRAINING)
    assert "training_ended_on" not in facts_recorded(dispositif, S.IN_TRAINING)
    assert {"training_ended_on", "reimbursement_requested_on"} <= facts_recorded(
        dispositif, S.CLOSED
    )
    assert facts_recorded(dispositif, S.CANCELLED) == frozenset()
