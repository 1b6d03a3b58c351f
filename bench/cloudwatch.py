"""CloudWatch Logs sink benchmark: schemalog's handler against watchtower's, in one run.

Both handlers talk to the same local CloudWatch Logs (moto's server) through the same kind of
fault proxy (schemalog.sinks.cloudwatch.faults), and log the same pre-rendered JSON line
through a plain
stdlib logger with ``Formatter("%(message)s")``, so the figures compare the handlers and
nothing else. Each library first logs one event and flushes (warm-up: boto3's service models
loaded, moto's backend made), so no figure pays a first-time cost.

Where things run, and why:

- moto's server runs in a **child process** (``python -m moto.server``). In the benchmark's
  own process, its Python code would compete for the GIL with the threads being measured:
  every event it stores would slow the caller of whichever library was sending at the time,
  which says nothing about either handler (CloudWatch runs elsewhere).
- The fault proxy runs in the benchmark's process (the bench switches its faults on and off).
  It handles a few requests per second, each a socket read and write of up to 1 MiB done in
  C, so it adds little to the GIL.

In-process phases. The caller and rate figures are measured in ``ROUNDS`` rounds in which
the two libraries take turns (one order, then the other), so that a change in the machine's
load during the run (it may be shared) weighs on both alike; the samples of all rounds are
pooled. Every handler is closed, its backlog delivered, before the next phase starts.

- *caller us per log.info, healthy*: median and p99 of ``perf_counter_ns`` around each
  ``logger.info`` call (``--calls`` in all) while the sender delivers them, in the steady
  state: one event was logged and flushed first, so the sender thread runs and the stream
  exists, and each round ends with a ``flush()``, so the other library's round starts with
  this sender idle. *delivered* counts what GetLogEvents returns afterwards (an event that
  ``emit()`` dropped is not there).
- *caller us per log.info, endpoint hung*: the same, with the proxy answering no request and
  each sender sitting in one. The hang is then released and the backlogs delivered.
- *events delivered per second*: in each round a new handler logs ``--burst`` events as fast
  as the loop goes, then ``flush()``es; the clock runs from the first call to flush's return
  (both handlers' flush returns once everything queued is sent or given up), so it includes
  the handler's start (its thread, client and stream) and the caller's own time. The rate is
  what GetLogEvents then returns, over all rounds, divided by the total of those times. Over
  the same window, the process's CPU time minus the logging thread's is the CPU the sender
  (and the proxy, the same for both) took from the threads that log: per event logged.
- *lost after an outage*: 500 events/s for ``--outage`` + 4 s, the proxy refusing
  connections for ``--outage`` s in the middle; then flush and count distinct messages.

Child processes:

- *lost at exit*: a process logs ``--exit-events`` and returns without flushing.
- *caller-side waits, endpoint hung*: one process per library and operation, run side by
  side. Each builds its handler, logs ``--hung-events`` events and says it is ready; the
  bench makes its proxy hang and, 1.5 s later (both senders are inside a request by then),
  tells it to go; the process then times one operation with its default arguments: building
  the handler as the documentation shows (for watchtower its boto3 client too; the endpoint
  hangs from the start, and the process reports whether it raised), ``flush()``, ``close()``,
  ``logging.config.dictConfig()`` replacing the handler (which flushes and closes it, holding
  the logging module's lock), and process exit (``atexit`` hooks and ``logging.shutdown()``,
  timed by the bench from "go" to the process's end). These waits depend on the client's
  timeouts, so in these processes both clients get ``HUNG_CLIENT``: connect 2 s, read 5 s,
  and watchtower's botocore retries off (schemalog's clients never retry inside botocore).
  botocore's defaults (60 s, 60 s, and up to 5 attempts in legacy mode) would make each of
  watchtower's figures longer; schemalog's depend only on its deadlines (``flush_timeout``
  10 s, ``exit_timeout`` 5 s).
- *memory*: a process logs 1,000 events/s while its endpoint is down for
  ``--memory-seconds``; RSS at the start, peak and end.

Run it with ``make bench`` or ``python bench/cloudwatch.py [--quick]``.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

from _cloudwatch_children import hung_operations, memory_while_down, run_exit_child
from _cloudwatch_common import (
    LIBRARIES,
    LINE,
    ROUNDS,
    bench_logger,
    count_events,
    distinct_events,
    flush,
    make_handler,
    moto_server,
    retire,
    wait_until,
)
from _cloudwatch_report import report

from schemalog.sinks.cloudwatch.faults import FaultProxy


def caller_ns(logger: logging.Logger, calls: int) -> list[int]:
    """Nanoseconds of each of ``calls`` ``logger.info`` calls."""
    samples = []
    clock = time.perf_counter_ns
    info = logger.info
    for _ in range(calls):
        started = clock()
        info(LINE)
        samples.append(clock() - started)
    return samples


def median_p99_us(samples: list[int]) -> tuple[float, float]:
    """Median and 99th percentile of ``samples``, in microseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) / 1000, ordered[int(len(ordered) * 0.99)] / 1000


def warm_up(endpoint: str) -> None:
    """Each library logs one event and flushes: models loaded, moto's backend made."""
    for library in LIBRARIES:
        handler = make_handler(library, endpoint, f"bench-warm-{library}", "warm")
        logger = bench_logger(handler)
        logger.info(LINE)
        retire(logger, handler)


def rounds() -> Iterator[tuple[str, ...]]:
    """Yield the libraries' order for each round: alternating, so drift hits both alike."""
    for number in range(ROUNDS):
        yield LIBRARIES if number % 2 == 0 else LIBRARIES[::-1]


def caller_figures(endpoint: str, args: argparse.Namespace, *, hung: bool) -> dict[str, Any]:
    """Caller cost per log.info for both libraries, in alternating rounds, and what arrived."""
    group = f"bench-calls-{uuid.uuid4().hex[:6]}"
    stream = "hung" if hung else "healthy"
    figures: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        proxies = {lib: stack.enter_context(FaultProxy(endpoint)) for lib in LIBRARIES}
        handlers = {
            lib: make_handler(lib, proxies[lib].url, f"{group}-{lib}", stream) for lib in LIBRARIES
        }
        loggers = {lib: bench_logger(handlers[lib]) for lib in LIBRARIES}
        for lib in LIBRARIES:  # the sender started, and (when healthy) the stream made
            loggers[lib].info(LINE)
            if hung:
                proxies[lib].set("hang")
            else:
                flush(handlers[lib], 30)
        if hung:
            time.sleep(1.5)  # each sender is now inside a request that will not be answered
        samples: dict[str, list[int]] = {lib: [] for lib in LIBRARIES}
        for order in rounds():
            for lib in order:
                samples[lib] += caller_ns(loggers[lib], args.calls // ROUNDS)
                if not hung:  # the next library's round starts with this sender idle
                    flush(handlers[lib], 60)
        for lib in LIBRARIES:
            proxies[lib].set("pass")
            retire(loggers[lib], handlers[lib])
            figures[lib] = {
                "us": median_p99_us(samples[lib]),
                "delivered": count_events(endpoint, f"{group}-{lib}", stream),
            }
    return figures


def rate_figures(endpoint: str, args: argparse.Namespace) -> dict[str, Any]:
    """Events delivered per second: bursts by new handlers, timed until flush() returns."""
    elapsed = dict.fromkeys(LIBRARIES, 0.0)
    background_cpu = dict.fromkeys(LIBRARIES, 0.0)
    delivered = dict.fromkeys(LIBRARIES, 0)
    group = f"bench-rate-{uuid.uuid4().hex[:6]}"
    with FaultProxy(endpoint) as proxy:
        for number, order in enumerate(rounds()):
            for lib in order:
                stream = f"{lib}-{number}"
                handler = make_handler(lib, proxy.url, group, stream)
                logger = bench_logger(handler)
                started = time.perf_counter()
                cpu_started = time.process_time() - time.thread_time()
                for _ in range(args.burst):
                    logger.info(LINE)
                flush(handler, 120)
                background_cpu[lib] += time.process_time() - time.thread_time() - cpu_started
                elapsed[lib] += time.perf_counter() - started
                retire(logger, handler)
                delivered[lib] += count_events(endpoint, group, stream)
    return {
        lib: {
            "per_s": delivered[lib] / elapsed[lib],
            "delivered": delivered[lib],
            "background_us": background_cpu[lib] / (ROUNDS * args.burst) * 1e6,
        }
        for lib in LIBRARIES
    }


def outage_figures(library: str, endpoint: str, outage: float) -> dict[str, int]:
    """Events lost (and delivered twice) after an outage in the middle of a steady stream."""
    with FaultProxy(endpoint) as proxy:
        return _outage(library, endpoint, proxy, outage)


def _outage(library: str, endpoint: str, proxy: FaultProxy, outage: float) -> dict[str, int]:
    group = f"bench-outage-{library}-{uuid.uuid4().hex[:6]}"
    stream = "outage"
    handler = make_handler(library, proxy.url, group, stream)
    logger = bench_logger(handler)
    sent = 0
    rate = 500
    phase_started = time.monotonic()
    total_seconds = outage + 4
    while (now := time.monotonic() - phase_started) < total_seconds:
        if 2 <= now < 2 + outage and proxy._listener is not None:
            proxy.down()
        elif now >= 2 + outage and proxy._listener is None:
            proxy.up()
        for _ in range(rate // 10):
            logger.info("%d %s", sent, LINE)
            sent += 1
        time.sleep(0.1)
    proxy.up()
    flush(handler, 60)
    wait_until(lambda: distinct_events(endpoint, group, stream) >= sent, 60)
    retire(logger, handler)
    lost = sent - distinct_events(endpoint, group, stream)
    twice = count_events(endpoint, group, stream) - (sent - lost)
    return {"outage_lost": lost, "outage_twice": twice, "outage_sent": sent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=20_000, help="log.info calls timed")
    parser.add_argument("--burst", type=int, default=20_000, help="events for the rate")
    parser.add_argument("--outage", type=float, default=10.0, help="outage seconds")
    parser.add_argument("--exit-events", type=int, default=5_000)
    parser.add_argument("--hung-events", type=int, default=1_000, help="queued when hung")
    parser.add_argument("--memory-seconds", type=float, default=60.0)
    parser.add_argument("--memory-rate", type=int, default=1_000)
    parser.add_argument("--quick", action="store_true", help="short phases (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.calls, args.burst, args.outage = 2_000, 2_000, 3.0
        args.exit_events, args.hung_events, args.memory_seconds = 500, 100, 5.0
    logging.getLogger("watchtower").setLevel(logging.ERROR)
    import warnings

    warnings.simplefilter("ignore")  # watchtower warns once per failed batch
    load_before = os.getloadavg()

    with moto_server() as endpoint:
        warm_up(endpoint)
        healthy = caller_figures(endpoint, args, hung=False)
        hung_calls = caller_figures(endpoint, args, hung=True)
        rates = rate_figures(endpoint, args)
        figures: dict[str, dict[str, Any]] = {
            library: {
                "healthy": healthy[library]["us"],
                "healthy_delivered": healthy[library]["delivered"],
                "hung": hung_calls[library]["us"],
                "delivered_per_s": rates[library]["per_s"],
                "burst_delivered": rates[library]["delivered"],
                "background_us": rates[library]["background_us"],
                **outage_figures(library, endpoint, args.outage),
            }
            for library in LIBRARIES
        }
        for library in LIBRARIES:
            group = f"bench-exit-{library}-{uuid.uuid4().hex[:6]}"
            arrived = run_exit_child(library, endpoint, group, args.exit_events)
            figures[library]["exit_lost"] = args.exit_events - arrived
        hung = hung_operations(endpoint, args.hung_events)
        memory = memory_while_down(endpoint, args.memory_seconds, args.memory_rate)

    report(args, figures, hung, memory, load_before)
    sys.stdout.flush()
    os._exit(0)  # watchtower's handlers would wait at exit for queues that cannot drain


if __name__ == "__main__":
    main()
