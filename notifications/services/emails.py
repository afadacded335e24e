"""E-mail channel: each reminder for those who want it, a daily digest for the others.

Guarantee: at most one e-mail per notice and one digest per person and day, even if a worker
is killed mid-send. Each is claimed in its own committed transaction before it is sent and
confirmed after; a claim never confirmed is an « envoi incertain » and is not sent again.
Exactly once is out of reach: the mail server's acceptance and our commit cannot be one
transaction, so one of the two crashes must lose (here: the e-mail, never a duplicate).
"""

import datetime as dt
import logging
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
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
# The server answered, and refused the message: it surely did not leave.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def email_mode(user: User) -> str:
    preference = getattr(user, "notification_preference", None)
    return preference.email_mode if preference else EmailMode.DIGEST


def _message(user: User, subject: str, template: str, context: dict) -> EmailMultiAlternatives:
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    return message


def _deliver(build: Callable[[], EmailMessage], *, release: Callable[[], None]) -> None:
    """Send the message `build` makes. Precondition: its claim is committed.

    When the message surely did not leave — it could not be written, the server could not be
    reached, or it refused the message — run `release`, so that the next run sends it, and
    re-raise. Any other failure keeps the claim: the server may have taken the message, and
    it is not sent again (« envoi incertain »).
    """
    try:
        message = build()
        connection = get_connection()
        connection.open()
    except Exception:
        release()
        raise
    try:
        connection.send_messages([message])
    except REFUSED:
        release()
        raise
    except Exception:
        logger.warning("e-mail perhaps sent, not confirmed: left as « envoi incertain »")
        raise
    finally:
        connection.close()


def _notice_claim(pk: int) -> bool:
    """Claim one notice for sending, in its own transaction: True for the one caller that won.

    A conditional UPDATE: the database lets one writer change the row from unclaimed to
    claimed; a second worker's UPDATE waits for the first to commit, then matches no row.
    """
    claimed = Notification.objects.filter(
        pk=pk, email_claimed_at__isnull=True, emailed_at__isnull=True
    ).update(email_claimed_at=timezone.now())
    return claimed == 1


def send_pending_notifications(*, limit: int = 500, recipient_id: int | None = None) -> int:
    """E-mail the notices not sent yet to people who want each reminder. Safe to run twice.

    At most once per notice: each is claimed (committed), then sent, then confirmed
    (`emailed_at`). A worker killed between the claim and the confirmation leaves the notice
    claimed and unconfirmed — « envoi incertain », shown in the admin and the digest — and no
    later run sends it again; the notice stays in the app, which is the source of truth.
    Precondition: the caller holds no transaction (claims and confirmations commit one by one).
    """
    sent = 0
    pending = Notification.objects.filter(
        emailed_at__isnull=True,
        email_claimed_at__isnull=True,
        recipient__notification_preference__email_mode=EmailMode.EACH,
    ).exclude(recipient__email="")
    if recipient_id is not None:
        pending = pending.filter(recipient_id=recipient_id)
    for pk in list(pending.values_list("pk", flat=True)[:limit]):
        if not _notice_claim(pk):
            continue  # another worker has it
        notice = Notification.objects.select_related("recipient", "dossier").get(pk=pk)
        _deliver(
            lambda notice=notice: _message(
                notice.recipient,
                f"[{notice.get_level_display()}] {notice.message[:80]}",
                "notice",
                {"notice": notice, "user": notice.recipient},
            ),
            release=lambda pk=pk: Notification.objects.filter(pk=pk).update(email_claimed_at=None),
        )
        Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def uncertain_notices(user: User):
    """The user's notices claimed for e-mail but never confirmed sent (« envoi incertain »)."""
    return Notification.objects.filter(
        recipient=user, email_claimed_at__isnull=False, emailed_at__isnull=True
    )


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
    """One digest per person and day, grouping their deadlines by urgency.

    At most one per person and day: the `DigestSent` row (unique per user and day) is the
    claim, committed before the e-mail goes; `confirmed_at` is set once it went. A row never
    confirmed (the worker died meanwhile) is an « envoi incertain »: not sent again that day.
    Precondition: the caller holds no transaction.
    """
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
                claim = DigestSent.objects.create(user=user, day=today)
        except IntegrityError:
            continue  # already sent today, or being sent by another worker
        unread = Notification.objects.filter(
            recipient=user, read_at__isnull=True, level=NotificationLevel.URGENT
        ).count()
        context = {
            "user": user,
            "today": today,
            "groups": groups,
            "unread_urgent": unread,
            "uncertain": uncertain_notices(user).filter(read_at__isnull=True).count(),
        }
        _deliver(
            lambda user=user, context=context: _message(
                user, f"Vos échéances du {today:%d/%m/%Y}", "digest", context
            ),
            release=lambda claim=claim: DigestSent.objects.filter(pk=claim.pk).delete(),
        )
        DigestSent.objects.filter(pk=claim.pk).update(confirmed_at=timezone.now())
        sent += 1
    logger.info("digests sent on %s: %s", today, sent)
    return sent
