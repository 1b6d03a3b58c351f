"""Tests for ``schemalog lint``: output lines, summary and exit codes."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from schemalog.cli.main import main
from tests.paths import ROOT


def test_lint_passes_on_examples_and_demo(capsys: pytest.CaptureFixture[str]) -> None:
    """The project's examples and demo lint clean: exit 0, a summary with files per second."""
    code = main(["lint", str(ROOT / "examples"), str(ROOT / "src/schemalog/demo.py")])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == ""
    assert "0 findings, 3 ignored" in err
    assert "files/s" in err
    assert "cataloged event types are not emitted by the linted code" in err


def test_no_event_calls_means_no_not_emitted_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Linting code with no event calls lists no "not emitted" types (it would be all of them)."""
    (tmp_path / "plain.py").write_text("import schemalog\n")
    assert main(["lint", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "0 event calls" in err
    assert "not emitted" not in err


def write_app(tmp_path: Path) -> Path:
    source = tmp_path / "app.py"
    source.write_text(
        'import schemalog\nlog = schemalog.get_logger()\nlog.info(event_type="stream_complete")\n'
    )
    return source


def test_lint_reports_findings_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong event name is printed as file:line:col and the exit code is 1."""
    source = write_app(tmp_path)
    code = main(["lint", "-q", str(source)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == (
        f"{source}:3:21: unknown-event: unknown event type 'stream_complete'"
        " (did you mean 'stream_completed'?)\n"
    )
    assert err == ""


def test_lint_unreadable_path_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is reported on stderr with exit code 2."""
    code = main(["lint", "-q", str(tmp_path / "nope.py")])
    _, err = capsys.readouterr()
    assert code == 2
    assert "nope.py: no such file or directory" in err


def test_lint_missing_path_prints_nothing_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing path is exit 2 before any output: no JSON document for scripts to misread."""
    source = write_app(tmp_path)
    code = main(["lint", "--format", "json", str(source), str(tmp_path / "nope.py")])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == f"schemalog lint: {tmp_path / 'nope.py'}: no such file or directory\n"


def test_lint_json_findings_carry_file_line_column_and_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format json lists each finding with its place, the lint code as its rule."""
    source = write_app(tmp_path)
    assert main(["lint", "-q", "--format", "json", str(source)]) == 1
    document = orjson.loads(capsys.readouterr().out)
    (finding,) = document["findings"]
    assert (finding["file"], finding["line"], finding["column"]) == (str(source), 3, 21)
    assert finding["rule"] == "unknown-event"
    assert document["summary"]["calls"] == 1
