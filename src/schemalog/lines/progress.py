"""A progress bar on stderr for long command-line runs, drawn by rich, on a terminal only.

``bar(total)`` returns a callable that takes the bytes done since the last call (what
:mod:`schemalog.lines.reader` and the counting engine report), or None when no bar is wanted:
stderr is not a terminal, or the input is smaller than :data:`LARGE_INPUT`. Close it when done;
the bar disappears (rich's ``transient``), so a finished run leaves only its results.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress

#: Inputs at least this large (in total) get a progress bar when stderr is a terminal.
LARGE_INPUT: Final = 4 << 20


def wanted(stream: TextIO, total: int | None) -> bool:
    """Whether to show progress: ``stream`` is a terminal and the input is large or unknown."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and (total is None or total >= LARGE_INPUT)


class ProgressBar:
    """Bytes done of ``total`` (None: unknown, e.g. stdin), redrawn by rich on ``stream``."""

    def __init__(self, total: int | None, stream: TextIO | None = None) -> None:
        # rich takes ~30 ms to import: only a run that draws a bar pays for it.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        # soft_wrap: lines printed above the bar (findings) are not broken at its width.
        console = Console(file=stream if stream is not None else sys.stderr, soft_wrap=True)
        self._progress: RichProgress = Progress(
            BarColumn(),
            DownloadColumn(binary_units=True),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("reading", total=total)
        self._progress.start()

    def __call__(self, size: int) -> None:
        """Add ``size`` bytes done."""
        self._progress.advance(self._task, size)

    @property
    def done(self) -> int:
        """Bytes done so far."""
        return int(self._progress.tasks[0].completed)

    def close(self) -> None:
        """Stop redrawing and erase the bar."""
        self._progress.stop()


def bar(total: int | None, stream: TextIO | None = None) -> ProgressBar | None:
    """Return a progress bar for ``total`` bytes when one is wanted on ``stream`` (stderr)."""
    target = stream if stream is not None else sys.stderr
    return ProgressBar(total, target) if wanted(target, total) else None
