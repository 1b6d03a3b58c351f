"""The CloudWatch benchmark's child processes: exit, caller-side waits while hung, memory.

See ``bench/cloudwatch.py`` for what each measures.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from _cloudwatch_common import HUNG_OPERATIONS, LIBRARIES, distinct_events, start_child

from schemalog.sinks.cloudwatch.faults import FaultProxy


def run_exit_child(library: str, endpoint: str, group: str, events: int) -> int:
    """Log ``events`` and exit without flushing; return how many arrived."""
    code = (
        "import logging, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from _cloudwatch_common import make_handler, bench_logger, LINE\n"
        f"logger = bench_logger(make_handler({library!r}, {endpoint!r}, {group!r}, 'exit'))\n"
        f"for n in range({events}):\n"
        "    logger.info('%d %s', n, LINE)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=False, timeout=300, capture_output=True)
    return distinct_events(endpoint, group, "exit")


HUNG_CHILD = """
import json, logging, logging.config, os, sys, time, warnings
sys.path.insert(0, {bench!r})
from _cloudwatch_common import make_handler, bench_logger, LINE
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
from _cloudwatch_common import make_handler, bench_logger, LINE

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
