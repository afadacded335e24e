"""A dossier's steps: the one service that moves its state (admin, API and tasks call it).

A step that waits for documents takes them with its data: the files are attached through the
documents service (role table, scope, upload checks, history) in the step's transaction, so a
refused step keeps none of them, in the database or on disk.
"""

import logging

from django.db import transaction
from django_fsm import ConcurrentTransition

from cases.choices import DocumentKind, DocumentStatus, DossierEventKind
from cases.exceptions import (
    ConcurrentChange,
    DossierNotFound,
    TransitionBlocked,
    TransitionInvalid,
    TransitionUnknown,
)
from cases.ledger import ledger_record_step
from cases.models import Document, Dossier, DossierEvent
from cases.permissions import CHANGE, may, scope_dossiers
from cases.refresh import dossier_refresh
from cases.services.documents import document_update, document_upload
from cases.signals import dossier_stepped
from cases.uploads import stored_files_delete_on_failure
from cases.workflow import checks, transitions
from cases.workflow.steps import STEPS

logger = logging.getLogger(__name__)


def dossier_run_transition(
    *,
    dossier_id: int,
    name: str,
    by,
    data: dict | None = None,
    expected_state: str | None = None,
    files: dict | None = None,
) -> Dossier:
    """Run transition `name` on a dossier, or change nothing and raise a DossierError.

    Lock the row, check scope, state, path and role, validate the step's data and files,
    attach the documents, refuse while a blocking finding stands, then save and record the
    event in the same transaction. `expected_state` is the state the caller saw: if someone
    moved the dossier since, the caller's intent is stale and the change is refused rather
    than applied to another state. `files` holds the documents the step asks, by kind; if the
    step is refused, the files stored meanwhile are removed.
    """
    with stored_files_delete_on_failure() as stored, transaction.atomic():
        return _run(
            dossier_id=dossier_id,
            name=name,
            by=by,
            data=data,
            expected_state=expected_state,
            files=files,
            stored=stored,
        )


def _attach(dossier: Dossier, files: dict, by, stored: list) -> None:
    """Attach each file of the step: a new document of its kind, or, for a kind the dossier
    already holds and `by` may change, its replacement (the old file goes after commit)."""
    for kind, file in files.items():
        current = Document.objects.filter(dossier=dossier, kind=kind).order_by("-pk").first()
        if current is not None and may(by, CHANGE, current):
            document = document_update(
                document_id=current.pk,
                by=by,
                data={"file": file, "status": DocumentStatus.RECEIVED, "received_on": None},
            )
        else:
            document = document_upload(dossier_id=dossier.pk, kind=kind, by=by, file=file)
        stored.append(document.file)


def _kind_label(kind: str) -> str:
    return str(DocumentKind(kind).label) if kind in DocumentKind.values else kind


def _run(*, dossier_id, name, by, data, expected_state, files, stored) -> Dossier:
    if name not in STEPS:
        raise TransitionUnknown(f"L'étape « {name} » n'existe pas.")
    dossier = (
        scope_dossiers(Dossier.objects.select_for_update(), by)
        .select_related("worker", "agency")
        .filter(pk=dossier_id)
        .first()
    )
    if dossier is None:
        raise DossierNotFound("Dossier introuvable.")
    label = STEPS[name].label
    expected_state = expected_state or (data or {}).get("expected_state")
    if expected_state and dossier.state != expected_state:
        raise ConcurrentChange(
            "Le dossier a été modifié entre-temps : il est maintenant à l'état "
            f"« {dossier.get_state_display()} ». Rechargez-le avant de recommencer."
        )
    transitions.check_may_run(dossier, name, by)  # its path, then the roles the step declares

    from_state = dossier.state
    form = transitions.form_class(name)(data=data or {}, files=files or {}, instance=dossier)
    if not form.is_valid():
        raise TransitionInvalid(
            f"Les informations saisies pour « {label} » sont incomplètes ou incorrectes.",
            errors={field: [str(m) for m in messages] for field, messages in form.errors.items()},
        )
    if unexpected := sorted(set(files or {}) - set(form.document_fields)):
        raise TransitionInvalid(
            f"« {label} » ne demande pas ces pièces.",
            errors={
                kind: [f"Cette étape ne demande pas cette pièce : {_kind_label(kind)}."]
                for kind in unexpected
            },
        )
    _attach(dossier, form.documents(), by, stored)
    if blocking := checks.blocking_findings(dossier, name):
        raise TransitionBlocked(
            f"« {label} » est bloqué : " + " ".join(f.message for f in blocking),
            findings=blocking,
        )
    getattr(dossier, name)()
    for field_name, value in STEPS[name].sets.items():
        setattr(dossier, field_name, value)
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
        kind=DossierEventKind.TRANSITION,
        transition=name,
        from_state=from_state,
        to_state=dossier.state,
        comment=form.cleaned_data.get("comment", ""),
        data=form.event_data(),
    )
    ledger_record_step(dossier, STEPS[name], form.cleaned_data, by)
    dossier_stepped.send(sender=Dossier, dossier=dossier, transition=name, from_state=from_state)
    dossier_refresh(dossier)
    logger.info("dossier %s: %s (%s → %s) by %s", dossier.pk, name, from_state, dossier.state, by)
    return dossier
