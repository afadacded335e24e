"""A small progress bar on stderr: done/total, rows per second, time left."""

import sys
import time


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60:d} min {seconds % 60:02d} s"


class Progress:
    def __init__(self, total: int, *, enabled: bool = True, stream=None, width: int = 30):
        self.total, self.enabled, self.width = max(total, 1), enabled, width
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.done = self.rows = 0

    def advance(self, done: int, rows: int) -> None:
        self.done += done
        self.rows += rows
        if self.enabled:
            self._draw()

    def _draw(self) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        share = self.done / self.total
        left = elapsed * (1 - share) / share if share else 0
        filled = int(self.width * share)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(
            f"\r[{bar}] {self.done:,}/{self.total:,} dossiers · "
            f"{self.rows / elapsed:,.0f} lignes/s · reste {_clock(left)}  ".replace(",", " ")
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
