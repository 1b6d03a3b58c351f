"""A one-line progress bar on stderr, for long command-line runs on a terminal."""

from __future__ import annotations

import sys
import time
from typing import Final, TextIO

#: Inputs at least this large (in total) get a progress bar when stderr is a terminal.
LARGE_INPUT: Final = 32 << 20
_MIB: Final = 1 << 20


def wanted(stream: TextIO, total: int | None) -> bool:
    """Whether to show progress: ``stream`` is a terminal and the input is large or unknown."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and (total is None or total >= LARGE_INPUT)


class Progress:
    r"""Counts bytes done and redraws ``\r  42%  110/262 MiB  38 MiB/s`` a few times a second."""

    def __init__(self, total: int | None, stream: TextIO | None = None, every: float = 0.2) -> None:
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self._started = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    def __call__(self, size: int) -> None:
        """Add ``size`` bytes done; redraw if it is time."""
        self.done += size
        now = time.monotonic()
        if now - self._drawn >= self.every:
            self._drawn = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        """Return the current progress text."""
        elapsed = max((now if now is not None else time.monotonic()) - self._started, 1e-9)
        rate = self.done / _MIB / elapsed
        done = self.done / _MIB
        if self.total:
            percent = min(100.0, 100.0 * self.done / self.total)
            return f"{percent:5.1f}%  {done:.0f}/{self.total / _MIB:.0f} MiB  {rate:.0f} MiB/s"
        return f"{done:.0f} MiB  {rate:.0f} MiB/s"

    def _draw(self, now: float) -> None:
        text = self.line(now)
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        """Erase the bar."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
