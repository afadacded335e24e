"""Template helpers of the case worker's admin (dashboard, badges)."""

from django import template

from cases.admin.dashboard import dashboard_for, urgency

register = template.Library()


@register.simple_tag
def dashboard(user):
    return dashboard_for(user)


@register.filter
def urgency_class(deadline) -> str:
    return urgency(deadline.due, deadline.status)
