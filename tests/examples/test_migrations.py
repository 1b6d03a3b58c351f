"""The migration guides' programs (examples/migrate_*.py) run and do what the guides say."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.catalog.load import Catalog
from schemalog.linecheck import LineChecker
from tests.paths import ROOT


def _run(example: str, argument: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / f"migrate_{example}.py"), argument],
        check=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def _lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _assert_valid(path: Path, schemas_dir: Path) -> None:
    checker = LineChecker(Catalog.load(schemas_dir))
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        result = checker.check(line)
        assert result.valid, f"{path.name}:{number}: {result}"


def test_stdlib_calls_become_events(tmp_path: Path, schemas_dir: Path) -> None:
    """extra= with event_type is a cataloged event; adapter context reaches the envelope."""
    out = tmp_path / "stdlib.jsonl"
    _run("stdlib", str(out))
    refresh, slow, hit = _lines(out)
    assert (refresh["event_type"], refresh["model_count"]) == ("cache_refresh", 12)
    assert refresh["schema_version"] == "1.0.0"
    assert (slow["event_type"], slow["message"]) == ("log", "upstream slow: 950 ms")
    assert (hit["event_type"], hit["request_id"]) == ("log", "req-123")
    _assert_valid(out, schemas_dir)


def test_structlog_calls_become_events(tmp_path: Path, schemas_dir: Path) -> None:
    """Structlog's bind and contextvars land in the envelope of validated events."""
    out = tmp_path / "structlog.jsonl"
    _run("structlog", str(out))
    refresh, hit = _lines(out)
    assert refresh["event_type"] == "cache_refresh" and refresh["user_id"] == "user-42"
    assert hit["request_id"] == "req-123" and hit["cache_expires_in_seconds"] == 30.0
    _assert_valid(out, schemas_dir)


def test_python_json_logger_config_gains_events(tmp_path: Path) -> None:
    """The kept dictConfig writes flat lines: envelope, fields, plain message, secrets masked."""
    out = tmp_path / "pjl.jsonl"
    _run("python_json_logger", str(out))
    shipped, refresh = _lines(out)
    assert shipped["message"] == "order A-17 shipped"
    assert shipped["api_key"] == "[REDACTED]" and shipped["carrier"] == "ups"
    assert (refresh["event_type"], refresh["schema_version"]) == ("cache_refresh", "1.0.0")
    for record in (shipped, refresh):
        assert isinstance(record["event_id"], str) and "timestamp" in record


def test_jupyter_events_emit_becomes_a_validated_event(tmp_path: Path, schemas_dir: Path) -> None:
    """A BinderHub launch event, as jupyter_events emitted it, is valid in schemalog's catalog."""
    out = tmp_path / "launch.jsonl"
    _run("jupyter_events", str(out))
    (launch,) = _lines(out)
    assert launch["event_type"] == "launch" and launch["provider"] == "GitHub"
    _assert_valid(out, schemas_dir)


def test_aws_embedded_metrics_become_emf_lines(tmp_path: Path) -> None:
    """Counters and histograms come out as one EMF document with the dimensions set."""
    out = tmp_path / "metrics.jsonl"
    _run("aws_embedded_metrics", str(out))
    (document,) = _lines(out)
    (directive,) = document["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "MyApp"
    assert directive["Dimensions"] == [["service", "endpoint"]]
    assert document["RequestCount"] == 3.0
    assert sorted(document["Latency"]) == [7.25, 12.0, 48.5]


@pytest.fixture
def cloudwatch() -> Iterator[tuple[str, dict[str, str]]]:
    """Start moto's server on a free port of 127.0.0.1; yield its URL and the environment."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    env = {
        "AWS_ENDPOINT_URL": url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    yield url, env
    server.stop()


def test_watchtower_handler_becomes_a_cloudwatch_sink(
    cloudwatch: tuple[str, dict[str, str]],
) -> None:
    """The program's events and plain records arrive in the CloudWatch log group."""
    import boto3

    url, env = cloudwatch
    _run("watchtower", "/jobs/app", env)
    client = boto3.client(
        "logs",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    deadline = time.monotonic() + 10
    messages: list[dict[str, Any]] = []
    while time.monotonic() < deadline and len(messages) < 2:
        events = client.get_log_events(logGroupName="/jobs/app", logStreamName="worker-1")
        messages = [orjson.loads(e["message"]) for e in events["events"]]
        time.sleep(0.2)
    kinds = sorted(message["event_type"] for message in messages)
    assert kinds == ["cache_refresh", "log"]
