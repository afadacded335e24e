"""Notification models (filled by the notifications issue)."""
