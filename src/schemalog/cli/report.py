"""``schemalog report agent FILE...``: the agent tool-call metrics (seed 002) of JSON-lines logs.

Prints the ten metrics over every session in the input, as a table or (``--format json``) as
one JSON object with exactly the ten metric keys; ``--by session|user|tool`` prints one row
per session, user or tool instead. Formulas: docs/agent-metrics.md. Exit 0, or 2 when an
input cannot be read or holds a bad line (named by file, line and field).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Final, TextIO

import orjson

from schemalog.cli.main import EXIT_OK

#: Columns of the per-session and per-user tables (tool_popularity stays in JSON).
_GROUP_COLUMNS: Final = (
    ("task_completion_rate", "completion"),
    ("steps_to_goal", "steps"),
    ("clarity_score", "clarity"),
    ("retry_rate", "retry"),
    ("hallucination_rate", "halluc."),
    ("schema_violation_rate", "schema"),
    ("recovery_rate", "recovery"),
    ("latency_per_step_ms", "p50 ms"),
    ("answer_completeness_rate", "answers"),
)
_TOOL_COLUMNS: Final = (
    ("calls", "calls"),
    ("completed", "done"),
    ("failed", "failed"),
    ("retries", "retries"),
    ("schema_errors", "schema"),
    ("wrong_tool_errors", "wrong"),
    ("hallucinated", "halluc."),
    ("failure_rate", "fail rate"),
    ("latency_per_step_ms", "p50 ms"),
)


def register(subparsers: Any) -> None:
    """Add the ``report`` verb and its ``agent`` report."""
    parser = subparsers.add_parser("report", help="compute reports from JSON-lines logs")
    sub = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    agent = sub.add_parser(
        "agent",
        help="the agent tool-call metrics",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    agent.add_argument("files", nargs="+", metavar="FILE", help="JSONL file, .gz, or - for stdin")
    agent.add_argument("--format", choices=("table", "json"), default="table")
    agent.add_argument(
        "--by", choices=("session", "user", "tool"), help="one row per session, user or tool"
    )
    agent.set_defaults(func=run_agent)
    from schemalog.cli.kpis import register_kpis

    register_kpis(sub)


def run_agent(args: argparse.Namespace) -> int:
    """Compute and print the agent report; InputError (exit 2) for unreadable input."""
    from schemalog.agent.metrics import AgentMetrics, group_metrics
    from schemalog.agent.records import read_records

    records = read_records(args.files)  # streamed: only the metrics' state is kept
    out = sys.stdout
    if args.by is not None:
        rows = group_metrics(records, args.by)
        if args.format == "json":
            _write_json(out, rows)
        else:
            _group_table(out, rows, args.by)
        return EXIT_OK
    metrics = AgentMetrics().add_all(records)
    result = metrics.result()
    if args.format == "json":
        _write_json(out, result)
    else:
        _summary_table(out, result, metrics.events, metrics.session_outcomes())
    return EXIT_OK


def _write_json(out: TextIO, value: Any) -> None:
    out.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() + "\n")


def _number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _latency(value: Mapping[str, Any]) -> str:
    return (
        f"p50 {_number(value['p50'], 1)} ms, p95 {_number(value['p95'], 1)} ms,"
        f" mean {_number(value['mean'], 1)} ms"
    )


def _summary_table(
    out: TextIO, result: Mapping[str, Any], events: int, sessions: Mapping[str, int]
) -> None:
    out.write(
        f"agent report: {events} agent events, {sessions['start']} sessions started"
        f" ({sessions['completed']} completed, {sessions['failed']} failed,"
        f" {sessions['abandoned']} abandoned)\n\n"
    )
    width = max(len(name) for name in result)
    out.write(f"{'metric':<{width}}  value\n")
    for name, value in result.items():
        if name == "tool_popularity":
            continue
        text = _latency(value) if name == "latency_per_step_ms" else _number(value)
        out.write(f"{name:<{width}}  {text}\n")
    popularity = result["tool_popularity"]
    out.write(f"\ntool_popularity ({sum(popularity.values())} calls started)\n")
    tool_width = max((len(name) for name in popularity), default=4)
    for name, count in popularity.items():
        out.write(f"  {name:<{tool_width}}  {count:>6}\n")


def _group_table(out: TextIO, rows: Sequence[Mapping[str, Any]], by: str) -> None:
    key = {"session": "session_id", "user": "user_id", "tool": "tool_name"}[by]
    columns = _TOOL_COLUMNS if by == "tool" else _GROUP_COLUMNS
    cells = [
        [str(row[key]) if row[key] is not None else "(none)"]
        + [_cell(row[name]) for name, _ in columns]
        for row in rows
    ]
    header = [key] + [title for _, title in columns]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    for line in [header, *cells]:
        first = f"{line[0]:<{widths[0]}}"
        rest = "  ".join(
            f"{cell:>{width}}" for cell, width in zip(line[1:], widths[1:], strict=True)
        )
        out.write(f"{first}  {rest}\n")


def _cell(value: Any) -> str:
    if isinstance(value, Mapping):  # a latency summary: its median
        return _number(value.get("p50"), 1)
    return _number(value)
