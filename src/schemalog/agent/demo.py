"""Simulated agent sessions for ``schemalog demo``: real tracked tools, a scripted model.

The model is a random generator: it picks tools, now and then by a name that does not exist
or with parameters the tool's schema refuses; tools fail at times and the agent retries them
or switches tools. Tools take simulated time, read from the demo's clock, so durations and
step latencies look like a real agent's.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any, Final

from schemalog.agent.middleware import ToolError
from schemalog.agent.tracker import AgentTracker

#: Names the model invents for each real tool.
HALLUCINATED: Final = {
    "search_docs": "search_documents",
    "get_weather": "get_wether",
    "run_sql": "sql_query",
    "fetch_url": "browse",
}
QUERY_SCHEMA: Final = {
    "type": "object",
    "properties": {
        "query": {"type": "string", "minLength": 1},
        "limit": {"type": "integer", "minimum": 1, "maximum": 50},
    },
    "required": ["query"],
    "additionalProperties": False,
}


class SimulatedAgent:
    """A support agent with four tools, run against the demo's simulated clock."""

    def __init__(
        self, rng: random.Random, now: Callable[[], float], advance: Callable[[float], None]
    ) -> None:
        self.rng = rng
        self._advance = advance
        self.tracker = AgentTracker(
            "demo-agent",
            schemas={"search_docs": QUERY_SCHEMA, "run_sql": QUERY_SCHEMA},
            clock=now,
        )
        for tool in (self.search_docs, self.get_weather, self.run_sql, self.fetch_url):
            self.tracker.wrap(tool)

    def _work(self, low: float, high: float, failure_rate: float) -> None:
        """Spend simulated time; fail with ``failure_rate``."""
        self._advance(self.rng.uniform(low, high))
        if self.rng.random() < failure_rate:
            raise TimeoutError("upstream did not answer in time")

    def search_docs(self, query: str, limit: int = 5) -> list[str]:
        """Search the documentation."""
        self._work(0.05, 0.4, 0.05)
        return [f"doc-{query}-{n}" for n in range(self.rng.randint(0, limit))]

    def get_weather(self, city: str) -> dict[str, Any]:
        """Look up the weather."""
        self._work(0.1, 0.6, 0.1)
        return {"city": city, "celsius": self.rng.randint(-5, 30)}

    def run_sql(self, query: str, limit: int = 100) -> list[dict[str, int]]:
        """Run a read-only query."""
        self._work(0.2, 1.5, 0.15 if query.startswith("select") else 0.5)
        return [{"row": n} for n in range(min(limit, self.rng.randint(1, 5)))]

    def fetch_url(self, url: str) -> str:
        """Fetch a page."""
        self._work(0.1, 2.0, 0.2)
        return f"<html>{url}</html>"

    def _request(self) -> tuple[str, dict[str, Any]]:
        """Return the tool call the model asks for."""
        rng = self.rng
        tool = rng.choice(("search_docs", "get_weather", "run_sql", "fetch_url"))
        requests: dict[str, dict[str, Any]] = {
            "search_docs": {"query": f"q{rng.randrange(20)}", "limit": rng.choice([3, 5, 10])},
            "get_weather": {"city": rng.choice(["Oslo", "Lima", "Pune"])},
            "run_sql": {"query": "select * from orders", "limit": rng.choice([10, 100])},
            "fetch_url": {"url": f"https://example.com/{rng.randrange(50)}"},
        }
        params = requests[tool]
        if rng.random() < 0.07:
            tool = HALLUCINATED[tool]
        elif tool in ("search_docs", "run_sql") and rng.random() < 0.08:
            params["limit"] = 0  # refused by the tool's schema
        return tool, params

    def _call(self, tool: str, params: dict[str, Any]) -> Any:
        """Call a tool as an agent loop does: retry a failure once, maybe; follow hints."""
        for _ in range(2):
            try:
                result = self.tracker.call(tool, **params)
            except TypeError:
                return None  # a hint followed to a tool that takes other parameters
            except TimeoutError:
                if self.rng.random() < 0.6:
                    continue  # the same call again: a retry
                return None
            if isinstance(result, ToolError):
                suggestion = result.get("similar_tool_suggested")
                if suggestion and self.rng.random() < 0.8:
                    tool = suggestion
                    continue
                return None
            return result
        return None

    def session(self, user_id: str) -> None:
        """One conversation: a few tool calls, an answer check, and an outcome."""
        rng = self.rng
        try:
            with self.tracker.session(user_id=user_id) as session:
                results = [self._call(*self._request()) for _ in range(rng.randint(1, 5))]
                if rng.random() < 0.05:
                    session.abandon("user_cancelled")
                    return
                if rng.random() < 0.03:
                    raise RuntimeError("the planner ran out of steps")
                useful = [result for result in results if result]
                self.tracker.track_answer_completeness(
                    {
                        "has_result_data": bool(useful),
                        "last_step_answered": bool(results[-1]),
                        "within_length_limit": rng.random() < 0.9,
                    },
                    result_count=len(useful),
                )
        except RuntimeError:
            pass  # recorded as session_failed; the demo goes on


def run_agent_sessions(
    rng: random.Random,
    now: Callable[[], float],
    advance: Callable[[float], None],
    sessions: int,
) -> None:
    """Simulate ``sessions`` agent conversations of 30 users."""
    agent = SimulatedAgent(rng, now, advance)
    for _ in range(sessions):
        agent.session(f"user-{rng.randrange(30):03d}")
