"""The duckdb engine: the filters compiled to SQL count what the local engine counts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schemalog.filters import MetricFilter
from schemalog.filters.filterdir import load_filters
from schemalog.filters.scan import Scanner
from schemalog.filters.sqlengine import count_with_duckdb
from tests.filters.cases import metric
from tests.filters.test_scan import MIXED_FILTERS, NUMBER_FILTERS, lines
from tests.paths import ROOT

#: The filters of the scanner's differential tests that have a SQL translation.
SQL_FILTERS = [
    *(f for f in MIXED_FILTERS if f.pattern.kind in ("json", "all")),
    *NUMBER_FILTERS[:2],
    metric("ordered", "{ $.n >= 2 || $.n < 0.5 }", "$.n"),
    metric("checks", "{ $.n IS NULL || $.n IS TRUE || $.d NOT EXISTS }"),
    metric("edges", '{ $.event_type = "*_error" && $.d != "p" }', "1", dimensions={"d": "$.d"}),
    metric("starts", '{ $.event_type = "session_*" }', "1", defaultValue=0),
]


def summary(aggregator: Any, total: bool) -> list[tuple[Any, ...]]:
    return [
        (r.filter.name, r.start, r.dimensions, round(r.stats.sum, 6), round(r.stats.count, 6),
         r.stats.min, r.stats.max)
        for r in aggregator.rows(total=total)
    ]  # fmt: skip


def both_engines(
    filters: list[MetricFilter],
    data: bytes,
    period: int,
    path: Path,
    *,
    total: bool = False,
    scale: bool = True,
) -> tuple[list[Any], list[Any]]:
    path.write_bytes(data)
    local = Scanner(filters, period, exact=True, scale=scale)
    local.feed(io.BytesIO(data))
    return summary(count_with_duckdb([str(path)], filters, period, scale=scale), total), summary(
        local.aggregator, total
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(lines(), max_size=30),
    st.booleans(),
    st.sampled_from([60, 1, 300, 3600, 86400]),
    st.booleans(),
)
def test_same_counts_as_the_local_engine(
    tmp_path: Path, rows: list[bytes], sort: bool, period: int, scale: bool
) -> None:
    """Random files (odd and sampled lines included) count the same in DuckDB and locally."""
    # A key repeated in one object is read as its first occurrence by DuckDB (documented).
    rows = [row for row in rows if row.count(b'"event_type":') < 2]
    if sort:
        rows = sorted(rows)
    data = b"\n".join(rows) + (b"\n" if rows and rows[-1] else b"")
    sql, local = both_engines(SQL_FILTERS, data, period, tmp_path / "events.jsonl", scale=scale)
    assert sql == local


def test_catalog_filters_on_the_demo_shape(tmp_path: Path) -> None:
    """Every filter of cloudwatch-filters/ compiles and agrees on envelope lines, with --total."""
    filters = load_filters(ROOT / "cloudwatch-filters")
    stamps = ["2026-11-22T19:20:01.000Z", "2026-11-22T19:59:59.999Z", "2026-11-22T20:00:00.000Z"]
    events = [
        ("api_request_completed", ', "endpoint": "/a", "method": "GET", "duration_ms": 12.5'),
        ("api_request_completed", ', "endpoint": "/b", "method": "POST", "duration_ms": "7"'),
        ("stream_completed", ', "total_chunks": 42'),
        ("session_created", ', "user_id": "u-1"'),
        ("proxy_session_error", ""),
        ("tool_call_started", ""),
    ]
    data = "".join(
        f'{{"timestamp": "{stamp}", "level": "info", "event_type": "{name}"{rest}}}\n'
        for stamp in stamps
        for name, rest in events
    ).encode()
    for total in (False, True):
        sql, local = both_engines(filters, data, 3600, tmp_path / "e.jsonl", total=total)
        assert sql == local
        assert len(sql) > 10


def test_booleans_and_their_text_differ(tmp_path: Path) -> None:
    """`IS TRUE` matches the JSON boolean only, not the string "true"; `IS NULL` only null."""
    data = b'{"f": true}\n{"f": "true"}\n{"f": false}\n{"f": "false"}\n{"f": null}\n{"f": "null"}\n'
    filters = [
        metric("t", "{ $.f IS TRUE }"),
        metric("f", "{ $.f IS FALSE }"),
        metric("n", "{ $.f IS NULL }"),
    ]
    sql, local = both_engines(filters, data, 60, tmp_path / "e.jsonl", total=True)
    assert sql == local
    assert [(row[0], row[4]) for row in sql] == [("t", 1), ("f", 1), ("n", 1)]


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ("ERROR", "term patterns"),
        ("[ip, user]", "space-delimited patterns"),
        ("{ $.a = %ab+% }", "regular expressions"),
        ("{ $.list[*] = 1 }", "wildcards"),
        ('{ $.code = "400" }', "reads like a number"),
    ],
)
def test_untranslatable_patterns_are_named(tmp_path: Path, pattern: str, construct: str) -> None:
    """A filter with no SQL translation is an error naming the filter and the construct."""
    path = tmp_path / "e.jsonl"
    path.write_bytes(b'{"a": "x"}\n')
    with pytest.raises(ValueError, match=f"filter 'odd' cannot be counted in SQL: .*{construct}"):
        count_with_duckdb([str(path)], [metric("odd", pattern)], 60)
