"""`Idempotency-Key` on the API's POSTs: a request sent again is processed once.

After the IETF draft « The Idempotency-Key HTTP Header Field » and Stripe's practice. The
first request with a key claims it for its user (a row under the unique constraint
(user, key), committed before the view runs: `cases.idempotency`) with a fingerprint of the
method, the path with its query and the body. Then:

- 2xx: the answer (status, body, Content-Type, Location) is kept; a retry with the same key and
  fingerprint gets it back, marked `Idempotent-Replayed: true`, and the view does not run;
- 4xx: the key is released: nothing was written (the services refuse before they write, and
  each write is one transaction), so the request may be sent again, corrected or not;
- 5xx, or a process killed mid-request: the key stays claimed, unanswered. Whether the write
  happened is unknown (a failure after the commit is possible), so a retry is refused (409,
  « interrompu ») rather than risking a second object; the client checks, then uses a new key.

A retry with the same key and another fingerprint is a 422; one that arrives while the first
is still being processed is a 409. Keys expire after `IDEMPOTENCY_TTL_HOURS`.
"""

import datetime as dt
import hashlib
import io
import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import parse_header_parameters
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from cases.idempotency import (
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_release,
)
from cases.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
API_PREFIX = "/api/v1/"
KEPT_HEADERS = ("Content-Type", "Location")
# Visible ASCII, 1 to 255 characters: a UUID, Stripe's keys; an sf-string's quotes are removed.
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
# A first request still unanswered after this long was interrupted, not slow.
INTERRUPTED_AFTER = dt.timedelta(minutes=5)
MULTIPART_BOUNDARY = b"--idempotency-boundary"

KEY_INVALID = (
    "L'en-tête Idempotency-Key doit contenir de 1 à 255 caractères ASCII visibles "
    "(un UUID, par exemple)."
)
KEY_REUSED = (
    "Cette clé d'idempotence a déjà servi pour une autre requête (autre adresse ou autres "
    "données) : utilisez une nouvelle clé pour une nouvelle requête."
)
KEY_IN_PROGRESS = (
    "Une requête avec cette clé d'idempotence est en cours de traitement : réessayez dans "
    "quelques instants."
)
KEY_INTERRUPTED = (
    "Le traitement de la requête envoyée avec cette clé d'idempotence a échoué ou a été "
    "interrompu, et l'on ne sait pas s'il a abouti : vérifiez si l'opération a eu lieu avant "
    "de la refaire avec une nouvelle clé."
)


class IdempotencyKeyMiddleware:
    """Process once each POST under /api/v1/ that carries an `Idempotency-Key`.

    Sits after the authentication middleware: the key belongs to the user the view will see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _applies(request):
            return self.get_response(request)
        fingerprint = _fingerprint(request)
        user = _api_user(request)
        if user is None:
            return self.get_response(request)  # the view refuses
        key = _key(request.headers[HEADER])
        if key is None:  # refused whatever the body, as the schema's pattern says
            return _error(400, KEY_INVALID, "idempotency_key_invalid")
        if fingerprint is None:
            return self.get_response(request)  # the view refuses, or runs as without a key
        claim, first = idempotency_key_claim(
            user=user, key=key, fingerprint=fingerprint, path=request.path
        )
        if not first:
            return _answer_retry(claim, fingerprint)
        response = self.get_response(request)
        if 400 <= response.status_code < 500:
            idempotency_key_release(claim=claim)
        else:
            idempotency_key_complete(claim=claim, **_kept(response))
        return response


def _applies(request) -> bool:
    return (
        request.method == "POST"
        and request.path_info.startswith(API_PREFIX)
        and HEADER in request.headers
    )


def _api_user(request):
    """The user the API view will see, or None when it will refuse the request.

    As `REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]` does: the token first, then the
    session with its CSRF check (a replay is served only to a request the view would accept).
    """
    try:
        found = TokenAuthentication().authenticate(request)
        if found is not None:
            return found[0]
        user = getattr(request, "user", None)
        if user is None or not user.is_active:
            return None
        SessionAuthentication().enforce_csrf(request)
    except exceptions.APIException:
        return None
    return user


def _key(value: str) -> str | None:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]  # the draft's sf-string: "8e03978e-40d5-43e8-bc93-6894a57f9324"
    return value if KEY_PATTERN.fullmatch(value) else None


def _body_limit(request) -> int:
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/"):
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + settings.DOCUMENT_MAX_UPLOAD_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _fingerprint(request) -> str | None:
    """SHA-256 of the method, the path with its query and the body; None if it cannot be read.

    A multipart body is hashed with its boundary replaced: a client that encodes the same
    upload again picks a new random boundary. Reading the body is done as Django's own
    `HttpRequest.body` does it (`_body` kept, `_stream` rewound), so the view and DRF's parsers
    read the same bytes after us. A body larger than a valid request can be (a document plus
    its fields) is left unread: the view refuses it as it would without a key.
    """
    if not hasattr(request, "_body"):
        if request._read_started:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if length > _body_limit(request):
            return None
        request._body = request.read()
        request._stream = io.BytesIO(request._body)
    body = request._body
    content_type, params = parse_header_parameters(request.META.get("CONTENT_TYPE", ""))
    if content_type.startswith("multipart/") and params.get("boundary"):
        body = body.replace(b"--" + params["boundary"].encode("latin-1"), MULTIPART_BOUNDARY)
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _kept(response) -> dict:
    """What is kept of a 2xx answer to replay it; a 5xx keeps only its status (see above)."""
    if response.status_code >= 500 or response.streaming:
        return {"status_code": response.status_code, "headers": {}, "body": b""}
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    return {"status_code": response.status_code, "headers": headers, "body": response.content}


def _answer_retry(claim: IdempotencyKey, fingerprint: str):
    if claim.fingerprint != fingerprint:
        return _error(422, KEY_REUSED, "idempotency_key_reused")
    if claim.status_code is None and claim.created > timezone.now() - INTERRUPTED_AFTER:
        return _error(409, KEY_IN_PROGRESS, "idempotency_key_in_progress")
    if claim.status_code is None or claim.status_code >= 500:
        return _error(409, KEY_INTERRUPTED, "idempotency_key_interrupted")
    response = HttpResponse(bytes(claim.response_body), status=claim.status_code)
    for name, value in claim.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _error(status: int, detail: str, code: str) -> JsonResponse:
    """The API's one error format (`config.api`): detail and code in French, no field errors."""
    return JsonResponse(
        {"detail": detail, "code": code, "errors": {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


SCHEMA_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    # KEY_PATTERN, stated: 1 to 255 visible ASCII characters.
    "schema": {"type": "string", "pattern": "^[\\x21-\\x7e]{1,255}$"},
    "description": (
        "Clé choisie par le client (un UUID, par exemple) pour qu'une requête renvoyée — après "
        "une coupure, un délai dépassé — ne soit traitée qu'une fois. La première réponse "
        "réussie est conservée "
        f"{{ttl}} h et rejouée telle quelle, avec l'en-tête `{REPLAYED_HEADER}: true`, à "
        "toute requête du même utilisateur portant la même clé et les mêmes méthode, adresse et "
        "corps. Une réponse 4xx libère la clé. Même clé avec un autre corps : 422 ; pendant que "
        "la première requête est traitée, ou si elle a échoué sans que l'on sache si elle a "
        "abouti : 409."
    ),
}
SCHEMA_RESPONSES = {
    "409": "Requête avec la même clé d'idempotence en cours de traitement, ou interrompue.",
    "422": "Clé d'idempotence déjà utilisée pour une autre requête.",
}


def schema_postprocess(result, generator, request, public):
    """drf-spectacular hook (`POSTPROCESSING_HOOKS`): the header and its answers on every POST."""
    parameter = {
        **SCHEMA_PARAMETER,
        "description": SCHEMA_PARAMETER["description"].format(ttl=settings.IDEMPOTENCY_TTL_HOURS),
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        post = operations.get("post")
        if post is None:
            continue
        post.setdefault("parameters", []).append(parameter)
        responses = post.setdefault("responses", {})
        for code, description in SCHEMA_RESPONSES.items():
            if code in responses:
                responses[code]["description"] += f" {description}"
            else:
                responses[code] = {"description": description, "content": error}
        for code, response in responses.items():
            if code.startswith("2"):
                response.setdefault("headers", {})[REPLAYED_HEADER] = {
                    "schema": {"type": "string", "enum": ["true"]},
                    "description": "Présent quand la réponse est celle, conservée, d'une "
                    "requête précédente portant la même clé d'idempotence.",
                }
    return result
