"""Tests for schemalog.agent.metrics: the ten metrics, checked against values worked by hand.

The fixture (tests/data/agent_fixture.jsonl) holds six sessions:
  s1 (u1)  start; search#1 100->150 ms; search#2 started at 150 (written before #1's completion),
           fails at 260; search#3 retries #2 at 300, completes at 390; answer_complete;
           session_completed success=true
  s2 (u1)  start; fetch#1 schema error; hallucinated fetch_page#2; lookup#3 1200->1230;
           answer_incomplete; session_completed success=false
  s3 (u2)  start; search#1 2000, fails 2050; fetch#2 started and completed at 2100;
           wrong_tool_error; session_completed success=true
  s4 (u2)  start; lookup#1 3010->3070; session_failed
  s5 (u3)  start; hallucinated Search#1; session_abandoned
  s6 (u3)  no session_start: search#1 5000->5020
and one cache_miss line that is not an agent event.
"""

from __future__ import annotations

import pytest

from schemalog.agent.metrics import METRIC_NAMES, AgentMetrics, group_metrics, nearest_rank
from schemalog.agent.records import AgentRecord, read_records
from tests.paths import DATA

FIXTURE = str(DATA / "agent_fixture.jsonl")


@pytest.fixture(scope="module")
def records() -> list[AgentRecord]:
    """Return the fixture's agent events."""
    return list(read_records([FIXTURE]))


def test_fixture_metrics_equal_the_hand_computed_values(records: list[AgentRecord]) -> None:
    """Every metric over the fixture equals its value worked out by hand (see each comment)."""
    result = AgentMetrics().add_all(records).result()
    assert list(result) == list(METRIC_NAMES)
    # s1, s2, s3 have session_completed; s1..s5 have session_start.
    assert result["task_completion_rate"] == 3 / 5
    # Successful: s1 (3 calls started) and s3 (2 calls started).
    assert result["steps_to_goal"] == (3 + 2) / 2
    # 9 calls started (s1 3, s2 2, s3 2, s4 1, s6 1); 1 schema error + 1 wrong tool + 1 retry.
    assert result["clarity_score"] == pytest.approx(1 - 3 / 9)
    assert result["retry_rate"] == pytest.approx(1 / 9)
    # 2 hallucinated calls (s2, s5) over 6 sessions with agent events (s1..s6).
    assert result["hallucination_rate"] == pytest.approx(2 / 6)
    assert result["schema_violation_rate"] == pytest.approx(1 / 9)
    # Errors in s1 (failed), s2 (schema), s3 (failed); s1 and s3 end in success.
    assert result["recovery_rate"] == pytest.approx(2 / 3)
    # Step latencies: s1 #1 150-100=50 (#2's start at 150 sorts after #1's completion by
    # call_sequence), s1 #3 390-300=90, s2 #3 1230-1200=30, s3 #2 2100-2100=0,
    # s4 3070-3010=60, s6 5020-5000=20 -> sorted 0 20 30 50 60 90: p50 is rank ceil(3)=3,
    # p95 is rank ceil(5.7)=6, the mean is 250/6.
    assert result["latency_per_step_ms"] == {
        "p50": 30.0,
        "p95": 90.0,
        "mean": pytest.approx(250 / 6),
    }
    # search: s1 3 + s3 1 + s6 1; fetch: s2 1 + s3 1; lookup: s2 1 + s4 1 (ties by name).
    assert list(result["tool_popularity"].items()) == [("search", 5), ("fetch", 2), ("lookup", 2)]
    assert result["answer_completeness_rate"] == 1 / 2


def test_zero_denominators_are_none() -> None:
    """With no events every ratio is None, and the popularity is empty."""
    result = AgentMetrics().result()
    assert result["tool_popularity"] == {}
    assert result["latency_per_step_ms"] == {"p50": None, "p95": None, "mean": None}
    others = [
        value
        for name, value in result.items()
        if name not in ("tool_popularity", "latency_per_step_ms")
    ]
    assert others == [None] * 8


def test_session_outcome_counts(records: list[AgentRecord]) -> None:
    """The report header counts sessions started, completed, failed and abandoned."""
    metrics = AgentMetrics().add_all(records)
    assert metrics.session_outcomes() == {"start": 5, "completed": 3, "failed": 1, "abandoned": 1}
    assert metrics.events == 36 - 1  # every line but the cache_miss


def test_by_user(records: list[AgentRecord]) -> None:
    """Per user, the metrics are computed over that user's events only (u1 = s1 + s2)."""
    rows = {row["user_id"]: row for row in group_metrics(records, "user")}
    assert list(rows) == ["u1", "u2", "u3"]
    u1 = rows["u1"]
    assert u1["task_completion_rate"] == 1.0  # s1 and s2 both completed
    assert u1["steps_to_goal"] == 3.0  # only s1 succeeded
    assert u1["clarity_score"] == pytest.approx(1 - 2 / 5)  # 1 retry + 1 schema error, 5 calls
    assert u1["hallucination_rate"] == 0.5  # 1 hallucination, 2 sessions
    assert u1["recovery_rate"] == 0.5  # errors in s1 and s2, s1 succeeded
    assert u1["latency_per_step_ms"] == {"p50": 50.0, "p95": 90.0, "mean": pytest.approx(170 / 3)}
    assert u1["tool_popularity"] == {"search": 3, "fetch": 1, "lookup": 1}


def test_by_session(records: list[AgentRecord]) -> None:
    """Per session; a session without calls has None for every per-call ratio."""
    rows = {row["session_id"]: row for row in group_metrics(records, "session")}
    assert list(rows) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    s5 = rows["s5"]
    assert s5["task_completion_rate"] == 0.0
    assert s5["hallucination_rate"] == 1.0
    assert s5["clarity_score"] is None
    assert s5["steps_to_goal"] is None
    assert rows["s6"]["task_completion_rate"] is None  # no session_start
    assert rows["s3"]["latency_per_step_ms"]["p50"] == 0.0


def test_by_tool(records: list[AgentRecord]) -> None:
    """Per tool: counts, rates and step latency; hallucinated names get rows of their own."""
    rows = group_metrics(records, "tool")
    assert [row["tool_name"] for row in rows] == [
        "search",
        "fetch",
        "lookup",
        "Search",
        "fetch_page",
    ]
    search = rows[0]
    assert {
        k: search[k] for k in ("calls", "completed", "failed", "retries", "wrong_tool_errors")
    } == {
        "calls": 5,
        "completed": 3,
        "failed": 2,
        "retries": 1,
        "wrong_tool_errors": 1,
    }
    assert search["failure_rate"] == 2 / 5
    # search steps: 50 and 90 (s1), 20 (s6)
    assert search["latency_per_step_ms"] == {
        "p50": 50.0,
        "p95": 90.0,
        "mean": pytest.approx(160 / 3),
    }
    assert rows[1]["schema_errors"] == 1
    assert rows[3]["hallucinated"] == 1
    assert rows[3]["failure_rate"] is None


def test_nearest_rank_percentiles() -> None:
    """Nearest rank: the value at rank ceil(p * n / 100)."""
    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 95) == 7
    values = list(range(1, 21))
    assert nearest_rank(values, 50) == 10
    assert nearest_rank(values, 95) == 19
    assert nearest_rank(values, 96) == 20


def test_steps_tied_in_time_without_a_tool_name_are_counted() -> None:
    """Two completions at the same instant, one without tool_name, give latencies, no crash."""
    records = [
        AgentRecord("tool_call_started", 1000, "s1", tool_name="search"),
        AgentRecord("tool_call_completed", 1040, "s1", tool_name="search"),
        AgentRecord("tool_call_completed", 1040, "s1", tool_name=None),
    ]
    assert AgentMetrics().add_all(records).latencies() == [("search", 40), (None, 0)]


def test_sampled_events_count_by_their_weight(records: list[AgentRecord]) -> None:
    """A sampled line (sample_rate 0.5) counts twice in event counts; session sets do not."""
    import dataclasses

    doubled = [
        dataclasses.replace(r, weight=2) if r.event_type == "tool_call_started" else r
        for r in records
    ]
    plain = AgentMetrics().add_all(records)
    sampled = AgentMetrics().add_all(doubled)
    assert sampled.counts["tool_call_started"] == 2 * plain.counts["tool_call_started"] == 18
    # Every started call counted twice: retry and schema error rates halve, popularity doubles.
    result = sampled.result()
    assert result["retry_rate"] == pytest.approx(1 / 18)
    assert result["tool_popularity"] == {"search": 10, "fetch": 4, "lookup": 4}
    assert result["task_completion_rate"] == 3 / 5
    assert group_metrics(doubled, "tool")[0]["calls"] == 10
