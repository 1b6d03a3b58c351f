"""``CloudWatchLogsHandler``: a stdlib handler that sends lines to CloudWatch Logs.

The caller's side (``emit``) only puts the line on a bounded in-memory queue, or, when the
queue is full, appends it to the spill file; it never touches the network, not even on the
first call, and neither does the constructor. A background sender thread, started on the first
event (and again in a forked child), creates the log group and stream when they are missing,
cuts the queue into PutLogEvents batches within the API limits, and retries failures with
exponential backoff and jitter until they succeed: nothing is given up while the process
lives, except what cannot fit the spill bound (counted as dropped) and events CloudWatch
itself refuses (counted as rejected, never resent). What a process leaves in its spill file
when it exits is sent by the next handler of the same group that starts sending.

See ``docs/cloudwatch-sink.md`` for the settings, limits and failure handling.
"""

from __future__ import annotations

import atexit

# boto3 imports this module, which registers an atexit hook: that fails once the interpreter
# is shutting down, as it may be when the sender thread first imports boto3 in a short-lived
# process. Imported here (stdlib, about a millisecond), it is already registered by then.
import concurrent.futures.thread  # noqa: F401
import contextlib
import hashlib
import itertools
import logging
import os
import random
import re
import socket
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from threading import get_ident
from time import monotonic
from typing import TYPE_CHECKING, Any, Final, Literal

import orjson

from schemalog._core import state
from schemalog._core.envelope import Stamper
from schemalog._core.formatter import JsonFormatter
from schemalog._core.options import parse_bool, parse_count, parse_duration, parse_query, parse_size
from schemalog._core.pipeline import LINE_ATTRIBUTE
from schemalog._core.stats import STATS
from schemalog.exceptions import ConfigError
from schemalog.record import level_name
from schemalog.sinks.base import Sink
from schemalog.sinks.cloudwatch.batching import (
    DEFAULT_MAX_EVENT_BYTES,
    EVENT_OVERHEAD,
    LARGEST_EVENT_BYTES,
    MAX_BATCH_BYTES,
    MAX_BATCH_EVENTS,
    BatchBuilder,
    Event,
    cut_batch,
    fit_message,
    rejected_indexes,
    running_sizes,
    split,
)
from schemalog.sinks.cloudwatch.spill import SpillFile

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient

#: Records from these loggers never enter the handler: sending them would log more of them.
IGNORED_LOGGERS: Final = (
    "botocore",
    "boto3",
    "urllib3",
    "s3transfer",
    "schemalog.sinks.cloudwatch",
)
DEFAULT_STREAM_TEMPLATE: Final = "{host}/{program}/{pid}"
#: The logger the periodic ``schemalog_sink_stats`` events come from.
STATS_LOGGER: Final = "schemalog.sink_stats"
STATS_FIELDS: Final = ("sent", "retried", "rejected", "spilled", "replayed", "adopted", "dropped")
#: Marks a stats event with the id of the handler it is about (which must not send it).
STATS_OF_ATTRIBUTE: Final = "schemalog_stats_of"
_GROUP_NAME: Final = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}\Z")
_FILE_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")
#: What follows ``<safe group>.`` in a spill file's name (see SpillFile).
_SPILL_NAME: Final = re.compile(r"\d+-\d+(?:-\d+)?(?:@\d+)?\.spill")
_STAMP: Final = Stamper()
_numbers: Final = itertools.count(1)


class _Abandoned(Exception):
    """close() gave up waiting: the sender stops where it is."""


class CloudWatchLogsHandler(Sink):
    """Sends each record's line to a CloudWatch Logs stream from a background thread.

    Args:
        log_group: the log group (created when missing, unless ``create_group=False``).
        log_stream: the stream name, a template with ``{host}``, ``{program}`` and ``{pid}``
            (default ``{host}/{program}/{pid}``; ``:`` and ``*`` become ``_``).
        client: a boto3 ``logs`` client to use (a forked child makes its own copy of it).
        session: a boto3 Session to make the client from (default: a new default session).
        region: the AWS region (default: boto3's, from ``AWS_REGION`` or the config files).
        endpoint_url: another endpoint (default: boto3's, e.g. ``AWS_ENDPOINT_URL``).
        send_interval: seconds a line may wait in the queue before it is sent.
        max_queue_events, max_queue_bytes: the in-memory queue's bound; beyond it, events
            spill to disk.
        spill_dir: where the spill file lives (default: ``schemalog-spill-UID`` in the
            temporary directory).
        spill_max_bytes: the spill file's bound; events past it are dropped, and counted.
        max_event_bytes: longer messages are cut, with a marker saying so.
        flush_timeout: the default deadline of :meth:`flush` and :meth:`close`, in seconds.
        exit_timeout: how long the ``atexit`` hook waits for delivery.
        backoff_base, backoff_cap: retry delays grow from ``base`` doubling up to ``cap``
            seconds, each one jittered.
        connect_timeout, read_timeout: per HTTP call.
        stats_interval: seconds between ``schemalog_sink_stats`` events (0: never).
    """

    def __init__(
        self,
        log_group: str,
        log_stream: str = DEFAULT_STREAM_TEMPLATE,
        *,
        client: Any = None,
        session: Any = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        create_group: bool = True,
        send_interval: float = 2.0,
        max_queue_events: int = 100_000,
        max_queue_bytes: int = 8 * 1024 * 1024,
        spill_dir: str | os.PathLike[str] | None = None,
        spill_max_bytes: int = 128 * 1024 * 1024,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_batch_bytes: int = MAX_BATCH_BYTES,
        max_batch_events: int = MAX_BATCH_EVENTS,
        flush_timeout: float = 10.0,
        exit_timeout: float = 5.0,
        backoff_base: float = 0.2,
        backoff_cap: float = 20.0,
        connect_timeout: float = 5.0,
        read_timeout: float = 15.0,
        stats_interval: float = 60.0,
        level: int | str = logging.NOTSET,
    ) -> None:
        super().__init__(level)
        if not _GROUP_NAME.match(log_group):
            raise ConfigError(
                f"cloudwatch sink: log group {log_group!r} must be 1-512 of A-Z a-z 0-9 . - _ / #"
            )
        if not 0 < max_event_bytes <= LARGEST_EVENT_BYTES:
            raise ConfigError(f"cloudwatch sink: max_event_bytes must be 1..{LARGEST_EVENT_BYTES}")
        if not 0 < max_batch_bytes <= MAX_BATCH_BYTES or not 0 < max_batch_events <= 10_000:
            raise ConfigError("cloudwatch sink: batch limits must be within PutLogEvents' own")
        if max_queue_events < 1 or max_queue_bytes < 1 or spill_max_bytes < 0:
            raise ConfigError("cloudwatch sink: queue and spill bounds must be positive")
        self.log_group = log_group
        self.stream_template = log_stream
        self.log_stream = stream_name(log_stream)
        self.region = region
        self.endpoint_url = endpoint_url
        self.create_group = create_group
        self.send_interval = send_interval
        self.max_queue_events = max_queue_events
        self.max_queue_bytes = max_queue_bytes
        self.spill_dir = Path(spill_dir) if spill_dir is not None else default_spill_dir()
        self.spill_max_bytes = spill_max_bytes
        self.max_event_bytes = max_event_bytes
        self.max_batch_bytes = max_batch_bytes
        self.max_batch_events = max_batch_events
        self.flush_timeout = flush_timeout
        self.exit_timeout = exit_timeout
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.stats_interval = stats_interval
        self._given_client = client
        self._session = session
        self._number = next(_numbers)
        self._closed = False
        self._reset_state()
        _register(self)

    # -- state ---------------------------------------------------------------------------------

    def _reset_state(self) -> None:
        """Fresh queue, counters, locks and sender: at construction, and in a forked child."""
        # One plain lock guards the queue; callers take it directly (``with self._lock``), and
        # the sender and flush() wait on a Condition over the same lock.
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._queue: list[Event] = []  # callers append here, under the lock
        # The sender's share: the queue as it was taken, cut into batches without the lock.
        self._local: list[Event] = []
        self._local_ends: list[int] = []  # running_sizes(self._local)
        self._local_at = 0  # the next event of self._local to send
        self._queued = 0  # events in both
        self._queue_bytes = 0  # their batch bytes
        self._oldest_at = 0.0
        # How many events the fast path of enqueue() may queue: 0 while spilling or closed,
        # so that a single comparison sends those cases to the slow path.
        self._room_events = 0 if self._closed else self.max_queue_events
        self._spill = SpillFile(
            self.spill_dir / f"{_safe(self.log_group)}.{os.getpid()}-{self._number}.spill",
            self.spill_max_bytes,
        )
        self._accepted = 0  # events queued or spilled, ever
        self._settled = 0  # of those: sent, rejected or abandoned
        self._unspilled = 0  # spilled events settled: the others are still in the spill file
        self._flush_wanted = False
        self._stalled_at = -1
        self._stopping = False
        self._abandon = threading.Event()
        self._sender: threading.Thread | None = None
        self._sender_ident: int | None = None
        self._client: Any = None
        self._stream_ready = False
        self._wake_events = max(1, min(self.max_batch_events, self.max_queue_events // 2))
        self._wake_bytes = max(1, min(self.max_batch_bytes, self.max_queue_bytes // 2))
        # Logging threads and the sender both update counts: always under the lock.
        self._counts = dict.fromkeys((*STATS_FIELDS, "truncated"), 0)
        self._reported_counts: dict[str, int] = {}
        self._last_stats = time.monotonic()
        self._pid = os.getpid()

    def _after_fork_in_child(self) -> None:
        # The parent's spill file is the parent's to replay: spill.py closed our copy of it.
        self.log_stream = stream_name(self.stream_template)
        self._reset_state()

    # -- the caller's side ---------------------------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        """Queue the record's line (or spill it); never blocks on the network, never raises."""
        try:
            if record.name.startswith(IGNORED_LOGGERS) or get_ident() == self._sender_ident:
                return
            if record.__dict__.get(STATS_OF_ATTRIBUTE) == id(self):
                return
            formatter = self.formatter
            if isinstance(formatter, JsonFormatter):
                message = formatter.format_bytes(record)
            else:
                message = self.format(record).encode("utf-8", "backslashreplace")
            if 0 < len(message) <= self.max_event_bytes:
                self.enqueue((int(record.created * 1000), message))
            else:
                self._enqueue_odd(int(record.created * 1000), message)
        except Exception:
            self.handleError(record)

    def handle(self, record: logging.LogRecord) -> logging.LogRecord | bool:  # type: ignore[override]
        """Filter and emit without the handler's lock: the queue has its own, held briefly.

        So a ``flush()`` waiting for CloudWatch (under the lock, as ``logging.shutdown`` and
        ``dictConfig`` call it) never holds up threads that log meanwhile.
        """
        result = self.filter(record)
        if result:
            self.emit(result if isinstance(result, logging.LogRecord) else record)
        return result

    def _enqueue_odd(self, timestamp: int, message: bytes) -> None:
        """Count an empty message as rejected (CloudWatch refuses it); cut an oversized one."""
        if not message:
            self._count("rejected", 1)
            STATS.add("sink_errors")
            STATS.report(
                f"cw-empty:{id(self)}", f"{self!r}: CloudWatch refuses empty messages (not sent)"
            )
            return
        cut, _ = fit_message(message, self.max_event_bytes)
        self.enqueue((timestamp, cut), truncated=True)

    def enqueue(self, event: Event, *, truncated: bool = False) -> None:
        """Queue one ``(timestamp_ms, message)`` event, or spill it when the queue is full.

        The message must be 1 to ``max_event_bytes`` bytes long (``emit`` sees to that).
        """
        size = len(event[1]) + EVENT_OVERHEAD
        with self._lock:
            queued = self._queued
            if queued < self._room_events and self._queue_bytes + size <= self.max_queue_bytes:
                queue = self._queue
                if not queue:
                    self._oldest_at = monotonic()
                queue.append(event)
                self._queued = queued = queued + 1
                self._queue_bytes += size
                self._accepted += 1
                # Wake the sender only when a batch is worth sending (it wakes by itself
                # when the oldest event has waited send_interval).
                if queued == self._wake_events or (
                    self._wake_bytes <= self._queue_bytes < self._wake_bytes + size
                ):
                    self._cond.notify_all()
                dropped = None
            else:
                dropped = self._enqueue_slow(event)
            if truncated:
                self._counts["truncated"] += 1
            if self._sender is None:
                self._start_sender()
        if dropped is not None:
            self._report_dropped(dropped)

    def _enqueue_slow(self, event: Event) -> Literal["closed", "full"] | OSError | None:
        """After close, while spilling, or with the queue full (called under the lock).

        Returns why the event was dropped (None: it was spilled), to report after the lock.
        """
        if self._closed:
            self._counts["dropped"] += 1
            return "closed"
        try:
            spilled = self._spill.append(event)
        except OSError as error:
            self._counts["dropped"] += 1
            return error
        if not spilled:
            self._counts["dropped"] += 1
            return "full"
        self._room_events = 0
        self._counts["spilled"] += 1
        self._accepted += 1
        if not self._queued:
            self._cond.notify_all()
        return None

    def _report_dropped(self, reason: Literal["closed", "full"] | OSError) -> None:
        STATS.add("sink_errors")
        if reason == "closed":
            STATS.report(f"cw-closed:{id(self)}", f"{self!r}: event after close, dropped")
            return
        if isinstance(reason, OSError):
            STATS.report(f"cw-spill:{id(self)}", f"{self!r}: cannot spill: {reason}")
        STATS.report(
            f"cw-drop:{id(self)}",
            f"{self!r}: queue and spill file ({self.spill_max_bytes} bytes) are full:"
            " dropping events",
        )

    def _start_sender(self) -> None:
        thread = threading.Thread(
            target=self._run, name=f"schemalog-cloudwatch-{self._number}", daemon=True
        )
        self._sender = thread
        thread.start()

    # -- flush, close, stats --------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:  # type: ignore[override]
        """Wait until every event emitted before the call is delivered (or refused).

        Returns False if ``timeout`` seconds (default ``flush_timeout``) pass first; events
        still waiting stay queued and keep being retried. Called under the logging module's
        lock (``dictConfig``, ``fileConfig``), it does not wait: the sender may need that lock
        to log through botocore, so waiting could only end at the deadline.
        """
        deadline = time.monotonic() + (self.flush_timeout if timeout is None else timeout)
        if _holding_logging_lock():
            deadline = 0.0
        with self._cond:
            target = self._accepted
            if self._settled >= target or self._sender is None:
                return self._settled >= target
            self._flush_wanted = True
            self._cond.notify_all()
            while self._settled < target:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._sender.is_alive():
                    self._stalled_at = self._settled
                    return False
                self._cond.wait(remaining)
            return True

    def close(self, timeout: float | None = None) -> None:
        """Stop taking events and wait at most ``timeout`` seconds for the queued ones.

        What is still undelivered then keeps being sent in the background; the ``atexit``
        hook gives it ``exit_timeout`` more seconds, then counts what is left as dropped.
        """
        with self._cond:
            if self._closed:
                return
            self._closed = True
            self._room_events = 0
            if timeout is None and self._stalled_at == self._settled:
                timeout = 0.0  # a flush() just waited its full time for nothing: do not again
        try:
            delivered = self.flush(timeout)
            with self._cond:
                self._stopping = True
                self._cond.notify_all()
            if delivered:
                self._finish()
        finally:
            super().close()

    def _finish(self) -> None:
        """Release the spill file and leave the atexit set (everything was delivered)."""
        with self._cond:
            self._spill.close(remove=not self._spill.pending)
        _unregister(self)

    def abandon(self) -> int:
        """Give up on undelivered events: stop the sender, count them dropped; return how many.

        The atexit hook calls it once its deadline has passed. Spilled events stay in the
        spill file, whose path is reported, for the next handler of the group to send: they
        are not counted (nor returned) as dropped.
        """
        with self._cond:
            self._closed = self._stopping = True
            self._room_events = 0
            self._abandon.set()
            self._cond.notify_all()
            waiting = self._accepted - self._settled
            # min: on a second call nothing is waiting, though the spilled ones stay unsettled.
            left = min(waiting, self._counts["spilled"] - self._unspilled)
            lost = waiting - left
            self._settled = self._accepted
            self._counts["dropped"] += lost
            self._spill.close(remove=not self._spill.pending)
        _unregister(self)
        if lost:
            STATS.add("sink_errors")
            STATS.report(
                f"cw-close:{id(self)}",
                f"{self!r}: {lost} events not delivered by the exit deadline, dropped",
            )
        if left:
            STATS.report(
                f"cw-left:{id(self)}",
                f"{self!r}: {left} spilled events not delivered by the exit deadline stay in"
                f" {self._spill.path}, for the next handler of this group to send",
            )
        return lost

    def stats(self) -> dict[str, int]:
        """Return the counts since the start: sent, retried, rejected, spilled, replayed, dropped.

        Also ``adopted`` (lines that gone handlers of the group left spilled, sent or rejected
        here), ``queued`` (waiting now, in memory or spilled) and ``truncated`` (cut messages).
        """
        with self._cond:
            counts = {name: self._counts[name] for name in STATS_FIELDS}
            counts["queued"] = self._accepted - self._settled
            counts["truncated"] = self._counts["truncated"]
        return counts

    def __repr__(self) -> str:
        return f"<CloudWatchLogsHandler {self.log_group}/{self.log_stream}>"

    # -- the sender thread ----------------------------------------------------------------------

    def _run(self) -> None:
        self._sender_ident = threading.get_ident()
        try:
            self._get_client()  # import boto3 and make the client now, not at exit
        except Exception as error:  # reported again, and retried, when there is a batch
            STATS.report(f"cw-client:{id(self)}", f"{self!r}: cannot make a client: {error!r}")
        try:
            self._adopt_orphans()
        except _Abandoned:
            return
        while True:
            try:
                work = self._next_batch()
                if work is None:
                    if self._stopping and not self._abandon.is_set():
                        self._finish()
                    return
                events, spill_end = work
                try:
                    delivered = self._deliver(events)
                except _Abandoned:
                    return
                self._settle(len(events), spill_end, delivered=delivered)
                self._maybe_emit_stats()
            except Exception as error:  # a bug must not end the thread: report and go on
                STATS.add("internal_errors")
                STATS.report(f"cw-bug:{id(self)}", f"{self!r}: sender error: {error!r}")
                if self._abandon.wait(self.backoff_base):
                    return

    def _adopt_orphans(self) -> None:
        """Send, before its own lines, what gone handlers of the group left in spill files.

        Their locks went with their processes; a file a live handler holds is left alone.
        """
        prefix = f"{_safe(self.log_group)}."
        found: list[tuple[float, Path]] = []
        try:
            for entry in os.scandir(self.spill_dir):
                if entry.name.startswith(prefix) and _SPILL_NAME.fullmatch(
                    entry.name[len(prefix) :]
                ):
                    with contextlib.suppress(OSError):  # adopted and removed meanwhile
                        found.append((entry.stat().st_mtime, Path(entry.path)))
        except OSError:
            return  # no spill directory: nothing was left
        done: list[str] = []
        try:
            for _, path in sorted(found):  # the oldest first
                orphan = SpillFile.adopt(path)  # our own file is locked too: never adopted
                if orphan is not None and (sent := self._replay_orphan(orphan)):
                    done.append(f"{sent} from {path}")
        finally:
            if done:
                STATS.report(
                    f"cw-adopt:{id(self)}",
                    f"{self!r}: sent lines that exited processes left: {', '.join(done)}",
                )

    def _replay_orphan(self, orphan: SpillFile) -> int:
        """Send an adopted file's frames in order; return how many (the rest stays in it)."""
        sent = 0
        try:
            while orphan.pending and not self._closed:  # closing: our own lines come first
                events, end = orphan.read_batch(self._builder(), orphan.written)
                if not events:
                    self._count("dropped", 1)
                    STATS.add("sink_errors")
                    STATS.report(
                        f"cw-cut:{orphan.path}",
                        f"{self!r}: the last line of {orphan.path} was cut short when its"
                        " process died: dropped",
                    )
                    orphan.consumed(orphan.written)
                    break
                self._send_parts([events])
                self._count("adopted", len(events))
                orphan.consumed(end)
                sent += len(events)
                self._maybe_emit_stats()
        except _Abandoned:
            raise
        except Exception as error:  # as in _deliver, but the lines stay in the file: not lost
            STATS.add("sink_errors")
            STATS.report(
                f"cw-orphan:{id(self)}",
                f"{self!r}: cannot send the lines left in {orphan.path}: {error!r}",
            )
        finally:
            orphan.close(remove=not orphan.pending)
        return sent

    def _next_batch(self) -> tuple[list[Event], int | None] | None:
        """Wait for work; return a batch and, when it came from the spill file, its end offset."""
        with self._cond:
            while True:
                if self._abandon.is_set():
                    return None
                if self._local_at < len(self._local):
                    break
                now = monotonic()
                if self._queue:
                    due_at = self._oldest_at + self.send_interval
                    if (
                        self._flush_wanted
                        or self._stopping
                        or now >= due_at
                        or self._queued >= self._wake_events
                        or self._queue_bytes >= self._wake_bytes
                        or self._spill.pending
                    ):
                        # Take the whole queue at once: callers wait for the lock only as
                        # long as a swap takes, not while batches are cut.
                        self._local, self._queue = self._queue, []
                        self._local_ends = []
                        self._local_at = 0
                        break
                    self._cond.wait(min(due_at - now, self._stats_wait(now)))
                    continue
                if self._spill.pending:
                    # Read outside the lock: callers may append meanwhile, past ``end``.
                    end = self._spill.written
                    self._cond.release()
                    try:
                        return self._spill.read_batch(self._builder(), end)
                    finally:
                        self._cond.acquire()
                self._flush_wanted = False
                if self._stopping:
                    return None
                self._cond.wait(self._stats_wait(now))
                self._maybe_emit_stats_locked()
        return self._take_from_queue(), None

    def _stats_wait(self, now: float) -> float:
        if self.stats_interval <= 0:
            return 3600.0
        return max(0.01, self._last_stats + self.stats_interval - now)

    def _builder(self) -> BatchBuilder:
        return BatchBuilder(self.max_batch_bytes, self.max_batch_events)

    def _take_from_queue(self) -> list[Event]:
        """Cut one batch from the sender's share of the queue (called without the lock).

        Only the sender touches its share. The running sizes of the share are computed once,
        so each batch costs a bisection and a slice, not a Python step per event.
        """
        local = self._local
        if not self._local_ends:
            self._local_ends = running_sizes(local)
        events, self._local_at, size = cut_batch(
            local, self._local_ends, self._local_at, self.max_batch_bytes, self.max_batch_events
        )
        if self._local_at >= len(local):
            self._local, self._local_ends, self._local_at = [], [], 0
        with self._lock:
            self._queued -= len(events)
            self._queue_bytes -= size
        return events

    def _settle(self, count: int, spill_end: int | None, *, delivered: bool) -> None:
        with self._cond:
            self._settled = min(self._accepted, self._settled + count)
            if spill_end is not None:
                self._unspilled += count
                if delivered:
                    self._counts["replayed"] += count
                self._spill.consumed(spill_end)
                if not self._spill.pending:
                    self._room_events = 0 if self._closed else self.max_queue_events
            self._cond.notify_all()

    def _deliver(self, batch: list[Event]) -> bool:
        """Send ``batch`` until CloudWatch has it; split it to isolate an event it refuses.

        Returns False when something unexpected (boto3 missing, a bug) stopped it: retrying
        cannot help, so the events not yet sent or refused are counted as dropped.
        """
        parts = [batch]  # a stack: the last part is sent next, so earlier events go first
        try:
            self._send_parts(parts)
        except _Abandoned:
            raise
        except Exception as error:
            lost = sum(len(part) for part in parts)
            self._count("dropped", lost)
            STATS.add("sink_errors")
            STATS.report(
                f"cw-lost:{id(self)}", f"{self!r}: {lost} events not sent, dropped: {error!r}"
            )
            return False
        return True

    def _send_parts(self, parts: list[list[Event]]) -> None:
        """Send the parts, popping each once it is counted (sent or rejected)."""
        from schemalog.sinks.cloudwatch import aws

        attempt = 0
        while parts:
            if self._abandon.is_set():
                raise _Abandoned
            part = parts[-1]
            try:
                client = self._get_client()
                if not self._stream_ready:
                    aws.ensure_stream(client, self.log_group, self.log_stream, self.create_group)
                    self._stream_ready = True
                info = aws.put_events(client, self.log_group, self.log_stream, part)
            except Exception as error:
                outcome, text = aws.classify(error)
                if outcome is aws.Outcome.CREATE:
                    self._stream_ready = False
                    if attempt == 0:
                        attempt += 1
                        continue  # create at once; back off only if it keeps happening
                elif outcome is aws.Outcome.SPLIT:
                    if len(part) == 1:
                        parts.pop()
                        self._reject(1, f"CloudWatch refused an event: {text}")
                    else:
                        left, right = split(part)
                        parts[-1:] = [right, left]
                    continue
                elif outcome is aws.Outcome.DONE:
                    parts.pop()
                    self._count("sent", len(part))
                    attempt = 0
                    continue
                self._count("retried", 1)
                STATS.report(f"cw-retry:{id(self)}", f"{self!r}: will retry: {text}")
                self._sleep(self._backoff(attempt))
                attempt += 1
                continue
            refused = len(rejected_indexes(info, len(part)))
            parts.pop()
            attempt = 0
            self._count("sent", len(part) - refused)
            if refused:
                self._reject(refused, f"CloudWatch rejected {refused} events: {info}")

    def _count(self, name: str, count: int) -> None:
        with self._lock:
            self._counts[name] += count

    def _reject(self, count: int, message: str) -> None:
        self._count("rejected", count)
        STATS.add("sink_errors")
        STATS.report(f"cw-reject:{id(self)}", f"{self!r}: {message} (not resent)")

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.backoff_cap, self.backoff_base * float(2 ** min(attempt, 30)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def _sleep(self, seconds: float) -> None:
        if self._abandon.wait(seconds):
            raise _Abandoned

    def _get_client(self) -> CloudWatchLogsClient:
        if self._client is None:
            from schemalog.sinks.cloudwatch import aws

            given = self._given_client
            if given is not None and self._pid == _creator_pid(self):
                self._client = given
            elif given is not None:
                self._client = aws.copy_client(given, self.connect_timeout, self.read_timeout)
            else:
                self._client = aws.make_client(
                    session=self._session,
                    region=self.region,
                    endpoint_url=self.endpoint_url,
                    connect_timeout=self.connect_timeout,
                    read_timeout=self.read_timeout,
                )
        client: CloudWatchLogsClient = self._client
        return client

    # -- the periodic stats event ---------------------------------------------------------------

    def _maybe_emit_stats(self) -> None:
        with self._cond:
            self._maybe_emit_stats_locked()

    def _maybe_emit_stats_locked(self) -> None:
        if self.stats_interval <= 0:
            return
        now = time.monotonic()
        if now - self._last_stats < self.stats_interval:
            return
        self._last_stats = now
        counts = {name: self._counts[name] for name in STATS_FIELDS}
        previous = self._reported_counts
        if counts == previous:
            return
        self._reported_counts = dict(counts)
        worse = any(counts[k] > previous.get(k, 0) for k in ("dropped", "rejected"))
        counts["queued"] = self._accepted - self._settled
        self._cond.release()  # the other sinks may be slow: never hold the queue's lock there
        try:
            emit_stats_event(self, counts, logging.WARNING if worse else logging.INFO)
        finally:
            self._cond.acquire()


def emit_stats_event(
    handler: CloudWatchLogsHandler, counts: Mapping[str, int], level: int = logging.INFO
) -> None:
    """Write a ``schemalog_sink_stats`` event to the other handlers (never this one).

    ``level`` is WARNING when events were dropped or rejected since the last one.
    """
    logger = logging.getLogger(STATS_LOGGER)
    if not logger.isEnabledFor(level):
        return
    now = time.time()
    timestamp, event_id = _STAMP(now)
    record: dict[str, Any] = {
        "timestamp": timestamp,
        "level": level_name(level),
        "logger": STATS_LOGGER,
        "event_type": "schemalog_sink_stats",
        "schema_version": "1.1.0",
        "event_id": event_id,
    }
    pipeline = state.pipeline
    if pipeline is not None and pipeline.settings.service is not None:
        record["service"] = pipeline.settings.service
    record["sink"] = f"cloudwatch:{handler.log_group}/{handler.log_stream}"
    record.update(counts)
    line = orjson.dumps(record)
    log_record = logger.makeRecord(STATS_LOGGER, level, __file__, 0, line.decode(), (), None)
    log_record.__dict__[LINE_ATTRIBUTE] = line
    log_record.__dict__[STATS_OF_ATTRIBUTE] = id(handler)
    try:
        logger.handle(log_record)
    except Exception as error:
        STATS.add("sink_errors")
        STATS.report("cw-stats", f"writing schemalog_sink_stats failed: {error!r}")


# -- names ----------------------------------------------------------------------------------


def stream_name(template: str) -> str:
    """Render a stream template (``{host}``, ``{program}``, ``{pid}``) into a valid name."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] not in ("", "-c") else "python"
    try:
        name = template.format(host=socket.gethostname(), program=program, pid=os.getpid())
    except (KeyError, IndexError, ValueError) as error:
        raise ConfigError(
            f"cloudwatch sink: stream template {template!r}: {error!r}"
            " (known: {host}, {program}, {pid})"
        ) from None
    name = name.replace(":", "_").replace("*", "_")[:512]
    return name or "schemalog"


def default_spill_dir() -> Path:
    """``schemalog-spill-UID`` in the temporary directory."""
    return Path(tempfile.gettempdir()) / f"schemalog-spill-{os.getuid()}"


def _safe(group: str) -> str:
    """Return the group as part of a file name; a changed one gets a hash of the group."""
    safe = _FILE_UNSAFE.sub("_", group).strip("_")[:100] or "group"
    if safe == group:
        return safe
    # "+" is never in an unchanged name: "a/b" and "a_b" stay apart.
    return f"{safe}+{hashlib.blake2b(group.encode(), digest_size=5).hexdigest()}"


# -- sink strings ---------------------------------------------------------------------------

_OPTIONS: Final[dict[str, Callable[[str], Any]]] = {
    "stream": str,
    "region": str,
    "endpoint_url": str,
    "spill_dir": str,
    "create_group": parse_bool,
    "send_interval": parse_duration,
    "max_queue_events": parse_count,
    "max_queue_bytes": parse_size,
    "spill_max_bytes": parse_size,
    "max_event_bytes": parse_size,
    "flush_timeout": parse_duration,
    "exit_timeout": parse_duration,
    "stats_interval": parse_duration,
}


def parse_spec(argument: str) -> tuple[str, str | None, dict[str, Any]]:
    """Split ``GROUP[/STREAM][?option=value&...]`` into group, stream and options.

    The stream follows the last ``/``, except when the argument starts with ``/`` (the AWS
    style of hierarchical groups, ``/ecs/api``): then all of it is the group, and a stream is
    given as ``?stream=NAME``.
    """
    path, _, query = argument.partition("?")
    options = parse_query(f"sink 'cloudwatch:{argument}'", query, _OPTIONS)
    stream: str | None = options.pop("stream", None)
    group = path
    if stream is None and not path.startswith("/") and "/" in path:
        group, _, stream = path.rpartition("/")
    if not group:
        raise ConfigError(f"sink 'cloudwatch:{argument}' names no log group")
    return group, stream or None, options


def from_spec(argument: str) -> CloudWatchLogsHandler:
    """Build a handler from the part of a sink string after ``cloudwatch:``."""
    group, stream, options = parse_spec(argument)
    if stream is not None:
        options["log_stream"] = stream
    return CloudWatchLogsHandler(group, **options)


# -- every live handler: the atexit flush and the fork hook ----------------------------------

_HANDLERS: Final[weakref.WeakSet[CloudWatchLogsHandler]] = weakref.WeakSet()
_CREATORS: Final[weakref.WeakKeyDictionary[CloudWatchLogsHandler, int]] = (
    weakref.WeakKeyDictionary()
)
_hooks_installed = False


def _register(handler: CloudWatchLogsHandler) -> None:
    global _hooks_installed  # noqa: PLW0603 - installed once per process
    _HANDLERS.add(handler)
    _CREATORS[handler] = os.getpid()
    if not _hooks_installed:
        _hooks_installed = True
        atexit.register(close_all_at_exit)
        os.register_at_fork(after_in_child=_after_fork_in_child)


def _unregister(handler: CloudWatchLogsHandler) -> None:
    _HANDLERS.discard(handler)


def _creator_pid(handler: CloudWatchLogsHandler) -> int:
    return _CREATORS.get(handler, -1)


def close_all_at_exit() -> None:
    """Deliver and close every handler at exit, within the longest ``exit_timeout``.

    Handlers closed earlier but still sending are waited for too. What is left in memory at
    the deadline is counted as dropped, what is left in spill files stays there for the next
    handler of the group; both are reported.
    """
    metrics = sys.modules.get("schemalog.metrics")
    if metrics is not None:
        metrics.REGISTRY.flush_at_exit()  # the last interval's lines go out with the rest
    handlers = list(_HANDLERS)
    if not handlers:
        return
    deadline = time.monotonic() + max(handler.exit_timeout for handler in handlers)
    for handler in handlers:
        remaining = max(0.0, min(handler.exit_timeout, deadline - time.monotonic()))
        try:
            handler.close(remaining)
            if not handler.flush(max(0.0, deadline - time.monotonic())):
                handler.abandon()
        except Exception as error:
            STATS.report("cw-exit", f"closing {handler!r} at exit failed: {error!r}")


def _holding_logging_lock() -> bool:
    """Whether this thread holds the logging module's lock (inside dictConfig, say)."""
    is_owned = getattr(getattr(logging, "_lock", None), "_is_owned", None)
    return bool(is_owned()) if callable(is_owned) else False


def _after_fork_in_child() -> None:
    for handler in list(_HANDLERS):
        handler._after_fork_in_child()
