"""The analytics tables (seed 001) in the two dialects, and the order of their columns.

Differences from seed 001, on purpose: its foreign keys (``auth.users``, ``family_units``)
name tables schemalog does not own, so they are left out; ``user_id`` and ``family_unit_id``
are nullable text, since not every event has a user and applications' ids are not always
UUIDs. ``analytics_metrics.sample_key`` (a hash of the EMF line and the value's place in it)
makes loading metrics idempotent as ``event_id`` does for events.
"""

from __future__ import annotations

from typing import Final

#: Envelope fields that get a column; every other field of a line goes into ``metadata``.
EVENT_COLUMNS: Final = (
    "event_id",
    "event_type",
    "timestamp",
    "user_id",
    "family_unit_id",
    "session_id",
    "level",
    "logger",
    "schema_version",
    "service",
    "request_id",
    "trace_id",
    "span_id",
    "experiment_id",
    "variant",
    "sample_rate",
)
#: analytics_events.event_type is VARCHAR(100), as in seed 001.
MAX_EVENT_TYPE: Final = 100
#: Types a column takes as they are; any other value goes into a text column as JSON text.
PLAIN: Final = frozenset({str, int, float, type(None)})
#: The columns the loader fills, in the order of its rows; a JSON column, where there is one,
#: comes last.
EVENT_INSERT: Final = (*EVENT_COLUMNS, "metadata")
METRIC_INSERT: Final = (
    "sample_key",
    "metric_name",
    "metric_type",
    "value",
    "unit",
    "namespace",
    "timestamp",
    "labels",
)
REJECT_INSERT: Final = ("reject_key", "source", "line", "raw", "reason")

#: Column types that differ between the dialects: (PostgreSQL, DuckDB).
_TYPES: Final = {
    "id": ("UUID PRIMARY KEY DEFAULT gen_random_uuid()", "UUID DEFAULT uuid()"),
    "json": ("JSONB", "JSON"),
    "number": ("NUMERIC", "DOUBLE"),
    "float": ("DOUBLE PRECISION", "DOUBLE"),
}

_DDL: Final = """
CREATE TABLE IF NOT EXISTS analytics_events (
  id {id},
  event_id UUID UNIQUE NOT NULL,
  event_type VARCHAR(100) NOT NULL,
  timestamp TIMESTAMPTZ NOT NULL,
  user_id TEXT,
  family_unit_id TEXT,
  session_id TEXT,
  level TEXT NOT NULL,
  logger TEXT NOT NULL,
  schema_version TEXT,
  service TEXT,
  request_id TEXT,
  trace_id TEXT,
  span_id TEXT,
  experiment_id TEXT,
  variant TEXT,
  sample_rate {float},
  metadata {json} NOT NULL DEFAULT '{{}}',
  created_at TIMESTAMPTZ DEFAULT NOW()
);
CREATE TABLE IF NOT EXISTS analytics_metrics (
  id {id},
  sample_key VARCHAR(40) UNIQUE NOT NULL,
  metric_name TEXT NOT NULL,
  metric_type VARCHAR(50) NOT NULL,
  value {number} NOT NULL,
  unit TEXT,
  namespace TEXT,
  labels {json} DEFAULT '{{}}',
  timestamp TIMESTAMPTZ NOT NULL,
  created_at TIMESTAMPTZ DEFAULT NOW()
);
CREATE TABLE IF NOT EXISTS analytics_rejects (
  id {id},
  reject_key VARCHAR(40) UNIQUE NOT NULL,
  source TEXT NOT NULL,
  line BIGINT NOT NULL,
  raw TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at TIMESTAMPTZ DEFAULT NOW()
);
"""

#: Indexes seed 001's queries use (event_type, timestamp, user_id).
_INDEXES: Final = """
CREATE INDEX IF NOT EXISTS analytics_events_type_time ON analytics_events (event_type, timestamp);
CREATE INDEX IF NOT EXISTS analytics_events_user ON analytics_events (user_id);
CREATE INDEX IF NOT EXISTS analytics_metrics_name_time
  ON analytics_metrics (metric_name, timestamp);
"""


def ddl(dialect: str) -> list[str]:
    """Return the statements creating the tables (if missing) in ``postgresql`` or ``duckdb``."""
    column = 0 if dialect == "postgresql" else 1
    text = _DDL.format(**{name: types[column] for name, types in _TYPES.items()})
    if dialect == "postgresql":  # DuckDB's indexes slow bulk loads more than they help scans
        text += _INDEXES
    return [statement.strip() for statement in text.split(";") if statement.strip()]


def events_as_lines(table: str = "analytics_events") -> str:
    """Return a DuckDB SELECT giving each stored event as its line again (a JSON column ``j``).

    The envelope columns are merged back over ``metadata``; a NULL column is left out, as the
    line left it out (JSON merge-patch drops null members), and ``timestamp`` is written as
    the line wrote it (RFC 3339 UTC with milliseconds). ``schemalog count --engine duckdb``
    runs the metric filters over it.
    """
    members = []
    for name in EVENT_COLUMNS:
        if name == "timestamp":
            value = "strftime(timezone('UTC', timestamp), '%Y-%m-%dT%H:%M:%S.%gZ')"
        elif name == "event_id":
            value = "CAST(event_id AS VARCHAR)"
        else:
            value = name
        members.append(f"'{name}', {value}")
    return f"SELECT json_merge_patch(metadata, json_object({', '.join(members)})) AS j FROM {table}"
