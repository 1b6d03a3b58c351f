"""``FileSink``: JSON lines appended to a file, safe for many threads and many processes.

Each line goes to the file in a single ``write()`` on a descriptor opened with ``O_APPEND``:
the kernel places every write at the end of the file and never mixes two writes, so threads
and processes appending to one file cannot interleave or overwrite each other's lines (the
stdlib FileHandler's buffered stream may split a long line into several writes).

Rotation (``max_bytes`` or ``when``) is coordinated between processes with ``flock`` on
``PATH.lock``: one process renames the files, the others notice that ``PATH`` is a new file and
reopen it, and a line written a moment late lands in the rotated file rather than being lost.
``watch=True`` cooperates with an external logrotate the same way (``create`` mode); with
``copytruncate``, ``O_APPEND`` writes simply continue at the new end.

Lines are whole or absent: when a write fails part-way (a full disk), the part written is cut
off again (or, if another process appended after it, the next line starts on a new line), so
no line is ever glued to a fragment. Each line lost is counted by reason in
``schemalog.stats()`` (``dropped:disk_full``, ``dropped:disk_quota``, ``dropped:file_too_large``,
``dropped:write_error``), each line written in ``written:file:PATH``.

Sink string options: ``file:logs/events.jsonl?max_bytes=10MB&backups=5``,
``file:logs/events.jsonl?when=midnight&backups=7``, ``file:/var/log/app.jsonl?watch=true``.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

from schemalog._core.dispatch import register_line_sink
from schemalog._core.options import Parser, parse_bool, parse_count, parse_query, parse_size
from schemalog._core.stats import STATS
from schemalog.exceptions import ConfigError
from schemalog.sinks.base import Sink

#: Seconds per rotation period, and the suffix a rotated file gets.
_PERIODS: Final = {
    "S": (1, "%Y-%m-%dT%H-%M-%S"),
    "M": (60, "%Y-%m-%dT%H-%M"),
    "H": (3600, "%Y-%m-%dT%H"),
    "D": (86400, "%Y-%m-%d"),
    "MIDNIGHT": (86400, "%Y-%m-%d"),
}
_OPEN_FLAGS: Final = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
#: Why a line could not be written, by errno: the ``dropped:<reason>`` it is counted under.
_WRITE_ERRORS: Final = {
    errno.ENOSPC: "disk_full",
    errno.EDQUOT: "disk_quota",
    errno.EFBIG: "file_too_large",
}


#: The options of a ``file:`` sink string, each with its parser.
_FILE_OPTIONS: Final[dict[str, Parser]] = {
    "max_bytes": parse_size,
    "backups": parse_count,
    "when": str,
    "interval": parse_count,
    "watch": parse_bool,
}


class FileSink(Sink):
    """Appends one JSON line per record to ``path``; optional rotation or logrotate watching.

    Args:
        path: the file; missing parent directories are created.
        max_bytes: rotate before a line would take the file past this size (0: never).
        backup_count: rotated files to keep (``PATH.1`` newest ... ``PATH.N``; or dated).
        when: rotate by time, at UTC boundaries: ``S``, ``M``, ``H``, ``D`` or ``midnight``.
        interval: how many ``when`` units make one period.
        watch: reopen ``path`` when it is moved or removed (external logrotate).
        clock: epoch seconds (tests move time with it).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_bytes: int = 0,
        backup_count: int = 0,
        when: str | None = None,
        interval: int = 1,
        watch: bool = False,
        clock: Callable[[], float] = time.time,
        level: int | str = logging.NOTSET,
    ) -> None:
        super().__init__(level)
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.backup_count = backup_count
        self._clock = clock
        if max_bytes < 0 or backup_count < 0 or interval < 1:
            raise ConfigError(f"file sink {self.path}: sizes and counts must not be negative")
        if max_bytes and not backup_count:
            # Rotating without backups would mean truncating: lines already written would be lost.
            raise ConfigError(f"file sink {self.path}: max_bytes needs backups of at least 1")
        self._period: tuple[int, str] | None = None
        if when is not None:
            seconds, suffix = _PERIODS.get(when.upper(), (0, ""))
            if not seconds:
                raise ConfigError(
                    f"file sink {self.path}: when={when!r} is not one of S, M, H, D, midnight"
                )
            self._period = (seconds * interval, suffix)
        self.watch = watch
        self._checks = watch or max_bytes > 0 or when is not None
        self._fd = -1
        self._torn = False  # a fragment of ours is in the file, not cut off: start on a new line
        self._count_written = STATS.adder(f"written:file:{self.path}")
        self._identity = (0, 0)
        self._rollover_at = float("inf")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._open()

    @classmethod
    def from_spec(cls, argument: str) -> FileSink:
        """Build from the part of a sink string after ``file:`` (``PATH[?options]``)."""
        path, _, query = argument.partition("?")
        where = f"sink 'file:{argument}'"
        options = parse_query(where, query, _FILE_OPTIONS)
        try:
            return cls(
                path,
                max_bytes=options.get("max_bytes", 0),
                backup_count=options.get("backups", 0),
                when=options.get("when"),
                interval=options.get("interval", 1),
                watch=options.get("watch", False),
            )
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None

    # -- writing ------------------------------------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        """Append the record's line, whole or not at all (rotating or reopening first if needed)."""
        try:
            data = self.line(record)
        except Exception:
            self.handleError(record)
            return
        if data:
            self.write_line(data)

    def write_line(self, data: bytes) -> None:
        """Append one line (with its newline), whole or not at all; never raises."""
        try:
            if self._checks:
                if self._fd < 0:  # closed while another thread still held this sink
                    self._write_after_close(data)
                    return
                self._prepare(len(data))
            if self._torn:
                data = b"\n" + data
            written = os.write(self._fd, data)  # one write, but for a full disk or a signal
            if written < len(data):
                self._write_rest(data, written)
            self._torn = False
            self._count_written()
        except OSError as error:
            self._drop(error)
        except Exception:
            self.handleError(None)

    def _write_after_close(self, data: bytes) -> None:
        """Append a line that reached the sink after close(), through a descriptor of its own.

        configure() closes the sinks it replaces; a thread that was already writing through
        this one still delivers its line, and no descriptor is left open.
        """
        self._fd = os.open(self.path, _OPEN_FLAGS, 0o644)
        try:
            written = os.write(self._fd, data)
            if written < len(data):
                self._write_rest(data, written)  # whole or nothing, as any line
        finally:
            os.close(self._fd)
            self._fd = -1
        self._count_written()

    def _write_rest(self, data: bytes, written: int) -> None:
        """Write the rest of a line; if that fails, take back the part written, then raise."""
        try:
            while written < len(data):
                written += os.write(self._fd, data[written:])
        except OSError:
            self._take_back(written)
            raise

    def _take_back(self, written: int) -> None:
        """Cut off the ``written`` bytes of a failed line, unless another process wrote since.

        With ``O_APPEND`` the offset is the end of our write; if the file still ends there, the
        fragment is ours to cut. Otherwise our next line starts after a newline instead.
        """
        try:
            end = os.lseek(self._fd, 0, os.SEEK_CUR)
            if os.fstat(self._fd).st_size == end:
                os.ftruncate(self._fd, end - written)
                return
        except OSError:
            pass
        self._torn = True

    def _drop(self, error: OSError) -> None:
        """Count a line that could not be written under its reason, and report it."""
        reason = _WRITE_ERRORS.get(error.errno or 0, "write_error")
        STATS.add("sink_errors")
        STATS.add(f"dropped:{reason}")
        STATS.report(
            f"file-{reason}:{id(self)}",
            f"sink {self!r}: a line could not be written ({error}): dropped, counted as"
            f" dropped:{reason}",
        )

    def _prepare(self, incoming: int) -> None:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            self._reopen()
            return
        if (status.st_dev, status.st_ino) != self._identity:
            self._reopen()  # another process rotated, or logrotate moved the file
            return
        too_big = (
            self.max_bytes > 0
            and status.st_size > 0
            and (status.st_size + incoming > self.max_bytes)
        )
        if too_big or self._clock() >= self._rollover_at:
            self._rotate()

    def _open(self) -> None:
        fd = os.open(self.path, _OPEN_FLAGS, 0o644)
        status = os.fstat(fd)
        old_fd, self._fd = self._fd, fd
        self._identity = (status.st_dev, status.st_ino)
        if old_fd >= 0:
            os.close(old_fd)
        if self._period is not None:
            # A file left over from an earlier period is rotated at the first write.
            started = min(status.st_mtime, self._clock()) if status.st_size else self._clock()
            self._rollover_at = _next_boundary(started, self._period[0])

    def _reopen(self) -> None:
        self._open()

    def reopen(self) -> None:
        """Reopen ``path`` (call it from a SIGHUP handler after moving the file yourself)."""
        with self.lock if self.lock is not None else _NO_LOCK:
            self._open()

    def _rotate(self) -> None:
        lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            try:
                status = os.stat(self.path)
                # Only rotate the file we were writing to: if it changed, someone else did it.
                if (status.st_dev, status.st_ino) == self._identity:
                    self._rename_backups()
            except FileNotFoundError:
                pass
            self._open()
        finally:
            os.close(lock_fd)  # closing releases the flock

    def _rename_backups(self) -> None:
        if self._period is not None:
            period_start = min(self._rollover_at - self._period[0], self._clock())
            stamp = time.strftime(self._period[1], time.gmtime(period_start))
            os.rename(self.path, _free_name(Path(f"{self.path}.{stamp}")))
            self._prune_dated()
            return
        for index in range(self.backup_count - 1, 0, -1):
            source = Path(f"{self.path}.{index}")
            if source.exists():
                os.replace(source, f"{self.path}.{index + 1}")
        os.replace(self.path, f"{self.path}.1")

    def _prune_dated(self) -> None:
        if self.backup_count == 0:
            return
        rotated = sorted(
            p for p in self.path.parent.glob(f"{self.path.name}.*") if not p.name.endswith(".lock")
        )
        for old in rotated[: -self.backup_count]:
            old.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the file."""
        with self.lock if self.lock is not None else _NO_LOCK:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
            self._checks = True  # a late line takes the path that opens the file for it
        super().close()

    def __repr__(self) -> str:
        return f"<FileSink {self.path}>"


register_line_sink(FileSink)


class _NullLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_LOCK: Final = _NullLock()


def _next_boundary(epoch: float, period: int) -> float:
    return (int(epoch) // period + 1) * period


def _free_name(path: Path) -> Path:
    candidate, number = path, 1
    while candidate.exists():
        candidate = Path(f"{path}-{number}")
        number += 1
    return candidate
