"""Tests for schemalog._core.render: one JSON line per record, within the size limit."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from schemalog._core.render import render, render_within

ENVELOPE = {
    "timestamp": "2026-11-22T19:20:24.198Z",
    "level": "info",
    "logger": "app",
    "event_type": "e",
    "event_id": "01a20500-e11e-7637-9d15-7f495fa4f669",
}


@given(st.text())
def test_no_value_can_split_a_line(text: str) -> None:
    """Whatever the text holds, the line has no character any reader treats as a line break."""
    line = render({**ENVELOPE, "value": text, text: 1})
    decoded = line.decode("utf-8")
    assert decoded.splitlines() == [decoded]
    parsed = orjson.loads(line)
    if not any(0xD800 <= ord(c) <= 0xDFFF for c in text):  # surrogates come back escaped
        assert parsed["value"] == text


def test_lone_surrogates_are_escaped_not_fatal() -> None:
    """A string orjson refuses (lone surrogate) is rendered with the surrogate escaped."""
    line = render({**ENVELOPE, "value": "bad \udc80 byte"})
    assert orjson.loads(line)["value"] == "bad \\udc80 byte"


def test_unicode_line_separators_are_escaped() -> None:
    """U+2028, U+2029 and U+0085 are written as escapes."""
    line = render({**ENVELOPE, "value": "a\u2028b\u2029c\x85d"})
    assert b"\\u2028" in line and b"\\u2029" in line and b"\\u0085" in line
    assert orjson.loads(line)["value"] == "a\u2028b\u2029c\x85d"


def test_small_records_are_not_touched() -> None:
    """A record under the limit renders as it is."""
    record = {**ENVELOPE, "note": "short"}
    line, truncated = render_within(dict(record), 4096)
    assert truncated == []
    assert orjson.loads(line) == record


def test_longest_strings_are_cut_first() -> None:
    """Over the limit, the longest string is cut, listed in truncated, and the rest kept."""
    record = {**ENVELOPE, "small": "keep me", "big": "x" * 50_000, "n": 7}
    line, truncated = render_within(record, 4096)
    parsed = orjson.loads(line)
    assert len(line) <= 4096
    assert truncated == ["$.big"]
    assert parsed["truncated"] == ["$.big"]
    assert parsed["small"] == "keep me" and parsed["n"] == 7
    assert parsed["big"].startswith("xxxx") and "[truncated " in parsed["big"]


def test_nested_strings_are_cut_with_their_path() -> None:
    """A long string inside an object is cut and named by its JSON path."""
    record = {**ENVELOPE, "params": {"prompt": "p" * 20_000}}
    line, truncated = render_within(record, 2048)
    assert len(line) <= 2048
    assert truncated == ["$.params.prompt"]


def test_many_small_values_are_replaced() -> None:
    """When no single string is long, the largest value is replaced by a size note."""
    record = {**ENVELOPE, "items": list(range(5000))}
    line, truncated = render_within(record, 2048)
    parsed = orjson.loads(line)
    assert len(line) <= 2048
    assert truncated == ["$.items"]
    assert parsed["items"].startswith("[truncated: ")


def test_envelope_survives_the_last_resort() -> None:
    """If nothing else fits, only the envelope stays, with truncated ["$"]."""
    record = {**ENVELOPE, **{f"k{i}": i for i in range(3000)}}
    line, truncated = render_within(record, 1024)
    parsed = orjson.loads(line)
    assert truncated == ["$"]
    assert {k: parsed[k] for k in ENVELOPE} == ENVELOPE
    assert len(line) <= 1024


def test_an_envelope_value_too_long_by_itself_is_cut_too() -> None:
    """A huge context value or event type is cut as well: the line always fits, as JSON."""
    record = {
        **ENVELOPE,
        "event_type": "a free-text message " * 10_000,
        "session_id": "s" * 300_000,
        "user_id": {"nested": "u" * 300_000},
        "n": 1,
    }
    line, truncated = render_within(record, 4096)
    parsed = orjson.loads(line)
    assert len(line) <= 4096
    assert truncated == ["$", "$.event_type", "$.session_id", "$.user_id.nested"]
    assert all(isinstance(parsed[key], str) for key in ("event_type", "session_id", "logger"))
    assert {k: parsed[k] for k in ("timestamp", "level", "event_id")} == {
        k: ENVELOPE[k] for k in ("timestamp", "level", "event_id")
    }


def test_fit_never_cuts_the_callers_objects() -> None:
    """The size guard cuts copies: a dict the caller still holds keeps its full text."""
    payload = {"text": "x" * 5000, "items": ["y" * 3000]}
    record = {"event_type": "e", "payload": payload}
    line, cut = render_within(record, 2048)
    assert len(line) <= 2048
    assert cut
    assert payload == {"text": "x" * 5000, "items": ["y" * 3000]}
