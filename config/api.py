"""The API's one error format and its pagination (the schema class is in config.schema).

Every error answers `{"detail": "...", "code": "...", "errors": {field: [...]}}` in French,
plus `findings` when blocking findings refused a transition. DRF's own errors (already in
French through its translations), Django's ValidationError and the domain errors of
`cases.exceptions` all go through `api_exception_handler`.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from cases.exceptions import DossierError

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
    return {prefix or "non_field_errors": [str(message) for message in messages]}


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


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: one French error format for every failure the API expects."""
    if isinstance(exc, DossierError):
        code_status = DOMAIN_STATUS.get(exc.code, status.HTTP_400_BAD_REQUEST)
        extra = {"findings": [f.as_dict() for f in exc.findings]} if exc.findings else {}
        return Response(_body(exc.message, exc.code, exc.errors, **extra), status=code_status)
    if isinstance(exc, DjangoValidationError):
        errors = _django_validation_errors(exc)
        return Response(_body(INVALID_DETAIL, "invalid", errors), status=400)
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
    """Pages of 50 rows by default; `?page_size=` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "Nombre de résultats par page (50 par défaut, 500 au plus)."
    page_query_description = "Numéro de la page de résultats (à partir de 1)."
    max_page_size = 500

    def get_page_size(self, request):
        """Refuse a `page_size` that is not a whole number ≥ 1; cap it at 500."""
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


def api_not_found(request, exception=None):
    """Django's handler404: the API's JSON error for /api/ addresses, the HTML page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            _body("Ressource introuvable : vérifiez l'adresse.", "not_found"), status=404
        )
    return page_not_found(request, exception)
