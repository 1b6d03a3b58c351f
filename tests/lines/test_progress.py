"""The progress bar: when it shows, and what it draws."""

from __future__ import annotations

import io

from schemalog.lines.progress import LARGE_INPUT, ProgressBar, bar, wanted


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wanted_only_on_a_terminal_for_large_or_unknown_input() -> None:
    """A bar is drawn on a terminal for large input or input of unknown size (stdin)."""
    assert wanted(Terminal(), LARGE_INPUT)
    assert wanted(Terminal(), None)
    assert not wanted(Terminal(), 10)
    assert not wanted(io.StringIO(), LARGE_INPUT)


def test_bar_only_on_a_terminal() -> None:
    """bar() gives None when stderr is a file or a pipe, a bar on a terminal."""
    assert bar(LARGE_INPUT, io.StringIO()) is None
    drawn = bar(LARGE_INPUT, Terminal())
    assert isinstance(drawn, ProgressBar)
    drawn.close()


def test_bar_counts_bytes_and_draws_on_the_terminal() -> None:
    """The bar adds the bytes it is given and draws the size done and the total."""
    stream = Terminal()
    progress = ProgressBar(4 << 20, stream)
    progress(1 << 20)
    progress(1 << 20)
    assert progress.done == 2 << 20
    progress.close()
    assert "4.0 MiB" in stream.getvalue()
