"""Tests for schemalog.agent.records: reading agent events, and naming bad input precisely."""

from __future__ import annotations

import pytest

from schemalog.agent.records import AgentRecord, parse_line, parse_record
from schemalog.exceptions import InputError

GOOD = (
    b'{"timestamp":"2026-01-05T10:00:00.250Z","event_type":"tool_call_started",'
    b'"session_id":"s1","user_id":"u1","tool_name":"search","call_sequence":2}'
)


def test_agent_line_is_read() -> None:
    """The fields the metrics use are read, the timestamp as Unix milliseconds."""
    assert parse_line(GOOD, "f:1") == AgentRecord(
        event_type="tool_call_started",
        ts_ms=1767607200250,
        session_id="s1",
        user_id="u1",
        tool_name="search",
        call_sequence=2,
    )


def test_other_event_types_are_skipped() -> None:
    """A line of another event type is not an agent event."""
    assert parse_line(b'{"event_type":"cache_hit","timestamp":3}', "f:1") is None
    assert parse_line(b'{"message":"no event type"}', "f:1") is None


def test_tool_named_by_hallucinated_and_wrong_tool_events() -> None:
    """A hallucinated call is about the name requested; a wrong-tool error about the first tool."""
    hallucinated = parse_line(
        b'{"timestamp":"2026-01-05T10:00:00.000Z","event_type":"hallucinated_tool_call",'
        b'"requested_tool_name":"serch"}',
        "f:1",
    )
    wrong = parse_line(
        b'{"timestamp":"2026-01-05T10:00:00.000Z","event_type":"wrong_tool_error",'
        b'"first_tool_name":"a","second_tool_name":"b"}',
        "f:1",
    )
    assert hallucinated is not None
    assert wrong is not None
    assert (hallucinated.tool_name, wrong.tool_name) == ("serch", "a")


def test_numeric_session_ids_read_as_text() -> None:
    """A session bound as a number reads as its text, as the SQL reads it."""
    record = parse_line(
        b'{"timestamp":"2026-01-05T10:00:00.000Z","event_type":"session_start","session_id":42}',
        "f:1",
    )
    assert record is not None
    assert record.session_id == "42"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{not json", r"^log\.jsonl:7: not JSON"),
        (b"[1, 2]", r"^log\.jsonl:7: not a JSON object$"),
        (b'{"event_type":"session_start"}', r"session_start: \$\.timestamp: required envelope"),
        (
            b'{"event_type":"session_start","timestamp":"yesterday"}',
            r"\$\.timestamp: not an RFC 3339 time: 'yesterday'",
        ),
        (
            b'{"event_type":"tool_call_started","timestamp":"2026-01-05T10:00:00.000Z"}',
            r"tool_call_started: \$\.tool_name: required field is missing",
        ),
        (
            b'{"event_type":"session_completed","timestamp":"2026-01-05T10:00:00.000Z",'
            b'"success":"yes"}',
            r"\$\.success: expected a boolean, got 'yes'",
        ),
        (
            b'{"event_type":"tool_call_completed","timestamp":"2026-01-05T10:00:00.000Z",'
            b'"tool_name":"a","call_sequence":"2"}',
            r"\$\.call_sequence: expected an integer",
        ),
        (
            b'{"event_type":"session_start","timestamp":"2026-01-05T10:00:00.000Z",'
            b'"user_id":["u"]}',
            r"\$\.user_id: expected a string",
        ),
    ],
)
def test_bad_lines_name_file_line_and_field(line: bytes, message: str) -> None:
    """Each bad line raises InputError naming where it is and which field is wrong."""
    with pytest.raises(InputError, match=message) as raised:
        parse_line(line, "log.jsonl:7")
    assert str(raised.value).startswith("log.jsonl:7: ")


def test_sample_rate_gives_the_weight() -> None:
    """A line's weight is 1/sample_rate when it is in (0, 1], else 1."""
    base = {"event_type": "session_start", "timestamp": "2026-01-05T10:00:00Z"}
    for rate, weight in ((0.25, 4), (1, 1), (None, 1), (0, 1), (2, 1), ("0.5", 1), (True, 1)):
        record = parse_record({**base, "sample_rate": rate}, "f:1")
        assert record is not None and record.weight == weight
