"""Checks that a dossier is ready for its next step; errors block the transition.

What may block each step is its declaration's `checks` (cases.workflow.steps).
"""

from cases.ledger import ledger_findings
from cases.models import DocumentRequirement, Dossier
from cases.rules.findings import Finding
from cases.rules.plan_checks import rules_findings
from cases.workflow.guards import guard_findings, missing_facts
from cases.workflow.steps import STEPS, Check

DOCUMENT_MISSING = "document_missing"


def requirements_for(dossier: Dossier, step_names):
    """The document requirements of the steps `step_names` for this dossier (AFEST or not)."""
    names = [name for name in step_names if Check.DOCUMENTS in STEPS[name].checks]
    requirements = DocumentRequirement.objects.filter(
        dispositif=dossier.dispositif, transition__in=names
    )
    if not dossier.afest:
        requirements = requirements.filter(only_with_afest=False)
    return requirements


def provided_kinds(dossier: Dossier) -> set[str]:
    return {doc.kind for doc in dossier.documents.all() if doc.is_provided}


def missing_documents(dossier: Dossier, transition: str) -> list[DocumentRequirement]:
    """The required documents of `transition` that the dossier has not received yet."""
    provided = provided_kinds(dossier)
    return [req for req in requirements_for(dossier, [transition]) if req.kind not in provided]


def document_findings(dossier: Dossier, transition: str) -> list[Finding]:
    return [
        Finding(
            code=DOCUMENT_MISSING,
            severity="error",
            message=f"Pièce manquante pour cette étape : {req.get_kind_display()}. Joignez-la "
            f"avec l'étape « {STEPS[transition].label} » (son formulaire la demande), ou "
            "dans les pièces du dossier avec le statut « Reçu ».",
            source=req.source,
        )
        for req in missing_documents(dossier, transition)
    ]


def transition_findings(dossier: Dossier, transition: str) -> list[Finding]:
    """Every finding that concerns running `transition` on `dossier` now.

    Documents, then the rules engine (plan rules of the rule set in force on the contract
    start date, and the steps taken so far), the calendar guards, the facts the dossier lacks,
    then the funding ledger, as the step declares.
    """
    checks = STEPS[transition].checks
    if not checks:  # e.g. stopping a dossier never depends on what it lacks
        return []
    findings = document_findings(dossier, transition) + rules_findings(dossier, transition)
    if Check.GUARDS in checks:
        findings += guard_findings(dossier, STEPS[transition])
    if Check.FACTS in checks:
        findings += missing_facts(dossier)
    if Check.LEDGER in checks:
        findings += ledger_findings(dossier)
    return findings


def blocking_findings(dossier: Dossier, transition: str) -> list[Finding]:
    return [f for f in transition_findings(dossier, transition) if f.blocking]


def dossier_findings(dossier: Dossier) -> list[Finding]:
    """Every finding about the dossier now, for each step it may take next (admin and API)."""
    findings: list[Finding] = []
    for step in dossier.get_available_state_transitions():
        for finding in transition_findings(dossier, step.name):
            if finding not in findings:
                findings.append(finding)
    return findings
