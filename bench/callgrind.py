"""Instructions per event under ``valgrind --tool=callgrind``: steadier than time on a busy machine.

Each route of ``bench/emit.py`` (schemalog through a stdlib ``FileHandler``, schemalog's own
file sink, python-json-logger, the stdlib floor) runs in a fresh interpreter under callgrind
twice: once set up and warmed with no measured events, once with ``--events`` more. The
difference of the two instruction totals, divided by ``--events``, is the cost of one event
without interpreter start-up, imports and set-up. Medians over ``--runs``.

schemalog's clock moves 10 µs per event (``emit.CLOCK``), as it would natively: valgrind runs
a program 50 to 100 times slower, so with the wall clock every event would start a new
millisecond and pay the stamp's once-a-millisecond formatting, which natively about one event
in a hundred pays (and the count would move with the machine's speed). Needs ``valgrind``
(skipped with a note when it is missing). Run it with ``make bench`` or
``python bench/callgrind.py [--events N] [--runs R]``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from _rows import report
from emit import WORKLOADS, print_table

HERE = Path(__file__).resolve().parent
ROUTES = {
    "schemalog (FileHandler)": "schemalog",
    "schemalog (file: sink)": "schemalog (file: sink)",
    "python-json-logger": "python-json-logger",
    "stdlib floor (pre-serialized)": "stdlib floor (pre-serialized)",
}
#: Goals of issue 17 for schemalog's best route (its file sink), in instructions per event.
GOALS = {"chat": 55_000, "agent": 70_000}
#: Seconds schemalog's clock moves per event: about what one event takes natively (5-10 µs).
NATIVE_SECONDS = 1e-5
_CHILD = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, {here!r})
import itertools
import emit
emit.CLOCK = itertools.count(1.7e9, {tick!r}).__next__  # native pace: see emit.CLOCK
work = next(w for w in emit.WORKLOADS if w.name == {workload!r})
call = emit.SETUPS[{route!r}](Path(tempfile.mkdtemp(prefix="schemalog-callgrind-")), work)
for _ in range(300):
    call()
for _ in range({events}):
    call()
"""
_COLLECTED = re.compile(r"Collected : (\d+)")


def instructions(route: str, workload: str, events: int) -> int:
    """Total instructions of a fresh interpreter that sets up ``route`` and emits ``events``."""
    code = _CHILD.format(
        here=str(HERE), workload=workload, route=route, events=events, tick=NATIVE_SECONDS
    )
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            "-c",
            code,
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same set and dict layouts every run
    )
    match = _COLLECTED.search(result.stderr)
    if match is None:
        raise RuntimeError(f"no instruction total in callgrind's output:\n{result.stderr[-2000:]}")
    return int(match.group(1))


def per_event(route: str, workload: str, events: int, runs: int) -> list[float]:
    """Return, for each of ``runs`` runs, the instructions one event adds."""
    return [
        (instructions(route, workload, events) - instructions(route, workload, 0)) / events
        for _ in range(runs)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000, help="measured events per run")
    parser.add_argument("--runs", type=int, default=1, help="runs (the median is kept)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("\n## callgrind: valgrind is not installed; instruction counts not measured")
        return
    runs = {
        (label, work.name): per_event(route, work.name, args.events, args.runs)
        for label, route in ROUTES.items()
        for work in WORKLOADS
    }
    counts = {key: statistics.median(values) for key, values in runs.items()}
    print(f"\n## callgrind: instructions per event ({args.events:,} events, median of {args.runs})")
    print("(a run with no measured events subtracted: start-up, imports and set-up excluded)\n")
    print_table(
        ("route", *(f"{w.name} instr/event" for w in WORKLOADS)),
        [(label, *(f"{counts[label, w.name]:,.0f}" for w in WORKLOADS)) for label in ROUTES],
    )
    floor = "stdlib floor (pre-serialized)"
    for work in WORKLOADS:
        for label in ("schemalog (file: sink)", "schemalog (FileHandler)"):
            report(
                f"{work.name} event, instructions per event, {label}",
                runs[label, work.name],
                unit="instructions",
                anchor=f"{floor}, {counts[floor, work.name]:,.0f}; python-json-logger,"
                f" {counts['python-json-logger', work.name]:,.0f}",
                goal=GOALS[work.name] if label == "schemalog (file: sink)" else None,
            )


if __name__ == "__main__":
    main()
