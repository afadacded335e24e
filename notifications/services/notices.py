"""Create notices once per person, and say them in French."""

from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accords.choices import dispositif_short
from cases.choices import Role
from cases.models import Deadline, Dossier, User
from notifications.models import Notification


def agency_managers(dossier: Dossier):
    return User.objects.filter(role=Role.AGENCY_MANAGER, agencies=dossier.agency_id, is_active=True)


class ManagersByAgency:
    """Agency managers, read once per agency for the length of a sweep."""

    def __init__(self):
        self._by_agency: dict[int, list[User]] = {}

    def load(self, agency_ids) -> None:
        """Read the managers of all these agencies in one query."""
        missing = set(agency_ids) - set(self._by_agency)
        if not missing:
            return
        for agency_id in missing:
            self._by_agency[agency_id] = []
        memberships = (
            User.agencies.through.objects.filter(
                agency_id__in=missing, user__role=Role.AGENCY_MANAGER, user__is_active=True
            )
            .select_related("user")
            .order_by("user_id")
        )
        for membership in memberships:
            self._by_agency[membership.agency_id].append(membership.user)

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


class NewNotice(NamedTuple):
    """A notice to insert, as plain values (a sweep writes thousands)."""

    recipient_id: int
    dossier_id: int | None
    deadline_id: int | None
    kind: str
    level: str
    message: str


class Inserted(NamedTuple):
    pk: int
    recipient_id: int
    kind: str


# Rows per INSERT statement at most (SQLite allows fewer: Django's limit on parameters).
INSERT_BATCH = 1000


def notices_insert(notices: list[NewNotice]) -> list[Inserted]:
    """Insert the notices nobody has yet, a few statements for any number; return the new ones.

    Each statement is what ``bulk_create(ignore_conflicts=True)`` sends, ``INSERT … ON CONFLICT
    DO NOTHING``, plus ``RETURNING``, which bulk_create does not offer with ignore_conflicts:
    the unique constraints drop a notice another worker inserted first, and RETURNING names
    exactly the rows this statement inserted, so only those are e-mailed. PostgreSQL and
    SQLite (3.35 or later) read the statement the same way. Rows go in key order, so two
    workers inserting the same notices wait for each other in one order and cannot deadlock.
    """
    if not notices:
        return []
    meta = Notification._meta
    fields = [meta.get_field(name) for name in (*NewNotice._fields, "created")]
    created = meta.get_field("created").get_db_prep_save(timezone.now(), connection)
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    tail = f" ON CONFLICT DO NOTHING RETURNING {qn(meta.pk.column)}, recipient_id, kind"
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    ordered = sorted(
        notices, key=lambda n: (n.deadline_id or 0, n.dossier_id or 0, n.kind, n.recipient_id)
    )
    size = max(1, min(INSERT_BATCH, connection.ops.bulk_batch_size(fields, ordered)))
    inserted = []
    with connection.cursor() as cursor:
        for start in range(0, len(ordered), size):
            chunk = ordered[start : start + size]
            params = [value for notice in chunk for value in (*notice, created)]
            cursor.execute(head + ", ".join([row] * len(chunk)) + tail, params)
            inserted += [Inserted(*returned) for returned in cursor.fetchall()]
    return inserted


def dossier_label(dossier: Dossier) -> str:
    """« dossier Pro-A intérimaire n° 38 (MULLER Lucas) », from a Dossier or a sweep's row
    (whose worker is already the name)."""
    worker = dossier.worker if isinstance(dossier.worker, str) else dossier.worker.name
    return f"dossier {dispositif_short(dossier.dispositif)} n° {dossier.pk} ({worker})"


def deadline_message(deadline: Deadline, prefix: str) -> str:
    return (
        f"{prefix} : {deadline.label} — {dossier_label(deadline.dossier)}. "
        f"À faire au plus tard le {deadline.safe_date:%d/%m/%Y} "
        f"(échéance le {deadline.due:%d/%m/%Y} ; source : {deadline.source})."
    )
