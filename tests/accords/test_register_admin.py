"""The RNCP register in the admin: read-only pages, the branch lists' levels compared with it,
and the dossier form's certification suggestions (a static script, CSP: no inline script)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accords.models import Accord, Certification, CertificationListEntry, RegisterFiche
from accords.register import register_import
from cases.choices import Role
from tests.factories import AgencyFactory, UserFactory

SAMPLE_ZIP = Path(settings.BASE_DIR) / "fixtures" / "rncp" / "export-fiches-csv-2026-11-02.zip"
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, agencies=[AgencyFactory()]))
    return client


@pytest.fixture
def listed():
    accord = Accord.objects.create(kind="accord", title="Pro-A", fingerprint="y" * 64)
    for order, (code, level) in enumerate([("RNCP1899", 4), ("RNCP34860", 3), ("RNCP310", 3)]):
        certification = Certification.objects.create(code=code, title=code, level=level)
        CertificationListEntry.objects.create(
            accord=accord, certification=certification, sector="Logistique", order=order
        )


def test_register_pages_are_read_only(admin_client):
    register_import(path=SAMPLE_ZIP)
    page = admin_client.get(reverse("admin:accords_registerfiche_changelist"), {"q": "RNCP1852"})
    assert page.status_code == 200
    assert "Agent magasinier" in page.content.decode()
    assert "En contrat de professionnalisation" in page.content.decode()
    fiche = RegisterFiche.objects.get(code="RNCP1852")
    change = admin_client.post(
        reverse("admin:accords_registerfiche_change", args=[fiche.pk]), {"title": "x"}
    )
    assert change.status_code == 403
    assert admin_client.get(reverse("admin:accords_registerfiche_add")).status_code == 403
    exports = admin_client.get(reverse("admin:accords_registerexport_changelist"))
    assert "export-fiches-csv-2026-11-02.zip" in exports.content.decode()


@pytest.mark.parametrize(
    ("choice", "codes"),
    [("different", {"RNCP1899"}), ("absent", {"RNCP310"}), ("same", {"RNCP34860"})],
)
def test_list_levels_filter(admin_client, listed, choice, codes):
    register_import(path=SAMPLE_ZIP)
    page = admin_client.get(reverse("admin:accords_certification_changelist"), {"registre": choice})
    assert {c.code for c in page.context["cl"].result_list} == codes


def test_the_dossier_form_loads_the_certification_search(client):
    agency = AgencyFactory()
    client.force_login(UserFactory(role=Role.CASE_WORKER, agencies=[agency]))
    html = client.get(reverse("admin:cases_dossier_add")).content.decode()
    assert "cases/certification_search.js" in html
    script = Path(settings.BASE_DIR) / "cases" / "static" / "cases" / "certification_search.js"
    assert "/api/v1/certifications/registre/" in script.read_text(encoding="utf-8")
