"""Agent benchmark: the per-call overhead of ``@tracker.tool`` next to the plain call.

A tracked call inside a session sanitizes and hashes the parameters, keeps the session's
state and emits two events (``tool_call_started``, ``tool_call_completed``) through a
``logging.FileHandler``; with a parameter schema it also validates the parameters. Figures
are medians over interleaved rounds of the nanoseconds per call. Run it with ``make bench``
or ``python bench/agent.py [--calls N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from _rows import report
from emit import per_call_ns

ROOT = Path(__file__).resolve().parents[1]
#: The goal of issue 17: one tracked call costs at most this many plain events.
GOAL_RATIO = 2.0
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "minLength": 1},
        "limit": {"type": "integer", "minimum": 1, "maximum": 100},
    },
    "required": ["query"],
    "additionalProperties": False,
}


def search(query: str, limit: int = 10) -> list[str]:
    return [query] * min(limit, 3)


async def search_async(query: str, limit: int = 10) -> list[str]:
    return [query] * min(limit, 3)


def async_per_call_ns(
    calls: dict[str, Callable[[], Awaitable[Any]]], count: int, rounds: int
) -> dict[str, float]:
    """Median over ``rounds`` of the nanoseconds per awaited call, rounds interleaved."""
    samples: dict[str, list[float]] = {name: [] for name in calls}

    async def run() -> None:
        for call in calls.values():
            for _ in range(min(count, 1000)):
                await call()
        for _ in range(rounds):
            for name, call in calls.items():
                started = time.perf_counter_ns()
                for _ in range(count):
                    await call()
                samples[name].append((time.perf_counter_ns() - started) / count)

    asyncio.run(run())
    return {name: statistics.median(values) for name, values in samples.items()}


def discarding(calls: dict[str, Callable[[], object]]) -> dict[str, Callable[[], None]]:
    """Return the calls as functions that drop their result (one frame more for each alike)."""

    def wrap(call: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            call()

        return run

    return {name: wrap(call) for name, call in calls.items()}


class Queries:
    """Distinct parameters for every call (a repeated call would also be a retry)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> str:
        """Return a query never asked before."""
        self.count += 1
        return f"refund policy {self.count}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2_000, help="calls per round")
    parser.add_argument("--rounds", type=int, default=9, help="rounds (the median is kept)")
    args = parser.parse_args()

    import schemalog
    from schemalog.agent import AgentTracker

    queries = Queries()
    with tempfile.TemporaryDirectory(prefix="schemalog-bench-") as tmp:
        path = Path(tmp) / "agent.jsonl"

        def configure(level: str) -> None:
            schemalog.configure(
                service="bench",
                sinks=[logging.FileHandler(path, encoding="utf-8")],
                schemas=ROOT / "schemas",
                on_invalid="raise",
                level=level,
            )

        configure("info")
        tracker = AgentTracker("bench", schemas={"search_checked": SCHEMA})
        tracked = tracker.wrap(search, name="search")
        checked = tracker.wrap(search, name="search_checked")
        tracked_async = tracker.wrap(search_async, name="search_async")
        log = schemalog.get_logger("bench.reference").bind(mcp_name="bench")
        session = tracker.session(user_id="user-042")
        session.__enter__()  # one long session, as an agent's conversation would be
        sync_ns = per_call_ns(
            discarding(
                {
                    "plain call": lambda: search(query=queries(), limit=5),
                    "@tracker.tool": lambda: tracked(query=queries(), limit=5),
                    "@tracker.tool, repeated params": lambda: tracked(query="refunds", limit=5),
                    "@tracker.tool + schema check": lambda: checked(query=queries(), limit=5),
                    "one event alone (log.info)": lambda: log.info(
                        "tool_call_started",
                        tool_name="search",
                        tool_params={"query": queries()},
                        call_sequence=1,
                    ),
                }
            ),
            args.calls,
            args.rounds,
        )
        async_ns = async_per_call_ns(
            {
                "plain await": lambda: search_async(query=queries(), limit=5),
                "@tracker.tool (async)": lambda: tracked_async(query=queries(), limit=5),
            },
            args.calls,
            args.rounds,
        )
        lines = sum(1 for _ in path.open())
        configure("warning")  # info events off: what is left is the tracker's bookkeeping
        quiet_ns = per_call_ns(
            discarding(
                {
                    "plain call": lambda: search(query=queries(), limit=5),
                    "@tracker.tool, info events off": lambda: tracked(query=queries(), limit=5),
                }
            ),
            args.calls,
            args.rounds,
        )
        session.__exit__(None, None, None)
        schemalog.shutdown()

    print(f"\n## agent: median ns per tool call ({args.rounds} rounds of {args.calls:,})")
    print(
        f"{lines:,} events written through logging.FileHandler: 2 per tracked call"
        " (3 with repeated params: each call is also a retry)\n"
    )
    print(f"| {'call':<34} | {'ns/call':>10} | {'overhead':>10} |")
    print(f"|{'-' * 36}|{'-' * 12}|{'-' * 12}|")
    for table, base in (
        (sync_ns, "plain call"),
        (async_ns, "plain await"),
        (quiet_ns, "plain call"),
    ):
        for name, value in table.items():
            if table is quiet_ns and name == base:
                continue
            overhead = "" if name == base else f"{value - table[base]:,.0f}"
            print(f"| {name:<34} | {value:>10,.0f} | {overhead:>10} |")
    ratio = sync_ns["@tracker.tool"] / sync_ns["one event alone (log.info)"]
    print(
        f"\none tracked call (started + completed) / one plain event: {ratio:.2f}x"
        f" (goal <= {GOAL_RATIO:.0f}x: {'met' if ratio <= GOAL_RATIO else 'MISSED'})"
    )
    plain = sync_ns["one event alone (log.info)"]
    report("agent: one tracked call (started + completed) / one plain event", [ratio],
           unit="x", anchor=f"one plain event, {plain:,.0f} ns", goal=GOAL_RATIO)  # fmt: skip
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown, as bench/emit.py does


if __name__ == "__main__":
    main()
