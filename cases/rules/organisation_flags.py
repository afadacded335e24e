"""Findings on the dossier's training provider and client companies, from the company register.

What the register said is recorded on the records (cases.services.registers); nothing here is
guessed: a record never looked up, or whose lookup failed, raises no finding.

Severities (README « Entreprises et organismes depuis le SIRET »):
- `provider_not_qualiopi`, error: an OPCO funds only training providers holding the quality
  certification (Code du travail, art. L. 6316-1); filing a dossier with one that lacks it
  asks AKTO for funds it may not grant.
- `establishment_closed`, error for the training provider (a closed establishment cannot
  train, and the SIRET filed would be wrong), warning for a client company (its missions may
  be history; the dossier goes on with the others).
"""

from django.db.models import prefetch_related_objects

from cases.rules.findings import Finding

QUALIOPI_SOURCE = (
    "Code du travail, art. L. 6316-1 (certification qualité des prestataires financés par un "
    "opérateur de compétences, en vigueur au 1er janvier 2022) ; critères : art. R. 6316-1 "
    "(décret n° 2019-564 du 6 juin 2019)"
)
REGISTER_SOURCE = (
    "Répertoire Sirene (INSEE), via l'API Recherche d'entreprises : état administratif de "
    "l'établissement"
)


def _checked(record) -> str:
    when = record.register_checked_at
    return f" (registre consulté le {when:%d/%m/%Y})" if when else ""


def _closed(record) -> str:
    return f"fermé depuis le {record.closed_on:%d/%m/%Y}" if record.closed_on else "fermé"


def provider_findings(provider) -> list[Finding]:
    if provider is None:
        return []
    found = []
    if provider.establishment_closed:
        found.append(
            Finding(
                code="establishment_closed",
                severity="error",
                message=f"L'établissement de l'organisme de formation « {provider.name} » "
                f"(SIRET {provider.siret}) est {_closed(provider)}{_checked(provider)} : "
                "choisissez l'établissement qui dispense la formation.",
                source=REGISTER_SOURCE,
                field="training_provider",
            )
        )
    if provider.qualiopi is False:
        found.append(
            Finding(
                code="provider_not_qualiopi",
                severity="error",
                message=f"L'organisme de formation « {provider.name} » n'est pas certifié "
                f"Qualiopi selon le registre{_checked(provider)} : l'OPCO ne peut pas financer "
                "sa formation. S'il a été certifié depuis, relancez « Compléter depuis le "
                "SIRET » sur sa fiche.",
                source=QUALIOPI_SOURCE,
                field="training_provider",
            )
        )
    return found


def client_company_findings(companies) -> list[Finding]:
    return [
        Finding(
            code="establishment_closed",
            severity="warning",
            message=f"L'établissement de l'entreprise utilisatrice « {company.name} » "
            f"(SIRET {company.siret}) est {_closed(company)}{_checked(company)} : aucune "
            "mission ne peut plus s'y dérouler.",
            source=REGISTER_SOURCE,
            field="client_companies",
        )
        for company in companies
        if company.establishment_closed
    ]


def organisation_findings(dossier) -> list[Finding]:
    """The register's flags on the dossier's provider and client companies.

    The companies are read once per dossier object (a no-op when already prefetched), however
    many steps ask: the dossier page's query budget does not grow with its steps."""
    prefetch_related_objects([dossier], "client_companies")
    return provider_findings(dossier.training_provider) + client_company_findings(
        dossier.client_companies.all()
    )
