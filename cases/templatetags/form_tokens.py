"""The hidden one-time token of a form (`config.form_tokens` keeps a form from being saved twice)."""

import secrets

from django import template
from django.utils.html import format_html

from cases.models import FormSubmission

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context) -> str:
    """A hidden input with a token new to this page (the same for every form of the page)."""
    request = context.get("request")
    token = getattr(request, "form_token", None) or secrets.token_urlsafe(32)
    if request is not None:
        request.form_token = token
    return format_html('<input type="hidden" name="{}" value="{}">', FormSubmission.FIELD, token)
