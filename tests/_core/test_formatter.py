"""Tests for schemalog._core.formatter: JsonFormatter for any stdlib record."""

from __future__ import annotations

import logging
from pathlib import Path

import orjson

import schemalog


def test_stack_info_and_caller_on_plain_records(schemas_dir: Path) -> None:
    """stack_info becomes `stack`; caller comes from the record when enabled."""
    schemalog.configure(sinks=[], schemas=schemas_dir, caller=True)
    record = logging.LogRecord(
        "lib",
        logging.INFO,
        "/src/lib/mod.py",
        12,
        "hi",
        None,
        None,
        "fn",
        sinfo="Stack (most recent call last):\n  here",
    )
    out = orjson.loads(schemalog.JsonFormatter().format(record))
    assert out["caller"] == "mod:fn:12"
    assert out["stack"].startswith("Stack (most recent call last)")
    assert out["message"] == "hi" and out["event_type"] == "log"


def test_unformattable_record_is_still_a_line(schemas_dir: Path) -> None:
    """Even a record whose extras explode renders a line saying so."""
    schemalog.configure(sinks=[], schemas=schemas_dir)

    class Explodes:
        def __repr__(self) -> str:
            raise RuntimeError("no")

        def __eq__(self, other: object) -> bool:
            raise RuntimeError("no")

        __hash__ = None  # type: ignore[assignment]

    record = logging.LogRecord("lib", logging.ERROR, "", 0, "m", None, None)
    record.weird = Explodes()
    out = orjson.loads(schemalog.JsonFormatter().format(record))
    assert out["event_type"] == "log"
    assert out["weird"] == "<Explodes repr failed: RuntimeError>"
