from accords.models.register import RegisterExport, RegisterFiche
from accords.models.registry import Accord, Article, Certification, CertificationListEntry
from accords.models.rules import FundingProgramme, FundingRate, RateDateBasis, RuleSet

__all__ = [
    "Accord",
    "Article",
    "Certification",
    "CertificationListEntry",
    "FundingProgramme",
    "FundingRate",
    "RateDateBasis",
    "RegisterExport",
    "RegisterFiche",
    "RuleSet",
]
