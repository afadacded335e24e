"""Create notices once per person, and say them in French."""

from django.db import IntegrityError, transaction

from cases.choices import Role
from cases.models import Dossier, User
from notifications.models import Deadline, Notification


def agency_managers(dossier: Dossier):
    return User.objects.filter(role=Role.AGENCY_MANAGER, agencies=dossier.agency_id, is_active=True)


class ManagersByAgency:
    """Agency managers, read once per agency for the length of a sweep."""

    def __init__(self):
        self._by_agency: dict[int, list[User]] = {}

    def __call__(self, dossier: Dossier) -> list[User]:
        if dossier.agency_id not in self._by_agency:
            self._by_agency[dossier.agency_id] = list(agency_managers(dossier))
        return self._by_agency[dossier.agency_id]


def responsible_users(dossier: Dossier, managers=None) -> list[User]:
    """The dossier's case worker; its agency's managers when nobody is assigned."""
    if dossier.case_worker_id and dossier.case_worker.is_active:
        return [dossier.case_worker]
    return list((managers or ManagersByAgency())(dossier))


def notify(
    recipients,
    *,
    dossier: Dossier,
    kind: str,
    level: str,
    message: str,
    deadline: Deadline | None = None,
) -> int:
    """Create the notice for each recipient who does not have it yet; return how many were new.

    The unique constraints make this safe against retries and concurrent workers.
    """
    created_count = 0
    for recipient in recipients:
        lookup = {"recipient": recipient, "kind": kind, "deadline": deadline}
        if deadline is None:
            lookup["dossier"] = dossier
        try:
            with transaction.atomic():
                _, created = Notification.objects.get_or_create(
                    **lookup, defaults={"dossier": dossier, "level": level, "message": message}
                )
        except IntegrityError:  # another worker created it between our read and our write
            created = False
        created_count += created
    return created_count


def dossier_label(dossier: Dossier) -> str:
    return f"dossier {dossier.dispositif} n° {dossier.pk} ({dossier.worker})"


def deadline_message(deadline: Deadline, prefix: str) -> str:
    return (
        f"{prefix} : {deadline.label} — {dossier_label(deadline.dossier)}. "
        f"À faire au plus tard le {deadline.safe_date:%d/%m/%Y} "
        f"(échéance le {deadline.due:%d/%m/%Y} ; source : {deadline.source})."
    )
