"""From a request body to checked, stamped, redacted event lines, with an answer per event."""

from __future__ import annotations

import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from schemalog._core.pipeline import LINE_ATTRIBUTE
from schemalog._core.redact import Redactor
from schemalog._core.stats import STATS
from schemalog.catalog.load import Catalog
from schemalog.exceptions import UnknownEventError
from schemalog.record import RESERVED_NAMES
from schemalog.storage.rows import EXTRA_ENVELOPE, RECEIVED_AT, checker_for

DEFAULT_LOGGER: Final = "schemalog.ingest"
_LOG_LEVEL: Final = logging.INFO


class BodyError(ValueError):
    """A body that is neither a JSON array of objects nor NDJSON; says where it broke."""


def parse_body(body: bytes) -> list[Any]:
    """Return the events of a JSON array or NDJSON body (objects not checked yet)."""
    stripped = body.lstrip()
    if stripped.startswith(b"["):
        try:
            events = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise BodyError(f"not a JSON array: {error}") from None
        if not isinstance(events, list):
            raise BodyError("not a JSON array")
        return events
    events = []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append(orjson.loads(line))
        except orjson.JSONDecodeError as error:
            raise BodyError(f"NDJSON line {number}: not JSON: {error}") from None
    return events


class Intake:
    """Checks and stamps events, remembers recent ``event_id`` s, writes lines to handlers."""

    def __init__(
        self,
        catalog: Catalog,
        handlers: Sequence[logging.Handler],
        redactor: Redactor,
        remember: int = 100_000,
    ) -> None:
        self.catalog = catalog
        self.handlers = list(handlers)
        self.redactor = redactor
        self.checker = checker_for(catalog)
        self._envelope = RESERVED_NAMES | EXTRA_ENVELOPE
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    def take(self, events: list[Any], source: str) -> list[dict[str, Any]]:
        """Handle a request's events; return one result per event, in order."""
        received = _now()
        return [self._one(index, event, received, source) for index, event in enumerate(events)]

    def _one(self, index: int, event: Any, received: str, source: str) -> dict[str, Any]:
        if not isinstance(event, dict):
            return {"index": index, "status": "rejected", "errors": ["$: not a JSON object"]}
        record = {
            "timestamp": received,
            "level": "info",
            "logger": DEFAULT_LOGGER,
            **event,
            RECEIVED_AT: received,
        }
        record.setdefault("event_id", str(uuid.uuid4()))
        event_type = record.get("event_type")
        if (
            "schema_version" not in record
            and isinstance(event_type, str)
            and event_type in self.catalog
        ):
            record["schema_version"] = self.catalog.get(event_type).version_text  # the newest
        result = self.checker.check_record(record)
        event_id = record["event_id"]
        if not result.valid:
            errors = [str(issue) for issue in result.issues]
            return {"index": index, "status": "rejected", "event_id": event_id, "errors": errors}
        if event_id in self._seen:
            self._seen.move_to_end(event_id)
            return {"index": index, "status": "duplicate", "event_id": event_id}
        self._remember_id(event_id)
        self._write(self._redacted(record, result.schema_version), source)
        return {"index": index, "status": "accepted", "event_id": event_id}

    def _remember_id(self, event_id: str) -> None:
        self._seen[event_id] = None
        if len(self._seen) > self._remember:
            self._seen.popitem(last=False)

    def _redacted(self, record: dict[str, Any], version: str | None) -> dict[str, Any]:
        try:
            schema = self.catalog.get(record["event_type"], version)
        except UnknownEventError:
            return record  # "log" lines: only secret-named keys are redacted
        else:
            fields = {k: v for k, v in record.items() if k not in self._envelope}
            redacted = self.redactor.redact(fields, schema.redaction, valid=True)
            return record if redacted is fields else {**_envelope(record, fields), **redacted}

    def _write(self, record: dict[str, Any], source: str) -> None:
        line = orjson.dumps(record)
        log_record = logging.LogRecord(source, _LOG_LEVEL, __file__, 0, line.decode(), None, None)
        log_record.__dict__[LINE_ATTRIBUTE] = line
        for handler in self.handlers:
            try:
                handler.handle(log_record)
            except Exception:  # a sink never fails the request: counted and reported
                STATS.add("sink_errors")
                STATS.report(f"ingest-sink:{id(handler)}", f"ingest: sink {handler!r} failed")


def _envelope(record: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in fields}


def _now() -> str:
    moment = datetime.fromtimestamp(time.time(), UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
