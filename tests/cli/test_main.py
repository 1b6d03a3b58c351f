"""Tests for schemalog.cli.main: which verbs are registered, and errors as exit codes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from schemalog._version import __version__
from schemalog.cli.main import EXIT_USAGE, VERB_MODULES, build_parser, main


def verbs(parser: argparse.ArgumentParser) -> set[str]:
    """Return the verbs a parser knows."""
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_only_the_named_verb_is_registered() -> None:
    """With a verb on the command line only its module registers; without one, every verb."""
    assert verbs(build_parser(["--quiet", "count", "x.jsonl"])) == {"count"}
    assert verbs(build_parser(["nonsense"])) == set(VERB_MODULES)
    assert verbs(build_parser(None)) == set(VERB_MODULES)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package's version and exits 0."""
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"schemalog {__version__}\n"


def test_a_usage_error_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A CliError from a verb prints ``schemalog VERB: reason`` on stderr and returns 2."""
    assert main(["report", "kpis", "--period", "30s", "-"]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "schemalog report: --period must be a whole number of minutes, not '30s'\n",
    )


def test_an_error_of_several_lines_says_how_many_more(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A multi-line error shows its first line with the count of the rest, then each indented."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "1.0.0.json").write_text("{")
    assert main(["validate", "--schemas", str(tmp_path), "/dev/null"]) == EXIT_USAGE
    first, second = capsys.readouterr().err.splitlines()
    assert first.startswith(f"schemalog validate: {tmp_path}/a/1.0.0.json: not valid JSON")
    assert first.endswith("(and 1 more)")
    assert second.startswith(f"  {tmp_path}/b/1.0.0.json: not valid JSON")


def test_a_file_it_cannot_write_is_named(
    lines: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An OSError from a verb names the file, with no traceback, and exits 2."""
    page = tmp_path / "missing" / "out.html"
    assert main(["dashboard", str(lines), "-o", str(page)]) == EXIT_USAGE
    assert capsys.readouterr().err == f"schemalog dashboard: {page}: No such file or directory\n"
