"""What the notifications app does when the layers below it, or its own services, announce
something. Connected in `NotificationsConfig.ready`."""

import logging
from functools import partial

from django.db import transaction

from notifications.choices import EmailMode, NotificationLevel
from notifications.models import Notification, NotificationPreference
from notifications.services.notices import deadline_message, notify, responsible_users
from notifications.services.opinions import OPINION_STEP, opinion_requested_notify
from notifications.services.recheck import recheck_rule_set
from notifications.signals import notices_created
from notifications.tasks import email_recipient
from notifications.tasks import recheck_rule_set as recheck_task

logger = logging.getLogger(__name__)

ANONYMISED_NOTICE = "Message effacé : le dossier a été anonymisé."


def deadline_opened(sender, *, deadline, dossier, **kwargs) -> None:
    """A new open deadline tells its case worker at once (the « created » reminder)."""
    notify(
        responsible_users(dossier),
        dossier=dossier,
        deadline=deadline,
        kind="created",
        level=NotificationLevel.INFO,
        message=deadline_message(deadline, "Nouvelle échéance"),
    )


def dossier_stepped(sender, *, dossier, transition: str, **kwargs) -> None:
    """A CAR awaits the FPE.TT opinion: each FPE.TT advisor gets the notice « avis demandé »
    (e-mailed after commit to those who want each notice)."""
    if transition == OPINION_STEP:
        notices = opinion_requested_notify(dossier)
        notices_created.send(sender=Notification, notices=notices)


def rule_set_changed(sender=None, *, rule_set_id: int, **kwargs) -> None:
    """Have a worker re-check the rule set's dossiers; if the broker is down, do it here."""
    try:
        recheck_task.delay(rule_set_id)
    except Exception:  # broker unreachable: the correction must still reach the dossiers
        logger.warning("broker unreachable: re-checking rule set %s inline", rule_set_id)
        recheck_rule_set(rule_set_id)


def notices_email_after_commit(sender=None, *, notices: list[Notification], **kwargs) -> None:
    """Once the transaction commits, queue one e-mail task per person who wants each reminder.

    Sent with the notices a sweep really inserted. If the broker is down the enqueue fails
    quietly (logged): the notices stay unsent and the next sweep's catch-up e-mails them.
    """
    recipients = {notice.recipient_id for notice in notices}
    if not recipients:
        return
    wanting = (
        NotificationPreference.objects.filter(user_id__in=recipients, email_mode=EmailMode.EACH)
        .exclude(user__email="")
        .values_list("user_id", flat=True)
    )
    for user_id in sorted(wanting):
        transaction.on_commit(partial(email_recipient.delay, user_id), robust=True)


def dossiers_anonymised(sender, *, dossier_ids: list[int], **kwargs) -> None:
    Notification.objects.filter(dossier_id__in=dossier_ids).update(message=ANONYMISED_NOTICE)


def person_export(sender, *, dossier_ids: list[int], row, **kwargs) -> dict:
    return {
        "notifications": [
            {**row(n), "created": n.created, "recipient": str(n.recipient)}
            for n in Notification.objects.filter(dossier_id__in=dossier_ids)
            .select_related("recipient")
            .order_by("created", "pk")
        ]
    }
