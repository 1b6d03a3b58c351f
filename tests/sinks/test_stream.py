"""Tests for schemalog.sinks.stream: stream sinks, sink strings, failure counting."""

from __future__ import annotations

import contextlib
import io
import logging
import logging.config
from pathlib import Path

import orjson
import pytest

import schemalog
from schemalog._core.sinkspec import make_sink
from schemalog.exceptions import ConfigError
from schemalog.sinks.file import FileSink
from schemalog.sinks.stream import StreamSink


def test_stream_sink_follows_redirection(schemas_dir: Path) -> None:
    """Stdout is looked up at each write, so redirect_stdout (and pytest capture) just work."""
    schemalog.configure(sinks=["stdout"], schemas=schemas_dir)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        schemalog.get_logger("app").info("cache_miss")
    assert '"event_type":"cache_miss"' in buffer.getvalue()
    assert buffer.getvalue().endswith("\n")


def test_stderr_sink(schemas_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The stderr sink writes to sys.stderr."""
    schemalog.configure(sinks=["stderr"], schemas=schemas_dir)
    schemalog.get_logger("app").info("cache_miss")
    assert '"event_type":"cache_miss"' in capsys.readouterr().err


def test_broken_stream_is_counted(schemas_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream that fails to write costs a counted sink error, never an exception."""

    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError("reader went away")

    schemalog.configure(sinks=["stdout"], schemas=schemas_dir)
    monkeypatch.setattr("sys.stdout", Broken())
    schemalog.get_logger("app").info("cache_miss")
    assert schemalog.stats()["sink_errors"] == 1


def test_make_sink(tmp_path: Path) -> None:
    """Sink strings build the named handlers; a Handler passes through untouched."""
    assert isinstance(make_sink("stdout"), StreamSink)
    assert make_sink(" stderr ").stream_name == "stderr"  # type: ignore[attr-defined]
    file_sink = make_sink(f"file:{tmp_path / 'x.jsonl'}")
    assert isinstance(file_sink, FileSink)
    file_sink.close()
    handler = logging.NullHandler()
    assert make_sink(handler) is handler


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("kafka:topic", "is not one of"),
        ("file:", "needs something after 'file:'"),
        ("", "is not one of"),
    ],
)
def test_bad_sink_strings(spec: str, message: str) -> None:
    """Unknown or incomplete sink strings are ConfigErrors saying what is accepted."""
    with pytest.raises(ConfigError, match=message):
        make_sink(spec)


def test_stream_sink_rejects_other_streams() -> None:
    """Only stdout and stderr are streams."""
    with pytest.raises(ConfigError, match="'stdout' or 'stderr'"):
        StreamSink("stdin")


def test_lines_written_are_counted_per_stream(capsys: pytest.CaptureFixture[str]) -> None:
    """Each line a stream sink writes counts in schemalog.stats()['written:stdout']."""
    sink = StreamSink("stdout")
    for text in ("a", "b"):
        sink.handle(logging.LogRecord("t", logging.INFO, "", 0, text, None, None))
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert schemalog.stats()["written:stdout"] == 2


def test_sinks_built_by_dict_config_write_no_line_for_a_dropped_record(
    schemas_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A record the chain drops (invalid under drop, sampled out) leaves no blank line behind."""
    schemalog.configure(
        sinks=[], schemas=schemas_dir, on_invalid="drop", sample_rates={"cache_hit": 1e-9}
    )
    path = tmp_path / "events.jsonl"
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {
                "events": {"class": "schemalog.FileSink", "path": str(path)},
                "console": {"class": "schemalog.sinks.stream.StreamSink"},
            },
            "loggers": {"dc": {"level": "INFO", "handlers": ["events", "console"]}},
        }
    )
    log = logging.getLogger("dc")
    try:
        log.info("m", extra={"event_type": "cache_hit", "cache_expires_in_seconds": 1})
        log.info("m", extra={"event_type": "cache_refresh", "model_count": "many"})
        log.info("kept")
    finally:
        for handler in log.handlers:
            handler.close()
        log.handlers.clear()
    (line,) = path.read_text().splitlines()
    assert orjson.loads(line)["message"] == "kept"
    assert capsys.readouterr().out.splitlines() == [line]
