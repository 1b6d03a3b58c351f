"""`schemalog filters test | lint | export`: exit codes and output."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from schemalog.cli.main import main
from tests.cli.pipes import run_into_closed_pipe
from tests.filters.cases import write_catalog
from tests.filters.test_lint import REQUIRED_BY_SHIPPED_FILTERS
from tests.paths import ROOT

APACHE = (
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534\n'
    "\n"
    '127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324\n'
)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_test_prints_matches_with_line_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Matches are numbered by their line in the file (blank lines count) with their values."""
    log = tmp_path / "access.log"
    log.write_text(APACHE)
    code, out, err = run(
        ["filters", "test", "--pattern", "[..., status_code=5*, size]", str(log)], capsys
    )
    assert code == 0
    assert out.splitlines()[0].startswith("3: 127.0.0.1")
    assert "    $size = 5324" in out
    assert "1 of 2 events match" in err


def test_test_json_has_the_api_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json (--format json) rows are TestMetricFilter's matches, in the one JSON shape."""
    log = tmp_path / "events.jsonl.gz"
    log.write_bytes(gzip.compress(b'{"a": 1}\n{"a": 2}\nplain text\n'))
    code, out, _ = run(["filters", "test", "--json", "--pattern", "{ $.a > 1 }", str(log)], capsys)
    assert code == 0
    assert orjson.loads(out) == {
        "schemalog": 1,
        "verb": "filters test",
        "findings": [],
        "rows": [{"eventNumber": 2, "eventMessage": '{"a": 2}', "extractedValues": {}}],
        "summary": {"events": 3, "matches": 1, "lines": 3, "not_json": 0, "too_long": 0},
    }


def test_test_bad_pattern_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A pattern AWS rejects exits 2 with its position and reason on one line."""
    code, _, err = run(["filters", "test", "--pattern", "{ $.a EXISTS }", str(tmp_path)], capsys)
    assert code == 2
    assert err.strip() == (
        "schemalog filters: --pattern: position 7: EXISTS is not supported by CloudWatch:"
        " use '= *' for a present value"
    )


def test_lint_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Lint exits 0 on the shipped filters with the catalog they need, 1 on seed 004's filter."""
    schemas = write_catalog(tmp_path / "schemas", REQUIRED_BY_SHIPPED_FILTERS)
    code, out, err = run(
        [
            "filters",
            "lint",
            "--schemas",
            str(schemas),
            "--filters",
            str(ROOT / "cloudwatch-filters"),
        ],
        capsys,
    )
    assert (code, out) == (0, "")
    assert "0 errors, 0 warnings" in err
    seed = tmp_path / "seed"
    seed.mkdir()
    (seed / "session_errors.json").write_bytes(
        orjson.dumps(
            {
                "filterName": "session_errors",
                "filterPattern": '{ $.event_type = "session_*_error" }',
                "metricTransformations": [
                    {"metricName": "SessionErrors", "metricNamespace": "app", "metricValue": "1"}
                ],
            }
        )
    )
    code, out, err = run(
        ["filters", "lint", "--schemas", str(schemas), "--filters", str(seed)], capsys
    )
    assert code == 1
    assert out.startswith(f"{seed / 'session_errors.json'}: the '*' in the middle")
    code, out, _ = run(
        ["filters", "lint", "--format", "json", "--schemas", str(schemas), "--filters", str(seed)],
        capsys,
    )
    assert code == 1
    (finding,) = orjson.loads(out)["findings"]
    assert (finding["file"], finding["severity"]) == (str(seed / "session_errors.json"), "error")
    assert "1 errors, 0 warnings" in err


def test_lint_needs_a_catalog(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing catalog directory is a usage error (exit 2)."""
    code, _, err = run(["filters", "lint", "--schemas", str(tmp_path / "none")], capsys)
    assert code == 2
    assert "no such catalog directory" in err


def test_export_process(tmp_path: Path) -> None:
    """A real `schemalog filters export` process writes a template for every filter."""
    program = Path(sys.executable).parent / "schemalog"
    done = subprocess.run(
        [program, "filters", "export", "--format", "cloudformation",
         "--filters", str(ROOT / "cloudwatch-filters"), "--log-group", "/app/events"],
        capture_output=True, check=True,
    )  # fmt: skip
    template = orjson.loads(done.stdout)
    assert template["Parameters"]["LogGroupName"]["Default"] == "/app/events"
    assert len(template["Resources"]) == len(list((ROOT / "cloudwatch-filters").glob("*.json")))


def test_test_table_into_a_closed_pipe_keeps_exit_1_for_findings(tmp_path: Path) -> None:
    """`filters test ... | head` still exits 1 for an overlong line, and reads every input."""
    path = tmp_path / "access.log"
    path.write_text(APACHE + "x" * 300 + "\n" + APACHE)
    result = run_into_closed_pipe(
        "filters", "test", "--pattern", "GET", "--max-line-bytes", "200", str(path)
    )
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr
    assert b"4 of 4 events match" in result.stderr
