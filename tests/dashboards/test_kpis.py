"""Every KPI of seed 004, computed by the engine, equals a plain-Python derivation of it."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime
from statistics import mean
from typing import Any

import pytest

from schemalog.dashboards.definitions import all_kpis, load_dashboards
from schemalog.dashboards.kpis import Report, by_dashboard, compute, in_range, timeline
from schemalog.filters.filterdir import bundled_filters_dir, load_filters
from schemalog.insights import event
from tests.dashboards.traffic import make_traffic

EVENTS = make_traffic()


def ms(record: dict[str, Any]) -> int:
    """Epoch milliseconds of a record's timestamp, read independently of the engine."""
    return round(datetime.fromisoformat(record["timestamp"]).timestamp() * 1000)


def of(*types: str) -> list[dict[str, Any]]:
    return [e for e in EVENTS if e["event_type"] in types]


COUNTS = Counter(e["event_type"] for e in EVENTS)
PROMPTS = COUNTS["chat_completion_request_start"]


def _pair_durations(starts: tuple[str, ...], ends: tuple[str, ...], key: str) -> list[int]:
    began = {e[key]: ms(e) for e in of(*starts)}
    ended = {e[key]: ms(e) for e in of(*ends)}
    return [ended[k] - began[k] for k in began.keys() & ended.keys()]


def _keys_per_user() -> float:
    keys: defaultdict[str, set[str]] = defaultdict(set)
    for e in of("api_key_created"):
        keys[e["user_id"]].add(e["api_key_id"])
    return mean(len(v) for v in keys.values())


def _latest_model_count() -> float:
    latest = max(of("cache_refresh", "model_service_init_success"), key=ms)
    return float(latest["model_count"])


USERS = {e["user_id"] for e in EVENTS if "user_id" in e}
PROXY_ERRORS = sum(n for t, n in COUNTS.items() if "proxy" in t and t.endswith("_error"))
PROXY_CALLS = sum(
    COUNTS[t]
    for t in ("proxy_session_creation_start", "stream_request_start", "chat_completions_start")
)
AUTH = COUNTS["api_key_validation_failed"] + COUNTS["jwt_validation_error"]
HITS, MISSES = COUNTS["cache_hit"], COUNTS["cache_miss"]
STREAMING = sum(e["stream_requested"] for e in of("chat_completion_request_start"))

EXPECTED: dict[str, Callable[[], float]] = {
    "sessions_created": lambda: COUNTS["proxy_session_response"],
    "sessions_closed": lambda: COUNTS["proxy_session_closed"],
    "active_sessions": lambda: COUNTS["proxy_session_response"] - COUNTS["proxy_session_closed"],
    "session_reuse_rate": lambda: (
        COUNTS["existing_session_reused"] / COUNTS["automated_session_creation_start"]
    ),
    "avg_session_duration": lambda: (
        mean(_pair_durations(("session_created",), ("session_marked_inactive",), "session_id"))
        / 1000
    ),
    "session_retry_rate": lambda: COUNTS["session_retry_start"] / PROMPTS,
    "request_error_rate": lambda: (
        (COUNTS["chat_completions_error"] + COUNTS["stream_generator_error"]) / PROMPTS
    ),
    "proxy_error_rate": lambda: PROXY_ERRORS / PROXY_CALLS,
    "failed_auth_rate": lambda: AUTH / (PROMPTS + AUTH),
    "active_api_keys": lambda: len({e["api_key_id"] for e in EVENTS if "api_key_id" in e}),
    "total_prompts": lambda: PROMPTS,
    "successful_completions": lambda: (
        COUNTS["stream_completed"] + COUNTS["chat_completion_success"]
    ),
    "success_rate": lambda: (
        (COUNTS["stream_completed"] + COUNTS["chat_completion_success"]) / PROMPTS
    ),
    "new_users": lambda: COUNTS["user_creation"],
    "active_users": lambda: len(USERS),
    "prompts_per_user": lambda: (
        PROMPTS / len({e["user_id"] for e in of("chat_completion_request_start")})
    ),
    "api_keys_per_user": _keys_per_user,
    "avg_request_duration": lambda: mean(
        _pair_durations(
            ("chat_completion_request_start",),
            ("stream_completed", "chat_completion_success"),
            "request_id",
        )
    ),
    "cache_hit_rate": lambda: HITS / (HITS + MISSES),
    "cache_miss_rate": lambda: MISSES / (HITS + MISSES),
    "error_rate": lambda: sum(n for t, n in COUNTS.items() if "error" in t) / PROMPTS,
    "available_models": _latest_model_count,
    "tool_usage_rate": lambda: COUNTS["tools_detected"] / PROMPTS,
    "streaming_requests": lambda: STREAMING,
    "non_streaming_requests": lambda: PROMPTS - STREAMING,
    "streaming_share": lambda: STREAMING / PROMPTS,
    "embedding_requests": lambda: COUNTS["embeddings_request_start"],
    "automation_adoption_rate": lambda: (
        len({e["user_id"] for e in of("automation_enabled")}) / len(USERS)
    ),
    "avg_automation_session_duration": lambda: mean(
        e["session_duration"] for e in of("automation_enabled")
    ),
}


@pytest.fixture(scope="module")
def report() -> Report:
    """Compute every bundled KPI over the generated traffic, per hour."""
    kpis = all_kpis(load_dashboards())
    events = in_range((event(e) for e in EVENTS), None, None)
    return compute(kpis, events, 3600, load_filters(bundled_filters_dir()))


def test_every_kpi_has_an_independent_derivation() -> None:
    """The list below covers exactly the KPIs the definitions hold: none goes unchecked."""
    assert {kpi.id for kpi in all_kpis(load_dashboards())} == set(EXPECTED)


@pytest.mark.parametrize("kpi_id", sorted(EXPECTED))
def test_kpi_value_over_the_whole_range(report: Report, kpi_id: str) -> None:
    """The engine's value over the whole range equals the plain-Python one."""
    expected = float(EXPECTED[kpi_id]())
    assert expected > 0, "the traffic must exercise every KPI"
    assert report.result(kpi_id).value == pytest.approx(expected)


def test_per_period_counts_and_distinct_users(report: Report) -> None:
    """Per hour, sessions created and active users match a bucketing done by hand."""
    created: Counter[int] = Counter()
    users: defaultdict[int, set[str]] = defaultdict(set)
    for e in EVENTS:
        hour = ms(e) // 1000 // 3600 * 3600
        created[hour] += e["event_type"] == "proxy_session_response"
        if "user_id" in e:
            users[hour].add(e["user_id"])
    assert report.timeline == tuple(sorted(created))
    assert report.result("sessions_created").series == {h: float(n) for h, n in created.items()}
    distinct = {hour: float(len(users[hour])) for hour in report.timeline}
    assert report.result("active_users").series == distinct  # 0 in hours without users
    per_hour_rate = report.result("success_rate").series
    assert sum(1 for v in per_hour_rate.values() if 0 < v <= 1) == len(per_hour_rate)


def test_since_and_until_select_events_by_timestamp() -> None:
    """``in_range`` keeps ``since <= @timestamp < until``; events without a time are left out."""
    events = [event(e) for e in EVENTS[:50]] + [event('{"event_type": "x"}')]
    first, last = min(ms(e) for e in EVENTS[:50]), max(ms(e) for e in EVENTS[:50])
    assert len(in_range(events, None, None)) == 50
    assert len(in_range(events, first + 1, None)) == 49
    assert len(in_range(events, None, last)) == 49
    assert timeline(in_range(events, None, None), 3600)[0] == first // 1000 // 3600 * 3600


def test_each_dashboard_gets_its_own_period_with_the_same_values(report: Report) -> None:
    """``by_dashboard`` cuts Operations per hour, Business Metrics per day; totals do not move."""
    dashboards = load_dashboards()
    events = in_range((event(e) for e in EVENTS), None, None)
    reports = by_dashboard(dashboards, events, load_filters(bundled_filters_dir()))
    assert {d.title: reports[d.name].period for d in dashboards} == {
        "Operations": 3600,
        "Business Metrics": 86400,
        "Performance": 300,
        "Feature Adoption": 86400,
    }
    for dashboard in dashboards:
        for kpi in dashboard.kpis:
            mine = reports[dashboard.name].result(kpi.id).value
            assert mine == pytest.approx(report.result(kpi.id).value), kpi.id
    forced = by_dashboard(dashboards, events, load_filters(bundled_filters_dir()), 1800)
    assert {r.period for r in forced.values()} == {1800}


def test_metric_kpis_scale_sampled_lines(report: Report) -> None:
    """A sampled line counts 1/sample_rate in metric KPIs; query KPIs count lines, as AWS."""
    sampled = [
        {**e, "sample_rate": 0.5} if e["event_type"] == "proxy_session_response" else e
        for e in EVENTS
    ]
    kpis = all_kpis(load_dashboards())
    events = in_range((event(e) for e in sampled), None, None)
    scaled = compute(kpis, events, 3600, load_filters(bundled_filters_dir()))
    assert scaled.result("sessions_created").value == 2 * EXPECTED["sessions_created"]()
    for kpi_id in ("active_users", "avg_session_duration"):  # Logs Insights queries
        assert scaled.result(kpi_id).value == report.result(kpi_id).value
