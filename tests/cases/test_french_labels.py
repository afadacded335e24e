"""French everywhere a person reads (issue #17): labels built from the declarations, never the
codes behind them. Generated from the choices where possible."""

import datetime as dt
import re

import pytest
from django.apps import apps
from django.utils.text import slugify

from accords.choices import Dispositif, dispositif_short
from accords.history import EMPTY, french_value
from cases.choices import DocumentKind, DossierState
from cases.models import Deadline, Document, DocumentRequirement, Dossier, DossierEvent, Worker
from cases.templatetags.alternance_admin import elide
from cases.workflow.akto_package import package_file_name
from config.api import french_formats
from notifications.models import Notification, ReminderOffset

CODE = re.compile(r"\b[A-Z]+_[A-Z_]+\b|\b[a-z]+_[a-z_]+\b")


@pytest.mark.parametrize("dispositif", Dispositif.values)
def test_a_dossier_is_named_by_its_french_dispositif(dispositif):
    dossier = Dossier(
        pk=38, dispositif=dispositif, worker=Worker(last_name="Muller", first_name="Lucas")
    )
    assert str(dossier) == f"{dispositif_short(dispositif)} n° 38 — MULLER Lucas"
    assert not CODE.search(str(dossier))


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_akto_package_files_are_named_by_the_document_label(kind):
    requirement = DocumentRequirement(kind=kind)
    name = package_file_name(3, requirement, Document(file="dossiers/1/scan.PDF"))
    assert name == f"03-{slugify(requirement.get_kind_display())[:60].strip('-')}.pdf"
    assert not CODE.search(name)
    if kind not in ("programme", "avenant"):  # French words as they stand
        assert f"-{kind}." not in name


def test_a_document_requirement_reads_in_french():
    requirement = DocumentRequirement(
        dispositif=Dispositif.PRO_A_INTERIM, transition="submit", kind=DocumentKind.CERFA
    )
    assert not CODE.search(str(requirement))
    assert "Pro-A" in str(requirement)


@pytest.mark.parametrize(
    ("model", "field", "value", "shown"),
    [
        (DossierEvent, "to_state", DossierState.SUBMITTED, "Déposé à l'AKTO"),
        (DossierEvent, "kind", "created", "Création"),
        (DossierEvent, "from_state", "", EMPTY),
        (Dossier, "training_start", None, EMPTY),
        (Dossier, "contract_start", dt.date(2026, 3, 31), "31/03/2026"),
        (Dossier, "afest", True, "oui"),
        (Deadline, "silence", "accepted", "Vaut acceptation"),
    ],
)
def test_history_values_read_in_french(model, field, value, shown):
    assert french_value(model._meta.get_field(field), value) == shown


def test_api_date_hints_use_french_letters():
    message = "La date n'a pas le bon format. Utilisez un des formats suivants : YYYY-MM-DD."
    assert "AAAA-MM-JJ" in french_formats(message) and "YYYY" not in french_formats(message)


def test_the_login_throttling_app_has_a_french_heading():
    assert apps.get_app_config("axes").verbose_name == "Connexions refusées et tentatives"


@pytest.mark.parametrize(
    ("title", "elided"),
    [
        ("Affichage de échéance", "Affichage de l'échéance"),
        ("Ajout de agence d'emploi", "Ajout de l'agence d'emploi"),
        ("Modification de salarié", "Modification de salarié"),
    ],
)
def test_admin_titles_elide_before_a_vowel(title, elided):
    assert elide(title) == elided


@pytest.mark.django_db
def test_a_notice_kind_reads_in_french():
    ReminderOffset.objects.update_or_create(
        key="d-3", defaults={"label": "Rappel J-3", "days_before": 3, "level": "warning"}
    )
    assert Notification(kind="created").kind_label == "Nouvelle échéance"
    assert Notification(kind="d-3").kind_label == "Rappel J-3"
    assert Notification(kind="d-3-escalation").kind_label == "Rappel J-3 — escalade au responsable"
    assert Notification(kind="recheck-4-20260101").kind_label.startswith("Nouvelle vérification")
