"""Tests for schemalog.linecheck: written lines against the record contract and catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

import schemalog
from schemalog.catalog.load import Catalog
from schemalog.linecheck import LineChecker
from tests.conftest import LineCollector

GOOD = {
    "timestamp": "2026-11-22T19:20:24.198Z",
    "level": "info",
    "logger": "app",
    "event_type": "stream_completed",
    "schema_version": "1.0.0",
    "event_id": "01a20500-e11e-7637-9d15-7f495fa4f669",
    "session_id": "s",
    "total_chunks": 42,
}


@pytest.fixture
def checker(schemas_dir: Path) -> LineChecker:
    """Return a checker over the project's catalog."""
    return LineChecker(Catalog.load(schemas_dir), static_fields={"env"})


def issues(checker: LineChecker, record: Any) -> list[str]:
    return [str(i) for i in checker.check(orjson.dumps(record)).issues]


def test_good_line(checker: LineChecker) -> None:
    """A well-formed cataloged record is valid; static fields are envelope."""
    assert issues(checker, {**GOOD, "env": "prod"}) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"timestamp": "2026-11-22 19:20:24"}, "$.timestamp: not RFC 3339 UTC with milliseconds"),
        ({"event_id": None, "level": 3}, "$.level: must be a string"),
        ({"schema_version": None}, "$.schema_version: missing on a cataloged event"),
        ({"schema_version": "7.0.0"}, "$.schema_version: stream_completed has no version '7.0.0'"),
        ({"event_type": "stream_complete"}, "$.event_type: unknown event type 'stream_complete'"),
        ({"total_chunks": "42"}, '$.total_chunks: expected an integer, got "42"'),
        ({"session_id": None}, "$.session_id: required context is missing"),
        ({"surprise": 1}, "$.surprise: field not declared by the schema"),
        ({"level": "loud"}, "$.level: must be one of debug, info, warning, error, critical"),
        ({"level": "INFO"}, "$.level: must be one of"),
        ({"event_id": "42"}, "$.event_id: must be a UUID"),
        ({"timestamp": "2026-02-30T19:20:24.198Z"}, "$.timestamp: not RFC 3339"),
        ({"timestamp": "2026-11-22T19:20:24.198+01:00"}, "$.timestamp: not RFC 3339"),
        ({"schema_version": "1.0"}, "$.schema_version: must be MAJOR.MINOR.PATCH"),
        ({"session_id": {"id": 1}}, "$.session_id: must be a string (a reserved context name)"),
        ({"service": ["a"]}, "$.service: must be a string (a reserved envelope name)"),
        ({"schema_errors": "oops"}, "$.schema_errors: must be a list of strings"),
        ({"truncated": [1]}, "$.truncated: must be a list of strings"),
        ({"sample_rate": "0.5"}, "$.sample_rate: must be a number in (0, 1]"),
        ({"sample_rate": 0}, "$.sample_rate: must be a number in (0, 1]"),
        ({"sample_rate": 1.5}, "$.sample_rate: must be a number in (0, 1]"),
    ],
)
def test_problems_are_found(checker: LineChecker, change: dict[str, Any], expected: str) -> None:
    """Each kind of problem is reported with its path and reason."""
    record = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    assert any(text.startswith(expected) for text in issues(checker, record))


def test_log_records_get_their_envelope_checked(checker: LineChecker) -> None:
    """A `log` record is not judged against a schema, but its envelope still is."""
    record = {**{k: GOOD[k] for k in ("timestamp", "logger")}, "event_type": "log"}
    found = issues(checker, {**record, "level": "verbose", "event_id": "x"})
    assert [text.split(":")[0] for text in found] == ["$.event_id", "$.level"]


def test_findings_carry_file_line_field_and_label(checker: LineChecker) -> None:
    """A result converts to findings at a file and line, with the event as their rule."""
    result = checker.check(orjson.dumps({**GOOD, "level": "loud"}))
    (finding,) = result.findings("events.jsonl", 7)
    assert (finding.file, finding.line, finding.field) == ("events.jsonl", 7, "$.level")
    assert finding.rule == "stream_completed 1.0.0"
    assert str(finding).startswith("events.jsonl:7: stream_completed 1.0.0: $.level: must be")


def test_not_json_and_not_object(checker: LineChecker) -> None:
    """A line that is not JSON, or not an object, says so."""
    assert checker.check(b"{oops").issues[0].reason.startswith("not JSON")
    assert str(checker.check(b"[1]").issues[0]) == "$: not a JSON object"


def test_log_records_need_only_the_envelope(checker: LineChecker) -> None:
    """`log` records from other libraries are never judged against a schema."""
    record = {k: GOOD[k] for k in ("timestamp", "level", "logger", "event_id")}
    assert issues(checker, {**record, "event_type": "log", "message": "m", "anything": 1}) == []


def test_recorded_schema_errors_are_reported(checker: LineChecker) -> None:
    """Problems recorded at emission are reported even if nothing else is wrong now."""
    record = {**GOOD, "schema_errors": ["$.level: is an envelope name that schemalog sets"]}
    assert issues(checker, record) == ["$.level: is an envelope name that schemalog sets"]


def test_truncated_values_are_not_judged(checker: LineChecker) -> None:
    """A value the size guard replaced is not held against the line."""
    record = {**GOOD, "total_chunks": "[truncated: 9999 bytes]", "truncated": ["$.total_chunks"]}
    assert issues(checker, record) == []


def test_redacted_lines_pass(checker: LineChecker, collector: LineCollector) -> None:
    """Lines schemalog wrote with redacted values are valid against the catalog."""
    log = schemalog.get_logger("app")
    log.info("user_creation", cognito_user_id="c", email="ada@example.com")
    log.info("api_key_validation_failed", key_prefix="sk-live-abcdefghijkl")
    for line in collector.lines:
        assert checker.check(line).valid, line


def test_a_sampled_line_is_valid(checker: LineChecker) -> None:
    """A line written at a sample rate carries it as a number, which is no problem."""
    assert issues(checker, {**GOOD, "sample_rate": 0.25}) == []


def test_compiled_reasons_read_as_the_reference_ones(schemas_dir: Path) -> None:
    """With reference_reasons=False a failing event gets the same issues, word for word."""
    catalog = Catalog.load(schemas_dir)
    reference, compiled = LineChecker(catalog), LineChecker(catalog, reference_reasons=False)
    changes: list[dict[str, Any]] = [
        {"total_chunks": "42"},
        {"total_chunks": -1, "surprise": [1]},
        {"total_chunks": 4.5},
        {"event_type": "stream_chunk_received", "chunk_index": "x", "extra": {}},
        {"event_type": "memory_posted", "memory_id": 3},
        {"event_type": "api_request_completed", "status_code": "200", "duration_ms": None},
    ]
    for change in changes:
        line = orjson.dumps({**GOOD, **change})
        found = compiled.check(line).issues
        assert found, change
        assert found == reference.check(line).issues


@pytest.mark.parametrize("name", ["timestamp", "level", "logger", "event_type", "event_id"])
def test_a_null_always_there_name_is_a_problem(checker: LineChecker, name: str) -> None:
    """A null timestamp, level, logger, event_type or event_id is named, not taken as valid."""
    result = checker.check_record({**GOOD, name: None})
    assert not result.valid
    assert f"$.{name}: must not be null" in [str(issue) for issue in result.issues]
