"""CloudWatch Logs sink benchmark: schemalog's handler against watchtower's, in one run.

Both handlers talk to the same local CloudWatch Logs (moto's server on 127.0.0.1) through the
same kind of fault proxy (schemalog.cwlogs.faults), and log the same pre-rendered JSON line
through a plain stdlib logger, so the figures compare the handlers and nothing else:

- caller-side microseconds per ``log.info`` (median and p99), endpoint healthy, then hung;
- events per second delivered (emit a burst, flush, count what GetLogEvents returns);
- events lost after a 10-second outage (the proxy refuses connections mid-stream);
- events lost at process exit (a subprocess logs and exits without flushing);
- memory while the endpoint is down for 60 s at 1,000 events/s (subprocesses, RSS).

Run it with ``make bench`` or ``python bench/cloudwatch.py [--quick]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from schemalog.cwlogs import CloudWatchLogsHandler
from schemalog.cwlogs.faults import FaultProxy, local_cloudwatch, read_messages

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


def make_handler(library: str, endpoint: str, group: str, stream: str) -> logging.Handler:
    """Build one library's handler the way its documentation shows, aimed at ``endpoint``."""
    if library == "schemalog":
        handler: logging.Handler = CloudWatchLogsHandler(
            group, stream, endpoint_url=endpoint, region=REGION, send_interval=1.0
        )
    else:
        import watchtower

        client = boto3.client("logs", endpoint_url=endpoint, region_name=REGION)
        handler = watchtower.CloudWatchLogHandler(
            log_group_name=group, log_stream_name=stream, boto3_client=client, send_interval=1
        )
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def bench_logger(handler: logging.Handler) -> logging.Logger:
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


def count_events(endpoint: str, group: str, stream: str) -> int:
    return len(messages(endpoint, group, stream))


def distinct_events(endpoint: str, group: str, stream: str) -> int:
    return len(set(messages(endpoint, group, stream)))


def messages(endpoint: str, group: str, stream: str) -> list[str]:
    """Every message in the stream (an outage can make any sender deliver a batch twice)."""
    return read_messages(endpoint, group, stream, REGION)


def caller_us(logger: logging.Logger, calls: int) -> tuple[float, float]:
    """Median and p99 microseconds of one ``logger.info`` call."""
    samples = []
    clock = time.perf_counter_ns
    info = logger.info
    for _ in range(calls):
        started = clock()
        info(LINE)
        samples.append(clock() - started)
    samples.sort()
    return statistics.median(samples) / 1000, samples[int(len(samples) * 0.99)] / 1000


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def measure(library: str, endpoint: str, args: argparse.Namespace) -> dict[str, Any]:
    """Every in-process figure for one library."""
    result: dict[str, Any] = {}
    group = f"bench-{library}-{uuid.uuid4().hex[:6]}"
    with FaultProxy(endpoint) as proxy:
        # Caller cost, healthy endpoint.
        handler = make_handler(library, proxy.url, group, "healthy")
        logger = bench_logger(handler)
        result["healthy"] = caller_us(logger, args.calls)
        flush(handler, 30)
        # Caller cost while every request hangs.
        hung_handler = make_handler(library, proxy.url, group, "hung")
        hung_logger = bench_logger(hung_handler)
        hung_logger.info(LINE)
        proxy.set("hang")
        time.sleep(1.5)  # the sender is now inside a request that will not be answered
        result["hung"] = caller_us(hung_logger, args.calls)
        started = time.perf_counter()
        flush(hung_handler, 5)
        result["hung_flush_s"] = time.perf_counter() - started
        proxy.set("pass")
        # Delivered events per second.
        stream = "throughput"
        handler = make_handler(library, proxy.url, group, stream)
        logger = bench_logger(handler)
        started = time.perf_counter()
        for _ in range(args.burst):
            logger.info(LINE)
        flush(handler, 120)
        wait_until(lambda: count_events(endpoint, group, stream) >= args.burst, 60)
        elapsed = time.perf_counter() - started
        result["delivered_per_s"] = count_events(endpoint, group, stream) / elapsed
        # Lost after a 10-second outage in the middle of a steady stream.
        stream = "outage"
        handler = make_handler(library, proxy.url, group, stream)
        logger = bench_logger(handler)
        sent = 0
        rate = 500
        phase_started = time.monotonic()
        total_seconds = args.outage + 4
        while (now := time.monotonic() - phase_started) < total_seconds:
            if 2 <= now < 2 + args.outage and proxy.port and proxy._listener is not None:
                proxy.down()
            elif now >= 2 + args.outage and proxy._listener is None:
                proxy.up()
            for _ in range(rate // 10):
                logger.info("%d %s", sent, LINE)
                sent += 1
            time.sleep(0.1)
        proxy.up()
        flush(handler, 60)
        wait_until(lambda: distinct_events(endpoint, group, stream) >= sent, 60)
        result["outage_lost"] = sent - distinct_events(endpoint, group, stream)
        result["outage_twice"] = count_events(endpoint, group, stream) - (
            sent - result["outage_lost"]
        )
        result["outage_sent"] = sent
    return result


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
        children[library] = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
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
    parser.add_argument("--memory-seconds", type=float, default=60.0)
    parser.add_argument("--memory-rate", type=int, default=1_000)
    parser.add_argument("--quick", action="store_true", help="short phases (a smoke run)")
    args = parser.parse_args()
    if args.quick:
        args.calls, args.burst, args.outage = 2_000, 2_000, 3.0
        args.exit_events, args.memory_seconds = 500, 5.0
    logging.getLogger("watchtower").setLevel(logging.ERROR)
    import warnings

    warnings.simplefilter("ignore")  # watchtower warns once per failed batch

    with local_cloudwatch() as endpoint:
        figures = {library: measure(library, endpoint, args) for library in LIBRARIES}
        for library in LIBRARIES:
            group = f"bench-exit-{library}-{uuid.uuid4().hex[:6]}"
            arrived = run_exit_child(library, endpoint, group, args.exit_events)
            figures[library]["exit_lost"] = args.exit_events - arrived
        memory = memory_while_down(endpoint, args.memory_seconds, args.memory_rate)

    ours, theirs = figures["schemalog"], figures["watchtower"]
    print(f"\n## cloudwatch: schemalog CloudWatchLogsHandler vs watchtower {_version()}")
    print(f"moto server + fault proxy on 127.0.0.1; {args.calls:,} timed calls per figure\n")
    print(f"| {'figure':<46} | {'schemalog':>10} | {'watchtower':>10} |")
    print(f"|{'-' * 48}|{'-' * 12}|{'-' * 12}|")
    rows = [
        ("caller us/log.info, healthy, median", ours["healthy"][0], theirs["healthy"][0]),
        ("caller us/log.info, healthy, p99", ours["healthy"][1], theirs["healthy"][1]),
        ("caller us/log.info, endpoint hung, median", ours["hung"][0], theirs["hung"][0]),
        ("caller us/log.info, endpoint hung, p99", ours["hung"][1], theirs["hung"][1]),
        ("flush() with endpoint hung (s, 5 s cap)", ours["hung_flush_s"], theirs["hung_flush_s"]),
        ("events delivered per second", ours["delivered_per_s"], theirs["delivered_per_s"]),
        (
            f"lost after a {args.outage:g} s outage (of {ours['outage_sent']:,})",
            ours["outage_lost"],
            theirs["outage_lost"],
        ),
        ("... and delivered twice (response lost)", ours["outage_twice"], theirs["outage_twice"]),
        (f"lost at exit (of {args.exit_events:,})", ours["exit_lost"], theirs["exit_lost"]),
    ]
    for name, mine, other in rows:
        print(f"| {name:<46} | {_fmt(mine):>10} | {_fmt(other):>10} |")
    for key in ("start", "peak", "end"):
        label = f"RSS MiB, down {args.memory_seconds:g} s at {args.memory_rate}/s, {key}"
        print(
            f"| {label:<46} |"
            f" {_fmt(memory['schemalog'][key]):>10} | {_fmt(memory['watchtower'][key]):>10} |"
        )
    growth = {lib: memory[lib]["peak"] - memory[lib]["start"] for lib in LIBRARIES}
    print(
        f"| {'RSS MiB growth while down':<46} |"
        f" {_fmt(growth['schemalog']):>10} | {_fmt(growth['watchtower']):>10} |"
    )

    hung_ratio = ours["hung"][1] / theirs["hung"][1]
    rate_ratio = ours["delivered_per_s"] / theirs["delivered_per_s"]
    print(f"\n| {'target':<46} | {'measured':>10} | {'target':>10} | met |")
    print(f"|{'-' * 48}|{'-' * 12}|{'-' * 12}|-----|")
    checks = [
        ("caller p99 hung: schemalog / watchtower", hung_ratio, "<= 0.1", hung_ratio <= 0.1),
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
        print(f"| {name:<46} | {_fmt(value):>10} | {target:>10} | {'yes' if met else 'NO':>3} |")
    sys.stdout.flush()
    os._exit(0)  # watchtower's handlers would wait at exit for queues that cannot drain


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return f"{value:,}"


def _version() -> str:
    from importlib.metadata import version

    return version("watchtower")


if __name__ == "__main__":
    main()
