"""The ``postgresql://`` sink: lines into the analytics tables from a background thread.

    schemalog.configure(sinks=["stdout", "postgresql://app@db/analytics"])

The same guarantees as the CloudWatch sink: ``emit`` only puts the line on a bounded queue
(never blocking the caller; a full queue spills to disk); a sender thread writes batches,
each in one transaction; while the database is down, lines go to a spill file and are
replayed, in order, once it answers again, so a restart of the server loses nothing; at exit
the queue is flushed (with a deadline) and whatever could not be delivered stays spilled for
the next process. Writes are idempotent on ``event_id``, so a replay never duplicates.

Options after ``?`` (the rest of the query goes to libpq): ``batch_size``, ``queue_size``,
``send_interval``, ``retry_interval``, ``spill_dir``, ``spill_max_bytes``, ``exit_timeout``.
"""

from __future__ import annotations

import logging
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

from schemalog._core import lifecycle, state
from schemalog._core.options import parse_count, parse_duration, parse_query, parse_size
from schemalog._core.stats import STATS
from schemalog.catalog.load import Catalog
from schemalog.catalog.location import default_schemas_dir
from schemalog.exceptions import StorageError
from schemalog.lines.reader import iter_lines
from schemalog.sinks.base import Sink
from schemalog.storage.postgres import PostgresStore, safe_url
from schemalog.storage.rows import Batch, RowMaker, checker_for
from schemalog.storage.spill import LineSpill, orphans, spill_stem

_OPTIONS: Final[dict[str, Callable[[str], Any]]] = {
    "batch_size": parse_count,
    "queue_size": parse_count,
    "send_interval": parse_duration,
    "retry_interval": parse_duration,
    "spill_dir": str,
    "spill_max_bytes": parse_size,
    "exit_timeout": parse_duration,
}


class PostgresSink(Sink):
    """A handler that writes lines to PostgreSQL's analytics tables, never blocking."""

    def __init__(
        self,
        url: str,
        *,
        batch_size: int = 1000,
        queue_size: int = 50_000,
        send_interval: float = 0.5,
        retry_interval: float = 1.0,
        spill_dir: str | os.PathLike[str] | None = None,
        spill_max_bytes: int = 1 << 30,
        exit_timeout: float = 5.0,
    ) -> None:
        super().__init__()
        self.url = url
        self.batch_size = max(1, batch_size)
        self.queue_size = queue_size
        self.send_interval = send_interval
        self.retry_interval = retry_interval
        self.spill_dir = Path(spill_dir) if spill_dir else _default_spill_dir()
        self.spill_max_bytes = spill_max_bytes
        self.exit_timeout = exit_timeout
        self._written = STATS.adder(f"written:{safe_url(url)}")
        self._maker: RowMaker | None = None  # made on first write, from the configured catalog
        self._fresh_state()
        self._unhook = [
            lifecycle.at_exit(self.close, lifecycle.CLOSE),
            lifecycle.after_fork_in_child(self._after_fork_in_child),
        ]

    def _fresh_state(self) -> None:
        self._queue: queue.Queue[bytes] = queue.Queue(self.queue_size)
        self._spill_lock = threading.Lock()
        self._spill = LineSpill(
            self.spill_dir / f"{spill_stem(self.url)}-{os.getpid()}.jsonl", self.spill_max_bytes
        )
        self._store: PostgresStore | None = None
        self._backlog: tuple[Path, int] | None = None  # a detached spill file being replayed
        self._closed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._next_try = 0.0
        self._lines_sent = 0

    def _after_fork_in_child(self) -> None:
        # The parent's connection, thread and spill file are the parent's: start anew.
        self._spill.forget()
        if self._backlog is not None:
            os.close(self._backlog[1])
        self._fresh_state()

    def emit(self, record: logging.LogRecord) -> None:
        """Queue the record's line; spill it when the queue is full. Never blocks or raises."""
        try:
            line = self.line(record)
            if not line:
                return  # dropped by the chain, and counted there
            if self._thread is None:
                self._start()
            try:
                self._queue.put_nowait(line)
            except queue.Full:
                self._to_spill([line])
        except Exception:
            self.handleError(record)

    def _start(self) -> None:
        with self._spill_lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._run, name="schemalog-postgresql", daemon=True
                )
                self._thread.start()

    def _to_spill(self, lines: list[bytes]) -> None:
        with self._spill_lock:
            taken = self._spill.append(lines)
            if self._closed:  # from a sender that outlived close(): leave the file adoptable
                self._spill.close()
        if taken < len(lines):
            for _ in range(len(lines) - taken):
                STATS.add("dropped:spill_full")
            STATS.report(f"pg-spill:{id(self)}", f"{self!r}: spill file full, lines dropped")

    def _run(self) -> None:
        self._adopt_orphans()
        while not (self._stop.is_set() and self._queue.empty()):
            lines = self._take()
            try:
                self._deliver(lines)
            except Exception as error:  # never let the thread die: count it, keep going
                STATS.add("internal_errors")
                STATS.report(f"pg-bug:{id(self)}", f"{self!r}: sender error: {error!r}")
            finally:
                for _ in lines:
                    self._queue.task_done()

    def _take(self) -> list[bytes]:
        lines: list[bytes] = []
        try:
            lines.append(self._queue.get(timeout=self.send_interval))
            while len(lines) < self.batch_size:
                lines.append(self._queue.get_nowait())
        except queue.Empty:
            pass
        return lines

    def _deliver(self, lines: list[bytes]) -> None:
        """Send spilled lines first (order), then these; spill these when the database fails."""
        if (self._backlog is not None or self._spill.pending) and not self._replay():
            self._to_spill(lines)
            return
        if lines and not self._write(lines, f"sink of pid {os.getpid()}"):
            self._to_spill(lines)

    def _replay(self) -> bool:
        """Send the spilled lines, oldest first; return True once none are left.

        The spill file is detached first (renamed, still locked), so the caller's thread can
        keep spilling to a new file without waiting for the database.
        """
        while True:
            if self._backlog is None:
                with self._spill_lock:
                    if not self._spill.pending:
                        return True
                    self._backlog = self._spill.detach()
            path, fd = self._backlog
            if not self._write_file(path):
                return False
            path.unlink(missing_ok=True)
            os.close(fd)
            self._backlog = None

    def _write_file(self, path: Path) -> bool:
        """Send a spill file's lines in batches; return True when all were written."""
        chunk: list[bytes] = []
        for _, line in iter_lines(str(path)):
            chunk.append(line)
            if len(chunk) >= self.batch_size:
                if not self._write(chunk, str(path)):
                    return False
                chunk = []
        return not chunk or self._write(chunk, str(path))

    def _write(self, lines: list[bytes], source: str) -> bool:
        """Write lines in one transaction; return False (after reporting) when it failed."""
        if time.monotonic() < self._next_try:
            return False
        batch = Batch()
        maker = self._row_maker()
        for line in lines:
            self._lines_sent += 1
            maker.add(batch, source, self._lines_sent, line.rstrip(b"\n"))
        try:
            if self._store is None:
                self._store = PostgresStore(self.url, connect_timeout=self.retry_interval * 5)
            self._store.write(batch)
        except StorageError as error:
            self._next_try = time.monotonic() + self.retry_interval
            if self._store is not None:
                self._store.close()
                self._store = None
            STATS.report(f"pg-down:{id(self)}", f"{self!r}: spilling, will retry: {error}")
            return False
        for _ in lines:
            self._written()
        return True

    def _row_maker(self) -> RowMaker:
        if self._maker is None:
            pipeline = state.pipeline
            catalog = pipeline.catalog if pipeline else Catalog.load(default_schemas_dir())
            self._maker = RowMaker(checker_for(catalog))
        return self._maker

    def _adopt_orphans(self) -> None:
        for path, fd in orphans(self.spill_dir, spill_stem(self.url), self._spill.path):
            try:
                if self._write_file(path):
                    path.unlink(missing_ok=True)
            finally:
                os.close(fd)

    def flush(self, timeout: float | None = None) -> bool:  # type: ignore[override]
        """Wait until every queued line is delivered or spilled; return True when all were."""
        deadline = time.monotonic() + (self.exit_timeout if timeout is None else timeout)
        while time.monotonic() < deadline:
            # unfinished_tasks: lines put and not yet delivered or spilled (task_done)
            if (
                not self._queue.unfinished_tasks
                and self._backlog is None
                and not self._spill.pending
            ):
                return True
            if self._thread is None:
                self._start()
            time.sleep(0.02)
        return False

    def close(self) -> None:
        """Deliver what is queued (within ``exit_timeout``), spill the rest, and close."""
        if self._stop.is_set():
            return
        self.flush(self.exit_timeout)
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.exit_timeout)
        leftover: list[bytes] = []
        while not self._queue.empty():
            leftover.append(self._queue.get_nowait())
        if leftover:
            self._to_spill(leftover)
        with self._spill_lock:
            self._closed = True
            self._spill.close()
        if self._thread is None or not self._thread.is_alive():
            # A sender still stuck past the deadline keeps its own backlog and connection.
            if self._backlog is not None:  # left for a later sink to adopt
                os.close(self._backlog[1])
                self._backlog = None
            if self._store is not None:
                self._store.close()
                self._store = None
        for unhook in self._unhook:
            unhook()
        super().close()

    def __repr__(self) -> str:
        return f"<PostgresSink {safe_url(self.url)}>"


def _default_spill_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"schemalog-spill-{os.getuid()}"


def from_spec(argument: str) -> PostgresSink:
    """Build the sink of ``postgresql:ARGUMENT`` (``//user@host/db?options``)."""
    path, _, query = argument.partition("?")
    mine = [(k, v) for k, v in parse_qsl(query) if k in _OPTIONS]
    libpq = [(k, v) for k, v in parse_qsl(query) if k not in _OPTIONS]
    options = parse_query(f"sink 'postgresql:{safe_url(path)}'", urlencode(mine), _OPTIONS)
    url = "postgresql:" + path + (f"?{urlencode(libpq)}" if libpq else "")
    return PostgresSink(url, **options)
