"""Tests for schemalog._core.sinkspec: sink strings name handler factories, loaded on use."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from schemalog._core import sinkspec
from schemalog._core.sinkspec import known_schemes, make_sink, register_sink_scheme
from schemalog.exceptions import ConfigError
from schemalog.sinks.file import FileSink
from schemalog.sinks.stream import StreamSink


def test_streams_and_files_are_built_from_their_strings(tmp_path: Path) -> None:
    """stdout, stderr and file:PATH build the built-in sinks."""
    assert isinstance(make_sink("stdout"), StreamSink)
    assert make_sink(" stderr ").stream_name == "stderr"  # type: ignore[attr-defined]
    sink = make_sink(f"file:{tmp_path / 'events.jsonl'}?max_bytes=1KiB&backups=2")
    try:
        assert isinstance(sink, FileSink)
        assert sink.max_bytes == 1024
    finally:
        sink.close()


def test_a_handler_is_taken_as_it_is() -> None:
    """An already built Handler passes through untouched."""
    handler = logging.NullHandler()
    assert make_sink(handler) is handler


@pytest.mark.parametrize("spec", ["kafka:topic", "stdout:x", "nothing", "file"])
def test_unknown_schemes_list_what_is_known(spec: str) -> None:
    """An unknown sink string is an error listing every sink string one can use."""
    with pytest.raises(ConfigError, match=r"stdout, stderr, file:\.\.\., cloudwatch:\.\.\."):
        make_sink(spec)


def test_a_scheme_needs_its_argument() -> None:
    """file: with nothing after it is an error naming the scheme."""
    with pytest.raises(ConfigError, match="needs something after 'file:'"):
        make_sink("file:")


def test_cloudwatch_is_not_imported_until_a_cloudwatch_sink_is_built() -> None:
    """Building stream and file sinks in a fresh process never imports the CloudWatch sink."""
    code = (
        "import sys, tempfile; from schemalog._core.sinkspec import make_sink;"
        " make_sink('stdout'); make_sink('file:' + tempfile.mktemp());"
        " print(sorted(m for m in sys.modules if 'cloudwatch' in m or m == 'boto3'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_registered_schemes_are_built_by_their_factory() -> None:
    """register_sink_scheme adds a scheme, by callable or by 'module:attribute' path."""
    built: list[str] = []

    def factory(argument: str) -> logging.Handler:
        built.append(argument)
        return logging.NullHandler()

    register_sink_scheme("memory", factory)
    register_sink_scheme("nullsink", "schemalog.sinks.stream:StreamSink")
    try:
        assert isinstance(make_sink("memory:abc"), logging.NullHandler)
        assert built == ["abc"]
        assert isinstance(make_sink("nullsink:stderr"), StreamSink)
        assert "memory:..." in known_schemes()
    finally:
        sinkspec._SCHEMES.pop("memory")
        sinkspec._SCHEMES.pop("nullsink")


def test_a_scheme_must_be_a_plain_name() -> None:
    """Scheme names that a sink string could not spell are refused."""
    with pytest.raises(ConfigError, match="plain name"):
        register_sink_scheme("my-sink", "logging:NullHandler")
