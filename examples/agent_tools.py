"""A small support agent whose tool calls are tracked with schemalog.agent.

Nine conversations run at once as asyncio tasks. The "model" is scripted: it asks for real
Python tools, sometimes by a name that does not exist, sometimes with bad parameters; a tool
times out or fails now and then, and the agent retries, follows the tracker's suggestions or
switches tools. Every step lands in ``logs/agent-events.jsonl`` as cataloged events, and the
report is printed at the end. Run it from the repository root::

    python examples/agent_tools.py            # or: python examples/agent_tools.py OUT.jsonl
    schemalog report agent --by tool logs/agent-events.jsonl
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import schemalog
from schemalog.agent import AgentTracker, ToolError
from schemalog.cli.main import main as schemalog_cli

DOCS = {
    "refund-policy": "Refunds within 30 days of purchase, to the original payment method.",
    "shipping": "Orders ship within 2 business days; express shipping is next day.",
    "shipping-abroad": "International shipping takes 5 to 10 days; customs fees may apply.",
    "exchange-rates": "Prices are converted at the daily ECB reference rate.",
}
RATES = {("EUR", "USD"): 1.08, ("GBP", "EUR"): 1.17, ("USD", "EUR"): 0.93}
ORDERS = {1042: {"status": "shipped", "carrier": "DHL"}, 2001: {"status": "packing"}}

tracker = AgentTracker(
    "support-agent",
    schemas={
        "search_docs": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1},
                "limit": {"type": "integer", "minimum": 1, "maximum": 10},
            },
            "required": ["query"],
            "additionalProperties": False,
        },
        "get_exchange_rate": {
            "type": "object",
            "properties": {
                "base": {"type": "string", "pattern": "^[A-Z]{3}$"},
                "quote": {"type": "string", "pattern": "^[A-Z]{3}$"},
            },
            "required": ["base", "quote"],
            "additionalProperties": False,
        },
    },
)
_order_requests: Counter[tuple[str, int]] = Counter()


@tracker.tool
def search_docs(query: str, limit: int = 3) -> list[str]:
    """Return the titles of the documents matching every word of the query."""
    words = query.lower().split()
    hits = [
        title for title, text in DOCS.items() if all(w in f"{title} {text}".lower() for w in words)
    ]
    return hits[:limit]


@tracker.tool
def get_exchange_rate(base: str, quote: str) -> float:
    """Return the exchange rate; KeyError for a pair the rate table lacks."""
    return RATES[(base, quote)]


@tracker.tool
async def fetch_order(order_id: int) -> dict[str, Any]:
    """Ask the (slow, flaky) warehouse API about an order."""
    await asyncio.sleep(0.02)
    session_id = schemalog.current_context().get("session_id", "")
    _order_requests[(session_id, order_id)] += 1
    if _order_requests[(session_id, order_id)] == 1 and order_id in ORDERS:
        raise TimeoutError("warehouse API did not answer in 20 ms")  # first try, every time
    if order_id not in ORDERS:
        raise LookupError(f"no order {order_id}")
    return ORDERS[order_id]


#: Each conversation: the user, then the calls the model asks for, in order.
CONVERSATIONS: list[tuple[str, list[tuple[str, dict[str, Any]]]]] = [
    ("user-01", [("search_docs", {"query": "refund"})]),
    ("user-02", [("getExchangeRate", {"base": "EUR", "quote": "USD"})]),
    ("user-03", [("fetch_order", {"order_id": 1042})]),
    (
        "user-01",
        [
            ("get_exchange_rate", {"base": "GBP", "quote": "JPY"}),
            ("search_docs", {"query": "exchange"}),
        ],
    ),
    (
        "user-04",
        [
            ("search_docs", {"query": "shipping", "limit": "ten"}),
            ("search_docs", {"query": "shipping", "limit": 10}),
        ],
    ),
    ("user-02", [("fetch_order", {"order_id": 7})]),
    ("user-04", [("cancel_subscription", {"plan": "pro"})]),
    ("user-03", [("search_docs", {"query": "refund policy"}), ("fetch_order", {"order_id": 2001})]),
    ("user-05", [("search_docs", {"query": "shipping to mars"})]),
]


async def ask(name: str, params: dict[str, Any]) -> Any:
    """Make one call the way an agent loop does: follow suggestions, retry a failure once."""
    for attempt in range(2):
        try:
            result = await tracker.acall(name, **params)
        except (TimeoutError, KeyError, LookupError):
            if attempt == 0:
                continue  # the same call again: a retry
            return None
        if isinstance(result, ToolError) and result.get("similar_tool_suggested"):
            name = result["similar_tool_suggested"]  # the tracker knew the real name
            continue
        return None if isinstance(result, ToolError) else result
    return None


async def conversation(user_id: str, plan: list[tuple[str, dict[str, Any]]]) -> None:
    """One user session: the model's calls, then a completeness check of the answer."""
    async with tracker.session(user_id=user_id) as session:
        results = [await ask(name, params) for name, params in plan]
        useful = [result for result in results if result]
        if not useful and any(name not in tracker.manifest for name, _ in plan):
            session.abandon("no_tool_for_task")
            return
        if not useful and plan[0][0] == "fetch_order":
            raise LookupError("the order could not be found")  # the session fails
        tracker.track_answer_completeness(
            {
                "has_result_data": bool(useful),
                "last_step_answered": bool(results[-1]),
                "cites_a_document": any(isinstance(result, list) for result in useful),
            },
            threshold=0.6,
            result_count=len(useful),
        )


async def run_all() -> None:
    """Run every conversation concurrently; a failed one does not stop the others."""
    outcomes = await asyncio.gather(
        *(conversation(user, plan) for user, plan in CONVERSATIONS), return_exceptions=True
    )
    for outcome in outcomes:
        if isinstance(outcome, BaseException) and not isinstance(outcome, LookupError):
            raise outcome


if __name__ == "__main__":
    log_path = Path(sys.argv[1] if len(sys.argv) > 1 else "logs/agent-events.jsonl")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.unlink(missing_ok=True)
    schemalog.configure(service="support-agent", sinks=[f"file:{log_path}"])
    asyncio.run(run_all())
    schemalog.shutdown()
    print(f"wrote {log_path}\n")
    sys.exit(schemalog_cli(["report", "agent", str(log_path)]))
