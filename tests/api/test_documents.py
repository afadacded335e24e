"""Upload (multipart) and permission-checked download of a dossier's documents."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.choices import DossierState
from cases.models import Document, DossierEvent
from tests.factories import DossierFactory

PDF = b"%PDF-1.4\n%test\n"


def upload(api, dossier_id, name="cerfa.pdf", content=PDF, kind="cerfa"):
    return api.post(
        "/api/v1/documents/",
        {"dossier": dossier_id, "kind": kind, "file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def test_upload_then_download(api, agency_a, settings):
    dossier = DossierFactory(agency=agency_a)
    response = upload(api, dossier.pk)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert body["file_name"] == "cerfa.pdf"
    document = Document.objects.get(pk=body["id"])
    assert str(settings.MEDIA_ROOT) in document.file.path
    assert DossierEvent.objects.filter(dossier=dossier, kind="document").exists()

    download = api.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_upload_counts_for_findings(api, agency_a):
    from cases.reference import load_document_requirements

    load_document_requirements()
    dossier = DossierFactory(agency=agency_a, cpi=True)
    before = len(api.get(f"/api/v1/dossiers/{dossier.pk}/findings/").json())
    upload(api, dossier.pk)
    after = len(api.get(f"/api/v1/dossiers/{dossier.pk}/findings/").json())
    assert after == before - 1


def test_wrong_extension_is_refused(api, agency_a):
    response = upload(api, DossierFactory(agency=agency_a).pk, name="virus.exe")
    assert response.status_code == 400
    assert "Type de fichier refusé" in response.json()["errors"]["file"][0]


def test_content_must_match_extension(api, agency_a):
    response = upload(api, DossierFactory(agency=agency_a).pk, content=b"MZ\x90\x00")
    assert response.status_code == 400
    assert "ne correspond pas" in response.json()["errors"]["file"][0]


def test_size_limit(api, agency_a, settings):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 10
    response = upload(api, DossierFactory(agency=agency_a).pk, content=PDF + b"x" * 100)
    # 413 since the upload is stopped while it streams in (tests/security/test_limits.py).
    assert response.status_code == 413
    assert "taille maximale" in response.json()["errors"]["file"][0]


def test_upload_to_other_agency_dossier_is_refused(api, agency_b):
    response = upload(api, DossierFactory(agency=agency_b).pk)
    assert response.status_code == 400
    assert "dossier" in response.json()["errors"]


def test_upload_to_closed_dossier_is_409(api, agency_a):
    response = upload(api, DossierFactory(agency=agency_a, state=DossierState.CLOSED).pk)
    assert response.status_code == 409


def test_download_without_file_is_404(api, agency_a):
    document = Document.objects.create(dossier=DossierFactory(agency=agency_a), kind="cerfa")
    response = api.get(f"/api/v1/documents/{document.pk}/download/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Aucun fichier n'a été déposé pour cette pièce."


def test_validate_a_document(api, agency_a):
    document = Document.objects.create(dossier=DossierFactory(agency=agency_a), kind="cerfa")
    response = api.patch(
        f"/api/v1/documents/{document.pk}/", {"status": "validated"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "validated"


@pytest.mark.parametrize("method", ["put", "delete"])
def test_documents_are_not_replaced_nor_deleted(api, agency_a, method):
    document = Document.objects.create(dossier=DossierFactory(agency=agency_a), kind="cerfa")
    response = getattr(api, method)(f"/api/v1/documents/{document.pk}/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
