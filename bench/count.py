"""Count benchmark: ``schemalog count`` against ``jq`` and ``grep`` on 1,000,000 JSON lines.

Generates (once, into ``bench/.data/``) a JSONL file of 20 realistic event types, about 250
bytes a line, in time order over six hours, then times in one run, interleaved round by round:
``schemalog count`` with the whole ``cloudwatch-filters/`` directory, ``schemalog count`` with
one JSON filter on ``event_type``, ``jq -c 'select(.event_type=="tool_call_started")'
| wc -l``, ``grep -c`` as the floor, and ``schemalog count --engine duckdb`` with every filter.
Ratios are taken round by round (issue 17's goals) and reported as result rows
(bench/_rows.py): their medians and ranges. Peak memory is the largest total resident size of
``schemalog count``'s processes (workers included), sampled every 10 ms, on the whole file and
on its first quarter (flat = same). Run it with ``make bench`` or
``python bench/count.py [--lines N] [--rounds R]``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import orjson
from _rows import ratios
from _rows import report as report_row

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / ".data"
FILTERS = ROOT / "cloudwatch-filters"
ONE_FILTER = FILTERS / "tool_calls_started.json"
SCHEMALOG = str(Path(sys.executable).parent / "schemalog")
START = 1_795_000_000.0  # 2026-11-18T...Z; events spread over six hours from here
SPAN_SECONDS = 6 * 3600
MODELS = ("llama-3-70b", "llama-3-8b", "mistral-large", "qwen-2.5-72b")
TOOLS = ("search_docs", "get_weather", "run_sql", "fetch_url", "get_benchmark_results")
ENDPOINTS = ("/api/v1/feed", "/api/v1/memories", "/api/v1/chat", "/api/v1/users/me")


def _fields(event_type: str, rng: random.Random) -> dict[str, Any]:  # noqa: PLR0911 - a table
    """Return the event's own fields, in the shapes the seeds give them."""
    if event_type == "stream_chunk_received":
        return {"chunk_count": rng.randrange(1, 80)}
    if event_type in ("chat_completion_request_start", "stream_generator_start"):
        return {"model": rng.choice(MODELS), "stream_requested": rng.random() < 0.6}
    if event_type in ("tool_call_started", "tool_call_completed", "tool_call_retry"):
        return {"tool_name": rng.choice(TOOLS), "call_sequence": rng.randrange(1, 9),
                "params_hash": f"{rng.getrandbits(64):016x}"}  # fmt: skip
    if event_type == "api_request_completed":
        return {"endpoint": rng.choice(ENDPOINTS), "method": rng.choice(("GET", "POST")),
                "status_code": rng.choice((200, 200, 200, 201, 404, 500)),
                "duration_ms": round(rng.lognormvariate(3, 0.8), 2)}  # fmt: skip
    if event_type == "stream_completed":
        return {"total_chunks": rng.randrange(5, 120)}
    if event_type in ("tool_call_failed", "chat_completions_error"):
        return {"error_type": rng.choice(("timeout", "execution_error")), "status_code": 502}
    if event_type == "cache_hit":
        return {"cache_expires_in_seconds": round(rng.uniform(1, 300), 1)}
    if event_type == "log":
        return {"message": "GET /healthz 200"}
    return {"tool_count": rng.randrange(1, 6)} if event_type == "tools_detected" else {}


WEIGHTS = {
    "stream_chunk_received": 20, "api_request_completed": 15, "chat_completion_request_start": 8,
    "cache_hit": 7, "tool_call_started": 6, "tool_call_completed": 5.5, "stream_generator_start": 5,
    "stream_completed": 5, "tools_detected": 4, "chat_completion_success": 3,
    "proxy_session_response": 3, "log": 3, "cache_miss": 1.5, "tool_call_failed": 1,
    "session_completed": 1, "user_creation": 0.5, "tool_call_retry": 0.5,
    "schema_validation_error": 0.5, "chat_completions_error": 0.5, "hallucinated_tool_call": 0.3,
}  # fmt: skip


def generate(path: Path, lines: int, seed: int = 5) -> None:
    """Write ``lines`` events in schemalog's record layout, in time order."""
    rng = random.Random(seed)
    kinds = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    step = SPAN_SECONDS / lines
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as out:
        batch: list[bytes] = []
        for index in range(lines):
            event_type = rng.choices(kinds, weights)[0]
            moment = START + index * step
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))
            record = {
                "timestamp": f"{stamp}.{int(moment * 1000) % 1000:03d}Z",
                "level": "error" if "error" in event_type or "failed" in event_type else "info",
                "logger": "api",
                "event_type": event_type,
                "schema_version": "1.0.0",
                "event_id": f"{rng.getrandbits(128):032x}",
                "session_id": f"s-{rng.getrandbits(32):08x}",
                "user_id": f"user-{rng.randrange(5000):04d}",
                **_fields(event_type, rng),
            }
            batch.append(orjson.dumps(record))
            if len(batch) == 10_000:
                out.write(b"\n".join(batch) + b"\n")
                batch = []
        if batch:
            out.write(b"\n".join(batch) + b"\n")
    tmp.replace(path)


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    family = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    total = 0
    for pid in family:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def run(
    command: list[str] | str, *, shell: bool = False, sample: bool = False
) -> tuple[float, str, int]:
    """Run a command; return seconds, its stdout, and its peak resident bytes (if sampled)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.wait(0.01):
            peak = max(peak, _tree_rss(process.pid))

    watcher = threading.Thread(target=watch, daemon=True)
    if sample and Path("/proc").is_dir():
        watcher.start()
    out, err = process.communicate()  # stderr (count's note on silent filters) shown on failure
    elapsed = time.perf_counter() - started
    done.set()
    if watcher.is_alive():
        watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {command}\n{err}")
    return elapsed, out, peak


def count_of(output: str, name: str) -> float:
    """Return the Sum of one filter in ``schemalog count --format json --total`` output."""
    rows = orjson.loads(output)["rows"]
    return float(sum(row["Sum"] for row in rows if row["filterName"] == name))


ALL = "schemalog count, all filters"
ONE = "schemalog count, one event_type filter"
JQ = "jq select | wc -l"
GREP = "grep -c (floor)"
DUCKDB = "schemalog count --engine duckdb, all filters"


def commands_for(path: Path, jq: str | None) -> dict[str, tuple[list[str] | str, bool]]:
    """Return the commands to time: name -> (argv or shell line, whether it is a shell line)."""
    count = [SCHEMALOG, "count", "--format", "json", "--total", "--filters"]
    commands: dict[str, tuple[list[str] | str, bool]] = {
        ALL: ([*count, str(FILTERS), str(path)], False),
        ONE: ([*count, str(ONE_FILTER), str(path)], False),
        GREP: (["grep", "-c", "tool_call_started", str(path)], False),
        DUCKDB: ([*count[:2], "--engine", "duckdb", *count[2:], str(FILTERS), str(path)], False),
    }
    if jq:
        select = 'select(.event_type=="tool_call_started")'
        commands[JQ] = (f"{jq} -c '{select}' {path} | wc -l", True)
    return commands


def time_rounds(
    commands: dict[str, tuple[list[str] | str, bool]], rounds: int
) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Run every command once a round, in turn; return the seconds and the last outputs."""
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    outputs: dict[str, str] = {}
    for _ in range(rounds):
        for name, (command, shell) in commands.items():
            elapsed, out, _ = run(command, shell=shell)
            seconds[name].append(elapsed)
            outputs[name] = out
    return seconds, outputs


def report(seconds: dict[str, list[float]], peaks: dict[str, int]) -> None:
    """Print the table of medians and the table of ratios against the targets."""
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    print(f"| {'command':<42} | {'median s':>9} | {'runs':>22} |")
    print(f"|{'-' * 44}|{'-' * 11}|{'-' * 24}|")
    for name, value in medians.items():
        runs = " ".join(f"{v:.2f}" for v in seconds[name])
        print(f"| {name:<42} | {value:>9.2f} | {runs:>22} |")
    mib = 1 << 20
    print()
    if JQ in medians:
        jq = f"jq select | wc -l, {medians[JQ]:.2f} s"
        report_row("count, all filters / jq select", ratios(seconds[ALL], seconds[JQ]),
                   unit="x", anchor=jq, goal=0.10)  # fmt: skip
        report_row("count, one filter / jq select", ratios(seconds[ONE], seconds[JQ]),
                   unit="x", anchor=jq, goal=0.03)  # fmt: skip
        report_row("count --engine duckdb, all filters / jq select",
                   ratios(seconds[DUCKDB], seconds[JQ]), unit="x", anchor=jq)  # fmt: skip
    report_row("count, one filter / grep -c", ratios(seconds[ONE], seconds[GREP]), unit="x",
               anchor=f"grep -c, {medians[GREP]:.2f} s", goal=2)  # fmt: skip
    report_row("count peak memory, 1M lines", [peaks["full"] / mib], unit="MiB", goal=150)
    report_row("count peak memory, 250k lines", [peaks["quarter"] / mib], unit="MiB", goal=150)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines in the input")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (the median is kept)")
    args = parser.parse_args()
    DATA.mkdir(exist_ok=True)
    path = DATA / f"count-{args.lines}.jsonl"
    quarter = DATA / f"count-{args.lines // 4}.jsonl"
    for target, lines in ((path, args.lines), (quarter, args.lines // 4)):
        if not target.exists():
            generate(target, lines)
    # An installed schemalog has its bytecode compiled; an editable install run under
    # PYTHONDONTWRITEBYTECODE=1 would compile every module again at each start (~30 ms a run).
    compileall.compile_dir(ROOT / "src" / "schemalog", quiet=1)
    jq = shutil.which("jq")
    commands = commands_for(path, jq)
    seconds, outputs = time_rounds(commands, args.rounds)
    count_all = commands[ALL][0]
    assert isinstance(count_all, list)
    peaks = {
        "full": run(count_all, sample=True)[2],
        "quarter": run([*count_all[:-1], str(quarter)], sample=True)[2],
    }
    one = count_of(outputs[ONE], "tool_calls_started")
    width = path.stat().st_size / args.lines
    print(f"\n## count: {args.lines:,} lines, {width:.0f} bytes a line, {len(WEIGHTS)} event types;"
          f" medians of {args.rounds} rounds, {os.cpu_count()} CPUs")  # fmt: skip
    print(f"tool_call_started: count (1 filter) {one:,.0f},"
          f" count (all) {count_of(outputs[ALL], 'tool_calls_started'):,.0f},"
          f" grep -c {int(outputs[GREP]):,}", end="")  # fmt: skip
    print(f", jq {int(outputs[JQ]):,}\n" if jq else "\n")
    report(seconds, peaks)
    if not jq:
        print("\njq is not installed: `make bench` installs it (Debian package jq)")
    elif int(outputs[JQ]) != one:
        raise SystemExit("schemalog count and jq disagree on tool_call_started")
    if summary(outputs[DUCKDB]) != summary(outputs[ALL]):
        raise SystemExit("schemalog count --engine duckdb and the local engine disagree")


def summary(output: str) -> list[tuple[Any, ...]]:
    """Rows of ``count --format json``, sums rounded: additions in another order differ."""
    return [
        (row["filterName"], sorted(row["dimensions"].items()), round(row["Sum"], 6),
         row["SampleCount"], row["Minimum"], row["Maximum"])
        for row in orjson.loads(output)["rows"]
    ]  # fmt: skip


if __name__ == "__main__":
    main()
