"""The local Logs Insights engine: AWS's documented semantics and those docs/insights.md fixes."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import orjson

from schemalog import insights
from schemalog.insights.engine import MAX_ROWS

LINES = [
    '{"timestamp": "2026-11-22T19:20:24.198Z", "event_type": "a", "n": 4, "user_id": "u1"}',
    '{"timestamp": "2026-11-22T19:40:00.000Z", "event_type": "b", "n": "6"}',
    '{"timestamp": "2026-11-22T20:05:00.500Z", "event_type": "a", "n": 0, "user_id": "u2"}',
    "plain text line ERROR 42",
]


def test_default_columns_are_timestamp_and_message() -> None:
    """Without fields, display or stats, a row shows @timestamp (as AWS prints it) and @message."""
    result = insights.run("limit 1", LINES)
    assert result.columns == ("@timestamp", "@message")
    assert result.rows[0] == {"@timestamp": "2026-11-22 19:20:24.198", "@message": LINES[0]}


def test_a_line_that_is_not_json_is_an_event_with_only_a_message() -> None:
    """A plain text line matches on @message and has no other field."""
    result = insights.run("filter @message like /ERROR \\d+/ | fields event_type", LINES)
    assert result.column("event_type") == [None]
    assert len(result.rows) == 1


def test_comparisons_with_an_absent_field_are_false_even_not_equal() -> None:
    """``user_id != "u1"`` skips events without user_id; ``not`` of a false test is true."""
    unequal = insights.run('filter user_id != "u1" | fields event_type', LINES)
    assert unequal.column("event_type") == ["a"]
    negated = insights.run('filter not user_id = "u1" | stats count(*) as n', LINES)
    assert negated.column("n") == [3]


def test_numeric_strings_compare_and_sum_as_numbers() -> None:
    """``"6"`` is greater than 5 and adds into sums as 6."""
    result = insights.run("filter n > 3 | stats sum(n) as total, count(*) as k", LINES)
    assert result.rows == ({"total": 10, "k": 2},)


def test_stats_over_no_events_gives_one_row_and_grouped_stats_none() -> None:
    """``stats count(*)`` of nothing is one row with 0; with ``by`` it is no rows."""
    assert insights.run('filter event_type = "z" | stats count(*) as n', LINES).rows == ({"n": 0},)
    assert insights.run('filter event_type = "z" | stats count(*) by event_type', LINES).rows == ()


def test_bin_groups_by_period_start_and_durations_subtract_in_ms() -> None:
    """``bin(1h)`` floors @timestamp; ``max(@timestamp) - min(@timestamp)`` is milliseconds."""
    result = insights.run(
        "filter ispresent(event_type) | stats count(*) as n, min(@timestamp) as first,"
        " max(@timestamp) as last by bin(1h) as hour | sort hour | fields last - first as span",
        LINES,
    )
    assert result.column("hour") == ["2026-11-22 19:00:00.000", "2026-11-22 20:00:00.000"]
    assert result.column("n") == [2, 1]
    assert result.column("span") == [(19 * 60 + 35.802) * 1000, 0]


def test_sort_puts_absent_values_last_in_both_directions() -> None:
    """Rows without the sort field come after the others, ascending or descending."""
    for direction in ("asc", "desc"):
        result = insights.run(f"fields user_id | sort user_id {direction}", LINES)
        assert result.column("user_id")[-2:] == [None, None]
    assert insights.run("fields user_id | sort user_id desc", LINES).column("user_id")[0] == "u2"


def test_parse_regex_and_glob_set_fields_only_on_a_match() -> None:
    """A parse that does not match leaves the fields absent."""
    result = insights.run(
        'parse @message /ERROR (?<code>\\d+)/ | parse @message "\\"n\\": *}" as raw'
        " | display code, raw",
        LINES,
    )
    assert result.column("code") == [None, None, None, "42"]
    assert result.column("raw") == ['4, "user_id": "u1"', '"6"', '0, "user_id": "u2"', None]


def test_arithmetic_with_absent_values_or_division_by_zero_is_absent() -> None:
    """``x / 0`` and ``absent + 1`` give no value, not an error."""
    result = insights.run("filter ispresent(n) | fields 10 / n as q, missing + 1 as m", LINES)
    assert result.column("q") == [2.5, 10 / 6, None]
    assert result.column("m") == [None, None, None]


def test_functions_on_strings_and_presence() -> None:
    """String functions and isempty/isblank/coalesce behave as AWS documents them."""
    result = insights.run(
        "filter ispresent(event_type) | fields toupper(event_type) as up,"
        " strlen(event_type) as len, coalesce(user_id, 'none') as who,"
        " concat(event_type, '-', n) as tag, isempty(user_id) as empty | display up, len, who, tag,"
        " empty",
        LINES,
    )
    assert result.column("up") == ["A", "B", "A"]
    assert result.column("len") == [1, 1, 1]
    assert result.column("who") == ["u1", "none", "u2"]
    assert result.column("tag") == ["a-4", "b-6", "a-0"]
    assert result.column("empty") == [False, True, False]


def test_results_stop_at_aws_row_limit() -> None:
    """Like GetQueryResults, at most 10,000 rows come back."""
    many = [orjson.dumps({"i": i}) for i in range(MAX_ROWS + 5)]
    assert len(insights.run("fields i", many).rows) == MAX_ROWS


def test_read_events_reads_gzip_with_the_line_reader(tmp_path: Path) -> None:
    """``read_events`` takes .gz files and skips blank lines."""
    path = tmp_path / "events.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(LINES[:2]) + "\n\n").encode()))
    events = list(insights.read_events([str(path)]))
    assert [event["event_type"] for event in events] == ["a", "b"]
    expected = datetime(2026, 11, 22, 19, 20, 24, 198000, tzinfo=UTC).timestamp() * 1000
    assert events[0]["@timestamp"] == round(expected)
