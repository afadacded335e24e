"""Client companies and training providers filled from the state's company register.

`organisation_fill_from_siret` (admin button, API) checks the role and scope, marks the record
« recherche en cours » and queues the lookup after commit: the register is never asked on the
request path. The Celery task (`cases.tasks.fill_from_siret`) calls
`organisation_register_lookup`, which asks the register (cases.registers.company_search) and
records what it said, or why it could not.

What is written: the register's facts (address, NAF code, IDCC, open or closed, for a provider
its declaration numbers and Qualiopi certification) always; the fields a user types (name,
city, NDA number) only when they are empty. A typed value that differs from the register's is
kept as it is and the register's value goes to `register_differences`, shown beside it.
"""

import logging
import re

from django.db import transaction
from django.utils import timezone

from cases import selectors, tasks
from cases.choices import RegisterStatus
from cases.exceptions import DossierNotFound
from cases.models import ClientCompany, TrainingProvider
from cases.permissions import FILL
from cases.registers.company_search import (
    CompanySearchClient,
    CompanySearchError,
    CompanySearchUnavailable,
    Establishment,
    SiretNotFound,
)
from cases.services.scope import locked_in_scope, require_role, require_row

logger = logging.getLogger(__name__)

KINDS = {"client_company": ClientCompany, "training_provider": TrainingProvider}
SELECTORS = {
    ClientCompany: selectors.client_company_list,
    TrainingProvider: selectors.training_provider_list,
}
REFUSED = {
    ClientCompany: "Votre rôle ne permet pas de compléter une entreprise utilisatrice depuis "
    "le registre des entreprises.",
    TrainingProvider: "Votre rôle ne permet pas de compléter un organisme de formation depuis "
    "le registre des entreprises.",
}
NOT_FOUND = {
    ClientCompany: "Entreprise utilisatrice introuvable.",
    TrainingProvider: "Organisme de formation introuvable.",
}
SIRET_CHANGED = (
    "Le SIRET a été modifié pendant la recherche : relancez « Compléter depuis le SIRET »."
)
BROKER_DOWN = "La recherche n'a pas pu être mise en file d'attente : relancez-la plus tard."
# The register's facts: written whatever they were (nobody types them).
FACT_FIELDS = ("address", "naf_code", "idcc_list", "establishment_closed", "closed_on")
PROVIDER_FACT_FIELDS = ("nda_numbers", "qualiopi")
REGISTER_FIELDS = (
    "register_status",
    "register_checked_at",
    "register_error",
    "register_differences",
)


def _model(kind: str):
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind of organisation: {kind!r}") from None


@transaction.atomic
def organisation_fill_from_siret(*, kind: str, record_id: int, by):
    """Queue the lookup of the record's SIRET in the company register (after commit)."""
    model = _model(kind)
    require_role(by, model._meta.model_name, FILL, REFUSED[model])
    record = locked_in_scope(SELECTORS[model](user=by), record_id)
    if record is None:
        raise DossierNotFound(NOT_FOUND[model])
    require_row(by, FILL, record, REFUSED[model])
    record.register_status = RegisterStatus.QUEUED
    record.register_error = ""
    record.save(update_fields=["register_status", "register_error", "updated"])
    transaction.on_commit(lambda: _queue(model, kind, record.pk))
    logger.info("%s %s: register lookup queued by %s", kind, record.pk, by)
    return record


def _queue(model, kind: str, record_id: int) -> None:
    """Send the lookup to Celery; a broker out of service leaves the record saying so."""
    try:
        tasks.fill_from_siret.delay(kind, record_id)
    except Exception:  # broker unreachable: the request must not fail after its commit
        logger.exception("%s %s: register lookup not queued", kind, record_id)
        model.objects.filter(pk=record_id).update(
            register_status=RegisterStatus.FAILED, register_error=BROKER_DOWN
        )


def organisation_register_lookup(
    *, kind: str, record_id: int, client: CompanySearchClient | None = None, last_attempt=True
) -> str:
    """Ask the register about the record's SIRET and record the answer; the status written.

    Network first, outside any transaction; then one short transaction writes. A temporary
    failure (network, timeout, 429, 5xx) is recorded and raised again for the caller to retry,
    unless this is the `last_attempt`: then it is recorded as the failure.
    """
    model = _model(kind)
    siret = model.objects.filter(pk=record_id).values_list("siret", flat=True).first()
    if siret is None:
        return "missing"  # deleted since it was queued: nothing to fill
    client = client or CompanySearchClient()
    try:
        found = client.establishment(siret)
    except SiretNotFound as exc:
        return _record_outcome(model, record_id, siret, RegisterStatus.NOT_FOUND, exc.message)
    except CompanySearchUnavailable as exc:
        status = RegisterStatus.FAILED if last_attempt else RegisterStatus.QUEUED
        _record_outcome(model, record_id, siret, status, exc.message)
        if not last_attempt:
            raise
        return status
    except CompanySearchError as exc:
        return _record_outcome(model, record_id, siret, RegisterStatus.FAILED, exc.message)
    return _record_found(model, record_id, siret, found)


def organisation_register_failed(*, kind: str, record_id: int, message: str) -> str:
    """Record that the lookup gave up (the task ran out of time)."""
    model = _model(kind)
    siret = model.objects.filter(pk=record_id).values_list("siret", flat=True).first()
    if siret is None:
        return "missing"
    return _record_outcome(model, record_id, siret, RegisterStatus.FAILED, message)


def _locked(model, record_id: int, siret: str):
    """The record, locked, if it still has the SIRET that was looked up."""
    return model.objects.select_for_update().filter(pk=record_id, siret=siret).first()


@transaction.atomic
def _record_outcome(model, record_id: int, siret: str, status: str, message: str) -> str:
    record = _locked(model, record_id, siret)
    if record is None:
        return _siret_changed(model, record_id)
    record.register_status = status
    record.register_error = message[:300]
    fields = ["register_status", "register_error", "updated"]
    if status == RegisterStatus.NOT_FOUND:
        # What was known no longer describes a known establishment.
        _forget_facts(record)
        record.register_checked_at = timezone.now()
        fields = [*FACT_FIELDS, *_provider_fields(model), *REGISTER_FIELDS, "updated"]
    record.save(update_fields=fields)
    logger.info(
        "%s %s: register lookup %s (%s)", model._meta.model_name, record_id, status, message
    )
    return status


def _siret_changed(model, record_id: int) -> str:
    model.objects.filter(pk=record_id).update(
        register_status=RegisterStatus.FAILED, register_error=SIRET_CHANGED
    )
    return RegisterStatus.FAILED


def _provider_fields(model) -> tuple[str, ...]:
    return PROVIDER_FACT_FIELDS if model is TrainingProvider else ()


def _forget_facts(record) -> None:
    """Empty the register's facts (the SIRET changed, or the register does not know it)."""
    record.address = record.naf_code = ""
    record.idcc_list = []
    record.establishment_closed = record.closed_on = None
    record.register_differences = {}
    if isinstance(record, TrainingProvider):
        record.nda_numbers = []
        record.qualiopi = None


def organisation_register_forget(record) -> None:
    """Reset what the register said, for a record whose SIRET is being changed (unsaved)."""
    _forget_facts(record)
    record.register_status = RegisterStatus.NEVER
    record.register_checked_at = None
    record.register_error = ""


def _same(typed: str, registered: str) -> bool:
    """Equal but for case, accents left alone, and runs of spaces."""

    def norm(value: str) -> str:
        return re.sub(r"\s+", " ", value).strip().casefold()

    return norm(typed) == norm(registered)


def _typed_values(record, found: Establishment) -> dict[str, str]:
    """The register's value for each field a user types."""
    values = {"name": found.name, "city": found.city}
    if isinstance(record, TrainingProvider):
        values["nda_number"] = found.nda_numbers[0] if found.nda_numbers else ""
    return values


def _fill_typed(record, found: Establishment) -> dict[str, str]:
    """Fill the empty typed fields; return the register's values that differ from the typed."""
    differences = {}
    for name, registered in _typed_values(record, found).items():
        registered = registered[: record._meta.get_field(name).max_length]
        typed = getattr(record, name)
        if not registered:
            continue
        if not typed:
            setattr(record, name, registered)
        elif name == "nda_number" and typed in found.nda_numbers:
            continue  # one of the provider's declarations
        elif not _same(typed, registered):
            differences[name] = registered
    return differences


@transaction.atomic
def _record_found(model, record_id: int, siret: str, found: Establishment) -> str:
    record = _locked(model, record_id, siret)
    if record is None:
        return _siret_changed(model, record_id)
    record.register_differences = _fill_typed(record, found)
    record.address = found.address[:300]
    record.naf_code = found.naf_code[:10]
    record.idcc_list = list(found.idcc)
    record.establishment_closed = found.closed
    record.closed_on = found.closed_on
    if isinstance(record, TrainingProvider):
        record.nda_numbers = list(found.nda_numbers)
        record.qualiopi = found.qualiopi
    record.register_status = RegisterStatus.DONE
    record.register_checked_at = timezone.now()
    record.register_error = ""
    record.save()
    logger.info("%s %s filled from the register", model._meta.model_name, record_id)
    return RegisterStatus.DONE
