"""Checks that a dossier is ready for its next step; errors block the transition."""

from cases.findings import Finding
from cases.models import DocumentRequirement, Dossier


def missing_documents(dossier: Dossier, transition: str) -> list[DocumentRequirement]:
    """The required documents of `transition` that the dossier has not received yet."""
    requirements = DocumentRequirement.objects.filter(
        dispositif=dossier.dispositif, transition=transition
    )
    if not dossier.afest:
        requirements = requirements.filter(only_with_afest=False)
    provided = {doc.kind for doc in dossier.documents.all() if doc.is_provided}
    return [req for req in requirements if req.kind not in provided]


def document_findings(dossier: Dossier, transition: str) -> list[Finding]:
    return [
        Finding(
            code="document_missing",
            severity="error",
            message=f"Pièce manquante pour cette étape : {req.get_kind_display()}.",
            source=req.source,
        )
        for req in missing_documents(dossier, transition)
    ]


def transition_findings(dossier: Dossier, transition: str) -> list[Finding]:
    """Every finding that concerns running `transition` on `dossier` now."""
    return document_findings(dossier, transition)


def blocking_findings(dossier: Dossier, transition: str) -> list[Finding]:
    if transition == "cancel":  # stopping a dossier is never blocked by what it lacks
        return []
    return [f for f in transition_findings(dossier, transition) if f.blocking]
