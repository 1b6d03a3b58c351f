"""Tests for the sink's settings: sink strings, stream names, values checked up front."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemalog._core.sinkspec import make_sink
from schemalog.exceptions import ConfigError
from schemalog.sinks.cloudwatch import CloudWatchLogsHandler, parse_spec
from schemalog.sinks.cloudwatch.settings import RETENTION_DAYS, Settings


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


@pytest.mark.parametrize("days", RETENTION_DAYS)
def test_every_retention_aws_accepts_is_accepted(days: int) -> None:
    """Each retentionInDays value PutRetentionPolicy takes is a valid retention_days."""
    assert Settings(log_group="g", retention_days=days).retention_days == days


@pytest.mark.parametrize("days", [0, 2, 31, 365 * 10, -1])
def test_a_retention_aws_refuses_is_a_config_error_naming_the_accepted_values(days: int) -> None:
    """retention_days=2 fails up front, naming the option and the values AWS accepts."""
    with pytest.raises(ConfigError, match=rf"retention_days={days} is not one of 1, 3, 5, 7, 14"):
        Settings(log_group="g", retention_days=days)


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd",
        "arn:aws:kms:eu-west-1:123456789012:alias/logs",
    ],
)
def test_a_kms_key_arn_is_accepted(arn: str) -> None:
    """KMS key ARNs (and alias ARNs) of any partition are valid kms_key_id values."""
    assert Settings(log_group="g", kms_key_id=arn).kms_key_id == arn


@pytest.mark.parametrize(
    "value",
    [
        "1234abcd-12ab-34cd-56ef-1234567890ab",  # a bare key id: CreateLogGroup wants the ARN
        "arn:aws:kms:us-east-1:1234:key/abc",  # account id too short
        "arn:aws:s3:::bucket",
        "",
    ],
)
def test_a_kms_key_id_that_is_not_an_arn_is_a_config_error(value: str) -> None:
    """A kms_key_id that is not a KMS key ARN fails up front, saying what shape it needs."""
    with pytest.raises(ConfigError, match=r"kms_key_id=.* is not a KMS key ARN"):
        Settings(log_group="g", kms_key_id=value)


def test_retention_and_kms_key_from_a_sink_string(tmp_path: Path) -> None:
    """?retention_days=30&kms_key_id=ARN reach the handler's settings; bad ones are refused."""
    arn = "arn:aws:kms:us-east-1:123456789012:key/k-1"
    handler = make_sink(f"cloudwatch:g/s?retention_days=30&kms_key_id={arn}&spill_dir={tmp_path}")
    assert isinstance(handler, CloudWatchLogsHandler)
    assert (handler.settings.retention_days, handler.settings.kms_key_id) == (30, arn)
    handler.close()
    with pytest.raises(ConfigError, match="retention_days"):
        make_sink("cloudwatch:g?retention_days=thirty")
    with pytest.raises(ConfigError, match="retention_days=10 is not one of"):
        make_sink("cloudwatch:g?retention_days=10")


@pytest.mark.parametrize("group", ["bad group!", "", "g" * 513, "a:b"])
def test_an_invalid_group_name_is_refused_before_anything_is_sent(group: str) -> None:
    """A group name AWS would refuse is a ConfigError at construction, naming the rule."""
    with pytest.raises(ConfigError, match="log group must be 1-512 of"):
        CloudWatchLogsHandler(group)


def test_a_bad_stream_template_is_refused_up_front() -> None:
    """An unknown placeholder in the stream template fails at construction, naming the known."""
    with pytest.raises(ConfigError, match=r"known: \{host\}, \{program\}, \{pid\}"):
        Settings(log_group="g", log_stream="{hostname}")
