"""Writes on missions. Mission hours feed the mission obligations of the dossiers concerned,
which are re-synced in the same transaction."""

import logging

from django.db import transaction

from cases import selectors
from cases.exceptions import DossierNotFound
from cases.models import Dossier, Mission
from cases.permissions import ADD, CHANGE
from cases.refresh import dossier_refresh
from cases.services.scope import (
    changed_values,
    locked_in_scope,
    reject_unknown_fields,
    require_choosable,
    require_role,
    require_row,
)

logger = logging.getLogger(__name__)

MISSION_FIELDS = frozenset(
    {"worker", "dossier", "client_company", "start", "end", "hours", "contract_number"}
)


def _refresh(*dossier_ids: int | None) -> None:
    for dossier in Dossier.objects.filter(pk__in={pk for pk in dossier_ids if pk}):
        dossier_refresh(dossier)


@transaction.atomic
def mission_create(*, by, data: dict, refresh: bool = True) -> Mission:
    """Record a mission of a worker of `by`'s agencies, attached or not to one of their dossiers.

    `refresh=False` leaves the dossier's deadlines to the caller, who must then run
    `dossier_refresh` on it before its transaction ends (an import does it once per dossier)."""
    reject_unknown_fields(data, MISSION_FIELDS)
    require_role(by, "mission", "add", "Votre rôle ne permet pas d'enregistrer une mission.")
    require_choosable(by, data)
    mission = Mission(**data)
    require_row(by, ADD, mission, "Votre rôle ne permet pas d'enregistrer cette mission.")
    mission.full_clean()
    mission._history_user = by
    mission.save()
    if refresh:
        _refresh(mission.dossier_id)
    logger.info("mission %s created by %s", mission.pk, by)
    return mission


@transaction.atomic
def mission_update(*, mission_id: int, by, data: dict, refresh: bool = True) -> Mission:
    """Change a mission of `by`'s agencies (dates, hours, company, dossier…); `refresh` as in
    `mission_create` (the caller then refreshes the previous dossier and the new one)."""
    reject_unknown_fields(data, MISSION_FIELDS)
    require_role(by, "mission", "change", "Votre rôle ne permet pas de modifier une mission.")
    mission = locked_in_scope(selectors.mission_list(user=by), mission_id)
    if mission is None:
        raise DossierNotFound("Mission introuvable.")
    require_row(by, CHANGE, mission, "Votre rôle ne permet pas de modifier cette mission.")
    require_choosable(by, changed_values(mission, data))
    previous_dossier_id = mission.dossier_id
    for name, value in data.items():
        setattr(mission, name, value)
    require_row(by, CHANGE, mission, "Votre rôle ne permet pas d'enregistrer cette mission ainsi.")
    mission.full_clean()
    mission._history_user = by
    mission.save()
    if refresh:
        _refresh(previous_dossier_id, mission.dossier_id)
    return mission


@transaction.atomic
def mission_delete(*, mission_id: int, by) -> None:
    """Delete a mission recorded by mistake; its dossier's obligations are re-synced."""
    require_role(by, "mission", "delete", "Votre rôle ne permet pas de supprimer une mission.")
    mission = locked_in_scope(selectors.mission_list(user=by), mission_id)
    if mission is None:
        raise DossierNotFound("Mission introuvable.")
    dossier_id = mission.dossier_id
    mission._history_user = by
    mission.delete()
    _refresh(dossier_id)
    logger.info("mission %s deleted by %s", mission_id, by)
