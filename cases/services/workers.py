"""Writes on workers (temp workers and permanent staff)."""

import logging

from django.db import transaction

from cases import selectors
from cases.exceptions import DossierForbidden, DossierNotFound, DuplicateWorker, RecordInUse
from cases.models import Worker
from cases.models.workers import HEALTH_FIELDS
from cases.permissions import ADD, CHANGE, may_see_health_data, may_write_nir
from cases.services.scope import (
    changed_values,
    locked_in_scope,
    reject_unknown_fields,
    require_choosable,
    require_role,
    require_row,
)
from cases.validators import compact_nir

logger = logging.getLogger(__name__)

WORKER_FIELDS = frozenset(
    field.name
    for field in Worker._meta.concrete_fields
    if field.editable and not field.primary_key and field.name not in ("created", "updated")
)


def _check_sensitive(by, data: dict, worker: Worker) -> None:
    """Nobody writes a NIR or health data they may not read (they would overwrite it blind)."""
    changes = {n for n, value in data.items() if n in HEALTH_FIELDS and getattr(worker, n) != value}
    # A NIR sent by someone who may not read it is refused whatever its value: a refusal that
    # depended on the value would confirm the stored number (cases.permissions.may_write_nir).
    if "nir" in data and not may_write_nir(by, worker):
        raise DossierForbidden(
            "Votre rôle ne permet pas de saisir le NIR.",
            errors={"nir": ["Votre rôle ne permet pas de saisir le NIR."]},
        )
    if changes & set(HEALTH_FIELDS) and not may_see_health_data(by):
        raise DossierForbidden("Votre rôle ne permet pas de saisir des données de santé.")


DUPLICATE_HINT = (
    "Vérifiez qu'il ne s'agit pas de la même personne (ouvrez sa fiche) ; s'il s'agit bien "
    "d'une autre personne, confirmez la création."
)


def _normalised(data: dict) -> dict:
    """A NIR typed with spaces or dots (« 1 85 05 78 006 084 91 ») is stored compact."""
    if isinstance(data.get("nir"), str):
        return {**data, "nir": compact_nir(data["nir"])}
    return data


def duplicate_message(workers) -> str:
    names = " ; ".join(str(worker) for worker in workers)
    return f"Ce salarié semble déjà enregistré : {names}. {DUPLICATE_HINT}"


def _refuse_duplicates(by, data: dict) -> None:
    found = list(selectors.worker_duplicates(user=by, data=data)[:5])
    if found:
        message = duplicate_message(found)
        raise DuplicateWorker(message, errors={"confirm_duplicate": [message]})


@transaction.atomic
def worker_create(*, by, data: dict, confirm_duplicate: bool = False) -> Worker:
    """Create a worker in one of `by`'s agencies. A worker `by` can see with the same NIR, or
    the same name and birth date, is refused as a probable duplicate unless
    `confirm_duplicate` says it is another person."""
    reject_unknown_fields(data, WORKER_FIELDS)
    require_role(by, "worker", "add", "Votre rôle ne permet pas de créer un salarié.")
    data = _normalised(data)
    worker = Worker()
    _check_sensitive(by, data, worker)
    require_choosable(by, data)
    for name, value in data.items():
        setattr(worker, name, value)
    require_row(by, ADD, worker, "Votre rôle ne permet pas de créer ce salarié.")
    if not confirm_duplicate:  # after the permission checks: a refusal tells nothing
        _refuse_duplicates(by, data)
    worker.full_clean()
    worker._history_user = by
    worker.save()
    logger.info("worker %s created by %s", worker.pk, by)
    return worker


@transaction.atomic
def worker_update(*, worker_id: int, by, data: dict) -> Worker:
    """Change a worker of `by`'s agencies. The agency is fixed once set: one in `data` is
    ignored (a worker moves by being recorded again in the other agency)."""
    reject_unknown_fields(data, WORKER_FIELDS)
    require_role(by, "worker", "change", "Votre rôle ne permet pas de modifier un salarié.")
    data = _normalised(data)
    worker = locked_in_scope(selectors.worker_list(user=by), worker_id)
    if worker is None:
        raise DossierNotFound("Salarié introuvable.")
    data = {name: value for name, value in data.items() if name != "agency"}
    require_row(by, CHANGE, worker, "Votre rôle ne permet pas de modifier ce salarié.")
    _check_sensitive(by, data, worker)
    require_choosable(by, changed_values(worker, data))
    for name, value in data.items():
        setattr(worker, name, value)
    require_row(by, CHANGE, worker, "Votre rôle ne permet pas d'enregistrer ce salarié ainsi.")
    worker.full_clean()
    worker._history_user = by
    worker.save()
    logger.info("worker %s changed by %s", worker.pk, by)
    return worker


@transaction.atomic
def worker_delete(*, worker_id: int, by) -> None:
    """Delete a worker recorded by mistake: one with no dossier and no mission."""
    require_role(by, "worker", "delete", "Votre rôle ne permet pas de supprimer un salarié.")
    worker = locked_in_scope(selectors.worker_list(user=by), worker_id)
    if worker is None:
        raise DossierNotFound("Salarié introuvable.")
    if worker.dossiers.exists() or worker.missions.exists():
        raise RecordInUse(
            f"{worker} a des dossiers ou des missions : ce salarié ne peut pas être supprimé."
        )
    worker._history_user = by
    worker.delete()
    logger.info("worker %s deleted by %s", worker_id, by)
