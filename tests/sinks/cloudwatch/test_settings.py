"""Tests for the sink's settings: sink strings, stream names, values checked up front."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemalog._core.sinkspec import make_sink
from schemalog.exceptions import ConfigError
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler, parse_spec


def test_default_stream_name_from_host_program_and_pid(tmp_path: Path) -> None:
    """The default stream is host/program/pid, without the characters AWS forbids."""
    handler = CloudWatchLogsHandler("g", spill_dir=tmp_path)
    host, program, pid = handler.log_stream.rsplit("/", 2)
    assert pid == str(os.getpid())
    assert host
    assert program
    assert ":" not in handler.log_stream
    handler.close()


@pytest.mark.parametrize(
    ("argument", "group", "stream"),
    [
        ("my-group", "my-group", None),
        ("my-group/api", "my-group", "api"),
        ("team/app/api", "team/app", "api"),
        ("/ecs/api", "/ecs/api", None),
        ("/ecs/api?stream=web-{pid}", "/ecs/api", "web-{pid}"),
    ],
)
def test_sink_string_names_group_and_stream(argument: str, group: str, stream: str | None) -> None:
    """GROUP[/STREAM] splits at the last slash, unless the group starts with one."""
    assert parse_spec(argument)[:2] == (group, stream)


def test_sink_string_options_and_errors(tmp_path: Path) -> None:
    """Options are converted and checked; unknown ones and bad groups are ConfigErrors."""
    handler = make_sink(
        f"cloudwatch:g/s?region=eu-west-1&max_queue_bytes=1MiB&send_interval=0.5"
        f"&spill_dir={tmp_path}"
    )
    assert isinstance(handler, CloudWatchLogsHandler)
    settings = handler.settings
    assert (handler.log_group, handler.log_stream, settings.region) == ("g", "s", "eu-west-1")
    assert (settings.max_queue_bytes, settings.send_interval) == (1024 * 1024, 0.5)
    handler.close()
    with pytest.raises(ConfigError, match="unknown option 'colour'"):
        make_sink("cloudwatch:g?colour=red")
    with pytest.raises(ConfigError, match="log group"):
        make_sink("cloudwatch:bad group!")
