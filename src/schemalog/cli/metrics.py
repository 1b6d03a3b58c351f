"""``schemalog metrics [--period S] [--format table|json|csv] FILE...``: aggregate EMF lines.

Reads the Embedded Metric Format lines among the JSON lines (``schemalog.metrics`` writes
them; other lines are skipped) and prints, for each namespace, metric and dimension values
(and period, with ``--period``), how many values there were and their sum, minimum, maximum
and average: what CloudWatch would make of the same lines. A malformed EMF line is reported
as ``FILE:LINE: reason`` and makes the exit code 1.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from dataclasses import dataclass, field
from typing import Any

import orjson

from schemalog.cli.main import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from schemalog.exceptions import InputError
from schemalog.lines.reader import iter_lines
from schemalog.metrics.emf import is_emf, problems

Key = tuple[str, str, str, int | None]  # namespace, metric, dimensions text, period start


@dataclass
class Aggregate:
    """The values of one metric, one set of dimension values, one period."""

    unit: str
    values: list[float] = field(default_factory=list)

    def row(self) -> dict[str, Any]:
        """Return count, sum, min, max and average."""
        total = sum(self.values)
        return {
            "unit": self.unit,
            "count": len(self.values),
            "sum": total,
            "min": min(self.values),
            "max": max(self.values),
            "avg": total / len(self.values),
        }


def register(subparsers: Any) -> None:
    """Add the ``metrics`` verb."""
    parser = subparsers.add_parser(
        "metrics",
        help="aggregate CloudWatch EMF metric lines in local files",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="JSONL file, .gz, or - for stdin")
    parser.add_argument(
        "--period", type=_period, metavar="S", help="one row per S-second period (default: none)"
    )
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.set_defaults(func=run)


def _period(text: str) -> float:
    """Parse ``--period``: seconds, at least a millisecond (the unit of EMF timestamps)."""
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0.001 <= seconds < math.inf:
        raise argparse.ArgumentTypeError(f"must be at least 0.001 seconds, not {text!r}")
    return seconds


def aggregate(
    documents: list[dict[str, Any]], period: float | None, into: dict[Key, Aggregate]
) -> None:
    """Add every metric value of ``documents`` to ``into``, as CloudWatch would extract them."""
    for document in documents:
        meta = document["_aws"]
        start: int | None = None
        if period:
            step = int(period * 1000)
            start = meta["Timestamp"] // step * step
        for directive in meta["CloudWatchMetrics"]:
            for dimension_set in directive["Dimensions"]:
                dimensions = ",".join(f"{name}={document[name]}" for name in dimension_set)
                for definition in directive["Metrics"]:
                    name = definition["Name"]
                    value = document[name]
                    key = (directive["Namespace"], name, dimensions, start)
                    slot = into.setdefault(key, Aggregate(definition.get("Unit", "None")))
                    slot.values.extend(value if isinstance(value, list) else [value])


def run(args: argparse.Namespace) -> int:
    """Aggregate the files; return the exit code."""
    totals: dict[Key, Aggregate] = {}
    bad = lines = emf = not_json = 0
    unreadable: list[str] = []
    for path in args.files:
        try:
            for number, line in iter_lines(path):
                lines += 1
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError:
                    not_json += 1  # logs mix EMF with other lines: skipped, and counted
                    continue
                if not isinstance(record, dict) or not is_emf(record):
                    continue
                emf += 1
                found = problems(record)
                if found:
                    bad += 1
                    for issue in found:
                        print(f"{path}:{number}: emf: {issue}", file=sys.stderr)
                    continue
                aggregate([record], args.period, totals)
        except InputError as error:
            unreadable.append(str(error))
    rows = [
        {
            "namespace": key[0],
            "metric": key[1],
            "dimensions": key[2],
            **({"period_start": key[3]} if args.period else {}),
            **aggregate_row.row(),
        }
        for key, aggregate_row in sorted(totals.items(), key=lambda item: _order(item[0]))
    ]
    _print(rows, args.format)
    print(
        f"schemalog metrics: {lines} lines, {emf} EMF records ({bad} invalid),"
        f" {not_json} not JSON (skipped)",
        file=sys.stderr,
    )
    for reason in unreadable:
        print(f"schemalog metrics: {reason}", file=sys.stderr)
    if unreadable:
        return EXIT_USAGE
    return EXIT_FINDINGS if bad else EXIT_OK


def _order(key: Key) -> tuple[str, str, str, int]:
    return key[0], key[1], key[2], key[3] or 0


def _print(rows: list[dict[str, Any]], form: str) -> None:
    out = sys.stdout
    if form == "json":
        out.write(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    columns = list(rows[0]) if rows else ["namespace", "metric", "dimensions", "count"]
    if form == "csv":
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    cells = [[_cell(row[c]) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = {"count", "sum", "min", "max", "avg", "period_start"}
    out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    for row_cells in cells:
        parts = [
            text.rjust(width) if column in numeric else text.ljust(width)
            for column, text, width in zip(columns, row_cells, widths, strict=True)
        ]
        out.write("  ".join(parts).rstrip() + "\n")


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
