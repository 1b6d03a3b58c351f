"""Tests for schemalog.findings: the one findings model and its text and JSON forms."""

from __future__ import annotations

from schemalog.findings import Finding, errors


def test_text_names_place_rule_field_and_message() -> None:
    """str() is FILE:LINE:COL: [severity: ][rule: ][field: ]message, showing what is known."""
    full = Finding("a.jsonl", 3, 7, "$.level", "bad level", "warning", "cache_hit 1.0.0")
    assert str(full) == "a.jsonl:3:7: warning: cache_hit 1.0.0: $.level: bad level"
    assert str(Finding("schemas/x/1.0.0.json", message="no description")) == (
        "schemas/x/1.0.0.json: no description"
    )
    assert Finding("f", column=4, message="m").where() == "f"  # a column needs a line


def test_json_form_has_every_key() -> None:
    """to_dict() always has the seven keys, None for what is unknown."""
    assert Finding("f", 1, message="m").to_dict() == {
        "file": "f",
        "line": 1,
        "column": None,
        "field": None,
        "message": "m",
        "severity": "error",
        "rule": None,
    }


def test_only_errors_count_as_errors() -> None:
    """errors() counts error findings; warnings and infos do not fail a verb."""
    found = [Finding("f", message="a"), Finding("f", message="b", severity="warning")]
    assert errors(found) == 1
    assert errors([Finding("f", message="c", severity="info")]) == 0
