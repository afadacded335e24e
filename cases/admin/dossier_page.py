"""Reads for the dossier page of the admin: findings, step buttons, checklist, timeline."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from cases.models import DocumentRequirement, Dossier
from cases.rules.findings import Finding
from cases.selectors import pending_deadlines
from cases.workflow import checks, transitions


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

    @property
    def next_deadline(self):
        return self.deadlines[0] if self.deadlines else None


def dossier_steps(dossier: Dossier, user) -> tuple[list[StepButton], list[Finding]]:
    """The steps `user` may run now, each with what blocks it, and every finding once."""
    steps, findings = [], []
    for step in transitions.available_transitions(dossier, user):
        found = checks.transition_findings(dossier, step.name)
        for finding in found:
            if finding not in findings:
                findings.append(finding)
        blocking = tuple(f for f in found if f.blocking)
        steps.append(StepButton(step.name, step.label, step.needs_form, blocking))
    return steps, findings


def document_checklist(dossier: Dossier, step_names: list[str]) -> list[ChecklistItem]:
    """The documents the next steps require, and whether each one is in."""
    requirements = DocumentRequirement.objects.filter(
        dispositif=dossier.dispositif, transition__in=step_names
    )
    if not dossier.afest:
        requirements = requirements.filter(only_with_afest=False)
    provided = {doc.kind for doc in dossier.documents.all() if doc.is_provided}
    return [
        ChecklistItem(
            transitions.label(req.transition),
            req.get_kind_display(),
            req.kind in provided,
            req.source,
        )
        for req in requirements
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


EVENT_KINDS = {
    "created": "Dossier créé",
    "edited": "Dossier modifié",
    "document": "Pièce du dossier",
    "deemed_decision": "Décision réputée (silence de l'AKTO)",
    "deadline_waived": "Échéance levée",
}


def _event_text(event) -> str:
    if event.transition in transitions.TRANSITION_NAMES:
        return transitions.label(event.transition)
    return EVENT_KINDS.get(event.kind, event.kind)


def _hours(value) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def dossier_overview(dossier: Dossier, user) -> DossierOverview:
    steps, findings = dossier_steps(dossier, user)
    deadlines = pending_deadlines(dossier)
    return DossierOverview(
        steps=steps,
        findings=findings,
        checklist=document_checklist(dossier, [s.name for s in steps if s.name != "cancel"]),
        timeline=dossier_timeline(dossier, deadlines),
        deadlines=deadlines,
    )
