from notifications.models.notices import (
    DigestSent,
    Notification,
    NotificationPreference,
    ReminderOffset,
)

__all__ = ["DigestSent", "Notification", "NotificationPreference", "ReminderOffset"]
