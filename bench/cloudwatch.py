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
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.config
from _rows import report as report_row

from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
from schemalog.sinks.cloudwatch.faults import FaultProxy, read_messages

REGION = "us-east-1"
LINE = json.dumps(
    {
        "timestamp": "2026-11-22T19:20:24.198Z",
        "level": "info",
        "logger": "bench",
        "event_type": "tool_call_started",
        "event_id": "01a2053b-d540-7822-9771-759ba6fd9135",
        "session_id": "sess-4f2a9c",
        "tool_name": "search_docs",
        "tool_params": {"query": "refund policy for annual plans", "limit": 10},
        "call_sequence": 3,
    }
)
LIBRARIES = ("schemalog", "watchtower")
#: Caller and rate figures are measured in this many rounds, the libraries alternating.
ROUNDS = 4
#: Client settings of the processes that time caller-side waits with the endpoint hung.
HUNG_CLIENT: dict[str, Any] = {"connect_timeout": 2.0, "read_timeout": 5.0}
HUNG_OPERATIONS = ("constructor", "flush", "close", "dictConfig", "exit")


def make_handler(
    library: str, endpoint: str, group: str, stream: str, *, bounded: bool = False
) -> logging.Handler:
    """Build one library's handler the way its documentation shows, aimed at ``endpoint``.

    ``bounded`` gives both clients the timeouts of :data:`HUNG_CLIENT` (and turns botocore's
    retries off on watchtower's client, as schemalog's own clients have them).
    """
    timeouts = HUNG_CLIENT if bounded else {}
    if library == "schemalog":
        handler: logging.Handler = CloudWatchLogsHandler(
            group, stream, endpoint_url=endpoint, region=REGION, send_interval=1.0, **timeouts
        )
    else:
        import watchtower

        config = None
        if bounded:
            retries: Any = {"total_max_attempts": 1, "mode": "standard"}
            config = botocore.config.Config(**timeouts, retries=retries)
        client = boto3.client("logs", endpoint_url=endpoint, region_name=REGION, config=config)
        handler = watchtower.CloudWatchLogHandler(
            log_group_name=group, log_stream_name=stream, boto3_client=client, send_interval=1
        )
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def bench_logger(handler: logging.Handler) -> logging.Logger:
    """Return a logger of its own that sends to ``handler`` only."""
    logger = logging.getLogger(f"bench.{uuid.uuid4().hex[:8]}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def flush(handler: logging.Handler, timeout: float) -> None:
    """Flush with a deadline: schemalog takes one; watchtower's flush runs in a thread."""
    if isinstance(handler, CloudWatchLogsHandler):
        handler.flush(timeout)
        return
    thread = threading.Thread(target=handler.flush, daemon=True)
    thread.start()
    thread.join(timeout)


def retire(logger: logging.Logger, handler: logging.Handler) -> None:
    """Deliver what is left, close the handler and detach it: the next phase starts quiet."""
    flush(handler, 60)
    thread = threading.Thread(target=handler.close, daemon=True)
    thread.start()
    thread.join(60)
    logger.handlers.clear()


def messages(endpoint: str, group: str, stream: str) -> list[str]:
    """Every message in the stream (an outage can make any sender deliver a batch twice)."""
    return read_messages(endpoint, group, stream, REGION)


def count_events(endpoint: str, group: str, stream: str) -> int:
    return len(messages(endpoint, group, stream))


def distinct_events(endpoint: str, group: str, stream: str) -> int:
    return len(set(messages(endpoint, group, stream)))


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


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """Run moto's server in a child process on a free 127.0.0.1 port; yield its URL."""
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", REGION),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ):
        os.environ.setdefault(name, value)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_until(lambda: _answers(url), 60):
            raise RuntimeError(f"moto's server did not start on {url}")
        yield url
    finally:
        server.terminate()
        server.wait(10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
            return True
    except OSError:
        return False


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


def run_exit_child(library: str, endpoint: str, group: str, events: int) -> int:
    """Log ``events`` and exit without flushing; return how many arrived."""
    code = (
        "import logging, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from cloudwatch import make_handler, bench_logger, LINE\n"
        f"logger = bench_logger(make_handler({library!r}, {endpoint!r}, {group!r}, 'exit'))\n"
        f"for n in range({events}):\n"
        "    logger.info('%d %s', n, LINE)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False, timeout=300, capture_output=True)
    return distinct_events(endpoint, group, "exit")


def start_child(code: str) -> subprocess.Popen[str]:
    """Run ``code`` in a new interpreter that talks to the bench over stdin and stdout."""
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


HUNG_CHILD = """
import json, logging, logging.config, os, sys, time, warnings
sys.path.insert(0, {bench!r})
from cloudwatch import make_handler, bench_logger, LINE
warnings.simplefilter("ignore")
logging.getLogger("watchtower").setLevel(logging.ERROR)
operation = {operation!r}
started = time.perf_counter()
try:
    handler = make_handler({library!r}, {endpoint!r}, {group!r}, "ops", bounded=True)
    outcome = "returned"
except Exception as error:
    outcome = "raised " + type(error).__name__
if operation == "constructor":
    print(json.dumps({{"seconds": time.perf_counter() - started, "outcome": outcome}}))
    sys.stdout.flush()
    os._exit(0)
logger = bench_logger(handler)
for n in range({events}):
    logger.info("%d %s", n, LINE)
print("ready", flush=True)
sys.stdin.readline()  # the endpoint hangs now, and the sender is inside a request
started = time.perf_counter()
if operation == "flush":
    handler.flush()
elif operation == "close":
    handler.close()
elif operation == "dictConfig":
    logging.config.dictConfig({{"version": 1, "disable_existing_loggers": False}})
if operation != "exit":
    print(json.dumps({{"seconds": time.perf_counter() - started, "outcome": "returned"}}))
    sys.stdout.flush()
    os._exit(0)
"""


def hung_operations(endpoint: str, events: int) -> dict[str, dict[str, dict[str, Any]]]:
    """Seconds each caller-side operation takes with the endpoint hung (one process each)."""
    runs = [(library, operation) for library in LIBRARIES for operation in HUNG_OPERATIONS]
    proxies = {run: FaultProxy(endpoint).start() for run in runs}
    children: dict[tuple[str, str], subprocess.Popen[str]] = {}
    for run in runs:
        library, operation = run
        if operation == "constructor":
            proxies[run].set("hang")
        code = HUNG_CHILD.format(
            bench=str(Path(__file__).parent),
            operation=operation,
            library=library,
            endpoint=proxies[run].url,
            group=f"bench-ops-{library}-{uuid.uuid4().hex[:6]}",
            events=events,
        )
        children[run] = start_child(code)
    waiting = [run for run in runs if run[1] != "constructor"]
    for run in waiting:
        stdout = children[run].stdout
        assert stdout is not None
        stdout.readline()  # "ready"
        proxies[run].set("hang")
    time.sleep(1.5)
    ended: dict[tuple[str, str], float] = {}
    went: dict[tuple[str, str], float] = {}

    def wait_for(run: tuple[str, str]) -> None:
        children[run].wait(600)
        ended[run] = time.perf_counter()

    watchers = [threading.Thread(target=wait_for, args=(run,)) for run in runs]
    for run in waiting:
        stdin = children[run].stdin
        assert stdin is not None
        went[run] = time.perf_counter()
        stdin.write("go\n")
        stdin.flush()
    for watcher in watchers:
        watcher.start()
    for watcher in watchers:
        watcher.join()
    results: dict[str, dict[str, dict[str, Any]]] = {library: {} for library in LIBRARIES}
    for run, child in children.items():
        library, operation = run
        assert child.stdout is not None
        if operation == "exit":
            figure = {"seconds": ended[run] - went[run], "outcome": "exited"}
        else:
            figure = json.loads(child.stdout.read().strip().splitlines()[-1])
        results[library][operation] = figure
    for proxy in proxies.values():
        proxy.stop()
    return results


MEMORY_CHILD = """
import json, logging, os, sys, time
sys.path.insert(0, {bench!r})
from cloudwatch import make_handler, bench_logger, LINE

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

logger = bench_logger(make_handler({library!r}, {endpoint!r}, {group!r}, "memory"))
logger.info(LINE)
time.sleep(1.5)
print("ready", flush=True)
sys.stdin.readline()  # the parent has taken the endpoint down
samples = [rss_mib()]
started = time.monotonic()
sent = 0
while time.monotonic() - started < {seconds}:
    target = int((time.monotonic() - started) * {rate})
    while sent < target:
        logger.info(LINE)
        sent += 1
    samples.append(rss_mib())
    time.sleep(0.05)
print(json.dumps({{"start": samples[0], "peak": max(samples), "end": samples[-1], "sent": sent}}))
sys.stdout.flush()
os._exit(0)
"""


def memory_while_down(endpoint: str, seconds: float, rate: int) -> dict[str, dict[str, float]]:
    """RSS of a process logging ``rate`` events/s while its endpoint is down for ``seconds``."""
    results: dict[str, dict[str, float]] = {}
    proxies = {library: FaultProxy(endpoint).start() for library in LIBRARIES}
    children = {}
    for library in LIBRARIES:
        code = MEMORY_CHILD.format(
            bench=str(Path(__file__).parent),
            library=library,
            endpoint=proxies[library].url,
            group=f"bench-mem-{library}-{uuid.uuid4().hex[:6]}",
            seconds=seconds,
            rate=rate,
        )
        children[library] = start_child(code)
    for library, child in children.items():
        assert child.stdout is not None
        assert child.stdin is not None
        child.stdout.readline()
        proxies[library].down()
        child.stdin.write("go\n")
        child.stdin.flush()
    for library, child in children.items():
        out, _ = child.communicate(timeout=seconds + 120)
        results[library] = json.loads(out.strip().splitlines()[-1])
    for proxy in proxies.values():
        proxy.stop()
    return results


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


def report(
    args: argparse.Namespace,
    figures: dict[str, dict[str, Any]],
    hung: dict[str, dict[str, dict[str, Any]]],
    memory: dict[str, dict[str, float]],
    load_before: tuple[float, float, float],
) -> None:
    """Print the tables."""
    ours, theirs = figures["schemalog"], figures["watchtower"]
    print(f"\n## cloudwatch: schemalog CloudWatchLogsHandler vs watchtower {_version()}")
    print(
        f"moto's server in a child process, fault proxy on 127.0.0.1; {args.calls:,} timed"
        f" calls per figure; {os.cpu_count()} CPUs, load average {load_before[0]:.2f} before"
        f" and {os.getloadavg()[0]:.2f} after\n"
    )
    print(f"| {'figure':<50} | {'schemalog':>10} | {'watchtower':>10} |")
    print(f"|{'-' * 52}|{'-' * 12}|{'-' * 12}|")
    rows = [
        ("caller us/log.info, healthy, median", ours["healthy"][0], theirs["healthy"][0]),
        ("caller us/log.info, healthy, p99", ours["healthy"][1], theirs["healthy"][1]),
        (
            f"... of those {args.calls:,} and the first one, delivered",
            ours["healthy_delivered"],
            theirs["healthy_delivered"],
        ),
        ("caller us/log.info, endpoint hung, median", ours["hung"][0], theirs["hung"][0]),
        ("caller us/log.info, endpoint hung, p99", ours["hung"][1], theirs["hung"][1]),
        ("events delivered per second", ours["delivered_per_s"], theirs["delivered_per_s"]),
        (
            f"... of the {ROUNDS} bursts of {args.burst:,}, delivered",
            ours["burst_delivered"],
            theirs["burst_delivered"],
        ),
        (
            "... CPU us per event outside the caller's thread",
            ours["background_us"],
            theirs["background_us"],
        ),
        (
            f"lost after a {args.outage:g} s outage (of {ours['outage_sent']:,})",
            ours["outage_lost"],
            theirs["outage_lost"],
        ),
        ("... and delivered twice (response lost)", ours["outage_twice"], theirs["outage_twice"]),
        (f"lost at exit (of {args.exit_events:,})", ours["exit_lost"], theirs["exit_lost"]),
    ]
    for name, mine, other in rows:
        print(f"| {name:<50} | {_fmt(mine):>10} | {_fmt(other):>10} |")
    for key in ("start", "peak", "end"):
        label = f"RSS MiB, down {args.memory_seconds:g} s at {args.memory_rate}/s, {key}"
        print(
            f"| {label:<50} |"
            f" {_fmt(memory['schemalog'][key]):>10} | {_fmt(memory['watchtower'][key]):>10} |"
        )
    growth = {lib: memory[lib]["peak"] - memory[lib]["start"] for lib in LIBRARIES}
    print(
        f"| {'RSS MiB growth while down':<50} |"
        f" {_fmt(growth['schemalog']):>10} | {_fmt(growth['watchtower']):>10} |"
    )

    print(
        f"\nCaller-side waits with the endpoint hung, seconds ({args.hung_events:,} events"
        " queued; clients: connect 2 s, read 5 s, no botocore retries)\n"
    )
    print(f"| {'operation':<50} | {'schemalog':>10} | {'watchtower':>10} | {'ratio':>6} |")
    print(f"|{'-' * 52}|{'-' * 12}|{'-' * 12}|{'-' * 8}|")
    labels = {
        "constructor": "building the handler, endpoint already hung",
        "flush": "flush()",
        "close": "close()",
        "dictConfig": "dictConfig() replacing the handler",
        "exit": "process exit (atexit, logging.shutdown)",
    }
    for operation in HUNG_OPERATIONS:
        mine, other = hung["schemalog"][operation], hung["watchtower"][operation]
        ratio = mine["seconds"] / other["seconds"] if other["seconds"] else float("nan")
        print(
            f"| {labels[operation]:<50} | {_seconds(mine['seconds']):>10} |"
            f" {_seconds(other['seconds']):>10} | {ratio:>6.3f} |"
        )
    for library in LIBRARIES:
        for operation in HUNG_OPERATIONS:
            outcome = hung[library][operation]["outcome"]
            if outcome.startswith("raised"):
                print(f"\n{library}'s {labels[operation]} {outcome}.")

    hung_ratio = ours["hung"][1] / theirs["hung"][1]
    rate_ratio = ours["delivered_per_s"] / theirs["delivered_per_s"]
    print(f"\n| {'target':<50} | {'measured':>10} | {'target':>10} | met |")
    print(f"|{'-' * 52}|{'-' * 12}|{'-' * 12}|-----|")
    checks: list[tuple[str, Any, str, bool]] = [
        (
            "caller p99 per call, hung: schemalog / watchtower",
            hung_ratio,
            "<= 0.1",
            hung_ratio <= 0.1,
        ),
        ("delivered/s: schemalog / watchtower", rate_ratio, ">= 1.0", rate_ratio >= 1.0),
        ("schemalog lost after outage", ours["outage_lost"], "0", ours["outage_lost"] == 0),
        ("schemalog lost at exit", ours["exit_lost"], "0", ours["exit_lost"] == 0),
        (
            "schemalog RSS growth while down (MiB)",
            growth["schemalog"],
            "< 64",
            growth["schemalog"] < 64,
        ),
    ]
    for name, value, target, met in checks:
        print(f"| {name:<50} | {_fmt(value):>10} | {target:>10} | {'yes' if met else 'NO':>3} |")
    watchtower = f"watchtower {_version()}, same run"
    report_row("CloudWatch: caller p99 per call, endpoint hung / watchtower", [hung_ratio],
           unit="x", anchor=watchtower, goal=0.1)  # fmt: skip
    report_row("CloudWatch: delivered per second / watchtower", [rate_ratio], unit="x",
           anchor=watchtower, goal=1.0, higher_is_better=True)  # fmt: skip


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,}"


def _seconds(value: float) -> str:
    return f"{value:,.2f}" if value >= 0.1 else f"{value * 1000:.1f} ms"


def _version() -> str:
    from importlib.metadata import version

    return version("watchtower")


if __name__ == "__main__":
    main()
