"""The one output writer of the command line: findings and rows as a table, JSON or CSV.

Every verb that reports builds one :class:`Report` and closes it::

    add_format_option(parser)                       # --format table|json|csv (default table)
    report = Report("validate", args.format)
    report.finding(Finding(path, number, field="$.level", message="..."))
    report.row({"metric": "calls", "value": 3})
    report.summary.update(lines=10, invalid=1)
    report.close()                                  # writes what table/csv/json need at the end
    return report.exit_code()                       # 1 when an error finding was reported

``--format json`` prints one JSON document of a stable shape (docs/cli.md)::

    {"schemalog": 1, "verb": "validate", "findings": [...], "rows": [...], "summary": {...}}

``table`` (rich) is for people: findings are printed as they are found, one per line as
``FILE:LINE: field: message`` (what editors and grep understand), rows as an aligned table.
``csv`` prints the rows, or the findings when the verb has no rows. When a verb has rows,
its findings go to stderr in ``table`` and ``csv`` (stdout carries only the rows).
"""

from __future__ import annotations

import argparse
import io
import math
import os
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, TextIO

import orjson

if TYPE_CHECKING:  # a verb that reports no finding never builds Finding's class
    from schemalog.findings import Finding

#: The version of the ``--format json`` document's shape; it changes only incompatibly.
JSON_SHAPE_VERSION: Final = 1
FORMATS: Final = ("table", "json", "csv")
FINDING_COLUMNS: Final = ("file", "line", "column", "field", "message", "severity", "rule")
#: Tables are never wrapped when stdout is not a terminal (a file, a pipe).
_PIPE_WIDTH: Final = 100_000


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--format table|json|csv`` and ``--json``, its alias (``filters test`` had it)."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table (default), json (one document, see docs/cli.md) or csv",
    )
    parser.add_argument(
        "--json", dest="format", action="store_const", const="json", help="same as --format json"
    )


class Report:
    """Collects a verb's findings, rows and summary and writes them in one format."""

    def __init__(self, verb: str, form: str, *, out: TextIO | None = None) -> None:
        self.verb = verb
        self.form = form
        # sys.stdout is None when the process started with stdout closed (``>&-``).
        self.out = out if out is not None else sys.stdout
        #: Findings on a terminal follow ``sys.stdout``: while a progress bar is drawn, rich
        #: points it at a proxy that prints them above the bar instead of through it.
        self._follow_stdout = out is None and _isatty(self.out)
        self.findings: list[Finding] = []
        self.rows: list[dict[str, Any]] = []
        self.summary: dict[str, Any] = {}
        self.has_rows = False
        self.columns: tuple[str, ...] = ()
        #: The reader of stdout went away (``| head``), or there is none (``>&-``): the verb
        #: goes on for its exit code.
        self.closed = self.out is None

    def finding(self, finding: Finding) -> None:
        """Report one finding (printed at once in table form, so long runs show them early)."""
        self.findings.append(finding)
        if self.form != "table":
            return
        if self.has_rows:
            sys.stderr.write(f"{finding}\n")
        else:
            self.write(f"{finding}\n")

    def write(self, text: str) -> None:
        """Write ``text`` to stdout as it comes; nothing once its reader has gone."""
        if self.closed:
            return
        try:
            (sys.stdout if self._follow_stdout else self.out).write(text)
        except BrokenPipeError:
            self.closed = True
            silence_stdout()

    def add_findings(self, findings: Iterable[Finding]) -> None:
        """Report several findings."""
        for finding in findings:
            self.finding(finding)

    def expect_rows(self, *columns: str) -> Report:
        """Say that this verb prints rows, so findings go to stderr except in JSON.

        ``columns`` are the CSV header when there is no row (a header line, not a blank one).
        """
        self.has_rows = True
        self.columns = columns
        return self

    def row(self, row: Mapping[str, Any]) -> None:
        """Add one row of the verb's result."""
        self.has_rows = True
        self.rows.append(dict(row))

    def exit_code(self) -> int:
        """1 when any error finding was reported, else 0."""
        if not self.findings:
            return 0
        from schemalog.findings import errors

        return 1 if errors(self.findings) else 0

    def close(self) -> None:
        """Write what is left to write: the table, the CSV or the JSON document."""
        try:
            self._close()
        except BrokenPipeError:
            self.closed = True
            silence_stdout()

    def _close(self) -> None:
        if self.closed:
            return
        if self.form == "json":
            document = {
                "schemalog": JSON_SHAPE_VERSION,
                "verb": self.verb,
                "findings": [finding.to_dict() for finding in self.findings],
                "rows": self.rows,
                "summary": self.summary,
            }
            self.out.write(orjson.dumps(document, option=_JSON_OPTIONS).decode() + "\n")
        elif self.form == "csv":
            if self.has_rows:
                write_csv(self.out, self.rows, () if self.rows else self.columns)
                for finding in self.findings:
                    sys.stderr.write(f"{finding}\n")
            else:
                write_csv(self.out, [f.to_dict() for f in self.findings], FINDING_COLUMNS)
        elif self.rows:
            write_table(self.out, self.rows)
        self.out.flush()


_JSON_OPTIONS: Final = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS


def columns_of(rows: list[dict[str, Any]]) -> list[str]:
    """Return the column names of ``rows`` in first-seen order."""
    return list(dict.fromkeys(name for row in rows for name in row))


def cell(value: Any, separator: str = ", ", *, exact: bool = False) -> str:
    """Return a value as table (or, ``exact``, CSV) text; mappings as ``k=v``.

    Table numbers are compact (3 decimals); CSV keeps every digit (``repr``).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if exact else _number(value)
    if isinstance(value, Mapping):
        return separator.join(f"{k}={cell(v, separator, exact=exact)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return separator.join(cell(item, separator, exact=exact) for item in value)
    return str(value)


def _number(value: float) -> str:
    """Integers without a fraction, others to 3 decimals (tiny ones to 3 digits)."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) < 0.001:
        return f"{value:.3g}"
    return f"{value:.3f}".rstrip("0").rstrip(".")


def write_csv(out: TextIO, rows: list[dict[str, Any]], columns: Iterable[str] = ()) -> None:
    """Write ``rows`` as CSV with a header line; nested values as ``k=v;k=v``."""
    import csv  # imported by the writers that use it, to keep every verb's start-up short

    names = list(columns) or columns_of(rows)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([cell(row.get(name), ";", exact=True) for name in names])


def write_table(out: TextIO, rows: list[dict[str, Any]]) -> None:
    """Write ``rows`` as an aligned table (rich), numbers to the right."""
    import shutil

    from rich import box
    from rich.console import Console
    from rich.table import Table

    names = columns_of(rows)
    tty = _isatty(out)
    # Off a terminal: no rule under the header, so `awk`/`column` see only text.
    table = Table(box=box.SIMPLE_HEAD if tty else None, show_edge=False, pad_edge=False)
    for name in names:
        numeric = all(isinstance(row.get(name), int | float | None) for row in rows)
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in rows:
        table.add_row(*(cell(row.get(name)) for name in names))
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=None if tty else _PIPE_WIDTH,
        force_terminal=tty,
        no_color=not tty,
        highlight=False,
        soft_wrap=not tty,
    )
    if tty:
        console.size = shutil.get_terminal_size()  # rich measures its own file, here a buffer
    console.print(table, crop=False)
    # rich pads every cell to its column's width: trailing blanks only get in a reader's way.
    out.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def silence_stdout() -> None:
    """Point stdout at /dev/null once its reader has gone, so no later flush fails."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # stdout is not a real file (a test's capture): nothing will flush to a pipe
    finally:
        os.close(devnull)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
