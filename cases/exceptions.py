"""Domain errors, each with a French message; the admin and the API translate them."""

from cases.rules.findings import Finding


class DossierError(Exception):
    code = "dossier_error"

    def __init__(
        self, message: str, *, errors: dict | None = None, findings: list[Finding] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.findings = findings or []


class DossierNotFound(DossierError):
    code = "not_found"


class TransitionUnknown(DossierError):
    code = "transition_unknown"


class TransitionNotAllowed(DossierError):
    """The transition does not start from the dossier's state, or is off its dispositif's path."""

    code = "transition_not_allowed"


class TransitionForbidden(DossierError):
    code = "permission_denied"


class TransitionInvalid(DossierError):
    """The data entered for the transition is wrong (see `errors`)."""

    code = "invalid"


class TransitionBlocked(DossierError):
    """Blocking findings prevent the transition (see `findings`)."""

    code = "transition_blocked"


class ConcurrentChange(DossierError):
    code = "concurrent_change"


class DossierForbidden(DossierError):
    """The user's role or agencies do not let them create or edit this dossier."""

    code = "permission_denied"


class DossierLocked(DossierError):
    """A closed or cancelled dossier is no longer edited."""

    code = "dossier_locked"


class OutOfScope(DossierForbidden):
    """A record named in the request (a dossier, a worker, an agency…) is not one the user
    may use: another agency's, or one their role may not write to. Nothing is written."""


class RecordInUse(DossierError):
    """The record is used by dossiers or missions, so it cannot be deleted."""

    code = "record_in_use"


class PaymentInvalid(DossierError):
    """A payment received cannot be recorded as entered (see `errors`)."""

    code = "invalid"


class DuplicateWorker(DossierError):
    """The worker to create is probably already recorded (same NIR, or same name and birth
    date): the caller confirms it is another person before the record is created."""

    code = "duplicate_worker"
