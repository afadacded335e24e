"""Inside the notifications app: services announce, the task layer queues (no cycle)."""

from django.dispatch import Signal

# A sweep inserted these notices (sent with `notices`, inside its transaction): once it
# commits, one e-mail task per person who wants each reminder is queued.
notices_created = Signal()
