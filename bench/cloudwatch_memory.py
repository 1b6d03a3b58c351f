"""CloudWatch sink memory while the endpoint hangs: the queue bound must hold.

A child process per configuration builds a ``CloudWatchLogsHandler`` whose endpoint is the
fault proxy in ``hang`` mode (every request is accepted and never answered, so the sender
sits in its first call and sends nothing). Once the sender hangs in that call (boto3 imported,
client made: that memory is not the queue's), the child logs ``--events`` events of a
300-byte JSON line as fast as its loop goes. Every ``SAMPLE_EVERY`` events it samples its RSS
(``/proc/self/status``) and how many events wait in memory (``handler.queue.in_memory``).
Past the queue's bound the events go to the spill file (or, with ``spill_max_bytes=0``, are
dropped and counted), so RSS must stop growing once the queue is full.

Rows: the bound, what waited in memory at most (the queue; the one batch the sender holds
in its hung call comes on top), whether that stayed within the bound,
spilled and dropped counts, RSS before the first event, at its peak and at the end, and the
growth. No AWS and no moto: a hung endpoint answers nothing. Run it with ``make bench`` or
``python bench/cloudwatch_memory.py [--events N]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from typing import Any

from schemalog.sinks.cloudwatch.faults import FaultProxy

SAMPLE_EVERY = 2_000
#: (label, handler options): the default bound, a small one, and a small one without a spill.
CONFIGS: list[tuple[str, dict[str, Any]]] = [
    ("default (100,000 events / 8 MiB)", {}),
    ("1 MiB", {"max_queue_bytes": 1024 * 1024}),
    ("1 MiB, no spill file", {"max_queue_bytes": 1024 * 1024, "spill_max_bytes": 0}),
]

CHILD = """
import json, logging, sys, time
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler

def rss_mib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

options = json.loads(sys.argv[1])
handler = CloudWatchLogsHandler(
    "bench-memory", "s", endpoint_url=sys.argv[2], region="us-east-1", spill_dir=sys.argv[3],
    exit_timeout=0.5, stats_interval=0, **options,
)
handler.setFormatter(logging.Formatter("%(message)s"))
logger = logging.getLogger("bench")
logger.addHandler(handler)
logger.propagate = False
logger.setLevel(logging.INFO)
line = json.dumps({"event_type": "tool_call_completed", "pad": "x" * 230})
logger.info(line)
time.sleep(2.5)  # the sender has imported boto3, made its client and hangs in its first call
start = rss_mib()
peak_rss, peak_queue, events, every = start, 0, int(sys.argv[4]), int(sys.argv[5])
started = time.perf_counter()
for number in range(events):
    logger.info(line)
    if number % every == 0:
        peak_rss = max(peak_rss, rss_mib())
        peak_queue = max(peak_queue, handler.queue.in_memory)
elapsed = time.perf_counter() - started
stats = handler.stats()
end = rss_mib()
print(json.dumps({
    "start": start, "peak": max(peak_rss, end), "end": end,
    "in_memory": max(peak_queue, handler.queue.in_memory),
    "events_bound": handler.settings.max_queue_events, "spilled": stats["spilled"],
    "dropped": stats["dropped"], "rate": events / elapsed,
}))
handler.abandon()
"""


def run_child(url: str, options: dict[str, Any], events: int) -> dict[str, Any]:
    """Run one configuration in a fresh interpreter; return what it measured."""
    numbers = (str(events), str(SAMPLE_EVERY))
    with tempfile.TemporaryDirectory() as spill_dir:
        result = subprocess.run(
            [sys.executable, "-c", CHILD, json.dumps(options), url, spill_dir, *numbers],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def table(rows: list[tuple[str, dict[str, Any]]], events: int) -> str:
    """Render the results as the bench scripts' plain Markdown table."""
    head = (
        f"| queue bound ({events:,} events logged, endpoint hung) | in memory, max | within |"
        " spilled | dropped | RSS MiB start | peak | end | growth | events/s |"
    )
    lines = [head, "|" + "|".join("---" for _ in range(10)) + "|"]
    for label, f in rows:
        within = f["in_memory"] <= f["events_bound"]
        lines.append(
            f"| {label} | {f['in_memory']:,} | {'yes' if within else 'NO'} | {f['spilled']:,} |"
            f" {f['dropped']:,} | {f['start']:.1f} | {f['peak']:.1f} | {f['end']:.1f} |"
            f" {f['peak'] - f['start']:.1f} | {f['rate']:,.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=300_000, help="events logged per run")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}")
    with FaultProxy("http://127.0.0.1:9") as proxy:  # never reached: every request hangs
        proxy.set("hang")
        rows = [(label, run_child(proxy.url, options, args.events)) for label, options in CONFIGS]
    print(table(rows, args.events))
    if not all(f["in_memory"] <= f["events_bound"] for _, f in rows):
        sys.exit("the queue bound did not hold")


if __name__ == "__main__":
    main()
