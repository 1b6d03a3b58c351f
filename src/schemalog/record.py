"""The record contract (DESIGN §2): the envelope's names and the one table of levels.

Every line schemalog writes is one flat JSON object: the envelope names below, then the event's
own fields. Envelope names are reserved: a schema may not declare them, and a caller may set
only the context names (and ``schema_version``, to pin a version).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, NamedTuple

import orjson

__all__ = [
    "CONTEXT_NAMES",
    "ENVELOPE_ORDER",
    "LEVELS",
    "LEVEL_NAMES",
    "LOG_EVENT_TYPE",
    "RESERVED_NAMES",
    "STAMPED_NAMES",
    "SchemaIssue",
    "json_path",
    "level_name",
    "level_number",
    "sample_weight",
]

#: The context names, in the order a record carries them.
_CONTEXT_ORDER: Final = (
    "session_id",
    "user_id",
    "request_id",
    "trace_id",
    "span_id",
    "experiment_id",
    "variant",
)
#: Context names that ``schemalog.bound(...)``, ``logger.bind(...)`` or a call may set.
CONTEXT_NAMES: Final = frozenset(_CONTEXT_ORDER)

#: Every envelope name, in the order a record carries them.
ENVELOPE_ORDER: Final = (
    "timestamp",
    "level",
    "logger",
    "event_type",
    "schema_version",
    "event_id",
    "service",
    "caller",
    *_CONTEXT_ORDER,
    "sample_rate",
    "message",
    "stack",
    "exception",
    "schema_errors",
    "truncated",
)
RESERVED_NAMES: Final = frozenset(ENVELOPE_ORDER)

#: Names schemalog alone sets; a call that passes one of them is an invalid event.
STAMPED_NAMES: Final = RESERVED_NAMES - CONTEXT_NAMES - {"schema_version"}


def sample_weight(record: Mapping[str, object]) -> float:
    """How many events one written line stands for: ``1 / sample_rate`` on a sampled line.

    A line without a usable ``sample_rate`` (missing, not a number, outside (0, 1]) counts once.
    """
    rate = record.get("sample_rate")
    if isinstance(rate, int | float) and not isinstance(rate, bool) and 0 < rate <= 1:
        return 1 / rate
    return 1


#: The event type of plain stdlib records from other libraries: never cataloged, never validated.
LOG_EVENT_TYPE: Final = "log"

#: The one level table: a record's ``level`` and the stdlib level number it stands for
#: (logging's own numbers, written out so that reading records does not import logging).
LEVELS: Final = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}
#: The same table the other way round: stdlib level number to the record's ``level``.
LEVEL_NAMES: Final = {number: name for name, number in LEVELS.items()}


def level_name(levelno: int) -> str:
    """Return the record's ``level`` for a stdlib level number (custom levels by their name)."""
    name = LEVEL_NAMES.get(levelno)
    if name is not None:
        return name
    import logging

    return str(logging.getLevelName(levelno)).lower()


def level_number(name: str) -> int:
    """Return the stdlib level number of a record's ``level``; KeyError for an unknown name."""
    return LEVELS[name.strip().lower()]


class SchemaIssue(NamedTuple):
    """One problem with an event: where (a ``$.json.path``) and why; ordered by path, then why.

    A NamedTuple rather than a dataclass: creating a frozen, ordered dataclass compiles six
    methods at import, a noticeable share of ``import schemalog``'s start-up.
    """

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def json_path(parts: Iterable[str | int]) -> str:
    """Return ``$.a.b[0]`` for the path parts ``a, b, 0`` (bracket-quoting odd names)."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif part.isascii() and part.isidentifier():  # [A-Za-z_][A-Za-z0-9_]*, without a regex
            out.append(f".{part}")
        else:
            out.append("[" + orjson.dumps(part).decode() + "]")
    return "".join(out)
