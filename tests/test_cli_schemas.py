"""Tests for `schemalog schemas list`."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from schemalog.cli.main import main


def test_list_table(schemas_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table has a header with the count and one row per event type."""
    assert main(["schemas", "list", "--schemas", str(schemas_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"# {schemas_dir}: ")
    assert any(line.startswith("stream_completed ") and "1.0.0" in line for line in lines)


def test_list_json(schemas_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json lists event type, versions, domain and description."""
    assert main(["schemas", "list", "--schemas", str(schemas_dir), "--format", "json"]) == 0
    rows = {row["event_type"]: row for row in orjson.loads(capsys.readouterr().out)}
    assert rows["stream_completed"]["versions"] == ["1.0.0"]
    assert rows["stream_completed"]["domain"] == "chat"
