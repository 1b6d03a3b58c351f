"""Reading agent events back from JSON-lines logs, for ``schemalog report agent``.

Only the fields the metrics use are kept. Lines of other event types are skipped; a line that
is not a JSON object, or an agent event whose used fields have the wrong type, stops the
report with an InputError naming the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import orjson

from schemalog.agent.events import AGENT_EVENT_TYPES
from schemalog.exceptions import InputError
from schemalog.lines.reader import iter_lines
from schemalog.record import sample_weight

_AGENT_TYPES: Final = frozenset(AGENT_EVENT_TYPES)
_EPOCH: Final = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MILLISECOND: Final = dt.timedelta(milliseconds=1)
#: The field that names the tool an event is about, for the per-tool breakdown.
_TOOL_FIELD: Final = {
    "hallucinated_tool_call": "requested_tool_name",
    "wrong_tool_error": "first_tool_name",
}


@dataclass(frozen=True, slots=True)
class AgentRecord:
    """The fields of one agent event that the metrics read."""

    event_type: str
    #: ``timestamp`` as Unix milliseconds.
    ts_ms: int
    session_id: str | None = None
    user_id: str | None = None
    #: ``tool_name`` (``requested_tool_name`` of a hallucinated call, ``first_tool_name`` of a
    #: wrong-tool error).
    tool_name: str | None = None
    success: bool | None = None
    call_sequence: int | None = None
    #: How many events the line stands for: ``1 / sample_rate`` on a sampled line, else 1.
    weight: float = 1


def read_records(paths: Iterable[str]) -> Iterator[AgentRecord]:
    """Yield the agent events of every file in turn (``-`` is stdin, gzip is detected)."""
    for path in paths:
        for number, line in iter_lines(path):
            record = parse_line(line, f"{path}:{number}")
            if record is not None:
                yield record


def parse_line(line: bytes, where: str) -> AgentRecord | None:
    """Return the agent event on one line, None for another event type; ``where`` names it."""
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise InputError(f"{where}: not JSON: {error}") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}: not a JSON object")
    return parse_record(data, where)


def parse_record(data: Mapping[str, Any], where: str) -> AgentRecord | None:
    """Return the agent event of one parsed line, None for another event type."""
    event_type = data.get("event_type")
    if event_type not in _AGENT_TYPES:
        return None
    assert isinstance(event_type, str)
    tool_field = _TOOL_FIELD.get(event_type, "tool_name")
    tool_name = _text(data, tool_field, where, event_type)
    if tool_name is None and event_type == "tool_call_started":
        raise InputError(f"{where}: {event_type}: $.tool_name: required field is missing")
    success = data.get("success")
    if success is not None and not isinstance(success, bool):
        raise InputError(f"{where}: {event_type}: $.success: expected a boolean, got {success!r}")
    if success is None and event_type == "session_completed":
        raise InputError(f"{where}: {event_type}: $.success: required field is missing")
    sequence = data.get("call_sequence")
    if sequence is not None and (type(sequence) is not int):
        raise InputError(
            f"{where}: {event_type}: $.call_sequence: expected an integer, got {sequence!r}"
        )
    return AgentRecord(
        event_type=event_type,
        ts_ms=_timestamp_ms(data.get("timestamp"), where, event_type),
        session_id=_context(data, "session_id", where, event_type),
        user_id=_context(data, "user_id", where, event_type),
        tool_name=tool_name,
        success=success,
        call_sequence=sequence,
        weight=sample_weight(data),
    )


def _timestamp_ms(value: Any, where: str, event_type: str) -> int:
    if not isinstance(value, str):
        reason = "required envelope field is missing" if value is None else f"got {value!r}"
        raise InputError(f"{where}: {event_type}: $.timestamp: {reason}")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{where}: {event_type}: $.timestamp: not an RFC 3339 time: {value!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return (moment - _EPOCH) // _MILLISECOND


def _context(data: Mapping[str, Any], name: str, where: str, event_type: str) -> str | None:
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    if type(value) is int:  # bound as a number: the SQL reads it as text too
        return str(value)
    raise InputError(f"{where}: {event_type}: $.{name}: expected a string, got {value!r}")


def _text(data: Mapping[str, Any], name: str, where: str, event_type: str) -> str | None:
    value = data.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InputError(f"{where}: {event_type}: $.{name}: expected a string, got {value!r}")
