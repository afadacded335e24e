"""The home page's card of unread notices (the admin index is drawn by the cases app)."""

from dataclasses import dataclass, field

from django import template

from notifications.models import Notification

register = template.Library()
SHOWN = 10


@dataclass
class Unread:
    count: int = 0
    notices: list[Notification] = field(default_factory=list)


@register.simple_tag
def unread_notices(user) -> Unread:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    return Unread(unread.count(), list(unread.select_related("dossier")[:SHOWN]))


@register.simple_tag
def with_notices(user, rows) -> list[tuple]:
    """Each row of a desk (anything with a `dossier`) beside the latest notice `user` received
    about its dossier, or None: one query for the whole list."""
    ids = [row.dossier.pk for row in rows]
    latest = {}
    for notice in Notification.objects.filter(recipient=user, dossier_id__in=ids).order_by(
        "created", "pk"
    ):
        latest[notice.dossier_id] = notice
    return [(row, latest.get(row.dossier.pk)) for row in rows]
