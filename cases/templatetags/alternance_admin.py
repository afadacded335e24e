"""Template helpers of the case worker's admin (dashboard, badges)."""

import re

from django import template

from cases.admin.dashboard import dashboard_for, urgency

register = template.Library()

# Django's French admin titles say « Ajout de %s », « Affichage de %s »: before a vowel the
# article elides (« Affichage de l'échéance »).
_ELISION = re.compile(r"(?<![\w'’])(de|le|la) (?=[aeiouyéèêëàâîïôûh])", re.IGNORECASE)


@register.filter
def elide(text) -> str:
    """« Affichage de échéance » → « Affichage de l'échéance »."""
    return _ELISION.sub(lambda m: "de l'" if m.group(1).lower() == "de" else "l'", str(text))


@register.simple_tag
def dashboard(user):
    return dashboard_for(user)


@register.filter
def urgency_class(deadline) -> str:
    return urgency(deadline.due, deadline.status)
