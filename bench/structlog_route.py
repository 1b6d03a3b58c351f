"""structlog route benchmark: structlog code on schemalog against plain structlog, one run.

Both write the same event through a stdlib ``logging.FileHandler``:

* ``structlog``: the usual stdlib set-up, ``merge_contextvars``, ``add_log_level``,
  ``TimeStamper(fmt="iso")`` and ``JSONRenderer`` into a stdlib logger (nothing validated);
* ``schemalog``: ``schemalog.integrations.structlog.configure()``: the same call validated
  against the catalog, redacted and stamped, written through the same kind of handler.

The goal (issue 13): schemalog's route <= 1.0 x plain structlog. Run it with ``make bench`` or
``python bench/structlog_route.py [--events N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import structlog
from _rows import report as report_row

import schemalog
from schemalog.integrations import structlog as schemalog_structlog

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {"model_count": 12}
Emit = Callable[[], None]


def _handler(directory: Path, name: str) -> logging.FileHandler:
    return logging.FileHandler(directory / f"{name}.jsonl", encoding="utf-8")


def plain_structlog(directory: Path) -> Emit:
    """Make the call with plain structlog, rendering JSON through a stdlib FileHandler."""
    stdlib_logger = logging.getLogger("bench.plain")
    stdlib_logger.handlers[:] = [_handler(directory, "structlog")]
    stdlib_logger.propagate = False
    stdlib_logger.setLevel(logging.INFO)
    log = structlog.wrap_logger(
        stdlib_logger,
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
    )
    return lambda: log.info("cache_refresh", **FIELDS)


def schemalog_route(directory: Path) -> Emit:
    """Make the same call through schemalog's structlog route, validated, to a FileHandler."""
    schemalog_structlog.configure(
        sinks=[], schemas=ROOT / "schemas", on_invalid="raise", service="bench"
    )
    stdlib_logger = logging.getLogger("bench.schemalog")
    stdlib_logger.handlers[:] = [_handler(directory, "schemalog")]
    stdlib_logger.propagate = False
    stdlib_logger.setLevel(logging.INFO)
    log = structlog.get_logger("bench.schemalog")
    return lambda: log.info("cache_refresh", **FIELDS)


def median_ns(call: Emit, events: int, rounds: int) -> list[float]:
    """Nanoseconds per call, one figure per round."""
    for _ in range(min(events, 1000)):
        call()
    figures = []
    for _ in range(rounds):
        started = time.perf_counter_ns()
        for _ in range(events):
            call()
        figures.append((time.perf_counter_ns() - started) / events)
    return figures


def main() -> None:
    """Measure both routes in interleaved rounds and print medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        plain = plain_structlog(directory)
        ours = schemalog_route(directory)
        samples: dict[str, list[float]] = {"structlog": [], "schemalog": []}
        for _ in range(args.rounds):
            samples["structlog"] += median_ns(plain, args.events, 1)
            samples["schemalog"] += median_ns(ours, args.events, 1)
        schemalog.shutdown()
    plain_ns = statistics.median(samples["structlog"])
    ours_ns = statistics.median(samples["schemalog"])
    ratios = sorted(o / p for o, p in zip(samples["schemalog"], samples["structlog"], strict=True))
    print(f"structlog route, ns per event (median of {args.rounds} rounds of {args.events})")
    print(f"  plain structlog (JSONRenderer, no validation)  {plain_ns:10,.0f}")
    print(f"  schemalog structlog route (validated)          {ours_ns:10,.0f}")
    print(
        f"  ratio schemalog / structlog: {ours_ns / plain_ns:.3f}"
        f" (per-round range {ratios[0]:.3f}-{ratios[-1]:.3f}; goal <= 1.0)"
    )
    report_row(
        "structlog route, validated / plain structlog JSON through stdlib",
        ratios,
        unit="x",
        anchor=f"plain structlog, {plain_ns:,.0f} ns/event",
        goal=1.0,
    )


if __name__ == "__main__":
    main()
