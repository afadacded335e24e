"""Reads for the dossier page of the admin: findings, step buttons, checklist, timeline,
deadlines (met late ones included), the mission obligations' progress and the funding ledger."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from cases.choices import FundingLineKind
from cases.ledger import Ledger, dossier_ledger
from cases.models import Dossier, FundingLine
from cases.permissions import PAY, may
from cases.rules.findings import Finding
from cases.rules.obligations import ObligationProgress
from cases.selectors import dossier_obligations_settled, dossier_stop_reason, pending_deadlines
from cases.workflow import checks, transitions
from cases.workflow.steps import STEPS


@dataclass(frozen=True)
class StepButton:
    name: str
    label: str
    needs_form: bool
    blocked_by: tuple[Finding, ...] = ()

    @property
    def blocked(self) -> bool:
        return bool(self.blocked_by)

    @property
    def reason(self) -> str:
        return " ".join(f.message for f in self.blocked_by)


@dataclass(frozen=True)
class ChecklistItem:
    step: str
    label: str
    provided: bool
    source: str


@dataclass(frozen=True)
class TimelineItem:
    day: dt.date
    kind: str  # event, mission, training, deadline
    text: str


@dataclass
class DossierOverview:
    steps: list[StepButton] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    timeline: list[TimelineItem] = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    all_deadlines: list = field(default_factory=list)
    obligations: list[ObligationProgress] = field(default_factory=list)
    ledger: Ledger | None = None
    may_record_payment: bool = False
    stop_reason: str = ""

    @property
    def missing_by_step(self) -> list[tuple[str, list[str]]]:
        """Each next step with the documents it still lacks (asked in its form)."""
        missing: dict[str, list[str]] = {}
        for item in self.checklist:
            if not item.provided:
                missing.setdefault(item.step, []).append(item.label)
        return list(missing.items())

    @property
    def finding_rows(self) -> list[tuple[str, Finding]]:
        """Each finding with the word the page puts before it.

        A missing document blocks its step only until the step's form receives the file, so
        it reads « À joindre », not « Bloquant »: the step's button stays active.
        """
        return [(_finding_tag(finding), finding) for finding in self.findings]

    @property
    def next_deadline(self):
        return self.deadlines[0] if self.deadlines else None


def _finding_tag(finding: Finding) -> str:
    if finding.code == checks.DOCUMENT_MISSING:
        return "À joindre"
    return "Bloquant" if finding.blocking else "Attention"


def dossier_steps(dossier: Dossier, user) -> tuple[list[StepButton], list[Finding]]:
    """The steps `user` may run now, each with what blocks it, and every finding once."""
    steps, findings = [], []
    for step in transitions.available_transitions(dossier, user):
        found = checks.transition_findings(dossier, step.name)
        for finding in found:
            if finding not in findings:
                findings.append(finding)
        # A missing document does not grey the step: its form asks for the file.
        blocking = tuple(f for f in found if f.blocking and f.code != checks.DOCUMENT_MISSING)
        steps.append(StepButton(step.name, step.label, step.needs_form, blocking))
    return steps, findings


def document_checklist(dossier: Dossier, step_names: list[str]) -> list[ChecklistItem]:
    """The documents the next steps require, and whether each one is in."""
    provided = checks.provided_kinds(dossier)
    return [
        ChecklistItem(
            STEPS[req.transition].label,
            req.get_kind_display(),
            req.kind in provided,
            req.source,
        )
        for req in checks.requirements_for(dossier, step_names)
    ]


def dossier_timeline(dossier: Dossier, deadlines: list) -> list[TimelineItem]:
    """Events, training period, missions and pending deadlines, oldest first."""
    items = [
        TimelineItem(
            timezone.localtime(event.created).date(),
            "event",
            " — ".join(filter(None, [_event_text(event), str(event.actor or ""), event.comment])),
        )
        for event in dossier.events.select_related("actor")
    ]
    items.append(TimelineItem(dossier.contract_start, "training", "Début du contrat"))
    if dossier.training_start:
        end = f" au {dossier.training_end:%d/%m/%Y}" if dossier.training_end else ""
        items.append(
            TimelineItem(
                dossier.training_start,
                "training",
                f"Période de formation du {dossier.training_start:%d/%m/%Y}{end} "
                f"({_hours(dossier.planned_training_hours)} h prévues)",
            )
        )
    for mission in dossier.missions.select_related("client_company"):
        items.append(
            TimelineItem(
                mission.start, "mission", f"Mission : {mission} ({_hours(mission.hours)} h)"
            )
        )
    for deadline in deadlines:
        items.append(
            TimelineItem(
                deadline.due,
                "deadline",
                f"Échéance : {deadline.label} (jour ouvré sûr : {deadline.safe_date:%d/%m/%Y})",
            )
        )
    items.append(TimelineItem(dossier.contract_end, "training", "Fin du contrat"))
    return sorted(items, key=lambda item: item.day)


def _event_text(event) -> str:
    """A step's label (« Déposer à l'AKTO »), else the kind of event (« Création »…)."""
    if event.transition in STEPS:
        return STEPS[event.transition].label
    return event.get_kind_display()


def _hours(value) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def dossier_overview(dossier: Dossier, user) -> DossierOverview:
    steps, findings = dossier_steps(dossier, user)
    deadlines = pending_deadlines(dossier)
    all_deadlines = list(dossier.deadlines.order_by("due", "pk"))
    ledger = dossier_ledger(dossier)
    return DossierOverview(
        steps=steps,
        findings=findings,
        checklist=document_checklist(dossier, [s.name for s in steps]),
        timeline=dossier_timeline(dossier, deadlines),
        deadlines=deadlines,
        all_deadlines=all_deadlines,
        obligations=dossier_obligations_settled(dossier, all_deadlines),
        ledger=ledger,
        may_record_payment=bool(ledger.summary.claimed)
        and may(user, PAY, FundingLine(dossier=dossier, kind=FundingLineKind.PAID)),
        stop_reason=dossier_stop_reason(dossier),
    )
