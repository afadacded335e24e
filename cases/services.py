"""Writes on dossiers. Admin, API and Celery tasks all go through these functions."""

import logging

from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from cases.choices import FINAL_STATES, DocumentStatus
from cases.exceptions import (
    ConcurrentChange,
    DossierForbidden,
    DossierLocked,
    DossierNotFound,
    TransitionBlocked,
    TransitionForbidden,
    TransitionInvalid,
    TransitionNotAllowed,
    TransitionUnknown,
)
from cases.models import Document, Dossier, DossierEvent, Mission, Worker
from cases.permissions import (
    ADD,
    CHANGE,
    may,
    may_edit_dossier,
    may_write_nir,
    scope_dossiers,
)
from cases.workflow import checks, transitions
from notifications.services.recheck import dossier_refresh

logger = logging.getLogger(__name__)


@transaction.atomic
def dossier_run_transition(
    *, dossier_id: int, name: str, by, data: dict | None = None, expected_state: str | None = None
) -> Dossier:
    """Run transition `name` on a dossier, or change nothing and raise a DossierError.

    Lock the row, check scope, state, path and role, validate the step's data, refuse while
    a blocking finding stands, then save and record the event in the same transaction.
    `expected_state` is the state the caller saw: if someone moved the dossier since, the
    caller's intent is stale and the change is refused rather than applied to another state.
    """
    if name not in transitions.TRANSITION_NAMES:
        raise TransitionUnknown(f"L'étape « {name} » n'existe pas.")
    dossier = (
        scope_dossiers(Dossier.objects.select_for_update(), by)
        .select_related("worker", "agency")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise DossierNotFound("Dossier introuvable.")
    label = transitions.label(name)
    expected_state = expected_state or (data or {}).get("expected_state")
    if expected_state and dossier.state != expected_state:
        raise ConcurrentChange(
            "Le dossier a été modifié entre-temps : il est maintenant à l'état "
            f"« {dossier.get_state_display()} ». Rechargez-le avant de recommencer."
        )
    method = getattr(dossier, name)
    if not can_proceed(method):
        raise TransitionNotAllowed(
            f"« {label} » n'est pas possible pour un dossier {dossier.dispositif} "
            f"à l'état « {dossier.get_state_display()} »."
        )
    if not has_transition_perm(method, by):
        raise TransitionForbidden(f"Votre rôle ne permet pas l'étape « {label} » sur ce dossier.")

    from_state = dossier.state
    form = transitions.form_class(name)(data=data or {}, instance=dossier)
    if not form.is_valid():
        raise TransitionInvalid(
            f"Les informations saisies pour « {label} » sont incomplètes ou incorrectes.",
            errors={field: [str(m) for m in messages] for field, messages in form.errors.items()},
        )
    if blocking := checks.blocking_findings(dossier, name):
        raise TransitionBlocked(
            f"« {label} » est bloqué : " + " ".join(f.message for f in blocking),
            findings=blocking,
        )
    method()
    dossier._history_user = by  # who, in the dossier's history, even outside a request
    try:
        dossier.save()
    except ConcurrentTransition as exc:
        raise ConcurrentChange(
            "Le dossier a été modifié par quelqu'un d'autre pendant l'opération. Rechargez-le."
        ) from exc
    DossierEvent.objects.create(
        dossier=dossier,
        actor=by,
        transition=name,
        from_state=from_state,
        to_state=dossier.state,
        comment=form.cleaned_data.get("comment", ""),
        data=form.event_data(),
    )
    dossier_refresh(dossier)
    logger.info("dossier %s: %s (%s → %s) by %s", dossier.pk, name, from_state, dossier.state, by)
    return dossier


def dossier_record_change(*, dossier: Dossier, by, created: bool, changed: list[str]) -> None:
    """Record in the history that a dossier was created or its fields edited; re-sync deadlines."""
    DossierEvent.objects.create(
        dossier=dossier,
        actor=by,
        kind="created" if created else "edited",
        to_state=dossier.state if created else "",
        data={"fields": sorted(changed)} if changed else {},
        comment="Dossier créé." if created else "Champs modifiés : " + ", ".join(sorted(changed)),
    )
    dossier_refresh(dossier)


# Fields set when a dossier is created; `state` is never among them (transitions move it).
DOSSIER_CREATE_FIELDS = frozenset(
    {
        "dispositif",
        "agency",
        "worker",
        "case_worker",
        "certification_code",
        "certification_title",
        "training_provider",
        "client_companies",
        "afest",
        "contract_start",
        "contract_end",
        "training_start",
        "training_end",
        "planned_training_hours",
        "planned_contract_hours",
        "agency_tutor",
        "eu_tutor",
        "notes",
    }
)
# Who the dossier is for and which dispositif it is are fixed once it exists.
DOSSIER_UPDATE_FIELDS = DOSSIER_CREATE_FIELDS - {"dispositif", "agency", "worker"}


def _reject_unknown_fields(data: dict, allowed: frozenset[str]) -> None:
    if unknown := sorted(set(data) - allowed):
        raise ValueError(f"fields not editable here: {', '.join(unknown)}")


@transaction.atomic
def dossier_create(*, by, data: dict) -> Dossier:
    """Create a draft dossier from `data` (model field values), validate it and record it.

    Raise DossierForbidden when `by` may not open this dispositif in this agency, and
    django.core.exceptions.ValidationError (per field, in French) when the fields disagree.
    """
    _reject_unknown_fields(data, DOSSIER_CREATE_FIELDS)
    fields = dict(data)
    client_companies = fields.pop("client_companies", [])
    agency = fields.get("agency")
    if not may_edit_dossier(
        by, dispositif=fields.get("dispositif", ""), agency_id=agency.pk if agency else None
    ):
        raise DossierForbidden("Votre rôle ne permet pas de créer ce dossier dans cette agence.")
    dossier = Dossier(**fields)
    dossier.full_clean(exclude=["state"])  # protected FSM field: only transitions set it
    dossier._history_user = by
    dossier.save()
    dossier.client_companies.set(client_companies)
    dossier_record_change(dossier=dossier, by=by, created=True, changed=list(data))
    logger.info("dossier %s created by %s", dossier.pk, by)
    return dossier


@transaction.atomic
def dossier_update(*, dossier_id: int, by, data: dict) -> Dossier:
    """Change the plan of a dossier (dates, hours, certification, tutors…), never its state.

    Lock the row, check scope and role, refuse once the dossier is closed or cancelled,
    validate the whole dossier and record which fields changed.
    """
    _reject_unknown_fields(data, DOSSIER_UPDATE_FIELDS)
    dossier = scope_dossiers(Dossier.objects.select_for_update(), by).filter(pk=dossier_id).first()
    if dossier is None:
        raise DossierNotFound("Dossier introuvable.")
    if not may_edit_dossier(by, dispositif=dossier.dispositif, agency_id=dossier.agency_id):
        raise DossierForbidden("Votre rôle ne permet pas de modifier ce dossier.")
    if dossier.state in FINAL_STATES:
        raise DossierLocked(
            f"Un dossier à l'état « {dossier.get_state_display()} » ne peut plus être modifié."
        )
    fields = dict(data)
    changed: list[str] = []
    if "client_companies" in fields:
        companies = list(fields.pop("client_companies"))
        if {c.pk for c in companies} != set(dossier.client_companies.values_list("pk", flat=True)):
            dossier.client_companies.set(companies)
            changed.append("client_companies")
    for name, value in fields.items():
        if getattr(dossier, name) != value:
            setattr(dossier, name, value)
            changed.append(name)
    dossier.full_clean(exclude=["state"])  # protected FSM field: only transitions set it
    dossier._history_user = by
    dossier.save()
    if changed:
        dossier_record_change(dossier=dossier, by=by, created=False, changed=changed)
    return dossier


@transaction.atomic
def document_upload(*, dossier: Dossier, kind: str, file, by, note: str = "") -> Document:
    """Attach a received document to a dossier, if the caller may add this kind there."""
    if not may(by, ADD, Document(dossier=dossier, kind=kind)):
        raise DossierForbidden("Votre rôle ne permet pas d'ajouter cette pièce à ce dossier.")
    if dossier.state in FINAL_STATES:
        raise DossierLocked(
            f"Un dossier à l'état « {dossier.get_state_display()} » ne reçoit plus de pièces."
        )
    document = Document(
        dossier=dossier,
        kind=kind,
        file=file,
        status=DocumentStatus.RECEIVED,
        received_on=timezone.localdate(),
        note=note,
        uploaded_by=by,
    )
    document.full_clean()
    document._history_user = by
    document.save()
    DossierEvent.objects.create(
        dossier=dossier,
        actor=by,
        kind="document",
        comment=f"Pièce reçue : {document.get_kind_display()}.",
        data={"document": document.pk, "kind": kind},
    )
    return document


@transaction.atomic
def document_update(*, document: Document, by, data: dict) -> Document:
    """Change a document's status, reception date or note (e.g. validate or reject it)."""
    _reject_unknown_fields(data, frozenset({"status", "received_on", "note"}))
    if not may(by, CHANGE, document):
        raise DossierForbidden("Votre rôle ne permet pas de modifier les pièces de ce dossier.")
    for name, value in data.items():
        setattr(document, name, value)
    document.full_clean()
    document._history_user = by
    document.save()
    return document


def _check_may_save(by, row, what: str) -> None:
    """Refuse unless `by` may create `row`, or change it, as it is about to be saved."""
    if not may(by, ADD if row._state.adding else CHANGE, row):
        raise DossierForbidden(f"Votre rôle ne permet pas d'enregistrer {what}.")


@transaction.atomic
def worker_save(*, by, data: dict, worker: Worker | None = None) -> Worker:
    """Create a worker (no `worker`) or change one; the agency is fixed once set.

    The role table is asked twice: about the worker as stored, then as it will be saved (a
    training manager edits permanent staff only, and may not turn one into a temp worker). A
    NIR is never written over by someone who may not read it.
    """
    worker = worker or Worker()
    if worker.pk:
        _check_may_save(by, worker, "ce salarié")
        data = {name: value for name, value in data.items() if name != "agency"}
    if "nir" in data and not may_write_nir(by, worker):
        raise DossierForbidden("Votre rôle ne permet pas de modifier le NIR de ce salarié.")
    for name, value in data.items():
        setattr(worker, name, value)
    _check_may_save(by, worker, "ce salarié")
    worker.full_clean()
    worker._history_user = by
    worker.save()
    logger.info("worker %s saved by %s", worker.pk, by)
    return worker


@transaction.atomic
def mission_save(*, by, data: dict, mission: Mission | None = None) -> Mission:
    """Record a mission (no `mission`) or change one, for a worker the caller handles.

    Mission hours feed the mission obligations, so the dossiers concerned are re-synced.
    """
    mission = mission or Mission()
    if mission.pk:
        _check_may_save(by, mission, "cette mission")
    previous_dossier_id = mission.dossier_id
    for name, value in data.items():
        setattr(mission, name, value)
    _check_may_save(by, mission, "cette mission")
    mission.full_clean()
    mission._history_user = by
    mission.save()
    for dossier in Dossier.objects.filter(pk__in={previous_dossier_id, mission.dossier_id}):
        dossier_refresh(dossier)
    return mission
