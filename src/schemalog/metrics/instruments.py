"""Metrics: counters, gauges, timers and histograms, written as CloudWatch EMF lines.

    from schemalog import metrics
    metrics.counter("api_request_count", endpoint="/api/v1/memories", method="POST").inc()
    metrics.gauge("active_users").set(150)
    with metrics.timer("api_request_duration_ms", endpoint="/api/v1/feed"):
        ...
    @metrics.timer("render_ms")
    def render(): ...
    metrics.histogram("memory_size_bytes", mime_type="image/jpeg").observe(file_size)

Keyword arguments are labels: they become CloudWatch dimensions. Values are aggregated in the
process and written once per ``interval`` (60 s by default; and at exit, and on
:func:`flush`) as Embedded Metric Format lines through the configured sinks, so a
``cloudwatch:`` sink makes CloudWatch metrics from them with no metric filter, and a
``file:`` sink keeps lines ``schemalog metrics`` can aggregate. Per interval: a counter
writes the sum of its increments (when it had any); a gauge, its last value (every interval
once set); a timer (milliseconds) and a histogram, every value observed.

EMF lines are written to the handlers of the ``schemalog.metrics`` logger (by default the
root logger's, where ``configure()`` installs the sinks), as they are: not catalog events.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Final, ParamSpec, TypeVar

import orjson

from schemalog._core import lifecycle
from schemalog._core.configure import auto_configure
from schemalog._core.pipeline import LINE_ATTRIBUTE
from schemalog._core.stats import STATS
from schemalog.metrics import emf, limits

__all__ = ["configure", "counter", "flush", "gauge", "histogram", "timer"]

LOGGER_NAME: Final = "schemalog.metrics"
DEFAULT_NAMESPACE: Final = "schemalog"
_P = ParamSpec("_P")
_R = TypeVar("_R")
Labels = tuple[tuple[str, str], ...]


class _Series:
    """The values of one metric with one set of label values, for the current interval."""

    __slots__ = ("kind", "labels", "last", "name", "total", "touched", "unit", "values")

    def __init__(self, kind: str, name: str, labels: Labels, unit: str) -> None:
        self.kind = kind
        self.name = name
        self.labels = labels
        self.unit = unit
        self.total = 0.0
        self.last: float | None = None
        self.touched = False
        self.values: list[float] = []

    def clear(self) -> None:
        """Forget the values (the series stays: instruments hold it)."""
        self.total, self.last, self.touched, self.values = 0.0, None, False, []

    def take(self) -> tuple[float, ...]:
        """Return this interval's values and start the next interval."""
        if self.kind == "counter":
            if not self.touched:
                return ()
            total, self.total, self.touched = self.total, 0.0, False
            return (total,)
        if self.kind == "gauge":
            return () if self.last is None else (self.last,)
        values, self.values = self.values, []
        return tuple(values)


class Registry:
    """Every series of the process, the flush interval, and the thread that flushes."""

    def __init__(self) -> None:
        self.namespace = os.environ.get("SCHEMALOG_METRICS_NAMESPACE") or DEFAULT_NAMESPACE
        self.interval = 60.0
        self.dimensions: Labels = ()
        # Instruments look the lock up here at each call: a forked child replaces it.
        self._lock = threading.Lock()
        self._series: dict[tuple[str, str, Labels], _Series] = {}
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._exit_hooked = False
        self._exit_flushed = False
        lifecycle.after_fork_in_child(self._after_fork_in_child)

    def reset(self) -> None:
        """Forget every series and its values (for tests)."""
        with self._lock:
            self._series.clear()

    def _after_fork_in_child(self) -> None:
        """Drop the parent's values (it reports them) but keep the series instruments hold.

        The parent's lock may have been held at the fork, so the child gets its own lock, and
        its own flushing thread if the parent had one. The at-exit hook is inherited as it is.
        """
        self._lock = threading.Lock()
        self._wake = threading.Event()
        for series in self._series.values():
            series.clear()
        if self._thread is not None:
            self._thread = None
            self._start()

    def series(self, kind: str, name: str, labels: dict[str, Any], unit: str) -> _Series:
        """Return the series for ``name`` and these label values (created on first use)."""
        key_labels = tuple(sorted((str(k), str(v)) for k, v in labels.items()))
        key = (kind, name, key_labels)
        found = self._series.get(key)
        if found is not None:
            return found
        # Checked once, when the series is made: EMF's limits, as a clear error here.
        limits.check_metric(name, [*self.dimensions, *key_labels])
        with self._lock:
            found = self._series.get(key)
            if found is None:
                found = self._series[key] = _Series(kind, name, key_labels, unit)
            if self._thread is None:
                self._start()
        return found

    def check_dimensions(self, configured: Labels) -> None:
        """Raise MetricLimitError if ``configured`` dimensions push a metric past EMF's limits."""
        with self._lock:
            defined = [(s.name, s.labels) for s in self._series.values()]
        for name, labels in defined or [("(every metric)", ())]:
            limits.check_metric(name, [*configured, *labels])

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="schemalog-metrics", daemon=True)
        self._thread.start()
        if not self._exit_hooked:
            self._exit_hooked = True
            lifecycle.at_exit(self.flush_at_exit, lifecycle.FLUSH)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self._wake.clear()
            self.flush()

    def collect(self, now: float | None = None) -> list[dict[str, Any]]:
        """Take every series' values for this interval and return them as EMF documents."""
        # A label replaces the configured dimension of its name: EMF names each one once.
        configured = dict(self.dimensions)
        with self._lock:
            taken = [
                emf.Metric(s.name, s.unit, tuple((configured | dict(s.labels)).items()), s.take())
                for s in self._series.values()
            ]
        usable: list[emf.Metric] = []
        for metric in taken:
            names = {name for name, _ in metric.dimensions}
            if metric.name in names or metric.name == "_aws":
                STATS.report(
                    f"metric-name:{metric.name}",
                    f"metric {metric.name!r} has the name of one of its labels: not written",
                )
                continue
            usable.append(metric)
        stamp = int((time.time() if now is None else now) * 1000)
        return emf.documents(usable, self.namespace, stamp)

    def flush_at_exit(self) -> None:
        """Write the last interval, once: the first of the at-exit hooks calling it does.

        The CloudWatch sink's hook calls it before closing its handlers, so whichever hook
        runs first, the lines reach open handlers, and gauges are not written twice.
        """
        if not self._exit_flushed:
            self._exit_flushed = True
            self.flush()

    def flush(self) -> int:
        """Write this interval's EMF documents now; return how many lines were written."""
        try:
            documents = self.collect()
            for document in documents:
                write_line(orjson.dumps(document))
            return len(documents)
        except Exception as error:  # never into the application
            STATS.add("internal_errors")
            STATS.report("metrics", f"writing metrics failed: {error!r}")
            return 0


def write_line(line: bytes) -> None:
    """Hand one raw line (an EMF document) to the ``schemalog.metrics`` logger's handlers."""
    auto_configure()
    logger = logging.getLogger(LOGGER_NAME)
    record = logger.makeRecord(LOGGER_NAME, logging.INFO, __file__, 0, line.decode(), (), None)
    record.__dict__[LINE_ATTRIBUTE] = line
    logger.handle(record)


REGISTRY: Final = Registry()


class _Recorder:
    """An instrument that updates its series under the registry's lock (looked up per call)."""

    __slots__ = ("_registry", "_series")

    def __init__(self, series: _Series, registry: Registry) -> None:
        self._series = series
        self._registry = registry


class Counter(_Recorder):
    """Counts things; each interval writes the sum of the increments (unit ``Count``)."""

    __slots__ = ()

    def inc(self, n: float = 1) -> None:
        """Add ``n`` (default 1)."""
        if not _finite(n):
            return
        with self._registry._lock:
            self._series.total += n
            self._series.touched = True


class Gauge:
    """A current value; each interval writes the last one set."""

    __slots__ = ("_series",)

    def __init__(self, series: _Series) -> None:
        self._series = series

    def set(self, value: float) -> None:
        """Set the current value."""
        if _finite(value):
            self._series.last = float(value)


class Histogram(_Recorder):
    """A distribution; each interval writes every value observed."""

    __slots__ = ()

    def observe(self, value: float) -> None:
        """Record one value."""
        if _finite(value):
            with self._registry._lock:
                self._series.values.append(float(value))


class Timer(Histogram):
    """Durations in milliseconds: a context manager and a decorator (or :meth:`observe`)."""

    __slots__ = ("_started",)

    def __init__(self, series: _Series, registry: Registry) -> None:
        super().__init__(series, registry)
        self._started = 0.0

    def __enter__(self) -> Timer:
        self._started = time.perf_counter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.observe((time.perf_counter() - self._started) * 1000)

    def __call__(self, function: Callable[_P, _R]) -> Callable[_P, _R]:
        """Time every call of ``function``."""
        observe = self.observe

        @functools.wraps(function)
        def timed(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                observe((time.perf_counter() - started) * 1000)

        return timed


def counter(name: str, **labels: Any) -> Counter:
    """Return the counter ``name`` with these labels.

    Every instrument raises MetricLimitError when ``name`` or the labels break a CloudWatch
    EMF limit (more than 30 dimensions, a name over 250 characters, ...: see
    :mod:`schemalog.metrics.limits`).
    """
    return Counter(REGISTRY.series("counter", name, labels, "Count"), REGISTRY)


def gauge(name: str, **labels: Any) -> Gauge:
    """Return the gauge ``name`` with these labels."""
    return Gauge(REGISTRY.series("gauge", name, labels, "None"))


def timer(name: str, **labels: Any) -> Timer:
    """Return a timer for ``name`` (milliseconds), to use with ``with`` or as a decorator.

    Make one per ``with`` block (it remembers when the block started).
    """
    return Timer(REGISTRY.series("timer", name, labels, "Milliseconds"), REGISTRY)


def histogram(name: str, **labels: Any) -> Histogram:
    """Return the histogram ``name`` with these labels."""
    return Histogram(REGISTRY.series("histogram", name, labels, "None"), REGISTRY)


def configure(
    *,
    namespace: str | None = None,
    interval: float | None = None,
    dimensions: dict[str, Any] | None = None,
) -> None:
    """Set the CloudWatch namespace, the flush interval (seconds), and labels for every metric.

    The namespace defaults to ``SCHEMALOG_METRICS_NAMESPACE``, else ``schemalog``. Raises
    MetricLimitError for a namespace or dimensions CloudWatch would reject (see
    :mod:`schemalog.metrics.limits`).
    """
    if namespace is not None:
        limits.check_namespace(namespace)
        REGISTRY.namespace = namespace
    if interval is not None:
        if interval <= 0:
            raise ValueError("the metrics interval must be positive")
        REGISTRY.interval = interval
        REGISTRY._wake.set()
    if dimensions is not None:
        configured = tuple(sorted((str(k), str(v)) for k, v in dimensions.items()))
        REGISTRY.check_dimensions(configured)
        REGISTRY.dimensions = configured


def flush() -> int:
    """Write the current interval's metrics now; return how many EMF lines were written."""
    return REGISTRY.flush()


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except TypeError:
        return False
