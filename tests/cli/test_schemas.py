"""Tests for ``schemalog schemas list | check | docs | codegen``: output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from schemalog.cli.main import main


def test_check_passes_on_the_project_catalog(
    schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The project's catalog passes: exit 0, nothing on stdout."""
    assert main(["schemas", "check", "--schemas", str(schemas_dir)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "every rule kept" in err


def test_check_prints_findings_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each finding is printed as FILE: reason, and the exit code is 1."""
    path = tmp_path / "cache_miss" / "1.0.0.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"type": "object"}))
    assert main(["schemas", "check", "--schemas", str(tmp_path)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"{path}: ")
    assert main(["schemas", "check", "--format", "csv", "--schemas", str(tmp_path)]) == 1
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "file,line,column,field,message,severity,rule"
    assert rows[1].startswith(f"{path},,,,")


def test_check_against_outside_git_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--against where there is no repository is a one-line usage error, exit 2."""
    code = main(["schemas", "check", "--schemas", str(tmp_path), "--against", "HEAD"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("schemalog schemas: --against: not inside a git repository")


def test_docs_writes_then_checks(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Docs are written; --check then passes, and fails once the file is edited."""
    output = tmp_path / "events.md"
    args = ["schemas", "docs", "--schemas", str(schemas_dir), "--output", str(output)]
    assert main(args) == 0
    assert output.read_text().startswith("# Event catalog")
    assert main([*args, "--check"]) == 0
    output.write_text(output.read_text() + "edited\n")
    assert main([*args, "--check"]) == 1
    assert "not current" in capsys.readouterr().err


def test_codegen_writes_an_importable_module(tmp_path: Path, schemas_dir: Path) -> None:
    """The codegen command writes a module a fresh interpreter imports and uses."""
    output = tmp_path / "generated_events.py"
    assert main(["schemas", "codegen", "--schemas", str(schemas_dir), "--output", str(output)]) == 0
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import generated_events as e; print(e.cache_hit(cache_expires_in_seconds=2))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == (
        "{'event_type': 'cache_hit', 'schema_version': '1', 'cache_expires_in_seconds': 2}"
    )


def test_list_table(schemas_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The table has a header and one row per event type; the count goes to stderr."""
    assert main(["schemas", "list", "--schemas", str(schemas_dir)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["event_type", "versions", "domain", "description"]
    assert err.startswith(f"schemalog schemas list: {schemas_dir}: ")
    assert any(line.startswith("stream_completed ") and "1.0.0" in line for line in lines)


def test_list_json(schemas_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--format json lists event type, versions, domain and description."""
    assert main(["schemas", "list", "--schemas", str(schemas_dir), "--format", "json"]) == 0
    document = orjson.loads(capsys.readouterr().out)
    assert (document["schemalog"], document["verb"]) == (1, "schemas list")
    rows = {row["event_type"]: row for row in document["rows"]}
    assert document["summary"]["event_types"] == len(rows)
    assert rows["stream_completed"]["versions"] == ["1.0.0"]
    assert rows["stream_completed"]["domain"] == "chat"


def test_an_output_that_cannot_be_written_is_named_with_exit_2(
    tmp_path: Path, schemas_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unwritable --output (missing directory, a directory) is one line naming the path."""
    missing = tmp_path / "missing" / "events.py"
    codegen = ["schemas", "codegen", "--schemas", str(schemas_dir), "--output", str(missing)]
    assert main(codegen) == 2
    assert capsys.readouterr().err == (f"schemalog schemas: {missing}: No such file or directory\n")
    assert main(["schemas", "docs", "--schemas", str(schemas_dir), "--output", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"schemalog schemas: {tmp_path}: Is a directory\n"
