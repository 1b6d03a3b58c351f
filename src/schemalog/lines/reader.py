"""Reading JSON-lines input for the command line: files, ``-`` for stdin, gzip by content.

Compression is detected from the first bytes, not the name, so ``events.jsonl.1`` rotated
and compressed by logrotate reads like any other file.
"""

from __future__ import annotations

import gzip
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, Final, cast

from schemalog.exceptions import InputError

#: The first bytes of a gzip stream.
GZIP_MAGIC: Final = b"\x1f\x8b"
STDIN: Final = "-"


@contextmanager
def open_input(path: str) -> Iterator[BinaryIO]:
    """Open ``path`` (``-`` is stdin) for binary reading, decompressing gzip transparently."""
    if path == STDIN:
        raw: BinaryIO = sys.stdin.buffer
        close_raw = False
    else:
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as error:
            raise InputError(f"{path}: cannot open: {error.strerror or error}") from None
        close_raw = True
    try:
        buffered = _peekable(raw)
        if buffered.peek(2)[:2] == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=buffered, mode="rb") as unzipped:
                yield unzipped  # type: ignore[misc]
        else:
            yield buffered
    finally:
        if close_raw:
            raw.close()


def _peekable(raw: BinaryIO) -> io.BufferedReader:
    if isinstance(raw, io.BufferedReader):
        return raw
    return io.BufferedReader(cast(io.RawIOBase, raw))


def iter_lines(path: str) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_number, line)`` for each non-blank line, numbered from 1, newline removed.

    Raises InputError naming the file and the last good line when the input breaks off
    (a truncated or corrupt gzip stream, a read error).
    """
    number = 0
    try:
        with open_input(path) as stream:
            for number, raw_line in enumerate(stream, start=1):
                line = raw_line.rstrip(b"\r\n")
                if line.strip():
                    yield number, line
    except EOFError:
        raise InputError(f"{path}: compressed stream ends early, after line {number}") from None
    except OSError as error:  # includes gzip.BadGzipFile
        reason = error.strerror or str(error)
        raise InputError(f"{path}: read failed after line {number}: {reason}") from None
