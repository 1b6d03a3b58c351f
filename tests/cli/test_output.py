"""Tests for schemalog.cli.output: the one writer (table, JSON, CSV) and its pipe handling."""

from __future__ import annotations

import io

import orjson
import pytest

from schemalog.cli.output import Report, cell
from schemalog.findings import Finding

ROWS = [{"name": "a", "value": 1.5, "labels": {"k": "v"}}, {"name": "bb", "value": 10.0}]


def written(form: str, *, rows: bool = True) -> tuple[str, Report]:
    out = io.StringIO()
    report = Report("demo", form, out=out)
    if rows:
        report.expect_rows()
    report.finding(Finding("f.jsonl", 2, field="$.x", message="bad"))
    if rows:
        for row in ROWS:
            report.row(row)
    report.summary["lines"] = 2
    report.close()
    return out.getvalue(), report


def test_json_document_shape() -> None:
    """JSON is one document: version key, verb, findings, rows and summary."""
    text, report = written("json")
    assert orjson.loads(text) == {
        "schemalog": 1,
        "verb": "demo",
        "findings": [Finding("f.jsonl", 2, field="$.x", message="bad").to_dict()],
        "rows": ROWS,
        "summary": {"lines": 2},
    }
    assert report.exit_code() == 1


def test_table_aligns_rows_and_sends_findings_of_a_row_verb_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A table has a header and one line per row, without trailing blanks."""
    text, _ = written("table")
    assert text.splitlines() == [
        "name  value  labels",
        "a       1.5  k=v",
        "bb       10",
    ]
    assert capsys.readouterr().err == "f.jsonl:2: $.x: bad\n"


def test_csv_of_findings_when_there_are_no_rows() -> None:
    """A verb with only findings writes them as CSV with the finding columns."""
    text, _ = written("csv", rows=False)
    assert text.splitlines() == [
        "file,line,column,field,message,severity,rule",
        "f.jsonl,2,,$.x,bad,error,",
    ]


def test_csv_cells_keep_every_digit_tables_are_compact() -> None:
    """CSV keeps full precision; tables round to three decimals; mappings become k=v."""
    assert cell(2 / 3, ";", exact=True) == repr(2 / 3)
    assert cell(2 / 3) == "0.667"
    assert cell({"a": 1, "b": [1, 2]}, ";") == "a=1;b=1;2"
    assert cell(None) == ""
    assert cell(True) == "true"


class ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError


def test_a_closed_pipe_stops_output_but_keeps_the_exit_code() -> None:
    """When the reader leaves, findings are still counted: the exit code stays 1."""
    report = Report("demo", "table", out=ClosedPipe())
    report.finding(Finding("f", 1, message="bad"))
    report.finding(Finding("f", 2, message="worse"))
    report.close()
    assert report.closed
    assert report.exit_code() == 1
