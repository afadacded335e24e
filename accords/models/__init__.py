from accords.models.registry import Accord, Article, Certification, CertificationListEntry

__all__ = ["Accord", "Article", "Certification", "CertificationListEntry"]
