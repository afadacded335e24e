"""E-mail backends that die right after the mail server took a message: the crash between the
send and its confirmation, for tests (in-process and in a real Celery worker)."""

import os
import signal
from pathlib import Path

from django.core.mail.backends import filebased, locmem


class DieAfterSendBackend(locmem.EmailBackend):
    """Records the message in `mail.outbox`, then the process « dies » (SystemExit: no
    `except Exception` of ours runs, as when the worker is killed)."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise SystemExit("worker killed after the mail server took the message")


class KillAfterSendBackend(filebased.EmailBackend):
    """Writes the message to its file, then SIGKILLs its own process if the file named by
    CRASH_MARKER exists (removed first, so only the first send dies)."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        marker = Path(os.environ["CRASH_MARKER"])
        if marker.exists():
            marker.unlink()
            os.kill(os.getpid(), signal.SIGKILL)
        return sent
