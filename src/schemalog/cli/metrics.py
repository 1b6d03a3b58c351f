"""``schemalog metrics [--period S] [--format table|json|csv] FILE...``: aggregate EMF lines.

Reads the Embedded Metric Format lines among the JSON lines (``schemalog.metrics`` writes
them; other lines are skipped) and prints, for each namespace, metric, dimension values and
unit (and period, with ``--period``), how many values there were and their sum, minimum,
maximum and average: what CloudWatch would make of the same lines. A malformed EMF line is reported
as ``FILE:LINE: emf: reason`` (on stderr, or among the findings of ``--format json``) and makes
the exit code 1. Lines that are not JSON are skipped and counted.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from typing import Any, Final

from schemalog.cli.inputs import add_input_options, finish, line_reader
from schemalog.cli.output import Report, add_format_option
from schemalog.findings import Finding
from schemalog.metrics.emf import is_emf, problems

Dimensions = tuple[tuple[str, str], ...]
#: namespace, metric, dimensions, period start, unit: values of different units never mix
Key = tuple[str, str, Dimensions, int | None, str]
#: The columns of a row after its series' namespace, metric, dimensions (and period).
STATISTICS: Final = ("unit", "count", "sum", "min", "max", "avg")


@dataclass
class Aggregate:
    """The values of one metric, one set of dimension values, one period: their statistics.

    Only the count, sum, minimum and maximum are kept, so memory does not grow with the input.
    """

    unit: str
    count: int = 0
    total: float = 0  # an int while the values are: a sum of counts prints as 8, not 8.0
    low: float = math.inf
    high: float = -math.inf

    def add(self, values: list[float]) -> None:
        """Add values of the metric."""
        self.count += len(values)
        self.total += sum(values)
        self.low = min(self.low, *values)
        self.high = max(self.high, *values)

    def row(self) -> dict[str, Any]:
        """Return count, sum, min, max and average."""
        values = (self.unit, self.count, self.total, self.low, self.high, self.total / self.count)
        return dict(zip(STATISTICS, values, strict=True))


def register(subparsers: Any) -> None:
    """Add the ``metrics`` verb."""
    parser = subparsers.add_parser(
        "metrics",
        help="aggregate CloudWatch EMF metric lines in local files",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    add_input_options(parser)
    parser.add_argument(
        "--period", type=_period, metavar="S", help="one row per S-second period (default: none)"
    )
    add_format_option(parser)
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
                dimensions = tuple((name, str(document[name])) for name in dimension_set)
                for definition in directive["Metrics"]:
                    name = definition["Name"]
                    value = document[name]
                    unit = definition.get("Unit", "None")
                    key = (directive["Namespace"], name, dimensions, start, unit)
                    slot = into.setdefault(key, Aggregate(unit))
                    slot.add(value if isinstance(value, list) else [value])


def run(args: argparse.Namespace) -> int:
    """Aggregate the files; return the exit code."""
    period = ("period_start",) if args.period else ()
    columns = ("namespace", "metric", "dimensions", *period, *STATISTICS)
    report = Report("metrics", args.format).expect_rows(*columns)
    reader = line_reader(args, report)
    totals: dict[Key, Aggregate] = {}
    emf = 0
    for line, record in reader.records():
        if not is_emf(record):
            continue
        emf += 1
        found = problems(record)
        for issue in found:
            report.finding(
                Finding(line.path, line.number, field=issue.path, message=issue.reason, rule="emf")
            )
        if not found:
            aggregate([record], args.period, totals)
    for key, aggregate_row in sorted(totals.items(), key=lambda item: _order(item[0])):
        report.row(
            {
                "namespace": key[0],
                "metric": key[1],
                "dimensions": dict(key[2]),
                **({"period_start": key[3]} if args.period else {}),
                **aggregate_row.row(),
            }
        )
    invalid = len({(f.file, f.line) for f in report.findings if f.rule == "emf"})
    report.summary.update(emf_records=emf, invalid_emf_records=invalid)
    code = finish(report, reader)
    print(
        f"schemalog metrics: {reader.note()}, {emf} EMF records ({invalid} invalid)",
        file=sys.stderr,
    )
    return code


def _order(key: Key) -> tuple[str, str, Dimensions, int, str]:
    return key[0], key[1], key[2], key[3] or 0, key[4]
