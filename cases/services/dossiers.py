"""Writes on dossiers other than their steps: create the plan, edit it, delete a dossier."""

import logging

from django.db import transaction
from django.utils import timezone

from cases.choices import FINAL_STATES, DossierEventKind
from cases.exceptions import DossierForbidden, DossierLocked, DossierNotFound
from cases.ledger import funding_estimate_refresh
from cases.models import Dossier, DossierEvent
from cases.permissions import may_edit_dossier, scope_dossiers
from cases.refresh import dossier_refresh
from cases.services.scope import (
    changed_values,
    locked_in_scope,
    reject_unknown_fields,
    require_choosable,
    require_role,
)
from cases.uploads import stored_file_delete_on_commit

logger = logging.getLogger(__name__)


def dossier_record_change(*, dossier: Dossier, by, created: bool, changed: list[str]) -> None:
    """Record in the history that a dossier was created or its fields edited; re-sync deadlines."""
    DossierEvent.objects.create(
        dossier=dossier,
        actor=by,
        kind=DossierEventKind.CREATED if created else DossierEventKind.EDITED,
        to_state=dossier.state if created else "",
        data={"fields": sorted(changed)} if changed else {},
        comment="Dossier créé." if created else "Champs modifiés : " + ", ".join(sorted(changed)),
    )
    # The plan was checked (again): its funding estimate goes to the ledger when it changed.
    funding_estimate_refresh(dossier=dossier, on=timezone.localdate(), by=by)
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
        "funding_programme",
        "training_cost",
        "notes",
    }
)
# Who the dossier is for and which dispositif it is are fixed once it exists.
DOSSIER_UPDATE_FIELDS = DOSSIER_CREATE_FIELDS - {"dispositif", "agency", "worker"}


@transaction.atomic
def dossier_create(*, by, data: dict) -> Dossier:
    """Create a draft dossier from `data` (model field values), validate it and record it.

    Raise DossierForbidden when `by` may not open this dispositif in this agency, and
    django.core.exceptions.ValidationError (per field, in French) when the fields disagree.
    """
    reject_unknown_fields(data, DOSSIER_CREATE_FIELDS)
    fields = dict(data)
    client_companies = fields.pop("client_companies", [])
    agency = fields.get("agency")
    if not may_edit_dossier(
        by, dispositif=fields.get("dispositif", ""), agency_id=agency.pk if agency else None
    ):
        raise DossierForbidden("Votre rôle ne permet pas de créer ce dossier dans cette agence.")
    require_choosable(by, data)
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
    reject_unknown_fields(data, DOSSIER_UPDATE_FIELDS)
    dossier = scope_dossiers(Dossier.objects.select_for_update(), by).filter(pk=dossier_id).first()
    if dossier is None:
        raise DossierNotFound("Dossier introuvable.")
    if not may_edit_dossier(by, dispositif=dossier.dispositif, agency_id=dossier.agency_id):
        raise DossierForbidden("Votre rôle ne permet pas de modifier ce dossier.")
    if dossier.state in FINAL_STATES:
        raise DossierLocked(
            f"Un dossier à l'état « {dossier.get_state_display()} » ne peut plus être modifié."
        )
    require_choosable(by, changed_values(dossier, data))
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
def dossier_delete(*, dossier_id: int, by) -> None:
    """Delete a dossier (administrators: a dossier is otherwise cancelled, never deleted).

    Its documents, events and deadlines go with it, its missions stay (unattached), and its
    documents' files are removed once the deletion commits.
    """
    require_role(by, "dossier", "delete", "Un dossier s'annule : il ne se supprime pas.")
    dossier = locked_in_scope(scope_dossiers(Dossier.objects.all(), by), dossier_id)
    if dossier is None:
        raise DossierNotFound("Dossier introuvable.")
    files = [document.file for document in dossier.documents.exclude(file="")]
    dossier._history_user = by
    dossier.delete()
    for file in files:
        stored_file_delete_on_commit(file)
    logger.info("dossier %s deleted by %s", dossier_id, by)
