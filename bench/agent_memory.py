"""Agent memory benchmark: RSS growth over 200,000 distinct tracked tool calls.

One long session (an agent's conversation) makes N tool calls, each with parameters never
seen before, through ``@tracker.tool`` with events written to a file. The resident set size
(``/proc/self/statm``) is read after 1,000 warm-up calls and after the N calls; the growth is
what the tracker kept. Each setting runs in a fresh interpreter: the tracker's defaults
(bounded: ``retry_memory``, ``history_size``), and the same with the bounds lifted, which is
what the tracker did before it had them. Run it with ``make bench`` or
``python bench/agent_memory.py [--calls N]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _rows import report

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
WARM_UP = 1_000
#: The goal of issue 17: growth after 200k distinct calls.
GOAL_MIB = 20.0


def rss_bytes() -> int:
    """Return this process's resident set size, in bytes."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure(calls: int, unbounded: bool) -> dict[str, float]:
    """Run ``calls`` distinct tracked calls in one session; return the RSS growth in MiB."""
    import schemalog
    from schemalog.agent import AgentTracker

    with tempfile.TemporaryDirectory(prefix="schemalog-bench-") as tmp:
        schemalog.configure(
            service="bench",
            sinks=[logging.FileHandler(Path(tmp) / "agent.jsonl", encoding="utf-8")],
            schemas=ROOT / "schemas",
        )
        if unbounded:
            tracker = AgentTracker("bench", retry_memory=10**9, history_size=10**9)
        else:
            tracker = AgentTracker("bench")

        @tracker.tool
        def search(query: str, limit: int = 10) -> list[str]:
            return [query] * min(limit, 1)

        with tracker.session(user_id="user-042") as session:
            for number in range(WARM_UP):
                search(query=f"warm-up {number}", limit=5)
            before = rss_bytes()
            for number in range(calls):
                search(query=f"refund policy {number}", limit=5)
            after = rss_bytes()
            kept = len(tracker.get_session_events(session.session_id))
        schemalog.shutdown()
    return {"growth_mib": (after - before) / MIB, "events_kept": kept}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200_000, help="distinct calls")
    parser.add_argument("--child", choices=["bounded", "unbounded"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.calls, args.child == "unbounded")))
        return
    rows = []
    for setting in ("bounded", "unbounded"):
        out = subprocess.run(
            [sys.executable, __file__, "--calls", str(args.calls), "--child", setting],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows.append((setting, json.loads(out.strip().splitlines()[-1])))
    print(f"\n## agent memory: RSS growth over {args.calls:,} distinct tracked calls, one session")
    print(f"goal: bounded growth <= {GOAL_MIB:.0f} MiB\n")
    print(f"| {'setting':<42} | {'RSS growth':>12} | {'events kept':>11} | {'goal':>5} |")
    print(f"|{'-' * 44}|{'-' * 14}|{'-' * 13}|{'-' * 7}|")
    for setting, result in rows:
        name = (
            "defaults (retry_memory, history_size)"
            if setting == "bounded"
            else "bounds lifted (10**9 each: no bound)"
        )
        growth = result["growth_mib"]
        met = ("met" if growth <= GOAL_MIB else "MISSED") if setting == "bounded" else ""
        print(f"| {name:<42} | {growth:>8.1f} MiB | {result['events_kept']:>11,.0f} | {met:>5} |")
        if setting == "bounded":
            report(f"agent: RSS growth over {args.calls:,} distinct tracked calls", [growth],
                   unit="MiB", anchor="bounds lifted: next row", goal=GOAL_MIB)  # fmt: skip
        else:
            report(f"agent: RSS growth over {args.calls:,} calls, bounds lifted", [growth],
                   unit="MiB")  # fmt: skip


if __name__ == "__main__":
    main()
