"""``Sender``: the background thread that delivers the queue to CloudWatch Logs.

It creates the log group and stream when they are missing, sends each batch until CloudWatch
has it (retrying with exponential backoff and jitter, without limit), halves a batch that
CloudWatch refuses to isolate the one bad event, and takes out beforehand the events
CloudWatch would refuse for their time. Before its own lines it sends what exited processes
of the group left in spill files. Nothing it does raises into the application: what fails is
counted and reported.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from schemalog._core.stats import STATS
from schemalog.sinks.cloudwatch.batcher import Batcher, screen
from schemalog.sinks.cloudwatch.batching import BatchBuilder, Event, rejected_indexes, split
from schemalog.sinks.cloudwatch.queue import EventQueue, Spilled
from schemalog.sinks.cloudwatch.spill import SpillFile, find_orphans
from schemalog.sinks.cloudwatch.stats_event import StatsReporter, count_dropped

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient


class Abandoned(Exception):
    """The exit deadline passed: the sender stops where it is."""


class Sender:
    """One thread per handler and process, started on the first line."""

    def __init__(
        self,
        queue: EventQueue,
        log_stream: str,
        name: str,
        *,
        client: tuple[Any, bool] | None = None,
        session: Any = None,
        on_done: Callable[[], object] = lambda: None,
    ) -> None:
        self.queue = queue
        self.settings = settings = queue.settings
        self.log_stream = log_stream
        self.name = name  # the handler's repr, for reports
        self._given_client = client  # None, or (the client, whether to copy it for this process)
        self._session = session
        self._on_done = on_done  # called once the sender ends with everything delivered
        self._client: Any = None
        self._stream_ready = False
        self._retention_due = False  # the sink created the group: its retention is to be set
        self._batcher = Batcher(settings.max_batch_bytes, settings.max_batch_events)
        sink = f"cloudwatch:{settings.log_group}/{log_stream}"
        self.reporter = StatsReporter(sink, settings.stats_interval)
        self._count_written = STATS.adder(f"written:{sink}")
        #: Set once the thread has imported boto3 and tried to make its client.
        self.started = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"schemalog-cloudwatch-{settings.log_group}", daemon=True
        )

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    @property
    def ident(self) -> int | None:
        """The thread's id, once started."""
        return self._thread.ident

    def is_alive(self) -> bool:
        """Whether the thread still runs."""
        return self._thread.is_alive()

    # -- the loop -------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self.client()  # import boto3 and make the client now, not at exit
        except Exception as error:  # reported again, and retried, when there is a batch
            STATS.report(f"cw-client:{self.name}", f"{self.name}: cannot make a client: {error!r}")
        finally:
            self.started.set()
        try:
            self._adopt_orphans()
            while self._step():
                pass
        except Abandoned:
            return
        if not self.queue.abandoned.is_set():
            self._on_done()

    def _step(self) -> bool:
        """Send one batch, or wait for work; return False once the sender should end."""
        queue = self.queue
        try:
            if self._batcher.pending:
                events, size = self._batcher.next_batch()
                queue.taken(len(events), size)
                queue.settle(len(events), None, delivered=self.deliver(events))
            else:
                work = queue.wait_for_work(self.reporter.wait(), self._builder)
                if work is None:
                    return False
                if isinstance(work, Spilled):
                    delivered = self.deliver(work.events)
                    queue.settle(len(work.events), work.end, delivered=delivered)
                elif work:
                    self._batcher.load(work)
                    return True  # the stats event comes after these are sent, not before
            self.reporter.tick(queue.snapshot())
        except Abandoned:
            raise
        except Exception as error:  # a bug must not end the thread: report and go on
            STATS.add("internal_errors")
            STATS.report(f"cw-bug:{self.name}", f"{self.name}: sender error: {error!r}")
            self.sleep(self.settings.backoff_base)
        return True

    def _builder(self) -> BatchBuilder:
        return BatchBuilder(self.settings.max_batch_bytes, self.settings.max_batch_events)

    # -- delivering a batch ---------------------------------------------------------------------

    def deliver(self, batch: list[Event]) -> bool:
        """Send ``batch`` until CloudWatch has it; split it to isolate an event it refuses.

        Events CloudWatch would refuse for their time are counted and never sent. Returns
        False when something unexpected (boto3 missing, a bug) stopped it: retrying cannot
        help, so the events not yet sent or refused are counted as dropped.
        """
        kept, refused = screen(batch)
        if refused:
            self._refuse(refused)
        parts = [kept] if kept else []  # a stack: the last part is sent next
        try:
            self._send_parts(parts)
        except Abandoned:
            raise
        except Exception as error:
            lost = sum(len(part) for part in parts)
            self.queue.count("dropped", lost)
            count_dropped("send_error", lost)
            STATS.add("sink_errors")
            STATS.report(
                f"cw-lost:{self.name}", f"{self.name}: {lost} events not sent, dropped: {error!r}"
            )
            return False
        return True

    def _refuse(self, refused: Counter[str]) -> None:
        """Count events kept from CloudWatch for their time, each reason on its own."""
        self.queue.count("rejected", sum(refused.values()))
        for reason, count in refused.items():
            count_dropped(reason, count)
            STATS.add("sink_errors")
            # One report per reason and sink, naming the count, apart from other reports.
            STATS.report(
                f"cw-{reason}:{self.name}",
                f"{self.name}: {count} events {reason.replace('_', ' ')} for CloudWatch"
                " (more than 2 hours ahead or 14 days old): not sent, counted as"
                f" dropped:{reason}",
            )

    def _send_parts(self, parts: list[list[Event]]) -> None:
        """Send the parts, popping each once it is counted (sent or rejected)."""
        from schemalog.sinks.cloudwatch import aws

        attempt = 0
        while parts:
            if self.queue.abandoned.is_set():
                raise Abandoned
            part = parts[-1]
            try:
                client = self.client()
                if not self._stream_ready:
                    aws.ensure_stream(client, self.settings, self.log_stream, self._group_created)
                    self._stream_ready = True
                if self._retention_due:  # retried with the batch until it is set
                    aws.put_retention(client, self.settings)
                    self._retention_due = False
                info = aws.put_events(client, self.settings.log_group, self.log_stream, part)
            except Exception as error:
                outcome, text = aws.classify(error)
                if outcome is aws.Outcome.CREATE:
                    self._stream_ready = False
                    if attempt == 0:
                        attempt += 1
                        continue  # create at once; back off only if it keeps happening
                elif outcome is aws.Outcome.SPLIT:
                    self._split(parts, text)
                    continue
                elif outcome is aws.Outcome.DONE:
                    parts.pop()
                    self._sent(len(part))
                    attempt = 0
                    continue
                self.queue.count("retried", 1)
                STATS.report(f"cw-retry:{self.name}", f"{self.name}: will retry: {text}")
                self.sleep(self._backoff(attempt))
                attempt += 1
                continue
            refused = len(rejected_indexes(info, len(part)))
            parts.pop()
            attempt = 0
            self._sent(len(part) - refused)
            if refused:
                self._reject(refused, f"CloudWatch rejected {refused} events: {info}")

    def _group_created(self) -> None:
        self._retention_due = self.settings.retention_days is not None

    def _sent(self, count: int) -> None:
        """Count events CloudWatch took: the sink's ``sent``, and ``written:<sink>`` in STATS."""
        self.queue.count("sent", count)
        for _ in range(count):
            self._count_written()

    def _split(self, parts: list[list[Event]], text: str) -> None:
        """Halve the part CloudWatch refused; a lone event is counted as rejected."""
        part = parts[-1]
        if len(part) == 1:
            parts.pop()
            self._reject(1, f"CloudWatch refused an event: {text}")
        else:
            left, right = split(part)
            parts[-1:] = [right, left]

    def _reject(self, count: int, message: str) -> None:
        self.queue.count("rejected", count)
        count_dropped("refused_by_cloudwatch", count)
        STATS.add("sink_errors")
        STATS.report(f"cw-reject:{self.name}", f"{self.name}: {message} (not resent)")

    def _backoff(self, attempt: int) -> float:
        settings = self.settings
        ceiling = min(settings.backoff_cap, settings.backoff_base * float(2 ** min(attempt, 30)))
        return ceiling / 2 + random.uniform(0, ceiling / 2)

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``; raise Abandoned when the exit deadline passes meanwhile."""
        if self.queue.abandoned.wait(seconds):
            raise Abandoned

    def client(self) -> CloudWatchLogsClient:
        """Return the boto3 client, made on first use (a given one is copied in a forked child)."""
        if self._client is None:
            from schemalog.sinks.cloudwatch import aws

            settings = self.settings
            timeouts = (settings.connect_timeout, settings.read_timeout)
            if self._given_client is not None:
                given, copy = self._given_client
                self._client = aws.copy_client(given, *timeouts) if copy else given
            else:
                self._client = aws.make_client(settings, self._session)
        client: CloudWatchLogsClient = self._client
        return client

    # -- what exited processes left -------------------------------------------------------------

    def _adopt_orphans(self) -> None:
        """Send, before its own lines, what gone handlers of the group left in spill files."""
        done: list[str] = []
        try:
            for orphan in find_orphans(self.settings.spill_dir, self.settings.spill_prefix):
                if sent := self._replay_orphan(orphan):
                    done.append(f"{sent} from {orphan.path}")
        finally:
            if done:
                STATS.report(
                    f"cw-adopt:{self.name}",
                    f"{self.name}: sent lines that exited processes left: {', '.join(done)}",
                )

    def _replay_orphan(self, orphan: SpillFile) -> int:
        """Send an adopted file's frames in order; return how many (the rest stays in it)."""
        sent = 0
        try:
            while orphan.pending and not self.queue.closed:  # closing: our own lines first
                events, end = orphan.read_batch(self._builder(), orphan.written)
                if not events:
                    self.queue.count("dropped", 1)
                    count_dropped("cut_frame")
                    STATS.add("sink_errors")
                    STATS.report(
                        f"cw-cut:{orphan.path}",
                        f"{self.name}: the last line of {orphan.path} was cut short when its"
                        " process died: dropped",
                    )
                    orphan.consumed(orphan.written)
                    break
                kept, refused = screen(events)
                if refused:
                    self._refuse(refused)
                self._send_parts([kept] if kept else [])
                self.queue.count("adopted", len(events))
                orphan.consumed(end)
                sent += len(events)
                self.reporter.tick(self.queue.snapshot())
        except Abandoned:
            raise
        except Exception as error:  # as in deliver, but the lines stay in the file: not lost
            STATS.add("sink_errors")
            STATS.report(
                f"cw-orphan:{self.name}",
                f"{self.name}: cannot send the lines left in {orphan.path}: {error!r}",
            )
        finally:
            orphan.close(remove=not orphan.pending)
        return sent
