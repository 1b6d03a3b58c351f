"""Lines become event rows, metric rows or rejects with a reason."""

from __future__ import annotations

import uuid

import orjson

from schemalog.catalog.load import Catalog
from schemalog.storage.rows import Batch, RowMaker, checker_for
from schemalog.storage.tables import EVENT_INSERT, METRIC_INSERT
from tests.conftest import SCHEMAS


def event(**fields: object) -> bytes:
    """Return a valid memory_posted line, with ``fields`` replacing or adding values."""
    record: dict[str, object] = {
        "timestamp": "2026-11-22T19:20:24.198Z",
        "level": "info",
        "logger": "app",
        "event_type": "memory_posted",
        "schema_version": "1.0.0",
        "event_id": str(uuid.uuid4()),
        "user_id": "u-1",
        "family_unit_id": "f-1",
        "memory_id": "m-1",
        "experiment_id": "exp-7",
        "variant": "B",
        "sample_rate": 0.25,
    }
    record.update(fields)
    return orjson.dumps({k: v for k, v in record.items() if v is not None})


def rows_of(*lines: bytes, max_line_bytes: int = 1 << 20) -> Batch:
    maker = RowMaker(checker_for(Catalog.load(SCHEMAS)), max_line_bytes)
    batch = Batch()
    for number, line in enumerate(lines, start=1):
        maker.add(batch, "in.jsonl", number, line)
    return batch


def test_envelope_in_columns_fields_in_metadata() -> None:
    """Envelope fields (experiment ones included) get columns; the event's fields, metadata."""
    batch = rows_of(event(media_count=3))
    row = dict(zip(EVENT_INSERT, batch.events[0], strict=True))
    assert row["family_unit_id"] == "f-1"
    assert (row["experiment_id"], row["variant"], row["sample_rate"]) == ("exp-7", "B", 0.25)
    assert orjson.loads(row["metadata"]) == {"memory_id": "m-1", "media_count": 3}


def test_rejects_name_the_reason() -> None:
    """Bad JSON, catalog failures, bad ids and dates, NULs and oversize lines are rejected."""
    batch = rows_of(
        b"{not json",
        event(media_count="three"),
        event(event_id="not-a-uuid"),
        event(title="a\u0000b"),
        event(title="x" * 500),
        event(timestamp="2026-13-45T19:20:24.198Z"),
        max_line_bytes=400,
    )
    assert not batch.events
    reasons = [reason for *_, reason in batch.rejects]
    assert reasons[0].startswith("not JSON")
    assert "$.media_count" in reasons[1]
    assert "$.event_id: must be a UUID" in reasons[2]
    assert "NUL" in reasons[3]
    assert reasons[4].startswith("oversize")
    assert "$.timestamp: not RFC 3339" in reasons[5]
    assert [line for _, _, line, _, _ in batch.rejects] == [1, 2, 3, 4, 5, 6]


def test_duplicate_in_batch_counted() -> None:
    """An event_id seen twice in one batch is stored once and counted as a duplicate."""
    line = event()
    batch = rows_of(line, line)
    assert (len(batch.events), batch.duplicates) == (1, 1)


def test_emf_line_gives_one_row_per_value() -> None:
    """An EMF document with a list of values gives one metric row per value, labels as JSON."""
    document = {
        "_aws": {
            "Timestamp": 1_790_000_000_123,
            "CloudWatchMetrics": [
                {
                    "Namespace": "schemalog",
                    "Dimensions": [["endpoint"]],
                    "Metrics": [{"Name": "api_request_duration_ms", "Unit": "Milliseconds"}],
                }
            ],
        },
        "endpoint": "/api/v1/feed",
        "api_request_duration_ms": [12.5, 40.0],
    }
    batch = rows_of(orjson.dumps(document))
    rows = [dict(zip(METRIC_INSERT, row, strict=True)) for row in batch.metrics]
    assert [row["value"] for row in rows] == [12.5, 40.0]
    assert {row["metric_type"] for row in rows} == {"timer"}
    assert orjson.loads(rows[0]["labels"]) == {"endpoint": "/api/v1/feed"}
    assert rows[0]["timestamp"] == "2026-09-21T14:13:20.123000Z"
    assert rows[0]["sample_key"] != rows[1]["sample_key"]


def test_null_envelope_names_without_null_columns_are_rejected() -> None:
    """A null event_type, event_id, timestamp, level or logger is a reject, not a failed load."""
    names = ("event_type", "event_id", "timestamp", "level", "logger")
    lines = []
    for name in names:
        record = orjson.loads(event())
        record[name] = None
        lines.append(orjson.dumps(record))
    batch = rows_of(*lines)
    assert not batch.events
    reasons = [reason for *_, reason in batch.rejects]
    assert all(
        reason.endswith(f"$.{name}: must not be null")
        for reason, name in zip(reasons, names, strict=True)
    )
