"""Uploaded documents: one check (size, type by content) on every path — admin page, admin
inline, API, service — and no file left in storage once its document has let go of it
(replaced, cleared, deleted, anonymised)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cases import services
from cases.choices import DocumentStatus, DossierState, Role
from cases.models import Document
from cases.privacy import worker_anonymise
from cases.uploads import document_file_check
from tests.factories import DossierFactory, UserFactory
from tests.security.write_paths import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
HTML = b"<!doctype html><html><script>alert(1)</script></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20


def office(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
XLSX = office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
ODT = office({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"})


@pytest.mark.parametrize(
    "name, content",
    [
        ("cerfa.pdf", PDF),
        ("photo.png", PNG),
        ("scan.jpg", JPEG),
        ("scan.JPEG", JPEG),
        ("lettre.docx", DOCX),
        ("devis.xlsx", XLSX),
        ("programme.odt", ODT),
    ],
)
def test_files_of_the_accepted_types_pass(name, content):
    document_file_check(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("cerfa.pdf", HTML, r"ne correspond pas à son extension \(\.pdf\)"),
        ("photo.png", JPEG, "ne correspond pas"),
        ("lettre.docx", XLSX, "ne correspond pas"),  # a spreadsheet named .docx
        ("lettre.docx", office({"a.txt": b"x"}), "ne correspond pas"),  # any ZIP renamed
        ("devis.xlsx", b"PK\x03\x04 not really a zip", "ne correspond pas"),
        ("programme.odt", DOCX, "ne correspond pas"),
        ("page.html", HTML, "Type de fichier refusé"),
        ("virus.exe", b"MZ\x90\x00", "Type de fichier refusé"),
        ("sans-extension", PDF, "Type de fichier refusé"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        document_file_check(SimpleUploadedFile(name, content))


def test_the_size_limit(settings):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 2 * 1024 * 1024
    document_file_check(SimpleUploadedFile("cerfa.pdf", PDF + b"x" * (2 * 1024 * 1024 - 20)))
    with pytest.raises(ValidationError, match=r"taille maximale \(2 Mo\)"):
        document_file_check(SimpleUploadedFile("cerfa.pdf", PDF + b"x" * 2 * 1024 * 1024))


@pytest.fixture
def case_worker(agency):
    return UserFactory(role=Role.CASE_WORKER, agencies=[agency])


@pytest.fixture
def dossier(agency):
    return DossierFactory(cpi=True, agency=agency)


def stored_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def held_files() -> set[str]:
    return set(Document.objects.exclude(file="").values_list("file", flat=True))


# --- Every path checks ------------------------------------------------------------------------


def test_the_service_checks_the_file(case_worker, dossier, settings):
    with pytest.raises(ValidationError) as error:
        services.document_upload(
            dossier_id=dossier.pk,
            kind="cerfa",
            file=SimpleUploadedFile("cerfa.pdf", HTML),
            by=case_worker,
        )
    assert "ne correspond pas" in error.value.message_dict["file"][0]
    assert not Document.objects.exists() and not stored_files(settings)


def test_the_api_refuses_html_named_pdf(case_worker, dossier, settings):
    api = APIClient()
    api.force_authenticate(case_worker)
    response = api.post(
        "/api/v1/documents/",
        {"dossier": dossier.pk, "kind": "cerfa", "file": SimpleUploadedFile("cerfa.pdf", HTML)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "ne correspond pas" in response.json()["errors"]["file"][0]
    assert not Document.objects.exists() and not stored_files(settings)


@pytest.mark.parametrize("content, message", [(HTML, "ne correspond pas"), (None, "taille")])
def test_the_admin_document_page_checks_the_file(
    client, case_worker, dossier, settings, content, message
):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 1024
    content = content or PDF + b"x" * 2048
    client.force_login(case_worker)
    response = client.post(
        reverse("admin:cases_document_add"),
        {
            "dossier": dossier.pk,
            "kind": "cerfa",
            "status": "validated",
            "note": "",
            "received_on": "",
            "file": SimpleUploadedFile("cerfa.pdf", content),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists() and not stored_files(settings)


def _dossier_page(client, dossier) -> dict:
    page = client.get(reverse("admin:cases_dossier_change", args=[dossier.pk]))
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(form_data(inline.formset.management_form))
        for form in inline.formset.forms:
            data.update(form_data(form))
    return data


def _new_document_row(data: dict, file) -> dict:
    index = int(data["documents-TOTAL_FORMS"])
    return {
        **data,
        "documents-TOTAL_FORMS": str(index + 1),
        f"documents-{index}-kind": "cerfa",
        f"documents-{index}-status": "received",
        f"documents-{index}-file": file,
    }


def test_the_admin_inline_checks_the_file(client, case_worker, dossier, settings):
    client.force_login(case_worker)
    data = _new_document_row(_dossier_page(client, dossier), SimpleUploadedFile("c.pdf", HTML))
    response = client.post(reverse("admin:cases_dossier_change", args=[dossier.pk]), data)
    assert response.status_code == 200
    assert "ne correspond pas" in response.content.decode()
    assert not Document.objects.exists() and not stored_files(settings)


def test_the_admin_inline_stores_a_good_file_with_its_uploader(
    client, case_worker, dossier, django_capture_on_commit_callbacks
):
    client.force_login(case_worker)
    data = _new_document_row(_dossier_page(client, dossier), SimpleUploadedFile("c.pdf", PDF))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:cases_dossier_change", args=[dossier.pk]), data)
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.uploaded_by, document.status) == (case_worker, DocumentStatus.RECEIVED)
    assert document.file.read() == PDF


# --- No orphan file ---------------------------------------------------------------------------


@pytest.fixture
def document(dossier, case_worker):
    document = Document(dossier=dossier, kind="cerfa", status="received", uploaded_by=case_worker)
    document.file.save("cerfa.pdf", ContentFile(PDF), save=True)
    return document


def test_a_replaced_file_is_removed_after_commit(
    case_worker, document, settings, django_capture_on_commit_callbacks
):
    old = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.document_update(
            document_id=document.pk,
            by=case_worker,
            data={"file": SimpleUploadedFile("cerfa.pdf", PDF + b"v2")},
        )
    document.refresh_from_db()
    assert document.file.name != old
    assert stored_files(settings) == held_files() == {document.file.name}


def test_a_replaced_file_stays_while_the_transaction_is_open(case_worker, document, settings):
    """Removal waits for the commit: a rolled-back change keeps the document's file."""
    old = document.file.name
    services.document_update(
        document_id=document.pk,
        by=case_worker,
        data={"file": SimpleUploadedFile("cerfa.pdf", PDF + b"v2")},
    )  # the test's transaction never commits
    assert old in stored_files(settings)


def test_the_admin_inline_replaces_clears_and_deletes_without_orphans(
    client, case_worker, document, dossier, settings, django_capture_on_commit_callbacks
):
    client.force_login(case_worker)
    url = reverse("admin:cases_dossier_change", args=[dossier.pk])
    data = _dossier_page(client, dossier)
    with django_capture_on_commit_callbacks(execute=True):
        replaced = client.post(
            url, {**data, "documents-0-file": SimpleUploadedFile("neuf.pdf", PDF + b"2")}
        )
    assert replaced.status_code == 302
    assert stored_files(settings) == held_files() == {f"dossiers/{dossier.pk}/neuf.pdf"}

    with django_capture_on_commit_callbacks(execute=True):
        cleared = client.post(
            url, {**_dossier_page(client, dossier), "documents-0-file-clear": "on"}
        )
    assert cleared.status_code == 302
    assert stored_files(settings) == held_files() == set()

    services.document_update(
        document_id=document.pk, by=case_worker, data={"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(url, {**_dossier_page(client, dossier), "documents-0-DELETE": "on"})
    assert deleted.status_code == 302
    assert not Document.objects.exists()
    assert stored_files(settings) == set()


def test_the_admin_document_page_deletes_without_orphans(
    client, case_worker, document, settings, django_capture_on_commit_callbacks
):
    client.force_login(case_worker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:cases_document_delete", args=[document.pk]), {"post": "yes"})
    assert not Document.objects.exists() and stored_files(settings) == set()


def test_the_bulk_deletion_leaves_no_orphan(
    client, case_worker, document, settings, django_capture_on_commit_callbacks
):
    client.force_login(case_worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:cases_document_changelist"),
            {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert not Document.objects.exists() and stored_files(settings) == set()


def test_an_anonymised_dossiers_files_are_removed(
    document, dossier, settings, django_capture_on_commit_callbacks
):
    DossierFactory._meta.model.objects.filter(pk=dossier.pk).update(state=DossierState.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        assert worker_anonymise(worker_id=dossier.worker_id, older_than_days=-1)
    assert stored_files(settings) == held_files() == set()


def test_a_deleted_dossiers_files_are_removed(
    document, dossier, settings, django_capture_on_commit_callbacks
):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_delete(dossier_id=dossier.pk, by=administrator)
    assert stored_files(settings) == set()
