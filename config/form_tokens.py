"""One-time form tokens: an admin form sent twice (a double click, a POST sent again after a
slow answer) is saved once.

Every admin change form carries a hidden token (`cases/templates/admin/submit_line.html`,
tag `form_token`). The first POST with a token claims it (a row under a unique constraint,
committed before the view runs: `cases.idempotency`) and, once answered with a redirect,
records where it led. A second POST with the same token is not processed: it waits for the
first one to be answered, then goes where the first one led, with « Ce formulaire a déjà été
enregistré. ». A first POST that did not save (the form re-displayed with its errors, an
error page) releases the token: the admin saves a form in one transaction, so nothing was
written, and the same page may be sent again.
"""

import re
import time

from django.contrib import messages
from django.http import HttpResponseRedirect

from cases.idempotency import (
    form_submission_claim,
    form_submission_complete,
    form_submission_release,
)
from cases.models import FormSubmission

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")
# How long a second submission waits for the first one's answer (below gunicorn's 30 s).
WAIT_SECONDS = 20
POLL_SECONDS = 0.2
ALREADY_SAVED = "Ce formulaire a déjà été enregistré."
STILL_SAVING = (
    "Ce formulaire est encore en cours d'enregistrement : rechargez la page dans un instant "
    "avant de le renvoyer."
)


class FormTokenMiddleware:
    """Process once each POST that carries a form token. After the CSRF and messages middleware:
    its `process_view` runs once the CSRF check has passed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claim = getattr(request, "form_submission", None)
        if claim is not None:
            if response.status_code in (301, 302, 303) and response.has_header("Location"):
                form_submission_complete(claim=claim, redirect_to=response["Location"])
            else:
                form_submission_release(claim=claim)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if (
            request.method != "POST"
            or request.path_info.startswith("/api/")  # no form there: its body is DRF's to read
            or not request.user.is_authenticated
        ):
            return None
        token = request.POST.get(FormSubmission.FIELD, "")
        if not TOKEN_PATTERN.fullmatch(token):
            return None
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            claim, first = form_submission_claim(token=token, user=request.user, path=request.path)
            if first:
                request.form_submission = claim
                return None
            if claim.user_id != request.user.pk:
                return None  # not this user's page: no promise to keep
            claim = _answered(claim, deadline)
            if claim is None:
                continue  # the first submission did not save: this one is processed
            if claim.redirect_to:
                messages.warning(request, ALREADY_SAVED)
                return HttpResponseRedirect(claim.redirect_to)
            messages.warning(request, STILL_SAVING)
            return HttpResponseRedirect(request.get_full_path())


def _answered(claim: FormSubmission, deadline: float) -> FormSubmission | None:
    """Wait until the submission holding `claim` is answered (or the deadline passes).

    Returns the row with `redirect_to` once it led somewhere, None once it was released, the
    row still unanswered at the deadline.
    """
    while not claim.redirect_to and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        claim = FormSubmission.objects.filter(pk=claim.pk).first()
        if claim is None:
            return None
    return claim
