"""The progress bar: when it shows, and what it says."""

from __future__ import annotations

import io

from schemalog.lines.progress import LARGE_INPUT, Progress, wanted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wanted_only_on_a_terminal_for_large_or_unknown_input() -> None:
    """A bar is drawn on a terminal for large input or input of unknown size (stdin)."""
    assert wanted(Terminal(), LARGE_INPUT)
    assert wanted(Terminal(), None)
    assert not wanted(Terminal(), 10)
    assert not wanted(io.StringIO(), LARGE_INPUT)


def test_progress_draws_and_erases() -> None:
    """The bar shows the percentage and size done, then erases itself."""
    stream = Terminal()
    bar = Progress(4 << 20, stream, every=0.0)
    bar(1 << 20)
    bar(1 << 20)
    drawn = stream.getvalue()
    assert "50.0%" in drawn
    assert "2/4 MiB" in drawn
    bar.close()
    assert stream.getvalue().endswith("\r")


def test_progress_without_total() -> None:
    """Without a known size the bar counts MiB read."""
    bar = Progress(None, Terminal())
    bar.done = 3 << 20
    assert bar.line(bar._started + 1).startswith("3 MiB")
