"""Metrics benchmark: schemalog's EMF metrics against aws-embedded-metrics, in one process.

The workload is a request handler's metrics: a request count and a latency, with the endpoint
(one of four) as a dimension, in the namespace ``MyApp``:

* ``aws-embedded-metrics``: its documented form, ``@metric_scope`` with ``put_dimensions`` and
  two ``put_metric`` calls; the scope writes one EMF document per request when it ends. Its
  ``Local`` environment writes them to ``sys.stdout``, which is a buffered file here;
* ``schemalog``: ``metrics.counter(...).inc()`` and ``metrics.histogram(...).observe()``; the
  values are aggregated in the process and written as EMF lines through a ``file:`` sink by
  ``metrics.flush()``, called here after every ``--events`` requests, inside the timed round
  (by default schemalog writes once a minute, so this charges it more than it pays in use).

Figures: the median, over interleaved rounds, of nanoseconds of CPU per request, and the
bytes each writes per request. Both outputs are checked to hold the same request count and
latency sum. Run it with ``make bench`` or ``python bench/metrics.py [--events N]
[--rounds R]``.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from _rows import ratios, report
from aws_embedded_metrics.config import get_config
from aws_embedded_metrics.logger.metrics_logger import MetricsLogger
from aws_embedded_metrics.metric_scope import metric_scope

import schemalog
from schemalog import metrics

ENDPOINTS = ("/api/v1/feed", "/api/v1/memories", "/api/v1/search", "/api/v1/profile")
NAMESPACE = "MyApp"
Round = Callable[[int], None]


def aws_record(endpoint: str, duration_ms: float, metrics: MetricsLogger) -> None:
    """Record one request's metrics in aws-embedded-metrics' documented form."""
    metrics.set_namespace(NAMESPACE)
    metrics.put_dimensions({"endpoint": endpoint})
    metrics.put_metric("RequestCount", 1, "Count")
    metrics.put_metric("Latency", duration_ms, "Milliseconds")


#: ``@metric_scope`` applied: it makes the ``metrics`` argument and flushes when the call ends.
aws_handle = cast(Callable[[str, float], None], metric_scope(aws_record))


def schemalog_handle(endpoint: str, duration_ms: float) -> None:
    """Record the same request's metrics through schemalog's instruments."""
    metrics.counter("RequestCount", endpoint=endpoint).inc()
    metrics.histogram("Latency", endpoint=endpoint).observe(duration_ms)


def requests(count: int) -> list[tuple[str, float]]:
    """Return the requests of one round: endpoints in turn, latencies from a fixed cycle."""
    durations = itertools.cycle((12.0, 48.5, 7.25, 130.0, 3.5))
    return [(ENDPOINTS[i % len(ENDPOINTS)], next(durations)) for i in range(count)]


def aws_round(path: Path) -> Round:
    """Return a round of aws-embedded-metrics requests writing EMF documents to ``path``."""
    config = get_config()  # the library's one configuration, read at each scope's end
    config.environment, config.namespace = "local", NAMESPACE  # stdout: no agent, no probing
    out = path.open("a", encoding="utf-8")

    def run(count: int) -> None:
        with contextlib.redirect_stdout(out):
            for endpoint, duration in requests(count):
                aws_handle(endpoint, duration)
        out.flush()

    return run


def schemalog_round(path: Path) -> Round:
    """Return a round of schemalog requests, flushed at its end, writing EMF lines to ``path``."""
    schemalog.configure(service="bench", sinks=[f"file:{path}"])
    metrics.configure(namespace=NAMESPACE)

    def run(count: int) -> None:
        for endpoint, duration in requests(count):
            schemalog_handle(endpoint, duration)
        metrics.flush()

    return run


def cpu_ns_per_request(rounds: dict[str, Round], events: int, count: int) -> dict[str, list[float]]:
    """CPU nanoseconds per request in each of ``count`` interleaved rounds, for each library."""
    samples: dict[str, list[float]] = {name: [] for name in rounds}
    for run in rounds.values():
        run(min(events, 1000))  # warm up
    for _ in range(count):
        for name, run in rounds.items():
            started = time.thread_time_ns()
            run(events)
            samples[name].append((time.thread_time_ns() - started) / events)
    return samples


def emf_totals(path: Path) -> tuple[float, float]:
    """Return the request count and the latency sum that the EMF lines of ``path`` hold."""
    requests_seen = latency = 0.0
    for line in path.read_text(encoding="utf-8").splitlines():
        document: dict[str, Any] = json.loads(line)
        if "_aws" not in document:
            continue
        requests_seen += _total(document.get("RequestCount", 0))
        latency += _total(document.get("Latency", 0))
    return requests_seen, latency


def _total(value: Any) -> float:
    return float(sum(value)) if isinstance(value, list) else float(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5_000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=9, help="rounds (the median is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="schemalog-bench-metrics-") as directory:
        paths = {"schemalog": Path(directory, "schemalog.jsonl")}
        paths["aws-embedded-metrics"] = Path(directory, "aws.jsonl")
        rounds = {
            "schemalog": schemalog_round(paths["schemalog"]),
            "aws-embedded-metrics": aws_round(paths["aws-embedded-metrics"]),
        }
        samples = cpu_ns_per_request(rounds, args.events, args.rounds)
        schemalog.shutdown()
        made = min(args.events, 1000) + args.events * args.rounds
        totals = {name: emf_totals(path) for name, path in paths.items()}
        sizes = {name: path.stat().st_size / made for name, path in paths.items()}
    if len(set(totals.values())) != 1 or totals["schemalog"][0] != made:
        raise SystemExit(f"the two disagree on what was recorded: {totals}, {made} requests")
    anchor = statistics.median(samples["aws-embedded-metrics"])
    print(f"{made:,} requests each; both wrote {totals['schemalog'][0]:,.0f} requests and"
          f" {totals['schemalog'][1]:,.1f} ms of latency")  # fmt: skip
    for name, values in samples.items():
        print(f"{name:22} {statistics.median(values):9,.0f} ns CPU/request,"
              f" {sizes[name]:7.1f} bytes/request")  # fmt: skip
    report(
        "EMF metrics, per request (a count and a latency) / aws-embedded-metrics",
        ratios(samples["schemalog"], samples["aws-embedded-metrics"]),
        unit="x",
        anchor=f"aws-embedded-metrics {_version()}, {anchor:,.0f} ns CPU per request",
    )
    report(
        "EMF metrics, bytes written per request / aws-embedded-metrics",
        [sizes["schemalog"] / sizes["aws-embedded-metrics"]],
        unit="x",
        anchor=f"aws-embedded-metrics, {sizes['aws-embedded-metrics']:.0f} bytes per request",
    )


def _version() -> str:
    from importlib.metadata import version

    return version("aws-embedded-metrics")


if __name__ == "__main__":
    main()
