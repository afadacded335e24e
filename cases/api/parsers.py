"""Request parsers that refuse hostile bodies with a French 400 instead of failing with a 500
or answering in English."""

import json
import math

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser

from cases.upload_limits import SizeLimitedUploadHandler

NOT_UTF8 = "Le corps de la requête n'est pas un texte valide en {encoding}."
NOT_JSON = "Le corps de la requête n'est pas du JSON valide (ligne {line}, colonne {column})."
NOT_FINITE = (
    "Le JSON envoyé contient un nombre non admis ({value}) : NaN, Infinity et les nombres "
    "hors limites ne sont pas du JSON."
)
TOO_DEEP = "Le JSON envoyé est imbriqué trop profondément."
BAD_MULTIPART = "Le corps multipart/form-data de la requête est mal formé."


class _NotFinite(ValueError):
    pass


def _refuse_constant(name: str):
    raise _NotFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 reads as infinity
        raise _NotFinite(text)
    return value


class SafeJSONParser(JSONParser):
    """JSON as RFC 8259 has it, every refusal in French.

    DRF's parser answers « JSON parse error - … » in English, reads 1e999 as infinity and lets
    a body nested deeper than Python's recursion limit crash the request.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(NOT_UTF8.format(encoding=encoding.upper())) from exc
        try:
            return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
        except _NotFinite as exc:
            raise ParseError(NOT_FINITE.format(value=str(exc)[:20])) from exc
        except json.JSONDecodeError as exc:
            raise ParseError(NOT_JSON.format(line=exc.lineno, column=exc.colno)) from exc
        except ValueError as exc:  # an integer of more than 4 300 digits
            raise ParseError(NOT_FINITE.format(value="entier trop long")) from exc
        except RecursionError as exc:
            raise ParseError(TOO_DEEP) from exc


class SafeMultiPartParser(MultiPartParser):
    """Multipart for the API: a file past DOCUMENT_MAX_UPLOAD_SIZE stops the request at once.

    `SizeLimitedUploadHandler` then raises `UploadRefused` (a 413 naming the field) instead
    of reading the rest of the file for a form error, as it does for the admin. A malformed
    body is refused in French (DRF says « Multipart form parse error » in English).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        for handler in parser_context["request"].upload_handlers:
            if isinstance(handler, SizeLimitedUploadHandler):
                handler.stop_request = True
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            raise ParseError(BAD_MULTIPART) from exc
