"""Writes on a dossier's documents. Who uploaded a file and who decided on it (validated,
refused) is the calling user, recorded here, never a value read from a form.

Every new file passes `cases.uploads.document_file_check`; a file let go of (replaced, cleared
or deleted with its document) is removed from storage once the transaction commits.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import selectors
from cases.choices import FINAL_STATES, DocumentStatus, DossierEventKind
from cases.exceptions import DossierLocked, DossierNotFound
from cases.models import Document, DossierEvent
from cases.permissions import ADD, CHANGE, DELETE
from cases.services.scope import (
    locked_in_scope,
    reject_unknown_fields,
    require_role,
    require_row,
)
from cases.uploads import document_file_check, stored_file_delete_on_commit

logger = logging.getLogger(__name__)

DOCUMENT_UPDATE_FIELDS = frozenset({"kind", "file", "status", "received_on", "note"})
STATUS_WORDS = {
    DocumentStatus.EXPECTED: "attendue",
    DocumentStatus.RECEIVED: "reçue",
    DocumentStatus.VALIDATED: "validée",
    DocumentStatus.REJECTED: "refusée",
}


def _check_file(file) -> None:
    try:
        document_file_check(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error


def _check_dossier(by, action: str, document: Document, refusal: str) -> None:
    """The role table on the document itself (its dossier, its kind: an FPE.TT advisor adds
    only the opinion to a CAR awaiting it), then the dossier's state."""
    require_row(by, action, document, refusal)
    dossier = document.dossier
    if dossier.state in FINAL_STATES:
        raise DossierLocked(
            f"Un dossier à l'état « {dossier.get_state_display()} » ne reçoit plus de pièces."
        )


def _event(document: Document, by, comment: str, **data) -> None:
    DossierEvent.objects.create(
        dossier_id=document.dossier_id,
        actor=by,
        kind=DossierEventKind.DOCUMENT,
        comment=comment,
        data={"document": document.pk, "kind": document.kind, **data},
    )


@transaction.atomic
def document_upload(
    *,
    dossier_id: int,
    kind: str,
    by,
    file=None,
    note: str = "",
    status: str | None = None,
    received_on=None,
) -> Document:
    """Attach a document to a dossier `by` may edit: a received file, or (no file) a document
    still expected. `status` and `received_on` default to what the file says."""
    require_role(by, "document", "add", "Votre rôle ne permet pas d'ajouter une pièce.")
    # Found among the dossiers `by` sees; whether this document may go there is the table's
    # answer on the document itself (`_check_dossier`).
    dossier = locked_in_scope(selectors.dossier_list(user=by), dossier_id)
    if dossier is None:
        raise DossierNotFound("Dossier introuvable.")
    _check_dossier(
        by,
        ADD,
        Document(dossier=dossier, kind=kind),
        "Votre rôle ne permet pas d'ajouter cette pièce à ce dossier.",
    )
    if file:
        _check_file(file)
    received = DocumentStatus.RECEIVED if file else DocumentStatus.EXPECTED
    document = Document(
        dossier=dossier,
        kind=kind,
        file=file or "",
        status=status or received,
        received_on=received_on or (timezone.localdate() if file else None),
        note=note,
        uploaded_by=by if file else None,
    )
    document.full_clean()
    document._history_user = by
    document.save()
    what = "pièce reçue" if file else "pièce attendue"
    _event(document, by, f"{document.get_kind_display()} : {what}.", status=document.status)
    logger.info("document %s added to dossier %s by %s", document.pk, dossier.pk, by)
    return document


@transaction.atomic
def document_update(*, document_id: int, by, data: dict) -> Document:
    """Change a document: its file (the old one goes after commit), status (validate or
    refuse it), reception date or note. The dossier it belongs to is fixed."""
    reject_unknown_fields(data, DOCUMENT_UPDATE_FIELDS)
    require_role(by, "document", "change", "Votre rôle ne permet pas de modifier une pièce.")
    document = locked_in_scope(selectors.document_list(user=by), document_id)
    if document is None:
        raise DossierNotFound("Pièce introuvable.")
    _check_dossier(
        by, CHANGE, document, "Votre rôle ne permet pas de modifier les pièces de ce dossier."
    )
    previous_file, previous_status = document.file, document.status
    new_file = "file" in data and data["file"] != previous_file
    if new_file and data["file"]:
        _check_file(data["file"])
    for name, value in data.items():
        setattr(document, name, (value or "") if name == "file" else value)
    if new_file and document.file:
        document.uploaded_by = by
        document.received_on = data.get("received_on") or timezone.localdate()
    document.full_clean()
    document._history_user = by
    document.save()
    if new_file and previous_file:
        stored_file_delete_on_commit(previous_file)
    if new_file or document.status != previous_status:
        if new_file:
            what = "nouveau fichier" if document.file else "fichier retiré"
        else:
            what = f"pièce {STATUS_WORDS[document.status]}"
        _event(document, by, f"{document.get_kind_display()} : {what}.", status=document.status)
    return document


@transaction.atomic
def document_delete(*, document_id: int, by) -> None:
    """Delete a document of a dossier `by` may edit; its file goes after commit."""
    require_role(by, "document", "delete", "Votre rôle ne permet pas de supprimer une pièce.")
    document = locked_in_scope(selectors.document_list(user=by), document_id)
    if document is None:
        raise DossierNotFound("Pièce introuvable.")
    _check_dossier(
        by, DELETE, document, "Votre rôle ne permet pas de supprimer les pièces de ce dossier."
    )
    DossierEvent.objects.create(
        dossier_id=document.dossier_id,
        actor=by,
        kind=DossierEventKind.DOCUMENT,
        comment=f"{document.get_kind_display()} : pièce supprimée.",
        data={"kind": document.kind},
    )
    file = document.file
    document._history_user = by
    document.delete()
    if file:
        stored_file_delete_on_commit(file)
    logger.info("document %s deleted by %s", document_id, by)
