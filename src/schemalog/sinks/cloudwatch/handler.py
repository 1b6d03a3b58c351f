"""``CloudWatchLogsHandler``: a thin stdlib handler in front of the CloudWatch sink's parts.

The caller's side (``emit``) only puts the line on the bounded :class:`EventQueue` (or, when
it is full, in the spill file); it never touches the network, not even on the first call,
and neither does the constructor. The :class:`Sender` thread, started on the first event (and
again in a forked child), does the rest: batches (:mod:`.batcher`), AWS calls (:mod:`.aws`),
retries, and replaying spill files (:mod:`.spill`). :mod:`.registry` delivers what is left at
exit. See ``docs/cloudwatch-sink.md`` for the settings, limits and failure handling.
"""

from __future__ import annotations

# boto3 imports this module, which registers an atexit hook: that fails once the interpreter
# is shutting down, as it may be when the sender thread first imports boto3 in a short-lived
# process. Imported here (stdlib, about a millisecond), it is already registered by then.
import concurrent.futures.thread  # noqa: F401
import itertools
import logging
import os
import threading
import time
from threading import get_ident
from typing import Any, Final

from schemalog._core.formatter import JsonFormatter
from schemalog._core.stats import STATS
from schemalog.sinks.base import Sink
from schemalog.sinks.cloudwatch import registry
from schemalog.sinks.cloudwatch.batching import Event, fit_message
from schemalog.sinks.cloudwatch.queue import DropReason, EventQueue
from schemalog.sinks.cloudwatch.sender import Sender
from schemalog.sinks.cloudwatch.settings import (
    DEFAULT_STREAM_TEMPLATE,
    Settings,
    parse_spec,
    stream_name,
)
from schemalog.sinks.cloudwatch.spill import SpillFile
from schemalog.sinks.cloudwatch.stats_event import STATS_LOGGER, count_dropped

#: Records from these loggers never enter the handler: sending them would log more of them.
IGNORED_LOGGERS: Final = (
    "botocore",
    "boto3",
    "urllib3",
    "s3transfer",
    "schemalog.sinks.cloudwatch",
    STATS_LOGGER,
)
_numbers: Final = itertools.count(1)


class CloudWatchLogsHandler(Sink):
    """Sends each record's line to a CloudWatch Logs stream from a background thread.

    Args:
        log_group: the log group (created when missing, unless ``create_group=False``).
        log_stream: the stream name, a template with ``{host}``, ``{program}`` and ``{pid}``
            (default ``{host}/{program}/{pid}``; ``:`` and ``*`` become ``_``).
        client: a boto3 ``logs`` client to use (a forked child makes its own copy of it).
        session: a boto3 Session to make the client from (default: one per process).
        level: the handler's level.
        **options: the other settings, checked up front: see :class:`Settings` (``region``,
            ``endpoint_url``, ``create_group``, ``retention_days``, ``kms_key_id``,
            ``send_interval``, queue, spill and batch bounds, timeouts, ``stats_interval``).
    """

    def __init__(
        self,
        log_group: str,
        log_stream: str = DEFAULT_STREAM_TEMPLATE,
        *,
        client: Any = None,
        session: Any = None,
        level: int | str = logging.NOTSET,
        **options: Any,
    ) -> None:
        super().__init__(level)
        self.settings = Settings(log_group=log_group, log_stream=log_stream, **options)
        self.log_group = log_group
        self.stream_template = log_stream
        self.log_stream = stream_name(log_stream)
        self._given_client = client
        self._session = session
        self._number = next(_numbers)
        self._creator_pid = os.getpid()
        self._reset(closed=False)
        registry.register(self)

    @property
    def exit_timeout(self) -> float:
        """How long the exit hook waits for delivery, seconds."""
        return self.settings.exit_timeout

    def _reset(self, *, closed: bool) -> None:
        """Fresh queue, spill file and no sender: at construction, and in a forked child."""
        settings = self.settings
        name = f"{settings.spill_prefix}{os.getpid()}-{self._number}.spill"
        spill = SpillFile(settings.spill_dir / name, settings.spill_max_bytes)
        self.queue = EventQueue(settings, spill, closed=closed)
        self._sender: Sender | None = None
        self._sender_ident: int | None = None
        self._start_lock = threading.Lock()

    def wait_started(self, timeout: float) -> None:
        """Wait at most ``timeout`` seconds for the sender to finish importing boto3.

        Called before a fork: a child forked in the middle of that import would inherit the
        modules half-initialized, and could never send.
        """
        sender = self._sender
        if sender is not None and sender.is_alive():
            sender.started.wait(timeout)

    def after_fork_in_child(self) -> None:
        """Start afresh in a forked child: its own stream, queue and spill file, no sender.

        The parent's spill file is the parent's to replay: spill.py closed our copy of it.
        """
        self.log_stream = stream_name(self.stream_template)
        self._reset(closed=self.queue.closed)

    # -- the caller's side ---------------------------------------------------------------------

    def emit(self, record: logging.LogRecord) -> None:
        """Queue the record's line (or spill it); never blocks on the network, never raises."""
        try:
            if record.name.startswith(IGNORED_LOGGERS) or get_ident() == self._sender_ident:
                return
            formatter = self.formatter
            if isinstance(formatter, JsonFormatter):
                message = formatter.format_bytes(record)
                if not message:
                    return  # dropped by the chain, and counted there
            else:
                message = self.format(record).encode("utf-8", "backslashreplace")
            if 0 < len(message) <= self.settings.max_event_bytes:
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
            self.queue.count("rejected", 1)
            STATS.add("sink_errors")
            STATS.add("dropped:empty_message")
            STATS.report(
                f"cw-empty:{id(self)}", f"{self!r}: CloudWatch refuses empty messages (not sent)"
            )
            return
        cut, _ = fit_message(message, self.settings.max_event_bytes)
        self.enqueue((timestamp, cut), truncated=True)

    def enqueue(self, event: Event, *, truncated: bool = False) -> None:
        """Queue one ``(timestamp_ms, message)`` event, or spill it when the queue is full.

        The message must be 1 to ``max_event_bytes`` bytes long (``emit`` sees to that).
        """
        dropped = self.queue.put(event, truncated=truncated)
        if self._sender is None:
            self._start_sender()
        if dropped is not None:
            self._report_dropped(dropped)

    def _report_dropped(self, reason: DropReason) -> None:
        STATS.add("sink_errors")
        if reason == "closed":
            STATS.add("dropped:closed")
            STATS.report(f"cw-closed:{id(self)}", f"{self!r}: event after close, dropped")
            return
        STATS.add("dropped:spill_full" if reason == "full" else "dropped:spill_error")
        if isinstance(reason, OSError):
            STATS.report(f"cw-spill:{id(self)}", f"{self!r}: cannot spill: {reason}")
        STATS.report(
            f"cw-drop:{id(self)}",
            f"{self!r}: queue and spill file ({self.settings.spill_max_bytes} bytes) are full:"
            " dropping events",
        )

    def _start_sender(self) -> None:
        with self._start_lock:
            if self._sender is not None:
                return
            given = self._given_client
            sender = Sender(
                self.queue,
                self.log_stream,
                repr(self),
                client=None if given is None else (given, os.getpid() != self._creator_pid),
                session=self._session,
                on_done=self._finish,
            )
            sender.start()
            self._sender_ident = sender.ident
            self._sender = sender

    # -- flush, close, stats --------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:  # type: ignore[override]
        """Wait until every event emitted before the call is delivered (or refused).

        Returns False if ``timeout`` seconds (default ``flush_timeout``) pass first; events
        still waiting stay queued and keep being retried. Called under the logging module's
        lock (``dictConfig``, ``fileConfig``), it does not wait: the sender may need that lock
        to log through botocore, so waiting could only end at the deadline.
        """
        wait = self.settings.flush_timeout if timeout is None else timeout
        deadline = 0.0 if registry.holding_logging_lock() else time.monotonic() + wait
        sender = self._sender
        if sender is None:
            return self.queue.settled >= self.queue.accepted
        return self.queue.wait_settled(deadline, sender.is_alive)

    def close(self, timeout: float | None = None) -> None:
        """Stop taking events and wait at most ``timeout`` seconds for the queued ones.

        What is still undelivered then keeps being sent in the background; the exit hook
        gives it ``exit_timeout`` more seconds, then counts what is left as dropped.
        """
        stalled = self.queue.close()
        if stalled is None:
            return  # closed before
        if timeout is None and stalled:
            timeout = 0.0  # a flush() just waited its full time for nothing: do not again
        try:
            delivered = self.flush(timeout)
            self.queue.stop()
            if delivered:
                self._finish()
        finally:
            super().close()

    def _finish(self) -> None:
        """Release the spill file and leave the live set (everything was delivered)."""
        self.queue.release_spill()
        registry.unregister(self)

    def abandon(self) -> int:
        """Give up on undelivered events: stop the sender, count them dropped; return how many.

        The exit hook calls it once its deadline has passed. Spilled events stay in the
        spill file, whose path is reported, for the next handler of the group to send: they
        are not counted (nor returned) as dropped.
        """
        lost, left = self.queue.abandon()
        registry.unregister(self)
        if lost:
            STATS.add("sink_errors")
            count_dropped("exit_deadline", lost)
            STATS.report(
                f"cw-close:{id(self)}",
                f"{self!r}: {lost} events not delivered by the exit deadline, dropped",
            )
        if left:
            STATS.report(
                f"cw-left:{id(self)}",
                f"{self!r}: {left} spilled events not delivered by the exit deadline stay in"
                f" {self.queue.spill.path}, for the next handler of this group to send",
            )
        return lost

    def stats(self) -> dict[str, int]:
        """Return the counts since the start: sent, retried, rejected, spilled, replayed, dropped.

        Also ``adopted`` (lines that gone handlers of the group left spilled, sent or rejected
        here), ``queued`` (waiting now, in memory or spilled) and ``truncated`` (cut messages).
        """
        return self.queue.snapshot()

    def __repr__(self) -> str:
        return f"<CloudWatchLogsHandler {self.log_group}/{self.log_stream}>"


def from_spec(argument: str) -> CloudWatchLogsHandler:
    """Build a handler from the part of a sink string after ``cloudwatch:``."""
    group, stream, options = parse_spec(argument)
    if stream is not None:
        options["log_stream"] = stream
    return CloudWatchLogsHandler(group, **options)
