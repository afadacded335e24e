from accords.models.base import TimeStampedModel
from cases.models.audit import SensitiveDataAccess
from cases.models.deadlines import Deadline
from cases.models.documents import Document, DocumentRequirement
from cases.models.dossiers import Dossier, DossierEvent
from cases.models.idempotency import FormSubmission, IdempotencyKey
from cases.models.ledger import FundingLine
from cases.models.mission_imports import MissionImport, MissionImportMapping
from cases.models.missions import Mission
from cases.models.organisations import Agency, ClientCompany, TrainingProvider
from cases.models.users import User
from cases.models.workers import Worker

__all__ = [
    "Agency",
    "ClientCompany",
    "Deadline",
    "Document",
    "DocumentRequirement",
    "Dossier",
    "DossierEvent",
    "FormSubmission",
    "FundingLine",
    "IdempotencyKey",
    "Mission",
    "MissionImport",
    "MissionImportMapping",
    "SensitiveDataAccess",
    "TimeStampedModel",
    "TrainingProvider",
    "User",
    "Worker",
]
