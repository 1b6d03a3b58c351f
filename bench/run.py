"""Run the benchmarks under bench/ (``make bench``) and write ``bench/RESULTS.md``.

Each benchmark runs in a fresh interpreter.
A benchmark is any ``bench/*.py`` file other than this one and files starting with ``_``.
``python bench/run.py count startup`` runs only the named ones.

How a script reports its figures (the one convention, see ``bench/_rows.py``): each figure is
one line on stdout holding a JSON object with the key ``"row"``: the figure's name, ``value``
(the median), ``runs`` (one value per run or round), ``unit``, ``anchor`` (what it is measured
against, with the anchor's figure from the same run), ``goal`` (text such as ``"<= 0.10"``)
and ``met`` (true, false, or null for a figure kept for information). In Python::

    from _rows import report, ratios
    report("count, all filters / jq select", ratios(mine, jq), unit="x",
           anchor=f"jq select, {median(jq):.2f} s", goal=0.10)

Everything else a script prints is shown as it is. This script collects the rows of every
script into ``bench/RESULTS.md`` with the date and the machine (CPUs, load, Python).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"


def _rows_of(line: str) -> dict[str, Any] | None:
    if not line.startswith('{"row"'):
        return None
    try:
        row = json.loads(line)
    except ValueError:
        return None
    return row if isinstance(row, dict) else None


def run_script(script: Path) -> tuple[int, list[dict[str, Any]]]:
    """Run one script, echo its output, and return its exit code and its result rows."""
    rows = []
    with subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=HERE.parent
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            row = _rows_of(line)
            if row is None:
                print(line, end="", flush=True)
            else:
                rows.append({**row, "bench": script.stem})
    return process.returncode, rows


def _machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"{os.cpu_count()} CPUs{f' ({model})' if model else ''}, load average at the end"
        f" {load}; Python {platform.python_version()} ({platform.python_implementation()}),"
        f" {platform.system()} {platform.release()}"
    )


def _cell(value: Any) -> str:
    return "" if value is None else str(value).replace("|", "\\|")


def write_results(rows: list[dict[str, Any]], failed: list[str], started: float) -> None:
    """Write bench/RESULTS.md: one table row per figure, with its range and goal."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`bench/run.py`) on {when}, in {time.time() - started:.0f} s.",
        f"Machine: {_machine()}.",
        "Each figure is the median of the runs shown as a range; each anchor was measured in"
        " the same run. A shared machine is noisy: compare ranges, not single digits.",
        "",
        "| bench | figure | median | range | anchor (same run) | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        runs = row.get("runs") or []
        span = f"{min(runs):.3g} to {max(runs):.3g}" if runs else ""
        met = {True: "yes", False: "**no**", None: ""}[row.get("met")]
        lines.append(
            f"| {row['bench']} | {_cell(row['row'])} | {row['value']:.3g} {_cell(row.get('unit'))}"
            f" | {span} | {_cell(row.get('anchor'))} | {_cell(row.get('goal'))} | {met} |"
        )
    if failed:
        lines += ["", f"Failed (no rows, or not all): {', '.join(failed)}."]
    RESULTS.write_text("\n".join(lines) + "\n")


def main(names: list[str]) -> int:
    scripts = sorted(
        p for p in HERE.glob("*.py") if p.name != "run.py" and not p.name.startswith("_")
    )
    if names:
        scripts = [p for p in scripts if p.stem in names]
    started = time.time()
    failed, rows = [], []
    for script in scripts:
        print(f"\n# {script.name}", flush=True)
        code, found = run_script(script)
        rows += found
        if code != 0:
            failed.append(script.name)
    write_results(rows, failed, started)
    print(f"\n{len(rows)} figures written to {RESULTS.relative_to(HERE.parent)}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
