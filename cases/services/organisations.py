"""Writes on client companies (EU) and training providers (OF): records shared by every agency.

The rule (cases.permissions, module docstring): whoever the role table lets add them creates
them; a case worker or agency manager changes one only while no dossier or mission of another
agency uses it; administrators change any; nobody deletes one that a dossier or mission uses.
"""

import logging

from django.db import transaction

from cases import selectors
from cases.exceptions import DossierForbidden, DossierNotFound, RecordInUse
from cases.models import ClientCompany, TrainingProvider
from cases.permissions import may_change_shared_record, may_delete_shared_record
from cases.services.registers import organisation_register_forget
from cases.services.scope import locked_in_scope, reject_unknown_fields, require_role

logger = logging.getLogger(__name__)

CLIENT_COMPANY_FIELDS = frozenset({"name", "siret", "city"})
TRAINING_PROVIDER_FIELDS = frozenset({"name", "siret", "nda_number", "city"})
# The French messages, per kind of record (one is feminine, the other masculine).
MESSAGES = {
    ClientCompany: {
        "add": "Votre rôle ne permet pas de créer une entreprise utilisatrice.",
        "change": "Votre rôle ne permet pas de modifier une entreprise utilisatrice.",
        "delete": "Votre rôle ne permet pas de supprimer une entreprise utilisatrice.",
        "not_found": "Entreprise utilisatrice introuvable.",
        "shared": "Cette entreprise utilisatrice est utilisée par des dossiers ou des missions "
        "d'autres agences que les vôtres : seul un administrateur peut la modifier.",
        "in_use": "Cette entreprise utilisatrice est utilisée par des dossiers ou des missions : "
        "elle ne peut pas être supprimée.",
    },
    TrainingProvider: {
        "add": "Votre rôle ne permet pas de créer un organisme de formation.",
        "change": "Votre rôle ne permet pas de modifier un organisme de formation.",
        "delete": "Votre rôle ne permet pas de supprimer un organisme de formation.",
        "not_found": "Organisme de formation introuvable.",
        "shared": "Cet organisme de formation est utilisé par des dossiers d'autres agences que "
        "les vôtres : seul un administrateur peut le modifier.",
        "in_use": "Cet organisme de formation est utilisé par des dossiers : il ne peut pas être "
        "supprimé.",
    },
}
SELECTORS = {
    ClientCompany: selectors.client_company_list,
    TrainingProvider: selectors.training_provider_list,
}


def _create(model, *, by, data: dict, fields: frozenset[str]):
    reject_unknown_fields(data, fields)
    require_role(by, model._meta.model_name, "add", MESSAGES[model]["add"])
    record = model(**data)
    record.full_clean()
    record.save()
    logger.info("%s %s created by %s", model._meta.model_name, record.pk, by)
    return record


def _locked(model, *, by, pk: int):
    record = locked_in_scope(SELECTORS[model](user=by), pk)
    if record is None:
        raise DossierNotFound(MESSAGES[model]["not_found"])
    return record


def _update(model, *, pk: int, by, data: dict, fields: frozenset[str]):
    reject_unknown_fields(data, fields)
    model_name = model._meta.model_name
    require_role(by, model_name, "change", MESSAGES[model]["change"])
    record = _locked(model, by=by, pk=pk)
    used_by = selectors.organisation_user_agencies(record)
    if not may_change_shared_record(by, model_name, used_by_agency_ids=used_by):
        raise DossierForbidden(MESSAGES[model]["shared"])
    if "siret" in data and data["siret"] != record.siret:
        organisation_register_forget(record)  # what the register said was about the old one
    for field, value in data.items():
        setattr(record, field, value)
    record.full_clean()
    record.save()
    logger.info("%s %s changed by %s", model_name, record.pk, by)
    return record


def _delete(model, *, pk: int, by) -> None:
    model_name = model._meta.model_name
    require_role(by, model_name, "delete", MESSAGES[model]["delete"])
    record = _locked(model, by=by, pk=pk)
    in_use = record.dossiers.exists() or (model is ClientCompany and record.missions.exists())
    if not may_delete_shared_record(by, model_name, in_use=in_use):
        raise RecordInUse(MESSAGES[model]["in_use"])
    record.delete()
    logger.info("%s %s deleted by %s", model_name, pk, by)


@transaction.atomic
def client_company_create(*, by, data: dict) -> ClientCompany:
    return _create(ClientCompany, by=by, data=data, fields=CLIENT_COMPANY_FIELDS)


@transaction.atomic
def client_company_update(*, client_company_id: int, by, data: dict) -> ClientCompany:
    return _update(
        ClientCompany, pk=client_company_id, by=by, data=data, fields=CLIENT_COMPANY_FIELDS
    )


@transaction.atomic
def client_company_delete(*, client_company_id: int, by) -> None:
    _delete(ClientCompany, pk=client_company_id, by=by)


@transaction.atomic
def training_provider_create(*, by, data: dict) -> TrainingProvider:
    return _create(TrainingProvider, by=by, data=data, fields=TRAINING_PROVIDER_FIELDS)


@transaction.atomic
def training_provider_update(*, training_provider_id: int, by, data: dict) -> TrainingProvider:
    return _update(
        TrainingProvider,
        pk=training_provider_id,
        by=by,
        data=data,
        fields=TRAINING_PROVIDER_FIELDS,
    )


@transaction.atomic
def training_provider_delete(*, training_provider_id: int, by) -> None:
    _delete(TrainingProvider, pk=training_provider_id, by=by)
