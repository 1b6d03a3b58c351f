"""``schemalog load``: summary, exit codes, JSON output, a clear error for a bad database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemalog.cli.main import main
from tests.storage.test_rows import event


def test_summary_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 1 when a line is rejected; the summary names loaded, duplicates and rejected."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(event() + b"\n" + b"nope\n")
    db = str(tmp_path / "e.duckdb")
    assert main(["load", str(path), "--into", db]) == 1
    err = capsys.readouterr().err
    assert "2 lines: 1 events loaded, 0 duplicates, 1 rejected" in err
    assert main(["load", str(path), "--into", db, "--format", "json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert (summary["loaded"], summary["duplicates"], summary["rejected"]) == (0, 1, 1)


def test_unreachable_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A database that cannot be reached is one line on stderr and exit 2."""
    path = tmp_path / "in.jsonl"
    path.write_bytes(event() + b"\n")
    url = "postgresql://nobody:secret@127.0.0.1:1/none"
    assert main(["load", str(path), "--into", url]) == 2
    err = capsys.readouterr().err
    assert err.startswith("schemalog load: postgresql://nobody:***@127.0.0.1:1/none")
    assert "secret" not in err
