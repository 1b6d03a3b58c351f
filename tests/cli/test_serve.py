"""``schemalog serve``: a real server process; keys required unless --no-auth; new keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import orjson
import pytest

from schemalog.cli.main import main
from tests.conftest import SCHEMAS
from tests.pg import free_port
from tests.server import wait_for_http


def test_serves_events_to_its_sinks(tmp_path: Path) -> None:
    """The verb starts uvicorn; posted events land in every --sink; SIGTERM stops it."""
    port = free_port()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    key = subprocess.run(
        [sys.executable, "-m", "schemalog", "serve", "--new-key", "ci"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = key.stderr.strip().rsplit(" ", 1)[1]
    command = [sys.executable, "-m", "schemalog", "serve", "--port", str(port)]
    command += ["--sink", f"file:{first}", "--sink", f"file:{second}", "--schemas", str(SCHEMAS)]
    server = subprocess.Popen(command, env={"SCHEMALOG_API_KEYS": line, "PATH": "/usr/bin"})
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", lambda: server.poll() is None)
        event = {"event_type": "feed_viewed", "user_id": "u", "family_unit_id": "f"}
        headers = {"Authorization": f"Bearer {key.stdout.strip()}"}
        answer = httpx.post(f"http://127.0.0.1:{port}/v1/events", json=[event], headers=headers)
        assert answer.json()["accepted"] == 1
    finally:
        server.terminate()
        server.wait(30)
    for path in (first, second):
        assert orjson.loads(path.read_bytes())["event_type"] == "feed_viewed"


def test_refuses_to_run_without_keys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without keys and without --no-auth the service does not start (exit 2, one line)."""
    monkeypatch.delenv("SCHEMALOG_API_KEYS", raising=False)
    assert main(["serve", "--port", "1"]) == 2
    assert "no API keys" in capsys.readouterr().err
