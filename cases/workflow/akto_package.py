"""The AKTO filing package: a one-page summary (PDF, in French) and the required documents.

AKTO has no public API since agencies file through its online space (January 2026): the case
worker downloads this ZIP and uploads its contents there, then records the AKTO reference in
the submission step.
"""

import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.utils import timezone
from django.utils.text import slugify
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from cases.exceptions import DossierError
from cases.models import Document, DocumentRequirement, Dossier
from cases.rules.plan_checks import dossier_funding
from cases.workflow.checks import requirements_for
from cases.workflow.steps import filing_step


class PackageRefused(DossierError):
    code = "package_refused"


@dataclass(frozen=True)
class AktoPackage:
    filename: str
    content: bytes


def required_documents(dossier: Dossier) -> list[tuple[DocumentRequirement, Document | None]]:
    """Each document the filing step requires, with the received file that meets it.

    The filing step is the one the declaration says files this dispositif with AKTO: the
    deposit, or for CIPI and CDPI the fund-reservation request (DOMAIN.md §3).
    """
    requirements = requirements_for(dossier, [filing_step(dossier.dispositif).name])
    received = {}
    for document in dossier.documents.order_by("-received_on", "-pk"):
        if document.is_provided and document.file and document.kind not in received:
            received[document.kind] = document
    return [(req, received.get(req.kind)) for req in requirements]


def _money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    whole, _, cents = f"{value:,.2f}".partition(".")
    return f"{whole.replace(',', ' ')},{cents} €"


def _date(value) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"


def _hours(value) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " h"


def summary_lines(dossier: Dossier) -> list[tuple[str, str]]:
    """The summary's rows (label, value), in French."""
    worker = dossier.worker
    funding = dossier_funding(dossier)
    funding_text = (
        "taux inconnu : aucun montant calculé"
        if funding.rate_unknown
        else f"{_money(funding.amount)} ({_hours(funding.hours)} × {_money(funding.hourly_rate)}"
        f" — {funding.source})"
    )
    companies = ", ".join(str(c) for c in dossier.client_companies.all()) or "—"
    return [
        ("Salarié", f"{worker.name} — né(e) le {_date(worker.birth_date)}"),
        ("Contrat de travail", worker.get_employment_display()),
        ("Agence", f"{dossier.agency} (SIRET {dossier.agency.siret})"),
        ("Dispositif", dossier.get_dispositif_display()),
        ("Contrat", f"du {_date(dossier.contract_start)} au {_date(dossier.contract_end)}"),
        ("Formation", f"du {_date(dossier.training_start)} au {_date(dossier.training_end)}"),
        ("Heures de formation", _hours(dossier.planned_training_hours)),
        (
            "Heures de contrat",
            _hours(dossier.planned_contract_hours)
            if dossier.planned_contract_hours
            else "non saisies : la durée légale hebdomadaire du jeu de règles, par semaine de "
            "contrat",
        ),
        (
            "Certification visée",
            " — ".join(filter(None, [dossier.certification_code, dossier.certification_title]))
            or "—",
        ),
        ("Organisme de formation", str(dossier.training_provider or "—")),
        ("Entreprise(s) utilisatrice(s)", companies),
        ("Tuteur en agence", dossier.agency_tutor or "—"),
        ("Tuteur en entreprise utilisatrice", dossier.eu_tutor or "—"),
        ("Financement estimé", funding_text),
        ("Montant réservé", _money(dossier.reserved_amount)),
        ("AFEST", "oui" if dossier.afest else "non"),
    ]


def summary_pdf(dossier: Dossier, documents: list[str]) -> bytes:
    """One A4 page: the dossier's summary and the list of enclosed documents."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"Dossier {dossier} — synthèse pour l'AKTO")
    height = A4[1]
    y = height - 20 * mm
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawString(20 * mm, y, f"Synthèse du dossier {dossier.dispositif_short} n° {dossier.pk}")
    y -= 7 * mm
    pdf.setFont("Helvetica", 9)
    pdf.drawString(
        20 * mm, y, f"Préparée le {timezone.localdate():%d/%m/%Y} pour le dépôt sur l'espace AKTO"
    )
    y -= 10 * mm
    for label, value in summary_lines(dossier):
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(20 * mm, y, f"{label} :")
        pdf.setFont("Helvetica", 10)
        pdf.drawString(75 * mm, y, value[:95])
        y -= 6.5 * mm
    y -= 4 * mm
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(20 * mm, y, "Pièces jointes")
    pdf.setFont("Helvetica", 10)
    for name in documents:
        y -= 6 * mm
        pdf.drawString(25 * mm, y, f"• {name}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def package_file_name(index: int, requirement: DocumentRequirement, document: Document) -> str:
    """« 03-lettre-de-mission-contrat-de-mission-formation.pdf »: the French name of the
    document kind, as AKTO's reviewers read it, never its code."""
    suffix = PurePath(document.file.name).suffix.lower()
    return f"{index:02d}-{slugify(requirement.get_kind_display())[:60].strip('-')}{suffix}"


def akto_package_build(*, dossier: Dossier) -> AktoPackage:
    """Build the ZIP; refuse, naming them, while a required document is missing."""
    pairs = required_documents(dossier)
    missing = [req.get_kind_display() for req, document in pairs if document is None]
    if missing:
        raise PackageRefused(
            "Le paquet de dépôt AKTO ne peut pas être préparé : pièce(s) manquante(s) "
            f"ou sans fichier : {', '.join(missing)}. Joignez le fichier de chacune dans les "
            "pièces du dossier (statut « Reçu » ou « Validé »), puis préparez à nouveau le paquet."
        )
    buffer = io.BytesIO()
    names = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (req, document) in enumerate(pairs, start=1):
            name = package_file_name(index, req, document)
            with document.file.open("rb") as handle:
                archive.writestr(name, handle.read())
            names.append(f"{name} — {req.get_kind_display()}")
        archive.writestr("00-synthese.pdf", summary_pdf(dossier, names))
    return AktoPackage(
        filename=f"depot-akto-{slugify(dossier.dispositif_short)}-{dossier.pk}.zip",
        content=buffer.getvalue(),
    )
