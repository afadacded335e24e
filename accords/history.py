"""History pages (django-simple-history) read in French: a state shows its label, an empty
value « — », a date « 31/03/2026 », a yes/no « oui »/« non » — never a code, « None » or an
ISO date."""

import datetime as dt

from django.utils import timezone
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"


def french_value(field, value):
    """How a person reads `value` of `field` in a list of changes."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, list):
        return value
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    return value


class FrenchChanges(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        return french_value(self.model._meta.get_field(change.field), value)


class FrenchHistoryMixin:
    """For a SimpleHistoryAdmin: the changes of its history page in French."""

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchChanges(self.model, historical_record)
