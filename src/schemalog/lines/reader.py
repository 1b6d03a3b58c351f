"""The one line reader of the command line: files, ``-`` for stdin, gzip by content, bounded.

Every verb that reads JSON lines reads them through :class:`LineReader`::

    reader = LineReader(args.files, on_finding=report.finding)  # checks the inputs first
    for line in reader:                      # Line(path, number, data): every non-blank line
        ...
    for line, record in reader.records():    # or only the JSON objects; the rest are counted
        ...
    reader.findings    # Finding per line longer than max_line_bytes (skipped, never held whole),
                       # also passed to on_finding as it is found
    reader.errors      # inputs that broke off mid-read ("FILE: reason"); the others were read
    reader.summary()   # {"lines": ..., "not_json": ..., "too_long": ...}
    reader.note()      # "1,024 lines, 3 not JSON (skipped)": the verb prints it on stderr

Creating the reader checks every input (exists, is readable, stdin is open, ``-`` once)
and raises InputError before the verb prints anything. A progress bar is drawn on stderr when
it is a terminal and the inputs are large (:mod:`schemalog.lines.progress`).
Compression is detected from the first bytes, not the name, so ``events.jsonl.1`` rotated
and compressed by logrotate reads like any other file. A line longer than ``max_line_bytes``
is read in pieces and dropped, so memory stays bounded whatever the input holds.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Final, cast

import orjson

from schemalog.exceptions import InputError
from schemalog.lines import progress

if TYPE_CHECKING:  # built only for a line over the limit
    from schemalog.findings import Finding

#: The first bytes of a gzip stream.
GZIP_MAGIC: Final = b"\x1f\x8b"
STDIN: Final = "-"
#: The default of ``--max-line-bytes``: 1 MiB, four times CloudWatch's largest event.
DEFAULT_MAX_LINE_BYTES: Final = 1 << 20
#: How much of an overlong line is read at a time while skipping it.
_SKIP_CHUNK: Final = 1 << 16
#: Lines between two progress updates.
_PROGRESS_EVERY: Final = 4096

TooLong = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank input line: the input's name, its 1-based number, its bytes (no newline)."""

    path: str
    number: int
    data: bytes


def _stdin_buffer() -> BinaryIO:
    stdin = sys.stdin
    if stdin is None or getattr(stdin, "closed", False) or not _open_descriptor(stdin):
        raise InputError("-: standard input is closed; give a FILE or pipe lines in")
    return cast(BinaryIO, getattr(stdin, "buffer", stdin))


def _open_descriptor(stream: Any) -> bool:
    """Whether ``stream``'s file descriptor is open (True for a stream without one)."""
    try:
        descriptor = stream.fileno()
    except (io.UnsupportedOperation, AttributeError):
        return True  # an in-memory stream (tests, embedding): nothing to check
    except (OSError, ValueError):
        return False
    try:
        os.fstat(descriptor)
    except OSError:
        return False
    return True


def check_inputs(paths: Sequence[str]) -> None:
    """Raise InputError for the first input that cannot be read, before anything is read."""
    if list(paths).count(STDIN) > 1:
        raise InputError("-: standard input can be read only once")
    for path in paths:
        if path == STDIN:
            _stdin_buffer()
            continue
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            raise InputError(f"{path}: cannot open: {error.strerror or error}") from None
        if stat.S_ISDIR(mode):
            raise InputError(f"{path}: is a directory, not a file of lines")
        if not os.access(path, os.R_OK):
            raise InputError(f"{path}: cannot open: Permission denied")


@contextmanager
def open_input(path: str) -> Iterator[BinaryIO]:
    """Open ``path`` (``-`` is stdin) for binary reading, decompressing gzip transparently."""
    if path == STDIN:
        raw: BinaryIO = _stdin_buffer()
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
            import gzip  # only once a compressed input is met

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


def iter_lines(
    path: str, max_line_bytes: int | None = None, too_long: TooLong | None = None
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line_number, line)`` for each non-blank line, numbered from 1, newline removed.

    A line longer than ``max_line_bytes`` is skipped without being held in memory, and
    ``too_long(number, size)`` is called for it. Raises InputError naming the file and the
    last good line when the input breaks off (a truncated or corrupt gzip stream, a read error).
    """
    number = 0
    try:
        with open_input(path) as stream:
            pieces = _pieces(stream, max_line_bytes)
            for number, (raw_line, size) in enumerate(pieces, start=1):
                if size:
                    if too_long is not None:
                        too_long(number, size)
                    continue
                line = raw_line.rstrip(b"\r\n")
                if line.strip():
                    yield number, line
    except EOFError:
        raise InputError(f"{path}: compressed stream ends early, after line {number}") from None
    except OSError as error:  # includes gzip.BadGzipFile
        reason = error.strerror or str(error)
        raise InputError(f"{path}: read failed after line {number}: {reason}") from None


def _pieces(stream: BinaryIO, limit: int | None) -> Iterator[tuple[bytes, int]]:
    """Yield ``(line, 0)`` per line, or ``(b"", size)`` for a line over ``limit`` bytes."""
    if limit is None:
        for line in stream:
            yield line, 0
        return
    cap = limit + 2  # room for the line end (\r\n) of a line of exactly ``limit`` bytes
    readline = stream.readline
    while line := readline(cap):
        if len(line) - (line.endswith(b"\r\n") + line.endswith(b"\n")) <= limit:
            yield line, 0
            continue
        size = len(line)
        while not line.endswith(b"\n") and (line := readline(_SKIP_CHUNK)):
            size += len(line)
        yield b"", size - line.endswith(b"\n")


def input_size(paths: Sequence[str]) -> int | None:
    """Return the bytes of ``paths`` when every one is a plain regular file, else None."""
    total = 0
    for path in paths:
        try:
            mode = os.stat(path).st_mode if path != STDIN else 0
        except OSError:
            return None
        if not stat.S_ISREG(mode):
            return None  # opening a FIFO to peek would block or eat its first bytes
        with open(path, "rb") as handle:
            if handle.read(2) == GZIP_MAGIC:
                return None  # the bar counts lines' bytes: a gzip's are not its size
            total += os.fstat(handle.fileno()).st_size
    return total


def _progress_bar(paths: Sequence[str]) -> progress.ProgressBar | None:
    """Return a bar over plain files' bytes; of unknown total for a large gzip and for stdin."""
    exact = input_size(paths)
    if exact is not None:
        return progress.bar(exact)
    stored = 0
    for path in paths:
        try:
            stored += os.stat(path).st_size if path != STDIN else progress.LARGE_INPUT
        except OSError:
            return None
    return progress.bar(None) if stored >= progress.LARGE_INPUT else None


def too_long_finding(path: str, number: int, size: int, limit: int | None) -> Finding:
    """Return the finding for line ``number`` of ``path``, ``size`` bytes, over ``limit``."""
    from schemalog.findings import Finding

    return Finding(
        path,
        number,
        message=f"line is {size} bytes, longer than --max-line-bytes ({limit}); skipped",
        rule="too-long",
    )


def lines_note(lines: int, not_json: int, too_long: int) -> str:
    """Return ``N lines`` and what was skipped (``1024 lines, 3 not JSON (skipped)``)."""
    text = f"{lines} lines"
    if not_json:
        text += f", {not_json} not JSON (skipped)"
    if too_long:
        text += f", {too_long} too long (skipped)"
    return text


class LineReader:
    """Reads the lines of several inputs in turn, bounded, counting what it skips."""

    def __init__(
        self,
        paths: Sequence[str],
        *,
        max_line_bytes: int | None = DEFAULT_MAX_LINE_BYTES,
        show_progress: bool = True,
        on_finding: Callable[[Finding], None] | None = None,
    ) -> None:
        check_inputs(paths)
        self.paths = list(paths)
        self.on_finding = on_finding
        self.max_line_bytes = max_line_bytes
        self.show_progress = show_progress
        self.findings: list[Finding] = []
        self.errors: list[str] = []
        self.lines = self.not_json = 0

    @property
    def too_long(self) -> int:
        """How many lines were over ``max_line_bytes`` (and skipped)."""
        return len(self.findings)

    def __iter__(self) -> Iterator[Line]:
        """Yield every non-blank line of every input; an input that breaks off is in errors."""
        bar = _progress_bar(self.paths) if self.show_progress else None
        try:
            for path in self.paths:
                yield from self._read(path, bar)
        finally:
            if bar is not None:
                bar.close()

    def _read(self, path: str, bar: progress.ProgressBar | None) -> Iterator[Line]:
        def too_long(number: int, size: int) -> None:
            self.lines += 1
            finding = too_long_finding(path, number, size, self.max_line_bytes)
            self.findings.append(finding)
            if self.on_finding is not None:
                self.on_finding(finding)

        pending = 0
        try:
            for number, data in iter_lines(path, self.max_line_bytes, too_long):
                self.lines += 1
                if bar is not None:
                    pending += len(data) + 1
                    if self.lines % _PROGRESS_EVERY == 0:
                        bar(pending)
                        pending = 0
                yield Line(path, number, data)
        except InputError as error:
            self.errors.append(str(error))
        if bar is not None:
            bar(pending)

    def records(self) -> Iterator[tuple[Line, dict[str, Any]]]:
        """Yield each line holding a JSON object with the object; count the others, skipped."""
        loads = orjson.loads
        for line in self:
            try:
                record = loads(line.data)
            except orjson.JSONDecodeError:
                record = None
            if type(record) is not dict:
                self.not_json += 1
                continue
            yield line, record

    def summary(self) -> dict[str, int]:
        """Return the counts of lines read and skipped, for a verb's JSON summary."""
        return {"lines": self.lines, "not_json": self.not_json, "too_long": self.too_long}

    def note(self) -> str:
        """Return ``N lines`` and what was skipped, for the verb's summary on stderr."""
        return lines_note(self.lines, self.not_json, self.too_long)
