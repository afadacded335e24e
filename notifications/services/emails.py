"""E-mail channel: each reminder for those who want it, a daily digest for the others."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from cases.choices import FINAL_STATES, DeadlineStatus, Role
from cases.models import Deadline, User
from notifications.choices import EmailMode, NotificationLevel
from notifications.models import DigestSent, Notification

logger = logging.getLogger(__name__)
DIGEST_ROLES = (Role.CASE_WORKER, Role.AGENCY_MANAGER)


def email_mode(user: User) -> str:
    preference = getattr(user, "notification_preference", None)
    return preference.email_mode if preference else EmailMode.DIGEST


def _send(user: User, subject: str, template: str, context: dict) -> None:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_pending_notifications(*, limit: int = 500, recipient_id: int | None = None) -> int:
    """E-mail the notices not sent yet to people who want each reminder. Safe to run twice.

    Each notice is locked while its e-mail goes (``SKIP LOCKED``: a notice another worker is
    sending is left to it) and marked sent in the same transaction, so it is e-mailed once.
    """
    sent = 0
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        recipient__notification_preference__email_mode=EmailMode.EACH,
    ).exclude(recipient__email="")
    if recipient_id is not None:
        pending = pending.filter(recipient_id=recipient_id)
    pending = pending.values_list("pk", flat=True)[:limit]
    for pk in list(pending):
        with transaction.atomic():
            notice = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient", "dossier")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notice is None:
                continue
            _send(
                notice.recipient,
                f"[{notice.get_level_display()}] {notice.message[:80]}",
                "notice",
                {"notice": notice, "user": notice.recipient},
            )
            notice.emailed_at = timezone.now()
            notice.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def digest_deadlines(user: User, today: dt.date):
    """The open deadlines of the user's dossiers, overdue or due within 7 days, by urgency."""
    deadlines = (
        Deadline.objects.filter(
            status__in=(DeadlineStatus.OPEN, DeadlineStatus.BREACHED),
            safe_date__lte=today + dt.timedelta(days=7),
        )
        .exclude(dossier__state__in=FINAL_STATES)
        .select_related("dossier__worker")
        .order_by("safe_date")
    )
    if user.role == Role.AGENCY_MANAGER:
        deadlines = deadlines.filter(dossier__agency__users=user)
    else:
        deadlines = deadlines.filter(dossier__case_worker=user)
    groups = {"overdue": [], "soon": [], "week": []}
    for deadline in deadlines:
        if deadline.due < today or deadline.status == DeadlineStatus.BREACHED:
            groups["overdue"].append(deadline)
        elif deadline.safe_date <= today + dt.timedelta(days=3):
            groups["soon"].append(deadline)
        else:
            groups["week"].append(deadline)
    return groups


def send_digests(*, today: dt.date | None = None) -> int:
    """One digest per person and day, grouping their deadlines by urgency."""
    today = today or timezone.localdate()
    sent = 0
    users = User.objects.filter(is_active=True, role__in=DIGEST_ROLES).exclude(email="")
    users = users.exclude(Q(notification_preference__email_mode=EmailMode.NONE))
    for user in users.select_related("notification_preference"):
        groups = digest_deadlines(user, today)
        if not any(groups.values()):
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=today)
                unread = Notification.objects.filter(
                    recipient=user, read_at__isnull=True, level=NotificationLevel.URGENT
                ).count()
                _send(
                    user,
                    f"Vos échéances du {today:%d/%m/%Y}",
                    "digest",
                    {"user": user, "today": today, "groups": groups, "unread_urgent": unread},
                )
        except IntegrityError:
            continue  # already sent today
        sent += 1
    logger.info("digests sent on %s: %s", today, sent)
    return sent
