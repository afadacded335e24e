"""Claims that make a retried request harmless (the HTTP side is in `config.idempotency`).

A claim is a row inserted under a unique constraint, in its own committed transaction, before
the request is processed: of two identical requests the database lets one in, whatever the
number of web processes. Callers hold no transaction (the middleware runs outside the view's).
"""

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import FormSubmission, IdempotencyKey, User

CLAIM_ATTEMPTS = 5


def idempotency_oldest_live(now: dt.datetime | None = None) -> dt.datetime:
    """Rows created before this instant have expired (`IDEMPOTENCY_TTL_HOURS`)."""
    return (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


def _claim(model, lookup: dict, values: dict):
    """Insert a row of `model` for `lookup`, or return the live row inserted before it.

    Returns `(row, True)` when this call inserted it, `(row, False)` when an earlier request
    holds it. An expired row is deleted and the insert tried again; so is a row released
    between the failed insert and the read.
    """
    for _ in range(CLAIM_ATTEMPTS):
        now = timezone.now()
        try:
            with transaction.atomic():
                return model.objects.create(**lookup, **values, created=now), True
        except IntegrityError:
            pass
        existing = model.objects.filter(**lookup).first()
        if existing is None:
            continue
        if existing.created >= idempotency_oldest_live(now):
            return existing, False
        model.objects.filter(pk=existing.pk, created=existing.created).delete()
    raise RuntimeError(f"{model.__name__}: no claim after {CLAIM_ATTEMPTS} attempts")


def idempotency_key_claim(
    *, user: User, key: str, fingerprint: str, path: str
) -> tuple[IdempotencyKey, bool]:
    """Claim `key` for `user`'s request; `(row, False)` when a request already holds it."""
    return _claim(
        IdempotencyKey,
        {"user": user, "key": key},
        {"fingerprint": fingerprint, "path": path[:255]},
    )


def idempotency_key_complete(
    *, claim: IdempotencyKey, status_code: int, headers: dict[str, str], body: bytes
) -> None:
    """Store the answer of the request that holds `claim`, to be replayed to its retries."""
    IdempotencyKey.objects.filter(pk=claim.pk).update(
        status_code=status_code, response_headers=headers, response_body=body
    )


def idempotency_key_release(*, claim: IdempotencyKey) -> None:
    """Forget `claim`: its request wrote nothing, and a retry may run again."""
    IdempotencyKey.objects.filter(pk=claim.pk).delete()


def form_submission_claim(*, token: str, user: User, path: str) -> tuple[FormSubmission, bool]:
    """Claim a form's one-time `token`; `(row, False)` when a submission already holds it."""
    return _claim(FormSubmission, {"token": token}, {"user": user, "path": path[:255]})


def form_submission_complete(*, claim: FormSubmission, redirect_to: str) -> None:
    FormSubmission.objects.filter(pk=claim.pk).update(redirect_to=redirect_to[:2000])


def form_submission_release(*, claim: FormSubmission) -> None:
    """Forget `claim`: the form was not saved (refused, re-displayed), it may be sent again."""
    FormSubmission.objects.filter(pk=claim.pk).delete()


def idempotency_records_purge(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete the expired keys (and the answers they kept) and form tokens."""
    oldest = idempotency_oldest_live(now)
    keys, _ = IdempotencyKey.objects.filter(created__lt=oldest).delete()
    forms, _ = FormSubmission.objects.filter(created__lt=oldest).delete()
    return {"idempotency_keys": keys, "form_submissions": forms}
