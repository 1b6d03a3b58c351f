"""`filters lint`: PutMetricFilter's rules and the event catalog, on real filter files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.catalog.load import Catalog
from schemalog.filters.lint import ERROR, WARNING, Finding, lint
from tests.filters.cases import write_catalog
from tests.paths import ROOT

STRING: dict[str, Any] = {"type": "string"}
INTEGER: dict[str, Any] = {"type": "integer"}
NUMBER: dict[str, Any] = {"type": "number"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}

#: What the shipped filters rely on: each event type they name, and the fields they read.
#: The catalog (issues 4 and 7) must hold these for `schemalog filters lint` to pass.
REQUIRED_BY_SHIPPED_FILTERS: dict[str, dict[str, Any]] = {
    "proxy_session_response": {},
    "proxy_session_closed": {},
    "automated_session_creation_start": {},
    "existing_session_reused": {},
    "session_retry_start": {},
    "session_created": {},
    "session_close_error": {},
    "chat_completion_request_start": {"stream_requested": BOOLEAN},
    "proxy_session_creation_start": {},
    "stream_request_start": {},
    "stream_generator_start": {},
    "chat_completions_start": {},
    "stream_completed": {"total_chunks": INTEGER},
    "chat_completion_success": {},
    "chat_completions_error": {},
    "stream_generator_error": {},
    "proxy_request_error": {},
    "tools_detected": {},
    "embeddings_request_start": {},
    "embeddings_request_error": {},
    "api_key_validation_failed": {},
    "jwt_validation_error": {},
    "cache_hit": {},
    "cache_miss": {},
    "automation_enabled": {},
    "automation_disabled": {},
    "user_creation": {},
    "tool_call_started": {},
    "tool_call_completed": {},
    "tool_call_failed": {},
    "tool_call_retry": {},
    "hallucinated_tool_call": {},
    "schema_validation_error": {},
    "session_completed": {},
    "api_request_completed": {
        "endpoint": STRING,
        "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
        "duration_ms": NUMBER,
    },
}


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    """Return a catalog holding what the shipped filters need, plus fields for the rules."""
    events = {name: dict(fields) for name, fields in REQUIRED_BY_SHIPPED_FILTERS.items()}
    events["tool_call_started"].update(
        tool_name=STRING, call_sequence=INTEGER, is_retry=BOOLEAN, params_hash=STRING,
        tool_params={"type": "object"},
    )  # fmt: skip
    return Catalog.load(write_catalog(tmp_path / "schemas", events))


def write_filter(folder: Path, name: str, pattern: str, **transformation: Any) -> Path:
    folder.mkdir(exist_ok=True)
    metric = {"metricName": "M", "metricNamespace": "n", "metricValue": "1", **transformation}
    body = {"filterName": name, "filterPattern": pattern, "metricTransformations": [metric]}
    path = folder / f"{name}.json"
    path.write_bytes(orjson.dumps(body))
    return path


def messages(findings: list[Finding], severity: str) -> list[str]:
    return [f.message for f in findings if f.severity == severity]


def test_shipped_filters_are_clean(catalog: Catalog) -> None:
    """cloudwatch-filters/ lints without errors or warnings against the catalog it expects."""
    assert lint(ROOT / "cloudwatch-filters", catalog) == []


def test_seed_literal_star_is_an_error(tmp_path: Path, catalog: Catalog) -> None:
    """Seed 004's `session_*_error` counts nothing in CloudWatch: an error that says why."""
    write_filter(tmp_path / "f", "session_errors", '{ $.event_type = "session_*_error" }')
    errors = messages(lint(tmp_path / "f", catalog), ERROR)
    assert len(errors) == 1
    assert "literal character" in errors[0]
    assert '"session_*_error"' in errors[0]


def test_unknown_event_type_with_suggestion(tmp_path: Path, catalog: Catalog) -> None:
    """The pre-fix name `stream_complete` is unknown, with `stream_completed` suggested."""
    write_filter(tmp_path / "f", "streams", '{ $.event_type = "stream_complete" }')
    assert messages(lint(tmp_path / "f", catalog), ERROR) == [
        "unknown event type 'stream_complete' (did you mean 'stream_completed'?)"
    ]


def test_wildcards_and_regexes_must_reach_the_catalog(tmp_path: Path, catalog: Catalog) -> None:
    """A wildcard or regex event type that matches no cataloged name is an error."""
    folder = tmp_path / "f"
    write_filter(folder, "none", '{ $.event_type = "zzz*" }')
    write_filter(folder, "some", "{ $.event_type = *_error }")
    write_filter(folder, "regex", "{ $.event_type = %^nothing_here$% }")
    errors = lint(folder, catalog)
    assert sorted(f.path.stem for f in errors) == ["none", "regex"]


def test_event_type_conditions_must_meet(tmp_path: Path, catalog: Catalog) -> None:
    """Two event_type conditions that each match something but never together are an error."""
    write_filter(
        tmp_path / "f", "never", '{ $.event_type = "cache_*" && $.event_type = "*_error" }'
    )
    assert messages(lint(tmp_path / "f", catalog), ERROR) == [
        "no cataloged event type can match this filter's event_type conditions"
    ]


def test_fields_must_exist_in_an_event_the_filter_matches(tmp_path: Path, catalog: Catalog) -> None:
    """A field of another event, or of none, is an error; envelope fields are always there."""
    folder = tmp_path / "f"
    write_filter(folder, "wrong_event", '{ $.event_type = "cache_hit" && $.tool_name = "x" }')
    write_filter(folder, "envelope", '{ $.event_type = "cache_hit" && $.level = "error" }')
    write_filter(folder, "nested", '{ $.event_type = "tool_call_started" && $.tool_params.q = * }')
    write_filter(folder, "gone", "{ $.nowhere = 1 }")
    write_filter(folder, "absent_ok", "{ $.nowhere NOT EXISTS }")
    found = lint(folder, catalog)
    assert sorted(f.path.stem for f in found if f.severity == ERROR) == ["gone", "wrong_event"]
    assert "$.tool_name is not a field of any event" in messages(found, ERROR)[1]


def test_types_of_comparisons(tmp_path: Path, catalog: Catalog) -> None:
    """Numeric comparisons need numbers; IS TRUE needs booleans; `= true` never matches one."""
    folder = tmp_path / "f"
    started = '$.event_type = "tool_call_started"'
    write_filter(folder, "numeric_ok", f"{{ {started} && $.call_sequence > 2 }}")
    write_filter(folder, "numeric_bad", f"{{ {started} && $.tool_name > 2 }}")
    write_filter(folder, "is_true_bad", f"{{ {started} && $.tool_name IS TRUE }}")
    write_filter(folder, "equals_true", f"{{ {started} && $.is_retry = true }}")
    write_filter(folder, "is_true_ok", f"{{ {started} && $.is_retry IS TRUE }}")
    found = lint(folder, catalog)
    assert sorted(f.path.stem for f in found if f.severity == ERROR) == [
        "equals_true", "is_true_bad", "numeric_bad"
    ]  # fmt: skip
    assert any("write $.is_retry IS TRUE" in m for m in messages(found, ERROR))


def test_metric_value_and_dimensions(tmp_path: Path, catalog: Catalog) -> None:
    """A field metricValue must be numeric; unselected and unbounded fields are warned."""
    folder = tmp_path / "f"
    api = '{ $.event_type = "api_request_completed" }'
    write_filter(folder, "string_value", api, metricValue="$.endpoint")
    write_filter(folder, "unselected", api, metricValue="$.duration_ms")
    write_filter(folder, "by_user", '{ $.event_type = "api_request_completed" && $.user_id = * }',
                 dimensions={"user": "$.user_id"})  # fmt: skip
    write_filter(folder, "missing_dim", api, dimensions={"x": "$.nope"})
    found = lint(folder, catalog)
    errors = {f.path.stem: f.message for f in found if f.severity == ERROR}
    assert errors == {
        "string_value": "metricValue $.endpoint is string, not a number",
        "missing_dim": errors["missing_dim"],
    }
    assert "not a field" in errors["missing_dim"]
    warnings = {f.path.stem: f.message for f in found if f.severity == WARNING}
    assert "not selected by the pattern" in warnings["unselected"]
    assert "unbounded" in warnings["by_user"]


def test_directory_rules(tmp_path: Path, catalog: Catalog) -> None:
    """Duplicate names, misnamed files, bad JSON and over-quota directories are reported."""
    folder = tmp_path / "f"
    first = write_filter(folder, "same", "ERROR")
    (folder / "other.json").write_bytes(first.read_bytes())
    (folder / "broken.json").write_text("{not json")
    found = lint(folder, catalog)
    assert any(f.path.name == "broken.json" and "not valid JSON" in f.message for f in found)
    assert any("filterName 'same' is also in" in f.message for f in found)
    assert any(f.path.name == "other.json" and f.severity == WARNING for f in found)


def test_quotas_per_log_group(tmp_path: Path, catalog: Catalog) -> None:
    """More than 100 filters, or more than 5 with a regex, cannot share a log group."""
    folder = tmp_path / "f"
    for index in range(101):
        pattern = f"%x{index}%" if index < 6 else f"term{index}"
        write_filter(folder, f"f{index:03d}", pattern)
    errors = messages(lint(folder, catalog), ERROR)
    assert any("101 filters" in m for m in errors)
    assert any("6 filters use a %regex%" in m for m in errors)


def test_unquoted_punctuation_is_warned(tmp_path: Path, catalog: Catalog) -> None:
    """A term with punctuation should be quoted, as AWS asks."""
    write_filter(tmp_path / "f", "colon", 'ERROR: "fine phrase" plain_word')
    assert messages(lint(tmp_path / "f", catalog), WARNING) == [
        "unquoted term 'ERROR:' has punctuation: quote it (\"ERROR:\")"
    ]
