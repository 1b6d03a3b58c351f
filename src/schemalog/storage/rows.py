"""Lines to rows: an event row, metric rows (one per EMF value), or a reject with its reason.

A line is rejected when it is not JSON, fails the record contract or the catalog (the checks
of ``schemalog validate``), has a value a column cannot hold (an ``event_id`` that is not a
UUID, a ``sample_rate`` that is not a number), or is longer than the size limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from schemalog._core.settings import static_field_names
from schemalog.catalog.load import Catalog
from schemalog.linecheck import LineChecker
from schemalog.metrics.emf import is_emf
from schemalog.storage.shapes import ShapeCheck
from schemalog.storage.tables import EVENT_COLUMNS, MAX_EVENT_TYPE, PLAIN

#: Lines longer than this are rejected (as ``oversize``) unless the loader is told otherwise.
MAX_LINE_BYTES: Final = 1 << 20
_COLUMN_NAMES: Final = frozenset(EVENT_COLUMNS)
#: EMF units of schemalog's instruments -> metric_type (gauges and histograms share "None").
_KINDS: Final = {"Count": "counter", "Milliseconds": "timer"}

#: The ingestion service's stamp: when it received the event (kept in ``metadata``).
RECEIVED_AT: Final = "received_at"
#: Envelope fields a line may carry besides the record contract's reserved names: experiment
#: context and sampling (columns of their own) and the ingestion service's stamp.
EXTRA_ENVELOPE: Final = frozenset({"experiment_id", "variant", "sample_rate", RECEIVED_AT})

EventRow = tuple[Any, ...]
MetricRow = tuple[Any, ...]
RejectRow = tuple[str, str, int, str, str]


@dataclass
class Batch:
    """Rows for one transaction, and where they came from (for error messages)."""

    events: list[EventRow] = field(default_factory=list)
    metrics: list[MetricRow] = field(default_factory=list)
    rejects: list[RejectRow] = field(default_factory=list)
    duplicates: int = 0  # event_ids seen twice in this batch
    source: str = ""
    first_line: int = 0
    last_line: int = 0
    _ids: set[str] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.events) + len(self.metrics) + len(self.rejects)

    def where(self) -> str:
        """``FILE:FIRST-LAST``, the lines this batch holds."""
        return f"{self.source}:{self.first_line}-{self.last_line}"


def checker_for(catalog: Catalog) -> LineChecker:
    """Return the line checker of storage: the catalog, static fields, the extra envelope.

    Reasons come from the compiled engine (the same words, without importing ``jsonschema``).
    """
    return LineChecker(catalog, static_field_names() | EXTRA_ENVELOPE, reference_reasons=False)


class RowMaker:
    """Turns lines into rows of a :class:`Batch`, checking each against one catalog."""

    def __init__(self, checker: LineChecker, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.checker = checker
        self.max_line_bytes = max_line_bytes
        self.shapes = ShapeCheck(checker)

    def add(self, batch: Batch, source: str, number: int, line: bytes) -> None:
        """Add the rows of one line (numbered ``number`` in ``source``) to ``batch``."""
        self.add_lines(batch, source, [(number, line)])

    def add_lines(self, batch: Batch, source: str, lines: Sequence[tuple[int, bytes]]) -> None:
        """Add the rows of ``(number, line)`` pairs of ``source`` to ``batch``."""
        if not lines:
            return
        if not batch.first_line or batch.source != source:
            batch.source, batch.first_line = source, lines[0][0]
        batch.last_line = lines[-1][0]
        limit, loads, row_of = self.max_line_bytes, orjson.loads, self.shapes.row
        for number, line in lines:
            # The common valid line: parsed, and checked by its shape (limits as in _parse).
            if len(line) <= limit and b"\\u0000" not in line:
                try:
                    record = loads(line)
                except orjson.JSONDecodeError:
                    record = None
                if type(record) is dict and (row := row_of(record)) is not None:
                    self._add_event(batch, row)
                    continue
            self._add_checked(batch, source, number, line)

    def _add_checked(self, batch: Batch, source: str, number: int, line: bytes) -> None:
        """Add the rows of a line the general way: every check, and the reason of a reject."""
        record, reason = self._parse(line)
        if record is not None and is_emf(record):
            self._add_metrics(batch, source, number, line, record)
            return
        if record is not None and not reason:
            reason = self.problem(record)
        if record is None or reason:
            kept = line[:1024] if reason.startswith("oversize") else line
            batch.rejects.append(reject_row(source, number, kept, reason))
            return
        self._add_event(batch, event_row(record))

    @staticmethod
    def _add_event(batch: Batch, row: EventRow) -> None:
        event_id = row[0]  # EVENT_COLUMNS start with it
        if event_id in batch._ids:
            batch.duplicates += 1
            return
        batch._ids.add(event_id)
        batch.events.append(row)

    def _parse(self, line: bytes) -> tuple[dict[str, Any] | None, str]:
        """Return the parsed line, or None and why it cannot be one."""
        if len(line) > self.max_line_bytes:
            return None, f"oversize: {len(line)} bytes, more than {self.max_line_bytes}"
        if b"\\u0000" in line:
            return None, "a value holds a NUL character (\\u0000), which JSONB cannot store"
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            return None, f"not JSON: {error}"
        if not isinstance(record, dict):
            return None, "not a JSON object"
        return record, ""

    def problem(self, record: Mapping[str, Any]) -> str:
        """Return why a parsed event cannot be stored ('' when it can)."""
        result = self.checker.check_record(record)
        if not result.valid:
            label = f"{result.label()}: " if result.label() else ""
            return label + "; ".join(str(issue) for issue in result.issues)
        # The checker holds the envelope to DESIGN §2 (the always-there names present and not
        # null, event_id a UUID, timestamp a real instant): the column also needs the type short.
        if len(record["event_type"]) > MAX_EVENT_TYPE:
            return f"$.event_type: longer than the column's {MAX_EVENT_TYPE} characters"
        return ""

    def _add_metrics(
        self, batch: Batch, source: str, number: int, line: bytes, record: dict[str, Any]
    ) -> None:
        issues = self.checker.check_record(record).issues
        if issues:
            reason = "emf: " + "; ".join(str(issue) for issue in issues)
            batch.rejects.append(reject_row(source, number, line, reason))
            return
        batch.metrics.extend(metric_rows(record, line))


def event_row(record: Mapping[str, Any]) -> EventRow:
    """Return the values of ``tables.EVENT_INSERT`` for a checked event (metadata as JSON)."""
    metadata = {key: value for key, value in record.items() if key not in _COLUMN_NAMES}
    # A bound number or flag in a text column is stored as its JSON text.
    plain, dumps = PLAIN, orjson.dumps
    return (
        *[v if type(v) in plain else dumps(v).decode() for v in map(record.get, EVENT_COLUMNS)],
        dumps(metadata).decode(),
    )


def metric_rows(document: Mapping[str, Any], line: bytes) -> list[MetricRow]:
    """Return one row of ``tables.METRIC_INSERT`` per value of a checked EMF document."""
    meta = document["_aws"]
    stamp = _iso(meta["Timestamp"])
    rows: list[MetricRow] = []
    digest = hashlib.blake2b(line, digest_size=12)
    for directive in meta["CloudWatchMetrics"]:
        names = sorted(
            {name for dimension_set in directive["Dimensions"] for name in dimension_set}
        )
        labels = orjson.dumps({name: document[name] for name in names}).decode()
        for definition in directive["Metrics"]:
            name, unit = definition["Name"], definition.get("Unit", "None")
            raw = document[name]
            values = raw if isinstance(raw, list) else [raw]
            kind = _KINDS.get(unit) or ("histogram" if isinstance(raw, list) else "gauge")
            for place, value in enumerate(values):
                key = digest.copy()
                key.update(f"\0{name}\0{place}".encode())
                row = (key.hexdigest(), name, kind, value, unit, directive["Namespace"])
                rows.append((*row, stamp, labels))
    return rows


def _iso(milliseconds: int) -> str:
    seconds, millis = divmod(int(milliseconds), 1000)
    moment = datetime.fromtimestamp(seconds, UTC).replace(microsecond=millis * 1000)
    return moment.isoformat().replace("+00:00", "Z")


def reject_row(source: str, number: int, line: bytes, reason: str) -> RejectRow:
    """Return the values of ``tables.REJECT_INSERT`` for a line that cannot be stored."""
    key = hashlib.blake2b(b"%s\0%d\0%s" % (source.encode(), number, line), digest_size=12)
    raw = line.decode("utf-8", "replace").replace("\0", "\ufffd")  # PostgreSQL text has no NUL
    return (key.hexdigest(), source, number, raw, reason)
