"""Default reminder calendar (an administrator may change it afterwards)."""

import json

from django.db import transaction

from cases.reference import FIXTURES
from notifications.models import ReminderOffset


@transaction.atomic
def load_reminder_offsets() -> str:
    """Create the default reminders that do not exist yet; never overwrite an edited one."""
    rows = json.loads((FIXTURES / "reminder_offsets.json").read_text(encoding="utf-8"))
    created = sum(
        ReminderOffset.objects.get_or_create(key=row["key"], defaults=row)[1] for row in rows
    )
    return f"rappels : {ReminderOffset.objects.count()} (créés : {created})"
