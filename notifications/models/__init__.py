from notifications.models.deadlines import Deadline
from notifications.models.notices import (
    DigestSent,
    Notification,
    NotificationPreference,
    ReminderOffset,
)

__all__ = ["Deadline", "DigestSent", "Notification", "NotificationPreference", "ReminderOffset"]
