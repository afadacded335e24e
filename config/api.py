"""The API's one error format and its pagination (the schema class is in config.schema).

Every error answers `{"detail": "...", "code": "...", "errors": {field: [...]}}` in French,
plus `findings` when blocking findings refused a transition. DRF's own errors (already in
French through its translations), Django's ValidationError and the domain errors of
`cases.exceptions` all go through `api_exception_handler`. What Django itself refuses before
or around a view (an unknown address, a body too large, too many fields, a CSRF failure, a
crash) goes through the `handler*` views below, which answer the same JSON for addresses
under /api/ and Django's usual pages elsewhere.
"""

import logging

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.views import csrf, defaults
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.exceptions import DossierError
from cases.upload_limits import UploadRefused, human_size

logger = logging.getLogger(__name__)

DOMAIN_STATUS = {
    "not_found": status.HTTP_404_NOT_FOUND,
    "transition_unknown": status.HTTP_404_NOT_FOUND,
    "permission_denied": status.HTTP_403_FORBIDDEN,
    "invalid": status.HTTP_400_BAD_REQUEST,
    "transition_not_allowed": status.HTTP_409_CONFLICT,
    "transition_blocked": status.HTTP_409_CONFLICT,
    "concurrent_change": status.HTTP_409_CONFLICT,
    "dossier_locked": status.HTTP_409_CONFLICT,
    "record_in_use": status.HTTP_409_CONFLICT,
    "duplicate_worker": status.HTTP_409_CONFLICT,
    "duplicate": status.HTTP_409_CONFLICT,
}
INVALID_DETAIL = "Les données envoyées ne sont pas valides."


def _flatten(data, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into `{"field" or "field.sub": [messages]}`."""
    if isinstance(data, dict):
        flat: dict[str, list[str]] = {}
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(data, list) and any(isinstance(item, dict | list) for item in data):
        flat = {}
        for index, item in enumerate(data):
            name = f"{prefix}.{index}" if prefix else str(index)
            for field, messages in _flatten(item, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    messages = data if isinstance(data, list) else [data]
    return {prefix or "non_field_errors": [french_formats(str(message)) for message in messages]}


# DRF names the date formats it expects in English letters (« YYYY-MM-DD »).
_FORMAT_WORDS = (
    (
        "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]",
        "AAAA-MM-JJThh:mm (par exemple 2026-03-31T14:30 ; secondes et fuseau facultatifs)",
    ),
    ("YYYY-MM-DD", "AAAA-MM-JJ (par exemple 2026-03-31)"),
    ("hh:mm[:ss[.uuuuuu]]", "hh:mm (par exemple 14:30)"),
)


def french_formats(message: str) -> str:
    """« Utilisez un des formats suivants : YYYY-MM-DD » → « … : AAAA-MM-JJ (par exemple…) »."""
    for english, french in _FORMAT_WORDS:
        message = message.replace(english, french)
    return message


def _body(detail: str, code: str, errors: dict | None = None, **extra) -> dict:
    return {"detail": detail, "code": code, "errors": errors or {}, **extra}


def _django_validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            "non_field_errors" if field == "__all__" else field: list(messages)
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": list(exc.messages)}


CSRF_DETAIL = (
    "Vérification CSRF échouée : avec une session, envoyez le jeton CSRF "
    "(en-tête X-CSRFToken), ou authentifiez-vous par jeton (Authorization: Token …)."
)
BODY_TOO_LARGE = "Le corps de la requête dépasse la taille maximale ({size})."
TOO_MANY_FIELDS = "La requête contient trop de champs ({count} au plus)."
TOO_MANY_FILES = "La requête contient trop de fichiers ({count} au plus)."
BAD_REQUEST_DETAIL = "Requête incorrecte."
NOT_FOUND_DETAIL = "Ressource introuvable : vérifiez l'adresse."
PERMISSION_DENIED_DETAIL = "Vous n'avez pas la permission d'effectuer cette action."
SERVER_ERROR_DETAIL = (
    "Erreur interne du serveur : l'incident est enregistré. Réessayez plus tard ; s'il se "
    "reproduit, signalez-le à l'assistance."
)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "La requête est trop volumineuse."
    default_code = "payload_too_large"


def request_error(exc: Exception | None) -> exceptions.APIException:
    """The French API error for what Django refuses while reading a request (a
    SuspiciousOperation or BadRequest: body too large, too many fields or files…)."""
    if isinstance(exc, UploadRefused):
        return PayloadTooLarge(str(exc))
    if isinstance(exc, RequestDataTooBig):
        size = human_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return PayloadTooLarge(BODY_TOO_LARGE.format(size=size))
    if isinstance(exc, TooManyFieldsSent):
        count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return exceptions.ParseError(TOO_MANY_FIELDS.format(count=count), "too_many_fields")
    if isinstance(exc, TooManyFilesSent):
        count = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return exceptions.ParseError(TOO_MANY_FILES.format(count=count), "too_many_files")
    return exceptions.ParseError(BAD_REQUEST_DETAIL, "bad_request")


def request_error_body(exc: Exception | None) -> tuple[dict, int]:
    """The API's error body and status for what Django refuses while reading a request; a
    file refused for its size is named in `errors`."""
    error = request_error(exc)
    field = getattr(exc, "field", "")
    errors = {field: [str(error.detail)]} if field else {}
    return _body(str(error.detail), error.detail.code, errors), error.status_code


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: one French error format for every failure the API expects."""
    if isinstance(exc, DossierError):
        code_status = DOMAIN_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST)
        extra = {"findings": [f.as_dict() for f in exc.findings]} if exc.findings else {}
        return Response(_body(exc.message, exc.code, exc.errors, **extra), status=code_status)
    if isinstance(exc, DjangoValidationError):
        errors = _django_validation_errors(exc)
        return Response(_body(INVALID_DETAIL, "invalid", errors), status=400)
    if isinstance(exc, SuspiciousOperation | BadRequest):  # raised while reading request.data
        body, code_status = request_error_body(exc)
        return Response(body, status=code_status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _body(INVALID_DETAIL, "invalid", _flatten(exc.detail))
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(detail, dict | list):
        response.data = _body(INVALID_DETAIL, "invalid", _flatten(detail))
        return response
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    if str(detail).startswith("CSRF Failed"):  # DRF's SessionAuthentication says it in English
        detail, code = CSRF_DETAIL, "csrf_failed"
    response.data = _body(str(detail), str(code))
    return response


class StandardPagination(PageNumberPagination):
    """Pages of 50 rows by default; `?page_size=` up to API_MAX_PAGE_SIZE (500)."""

    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = (
        f"Nombre de résultats par page (50 par défaut, {settings.API_MAX_PAGE_SIZE} au plus)."
    )
    page_query_description = "Numéro de la page de résultats (à partir de 1)."

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request):
        """Refuse a `page_size` that is not a whole number ≥ 1; cap it at API_MAX_PAGE_SIZE.

        Capped rather than refused: the schema and existing clients rely on it.
        """
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: ["Indiquez un nombre entier supérieur ou égal à 1."]}
            )
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        descriptions = {
            "count": "Nombre total de résultats.",
            "next": "Adresse de la page suivante (null sur la dernière page).",
            "previous": "Adresse de la page précédente (null sur la première page).",
            "results": "Résultats de la page.",
        }
        for name, description in descriptions.items():
            paginated["properties"][name]["description"] = description
        return paginated


def is_api_request(request) -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


JSON_PARAMS = {"ensure_ascii": False}  # as DRF's renderer writes it


def _json_error(detail: str, code: str, status_code: int) -> JsonResponse:
    return JsonResponse(_body(detail, code), status=status_code, json_dumps_params=JSON_PARAMS)


def api_bad_request(request, exception=None):
    """Django's handler400 (a body too large, too many fields, a suspicious request): the
    API's JSON error under /api/; elsewhere, a French page for a request too large (413) and
    Django's page for the rest."""
    if is_api_request(request):
        body, code_status = request_error_body(exception)
        return JsonResponse(body, status=code_status, json_dumps_params=JSON_PARAMS)
    error = request_error(exception)
    if isinstance(error, PayloadTooLarge):
        return HttpResponse(
            format_html(
                '<!doctype html><html lang="fr"><title>Requête trop volumineuse</title>'
                "<h1>Requête trop volumineuse</h1><p>{}</p>"
                "<p>Revenez à la page précédente et envoyez moins de données (des fichiers plus "
                "petits, par exemple).</p></html>",
                error.detail,
            ),
            status=error.status_code,
        )
    return defaults.bad_request(request, exception)


def api_permission_denied(request, exception=None):
    """Django's handler403: the API's JSON error under /api/, the HTML page elsewhere."""
    if is_api_request(request):
        return _json_error(PERMISSION_DENIED_DETAIL, "permission_denied", 403)
    return defaults.permission_denied(request, exception)


def api_not_found(request, exception=None):
    """Django's handler404: the API's JSON error for /api/ addresses, the HTML page elsewhere."""
    if is_api_request(request):
        return _json_error(NOT_FOUND_DETAIL, "not_found", 404)
    return defaults.page_not_found(request, exception)


def api_server_error(request):
    """Django's handler500: a generic French JSON message under /api/ (the traceback goes to
    the log only), the HTML page elsewhere."""
    if is_api_request(request):
        return _json_error(SERVER_ERROR_DETAIL, "server_error", 500)
    return defaults.server_error(request)


def api_csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the API's French JSON error under /api/, Django's page elsewhere.

    DRF's views check CSRF themselves (see `api_exception_handler`); this answers a view
    under /api/ that is not DRF's."""
    if is_api_request(request):
        return _json_error(CSRF_DETAIL, "csrf_failed", 403)
    return csrf.csrf_failure(request, reason)
