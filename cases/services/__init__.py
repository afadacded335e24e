"""Every write on the cases records: one service per entity and verb, `<entity>_<verb>(*, …, by)`.

Each checks role and scope, validates, writes, records the event or history (`by` is the
author) and queues its side effects after commit. The admin, the API, Celery tasks and
management commands call these and nothing else. One module per entity; they are all
importable from here.
"""

from cases.services.documents import document_delete, document_update, document_upload
from cases.services.dossiers import (
    dossier_create,
    dossier_delete,
    dossier_record_change,
    dossier_update,
)
from cases.services.funding import payment_record
from cases.services.missions import mission_create, mission_delete, mission_update
from cases.services.organisations import (
    client_company_create,
    client_company_delete,
    client_company_update,
    training_provider_create,
    training_provider_delete,
    training_provider_update,
)
from cases.services.registers import organisation_fill_from_siret
from cases.services.transitions import dossier_run_transition
from cases.services.workers import worker_create, worker_delete, worker_update

__all__ = [
    "client_company_create",
    "client_company_delete",
    "client_company_update",
    "document_delete",
    "document_update",
    "document_upload",
    "dossier_create",
    "dossier_delete",
    "dossier_record_change",
    "dossier_run_transition",
    "dossier_update",
    "mission_create",
    "mission_delete",
    "mission_update",
    "organisation_fill_from_siret",
    "payment_record",
    "training_provider_create",
    "training_provider_delete",
    "training_provider_update",
    "worker_create",
    "worker_delete",
    "worker_update",
]
