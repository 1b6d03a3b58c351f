"""Running a parsed query over events: the pipeline of commands, in order.

Events are JSON lines; each gets ``@timestamp`` (epoch milliseconds from its ``timestamp``
field) and ``@message`` (the line itself), as CloudWatch Logs gives them to Logs Insights.
A line that is not a JSON object is an event with ``@message`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson

from schemalog.insights import nodes
from schemalog.insights.aggregates import Accumulator
from schemalog.insights.parser import parse_query
from schemalog.insights.values import Moment, evaluate, lookup, number, text, timestamp_ms, truth

#: AWS returns at most this many rows from a query; so does the local engine.
MAX_ROWS: Final = 10_000
#: What a query without ``fields``, ``display`` or ``stats`` shows, as in the console.
DEFAULT_COLUMNS: Final = ("@timestamp", "@message")

Row = dict[str, Any]


@dataclass(frozen=True)
class Result:
    """A query's answer: its columns and its rows (absent values are None)."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def column(self, name: str) -> list[Any]:
        """Every row's value of one column."""
        return [row.get(name) for row in self.rows]


def event(line: str | bytes | Mapping[str, Any], parsed: Mapping[str, Any] | None = None) -> Row:
    """One event as Logs Insights sees it: its JSON fields, ``@timestamp`` and ``@message``.

    ``parsed`` is the line's JSON object when the caller has already parsed it.
    """
    if isinstance(line, Mapping):
        record: Row = dict(line)
        message = orjson.dumps(line).decode()
    elif parsed is not None:
        record = dict(parsed)
        message = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
    else:
        message = line.decode("utf-8", "replace") if isinstance(line, bytes) else line
        try:
            parsed = orjson.loads(line)
        except orjson.JSONDecodeError:
            parsed = None
        record = dict(parsed) if isinstance(parsed, dict) else {}
    record["@timestamp"] = timestamp_ms(record.get("timestamp"))
    record["@message"] = message
    return record


def run(query: str | nodes.Query, lines: Iterable[str | bytes | Mapping[str, Any]]) -> Result:
    """Run a query (text or parsed) over JSON lines or already-parsed records."""
    parsed = parse_query(query) if isinstance(query, str) else query
    return execute(parsed, [event(line) for line in lines])


def execute(query: nodes.Query, events: Sequence[Row]) -> Result:
    """Run a parsed query over events made by :func:`event` (which it does not change)."""
    rows, visible = run_commands(query.commands, events)
    columns = tuple(visible) if visible is not None else DEFAULT_COLUMNS
    shown = tuple({name: _shown(lookup(row, name)) for name in columns} for row in rows[:MAX_ROWS])
    return Result(columns, shown)


def split_per_event(query: nodes.Query) -> tuple[nodes.Query, nodes.Query]:
    """Split off the leading ``filter`` and ``parse`` commands, which see one event at a time.

    Running the first part once and the rest on each slice of its rows gives what the whole
    query gives on each slice, with the per-event work done once.
    """
    commands = query.commands
    cut = 0
    while cut < len(commands) and isinstance(commands[cut], nodes.Filter | nodes.Parse):
        cut += 1
    return nodes.Query(commands[:cut], query.text), nodes.Query(commands[cut:], query.text)


def run_commands(
    commands: Sequence[nodes.Command], events: Sequence[Row]
) -> tuple[list[Row], list[str] | None]:
    """Run commands in order; return the rows and the columns chosen (None: the default)."""
    rows: list[Row] = list(events)
    visible: list[str] | None = None
    for command in commands:
        if isinstance(command, nodes.Filter):
            rows = [row for row in rows if truth(evaluate(command.condition, row))]
        elif isinstance(command, nodes.Fields):
            rows = [_with_fields(row, command.items) for row in rows]
            names = [item.name for item in command.items]
            visible = [*(name for name in visible or [] if name not in names), *names]
        elif isinstance(command, nodes.Display):
            visible = list(command.names)
        elif isinstance(command, nodes.Stats):
            rows = _stats(command, rows)
            visible = [item.name for item in (*command.groups, *command.aggregates)]
        elif isinstance(command, nodes.Sort):
            rows = _sorted(rows, command.keys)
        elif isinstance(command, nodes.Limit):
            rows = rows[: command.count]
        else:
            rows = [_parsed(row, command) for row in rows]
    return rows, visible


def _with_fields(row: Row, items: Iterable[nodes.Named]) -> Row:
    out = dict(row)
    for item in items:
        out[item.name] = evaluate(item.expr, out)
    return out


def _parsed(row: Row, command: nodes.Parse) -> Row:
    source = lookup(row, command.source)
    found = None if source is None else command.regex.search(text(source))
    if found is None:
        return row
    out = dict(row)
    if found.re.groupindex:
        out.update({name: found.group(name) for name in command.names})
    else:
        out.update(zip(command.names, found.groups(), strict=True))
    return out


def _stats(command: nodes.Stats, rows: Iterable[Row]) -> list[Row]:
    groups: dict[tuple[Any, ...], tuple[list[Any], list[Accumulator]]] = {}
    for row in rows:
        values = [evaluate(item.expr, row) for item in command.groups]
        key = tuple(_hashable(value) for value in values)
        slot = groups.get(key)
        if slot is None:
            accumulators = [Accumulator(_call(item)) for item in command.aggregates]
            slot = groups[key] = (values, accumulators)
        for accumulator in slot[1]:
            accumulator.add(row)
    if not groups and not command.groups:  # one row over no events, as SQL gives
        groups[()] = ([], [Accumulator(_call(item)) for item in command.aggregates])
    out = []
    for values, accumulators in groups.values():
        result: Row = dict(zip((item.name for item in command.groups), values, strict=True))
        for item, accumulator in zip(command.aggregates, accumulators, strict=True):
            result[item.name] = accumulator.result()
        out.append(result)
    return out


def _call(item: nodes.Named) -> nodes.Call:
    assert isinstance(item.expr, nodes.Call)  # the parser admits only aggregate calls
    return item.expr


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | None) else repr(value)


def _sorted(rows: list[Row], keys: Sequence[tuple[str, bool]]) -> list[Row]:
    """Sort by each key (absent values last in either direction), the last key first."""
    out = list(rows)
    for name, descending in reversed(keys):
        present = [row for row in out if lookup(row, name) is not None]
        absent = [row for row in out if lookup(row, name) is None]
        present.sort(key=lambda row: _sort_key(lookup(row, name)), reverse=descending)
        out = present + absent
    return out


def _sort_key(value: Any) -> tuple[int, Any]:
    numeric = number(value)
    return (0, numeric) if numeric is not None else (1, text(value))


def _shown(value: Any) -> Any:
    return str(value) if isinstance(value, Moment) else value


def read_events(paths: Iterable[str]) -> Iterator[Row]:
    """Events of JSON-lines inputs (files, ``-``, gzip), read with the project's line reader."""
    from schemalog.lines.reader import iter_lines

    for path in paths:
        for _, line in iter_lines(path):
            yield event(line)
