"""The ten agent metrics of seed 002, computed from agent events (``docs/agent-metrics.md``).

Every metric is a count or a ratio over the events given, exactly as the SQL in
``docs/sql/agent/`` computes it, so the two always agree. A sampled line (``sample_rate``)
counts ``1 / sample_rate`` events in the event counts (the SQL's scaled form is in
docs/agent-metrics.md); the sets of sessions and the latencies are taken from the lines as
they are. A ratio whose denominator is zero
is None (JSON ``null``). Percentiles are nearest-rank: the smallest value with at least p% of
the values at or below it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Final, Literal

from schemalog.agent.records import AgentRecord

#: The metrics, in the order reports show them (the keys of ``schemalog report agent``'s JSON).
METRIC_NAMES: Final = (
    "task_completion_rate",
    "steps_to_goal",
    "clarity_score",
    "retry_rate",
    "hallucination_rate",
    "schema_violation_rate",
    "recovery_rate",
    "latency_per_step_ms",
    "tool_popularity",
    "answer_completeness_rate",
)
GroupBy = Literal["session", "user", "tool"]
_ERROR_EVENTS: Final = frozenset({"tool_call_failed", "schema_validation_error"})
_STEP_RANK: Final = {"tool_call_started": 0, "tool_call_completed": 1}

#: One step event: (timestamp ms, call_sequence missing?, call_sequence, rank, tool name).
_Step = tuple[int, bool, int, int, str | None]


def _step_order(step: _Step) -> tuple[int, bool, int, int]:
    return step[:4]


def ratio(numerator: float, denominator: float) -> float | None:
    """Return ``numerator / denominator``, or None when the denominator is zero."""
    return None if denominator == 0 else numerator / denominator


def nearest_rank(ordered: list[int], percent: int) -> int | None:
    """Return the nearest-rank ``percent``-th percentile of the sorted values (None if empty)."""
    if not ordered:
        return None
    rank = -(-percent * len(ordered) // 100)  # ceil(percent * n / 100), in integers
    return ordered[max(rank, 1) - 1]


def latency_summary(samples: Iterable[int]) -> dict[str, float | None]:
    """Return ``{"p50", "p95", "mean"}`` of latency samples in milliseconds (None if none)."""
    ordered = sorted(samples)
    p50 = nearest_rank(ordered, 50)
    p95 = nearest_rank(ordered, 95)
    return {
        "p50": None if p50 is None else float(p50),
        "p95": None if p95 is None else float(p95),
        "mean": ratio(sum(ordered), len(ordered)),
    }


class AgentMetrics:
    """Accumulates agent events; :meth:`result` returns the ten metrics over all of them."""

    def __init__(self) -> None:
        self.events: float = 0
        self.counts: defaultdict[str, float] = defaultdict(int)
        #: Sessions (non-null session_id) of any agent event.
        self.sessions: set[str] = set()
        #: Sessions by the event types they contain (session_start, session_completed, ...).
        self.sessions_with: defaultdict[str, set[str]] = defaultdict(set)
        self.successful_sessions: set[str] = set()
        self.errored_sessions: set[str] = set()
        self.steps_per_session: defaultdict[str | None, float] = defaultdict(int)
        self.popularity: defaultdict[str, float] = defaultdict(int)
        self._steps: defaultdict[str | None, list[_Step]] = defaultdict(list)

    def add(self, record: AgentRecord) -> None:
        """Count one event."""
        event_type = record.event_type
        session = record.session_id
        self.events += record.weight
        self.counts[event_type] += record.weight
        if session is not None:
            self.sessions.add(session)
            self.sessions_with[event_type].add(session)
            if event_type == "session_completed" and record.success:
                self.successful_sessions.add(session)
            elif event_type in _ERROR_EVENTS:
                self.errored_sessions.add(session)
        rank = _STEP_RANK.get(event_type)
        if rank is not None:
            sequence = record.call_sequence
            step = (record.ts_ms, sequence is None, sequence or 0, rank, record.tool_name)
            self._steps[session].append(step)
            if rank == 0:
                self.steps_per_session[session] += record.weight
                self.popularity[record.tool_name or ""] += record.weight

    def add_all(self, records: Iterable[AgentRecord]) -> AgentMetrics:
        """Count every event; return self."""
        for record in records:
            self.add(record)
        return self

    def latencies(self) -> list[tuple[str | None, int]]:
        """Return ``(tool_name, ms)`` for each ``tool_call_completed`` with a step before it.

        A step's latency is the time since the previous ``tool_call_started`` or
        ``tool_call_completed`` of the same session, in the order (timestamp, call_sequence,
        started before completed).
        """
        samples = []
        for steps in self._steps.values():
            previous: int | None = None
            # Ties keep file order: the tool name (maybe None) is not a sort key.
            for ts_ms, _, _, rank, tool_name in sorted(steps, key=_step_order):
                if rank == 1 and previous is not None:
                    samples.append((tool_name, ts_ms - previous))
                previous = ts_ms
        return samples

    def result(self) -> dict[str, Any]:
        """Return the ten metrics, keyed by :data:`METRIC_NAMES`."""
        counts = self.counts
        started = counts["tool_call_started"]
        successful = self.successful_sessions
        steps = sum(self.steps_per_session[session] for session in successful)
        unclear = (
            counts["schema_validation_error"]
            + counts["wrong_tool_error"]
            + counts["tool_call_retry"]
        )
        clarity = ratio(unclear, started)
        answers = counts["answer_complete"] + counts["answer_incomplete"]
        popularity = sorted(self.popularity.items(), key=lambda item: (-item[1], item[0]))
        return {
            "task_completion_rate": ratio(
                len(self.sessions_with["session_completed"]),
                len(self.sessions_with["session_start"]),
            ),
            "steps_to_goal": ratio(steps, len(successful)),
            "clarity_score": None if clarity is None else 1.0 - clarity,
            "retry_rate": ratio(counts["tool_call_retry"], started),
            "hallucination_rate": ratio(counts["hallucinated_tool_call"], len(self.sessions)),
            "schema_violation_rate": ratio(counts["schema_validation_error"], started),
            "recovery_rate": ratio(
                len(self.errored_sessions & successful), len(self.errored_sessions)
            ),
            "latency_per_step_ms": latency_summary(ms for _, ms in self.latencies()),
            "tool_popularity": dict(popularity),
            "answer_completeness_rate": ratio(counts["answer_complete"], answers),
        }

    def session_outcomes(self) -> dict[str, int]:
        """Return how many sessions started, completed, failed and were abandoned."""
        return {
            name: len(self.sessions_with[f"session_{name}"])
            for name in ("start", "completed", "failed", "abandoned")
        }


#: Per-tool counts: the column, and the event type it counts.
TOOL_COUNTS: Final = (
    ("calls", "tool_call_started"),
    ("completed", "tool_call_completed"),
    ("failed", "tool_call_failed"),
    ("retries", "tool_call_retry"),
    ("schema_errors", "schema_validation_error"),
    ("wrong_tool_errors", "wrong_tool_error"),
    ("hallucinated", "hallucinated_tool_call"),
)


def tool_breakdown(records: Iterable[AgentRecord]) -> list[dict[str, Any]]:
    """Return one row per tool name: counts, rates and step latency of that tool's calls.

    A hallucinated call counts under the name requested, a wrong-tool error under the tool
    switched away from; rows are sorted by calls, most first.
    """
    overall = AgentMetrics()
    per_tool: defaultdict[str, defaultdict[str, float]] = defaultdict(lambda: defaultdict(int))
    for record in records:
        overall.add(record)
        per_tool[record.tool_name or ""][record.event_type] += record.weight
    latencies: defaultdict[str, list[int]] = defaultdict(list)
    for tool_name, ms in overall.latencies():
        latencies[tool_name or ""].append(ms)
    rows = []
    for tool_name, counts in per_tool.items():
        if not tool_name:
            continue  # session and answer events name no tool
        row: dict[str, Any] = {"tool_name": tool_name}
        row.update({column: counts[event] for column, event in TOOL_COUNTS})
        calls = counts["tool_call_started"]
        row["failure_rate"] = ratio(counts["tool_call_failed"], calls)
        row["retry_rate"] = ratio(counts["tool_call_retry"], calls)
        row["schema_violation_rate"] = ratio(counts["schema_validation_error"], calls)
        row["latency_per_step_ms"] = latency_summary(latencies[tool_name])
        rows.append(row)
    rows.sort(key=lambda row: (-row["calls"], -row["hallucinated"], row["tool_name"]))
    return rows


def group_metrics(records: Iterable[AgentRecord], by: GroupBy) -> list[dict[str, Any]]:
    """Return one row per session, user or tool: its key, then its metrics."""
    if by == "tool":
        return tool_breakdown(records)
    key = "session_id" if by == "session" else "user_id"
    groups: defaultdict[str | None, AgentMetrics] = defaultdict(AgentMetrics)
    for record in records:
        groups[getattr(record, key)].add(record)
    ordered = sorted(groups.items(), key=lambda item: (item[0] is None, item[0] or ""))
    return [{key: name, **metrics.result()} for name, metrics in ordered]
