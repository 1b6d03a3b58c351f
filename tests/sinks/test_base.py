"""Tests for schemalog.sinks.base: a sink's JSON line, and failures counted, not raised."""

from __future__ import annotations

import logging
from pathlib import Path

import orjson
import pytest

import schemalog
from schemalog._core.formatter import JsonFormatter
from schemalog.sinks.base import Sink


class Collect(Sink):
    """A sink keeping the lines it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[bytes] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record's line."""
        self.lines.append(self.line(record))


class Failing(Sink):
    """A sink whose every write fails, handled the way stdlib handlers do."""

    def emit(self, record: logging.LogRecord) -> None:
        """Fail, then hand the failure to handleError."""
        try:
            raise OSError(28, "No space left on device")
        except OSError:
            self.handleError(record)


def test_a_sink_formats_with_the_json_formatter(schemas_dir: Path) -> None:
    """By default a sink's line is the event's JSON line, newline-terminated."""
    sink = Collect()
    assert isinstance(sink.formatter, JsonFormatter)
    schemalog.configure(sinks=[sink], schemas=schemas_dir)
    schemalog.get_logger("app").info("cache_miss")
    (line,) = sink.lines
    assert line.endswith(b"}\n")
    assert orjson.loads(line)["event_type"] == "cache_miss"


def test_another_formatter_is_used_and_encoded_safely() -> None:
    """With a plain Formatter the line is its text; a lone surrogate is escaped, not fatal."""
    sink = Collect()
    sink.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "bad \udcff byte", None, None)
    assert sink.line(record) == b"WARNING bad \\udcff byte\n"


def test_failures_are_counted_and_reported_once(
    schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each failure adds to sink_errors; stderr gets one report, never a traceback."""
    sink = Failing(logging.INFO)
    schemalog.configure(sinks=[sink], schemas=schemas_dir)
    log = schemalog.get_logger("app")
    log.info("cache_miss")
    log.info("cache_miss")
    assert schemalog.stats()["sink_errors"] == 2
    err = capsys.readouterr().err
    assert err.count("schemalog: sink") == 1
    assert "No space left on device" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("kind", ["file", "stdout"])
def test_a_first_record_dropped_before_configure_writes_nothing(
    kind: str,
    schemas_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A record the chain drops on first use is not written, not even as an empty line."""
    from schemalog.sinks.file import FileSink
    from schemalog.sinks.stream import StreamSink

    monkeypatch.setenv("SCHEMALOG_SCHEMAS", str(schemas_dir))
    monkeypatch.setenv("SCHEMALOG_ON_INVALID", "drop")
    path = tmp_path / "events.jsonl"
    sink = FileSink(path) if kind == "file" else StreamSink("stdout")
    root = logging.getLogger()
    root.handlers[:] = [sink]
    root.setLevel(logging.INFO)
    invalid = {"event_type": "stream_completed", "total_chunks": "many", "session_id": "s"}
    logging.getLogger("app").info("done", extra=invalid)
    logging.getLogger("app").info("done", extra={**invalid, "total_chunks": 3})
    sink.close()
    written = path.read_text() if kind == "file" else capsys.readouterr().out
    assert [orjson.loads(line)["total_chunks"] for line in written.splitlines()] == [3]
