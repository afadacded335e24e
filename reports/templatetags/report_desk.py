"""The CPNE reporter's desk card on the admin home page (drawn by the cases app)."""

from django import template

from reports.stored import stored_reports_for

register = template.Library()
SHOWN = 10


@register.simple_tag
def latest_stored_reports(user) -> list:
    """The last stored reports `user` may read, the newest first."""
    return list(stored_reports_for(user).order_by("-created", "-pk")[:SHOWN])
