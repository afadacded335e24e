"""Uploads refused while they stream in, so that nothing past the limits reaches the disk.

Django's own handlers store a whole upload (in memory, then in a temporary file) before any
form or serializer can look at its size: a 300 MB upload was written out in full before the
10 MB check refused it. `SizeLimitedUploadHandler` runs first (FILE_UPLOAD_HANDLERS) and
passes a file's bytes on to them only up to DOCUMENT_MAX_UPLOAD_SIZE.
"""

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

REQUEST_TOO_LARGE = "La requête dépasse la taille maximale des envois ({size})."
FILE_TOO_LARGE = "Le fichier « {name} » dépasse la taille maximale ({size})."


def human_size(size: int) -> str:
    """A size in bytes as a user reads it: « 10 Mo », « 512 Ko », « 10 octets »."""
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("Ko", 1024)):
        if size >= factor:
            value = size / factor
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
    return f"{size} octets"


def file_too_large_message(name: str) -> str:
    return FILE_TOO_LARGE.format(name=name, size=human_size(settings.DOCUMENT_MAX_UPLOAD_SIZE))


class UploadRefused(RequestDataTooBig):
    """A request refused for the size of what it uploads; the message is French, for the user.

    A RequestDataTooBig, so that Django answers it as it answers a body too large (handler400,
    which makes it a 413) and never reads the request's data again.
    """

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class RefusedUpload(UploadedFile):
    """Stands, in `request.FILES`, for a file that passed DOCUMENT_MAX_UPLOAD_SIZE.

    It holds no content, only the size the client sent, so that a form shows its French error
    next to the file field (`validate_upload_size`). Reading it raises: a form that forgot the
    check cannot store an empty file in its place.
    """

    refused = True

    def __init__(self, name: str, size: int, content_type: str, charset: str | None):
        super().__init__(io.BytesIO(), name, content_type, size, charset)

    def read(self, *args, **kwargs):
        raise UploadRefused(file_too_large_message(self.name))

    def chunks(self, chunk_size=None):
        raise UploadRefused(file_too_large_message(self.name))


def validate_upload_size(upload) -> None:
    """Form validator: the file was not larger than DOCUMENT_MAX_UPLOAD_SIZE."""
    if getattr(upload, "refused", False) or (
        upload is not None and upload.size > settings.DOCUMENT_MAX_UPLOAD_SIZE
    ):
        raise ValidationError(file_too_large_message(upload.name), code="file_too_large")


class SizeLimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stop a file at DOCUMENT_MAX_UPLOAD_SIZE as it streams in.

    - A multipart request whose Content-Length passes UPLOAD_MAX_REQUEST_SIZE is refused before
      a byte of it is read (`UploadRefused`, a 413).
    - A file that passes DOCUMENT_MAX_UPLOAD_SIZE is no longer handed to the storing handlers
      after it; what they hold of it is closed (a temporary file is deleted). Then either
      the request stops there (`stop_request`, set by the API's parser: `UploadRefused`, a 413
      naming the field), or the rest of the file is read and dropped and the form receives a
      `RefusedUpload` in its place, so that the admin shows a form error.
    """

    stop_request = False
    refused_field = ""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = settings.UPLOAD_MAX_REQUEST_SIZE
        if content_length > limit:
            raise UploadRefused(REQUEST_TOO_LARGE.format(size=human_size(limit)))

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if self.too_large:
            return None
        if start + len(raw_data) <= settings.DOCUMENT_MAX_UPLOAD_SIZE:
            return raw_data
        self.too_large = True
        self._close_stored_part()
        if self.stop_request:
            self.refused_field = self.field_name
            raise StopUpload(connection_reset=True)
        return None

    def file_complete(self, file_size):
        if self.too_large:
            return RefusedUpload(self.file_name, file_size, self.content_type, self.charset)
        return None  # the next handler returns the stored file

    def upload_complete(self):
        if self.refused_field:
            raise UploadRefused(file_too_large_message(self.file_name), field=self.refused_field)

    def _close_stored_part(self):
        """Close what the storing handlers hold of this file (a temporary file is deleted)."""
        for handler in self.request.upload_handlers:
            if handler is not self and hasattr(handler, "file"):
                handler.file.close()
