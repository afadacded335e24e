"""The checks every uploaded document passes, and the removal of files no document holds.

One implementation for every path (admin page, admin inline, API, services): the size limit
(`settings.DOCUMENT_MAX_UPLOAD_SIZE`), an extension among `ALLOWED_EXTENSIONS`, and a content
that is what the extension says — read from the file's first bytes (and, for the office
formats, from the names inside the ZIP), never from the name or the browser's content type:
an HTML page named `cerfa.pdf` is not a PDF.
"""

import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.models.documents import ALLOWED_EXTENSIONS, Document
from cases.upload_limits import validate_upload_size

JPEG = (b"\xff\xd8\xff",)
# The first bytes of each accepted type.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": JPEG,
    "jpeg": JPEG,
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "odt": (b"PK\x03\x04",),
}
# The office formats are ZIP archives: the part each one must hold tells them apart (a .docx
# that is a spreadsheet, or any ZIP renamed, is refused).
ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "odt": "content.xml"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def document_file_check(upload) -> None:
    """Raise a French ValidationError unless `upload` is a file a document may hold."""
    validate_upload_size(upload)  # a file stopped while it streamed in, or simply too large
    extension = Path(upload.name or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            "Type de fichier refusé : seuls les formats "
            + ", ".join(ext.upper() for ext in ALLOWED_EXTENSIONS)
            + " sont acceptés.",
            code="file_type",
        )
    if not _content_is(upload, extension):
        raise ValidationError(
            f"Le contenu du fichier ne correspond pas à son extension (.{extension}).",
            code="file_content",
        )


def _content_is(upload, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[extension]):
        return False
    if extension not in ZIP_PARTS:
        return True
    try:
        with zipfile.ZipFile(upload) as archive:  # reads the directory only, not the content
            names = set(archive.namelist())
            if extension == "odt":
                mimetype = b""
                if "mimetype" in names:
                    with archive.open("mimetype") as entry:
                        mimetype = entry.read(100)  # no more: an entry may be a ZIP bomb
                return mimetype.strip() == ODT_MIMETYPE and ZIP_PARTS["odt"] in names
            return ZIP_PARTS[extension] in names and "[Content_Types].xml" in names
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return False
    finally:
        upload.seek(0)


def stored_file_delete_on_commit(field_file) -> None:
    """Remove a stored file once the transaction that let go of it commits.

    Called when a document's file is replaced, cleared or deleted, and when a dossier is
    anonymised. Nothing is removed if the transaction rolls back, nor if another document
    still holds the same stored name when the commit comes.
    """
    name, storage = getattr(field_file, "name", ""), getattr(field_file, "storage", None)
    if not name or storage is None:
        return

    def delete() -> None:
        if not Document.objects.filter(file=name).exists():
            storage.delete(name)

    transaction.on_commit(delete)


@contextmanager
def stored_files_delete_on_failure():
    """Track the files stored inside the block; if it fails, remove them from storage.

    Wrap it around an atomic block that stores new files (`tracked.append(field_file)`): the
    database forgets their documents when the block rolls back, and this removes the files,
    which no row holds then. Nothing is removed when the block succeeds.
    """
    tracked: list = []
    try:
        yield tracked
    except BaseException:
        for field_file in tracked:
            name, storage = getattr(field_file, "name", ""), getattr(field_file, "storage", None)
            if name and storage is not None and not Document.objects.filter(file=name).exists():
                storage.delete(name)
        raise
