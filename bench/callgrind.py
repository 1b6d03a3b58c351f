"""Instructions per event under ``valgrind --tool=callgrind``: steadier than time on a busy machine.

Each route of ``bench/emit.py`` (schemalog through a stdlib ``FileHandler``, schemalog's own
file sink, python-json-logger, the stdlib floor) runs in a fresh interpreter under callgrind
twice: once set up and warmed with no measured events, once with ``--events`` more. The
difference of the two instruction totals, divided by ``--events``, is the cost of one event
without interpreter start-up, imports and set-up. Medians over ``--runs``. Needs ``valgrind``
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

from emit import WORKLOADS, print_table

HERE = Path(__file__).resolve().parent
ROUTES = {
    "schemalog (FileHandler)": "schemalog",
    "schemalog (file: sink)": "schemalog (file: sink)",
    "python-json-logger": "python-json-logger",
    "stdlib floor (pre-serialized)": "stdlib floor (pre-serialized)",
}
#: Goals of issue 17 for schemalog's best route, in instructions per event.
GOALS = {"chat": 55_000, "agent": 70_000}
_CHILD = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, {here!r})
import emit
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
    code = _CHILD.format(here=str(HERE), workload=workload, route=route, events=events)
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


def per_event(route: str, workload: str, events: int, runs: int) -> float:
    """Median over ``runs`` of the instructions one event adds."""
    samples = [
        (instructions(route, workload, events) - instructions(route, workload, 0)) / events
        for _ in range(runs)
    ]
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000, help="measured events per run")
    parser.add_argument("--runs", type=int, default=1, help="runs (the median is kept)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("\n## callgrind: valgrind is not installed; instruction counts not measured")
        return
    counts = {
        (label, work.name): per_event(route, work.name, args.events, args.runs)
        for label, route in ROUTES.items()
        for work in WORKLOADS
    }
    print(f"\n## callgrind: instructions per event ({args.events:,} events, median of {args.runs})")
    print("(a run with no measured events subtracted: start-up, imports and set-up excluded)\n")
    print_table(
        ("route", *(f"{w.name} instr/event" for w in WORKLOADS)),
        [(label, *(f"{counts[label, w.name]:,.0f}" for w in WORKLOADS)) for label in ROUTES],
    )
    print()
    rows = []
    for label in ("schemalog (FileHandler)", "schemalog (file: sink)"):
        values = [counts[label, w.name] for w in WORKLOADS]
        met = all(v <= GOALS[w.name] for v, w in zip(values, WORKLOADS, strict=True))
        goal = " / ".join(f"{GOALS[w.name]:,}" for w in WORKLOADS)
        verdict = "met" if met else "MISSED"
        rows.append((label, *(f"{v:,.0f}" for v in values), f"<= {goal}", verdict))
    print_table(("instructions per event", *(w.name for w in WORKLOADS), "goal", ""), rows)


if __name__ == "__main__":
    main()
