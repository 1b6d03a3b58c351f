"""``schemalog report agent FILE...``: the agent tool-call metrics (seed 002) of JSON-lines logs.

Prints the ten metrics over every session in the input, as a table or (``--format json``) as
one row whose keys are exactly the ten metrics; ``--by session|user|tool`` prints one row
per session, user or tool instead. Formulas: docs/agent-metrics.md. Lines that are not JSON
are skipped and counted, as every verb does. Exit 0; 1 when a line was longer than
--max-line-bytes; 2 when an input cannot be read or an agent event has a field of the wrong
type (named by file, line and field).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from schemalog.cli.inputs import add_input_options, finish, line_reader
from schemalog.cli.output import Report, add_format_option, cell
from schemalog.lines.reader import LineReader

if TYPE_CHECKING:  # the agent room is imported when the report runs, not at start-up
    from schemalog.agent.records import AgentRecord

#: The column titles of the per-group tables (tool_popularity stays in JSON and CSV).
_TITLES: Final = {
    "task_completion_rate": "completion",
    "steps_to_goal": "steps",
    "clarity_score": "clarity",
    "retry_rate": "retry",
    "hallucination_rate": "halluc.",
    "schema_violation_rate": "schema",
    "recovery_rate": "recovery",
    "latency_per_step_ms": "p50 ms",
    "answer_completeness_rate": "answers",
    "completed": "done",
    "wrong_tool_errors": "wrong",
    "hallucinated": "halluc.",
    "failure_rate": "fail rate",
}


def register(subparsers: Any) -> None:
    """Add the ``report`` verb and its ``agent`` report."""
    parser = subparsers.add_parser("report", help="compute reports from JSON-lines logs")
    sub = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    agent = sub.add_parser(
        "agent",
        help="the agent tool-call metrics",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
    )
    add_input_options(agent)
    add_format_option(agent)
    agent.add_argument(
        "--by", choices=("session", "user", "tool"), help="one row per session, user or tool"
    )
    agent.set_defaults(func=run_agent)
    from schemalog.cli.kpis import register_kpis

    register_kpis(sub)


def run_agent(args: argparse.Namespace) -> int:
    """Compute and print the agent report; InputError (exit 2) for unreadable input."""
    from schemalog.agent.metrics import AgentMetrics, group_metrics

    report = Report("report agent", args.format).expect_rows()
    reader = line_reader(args, report)
    records = _agent_records(reader)  # streamed: only the metrics' state is kept
    if args.by is not None:
        for row in group_metrics(records, args.by):
            report.row(_table_row(row) if args.format == "table" else row)
    else:
        metrics = AgentMetrics().add_all(records)
        result = metrics.result()
        sessions = metrics.session_outcomes()
        report.summary.update(agent_events=metrics.events, sessions=sessions)
        if args.format == "table":
            _summary_table(report, result, metrics.events, sessions)
        else:
            report.row(result)
    code = finish(report, reader)
    print(f"schemalog report agent: {reader.note()}", file=sys.stderr)
    return code


def _agent_records(reader: LineReader) -> Iterator[AgentRecord]:
    from schemalog.agent.records import parse_record

    for line, data in reader.records():
        record = parse_record(data, f"{line.path}:{line.number}")
        if record is not None:
            yield record


def _table_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return a group's row for people: short titles, latency as its median, no popularity."""
    out: dict[str, Any] = {}
    for name, value in row.items():
        if name == "tool_popularity":
            continue
        shown = value.get("p50") if isinstance(value, Mapping) else value  # latency: its median
        out[_TITLES.get(name, name)] = "(none)" if shown is None and name.endswith("_id") else shown
    return out


def _latency(value: Mapping[str, Any]) -> str:
    return (
        f"p50 {cell(value['p50'])} ms, p95 {cell(value['p95'])} ms, mean {cell(value['mean'])} ms"
    )


def _summary_table(
    report: Report, result: Mapping[str, Any], events: float, sessions: Mapping[str, int]
) -> None:
    report.write(
        f"agent report: {round(events)} agent events, {sessions['start']} sessions started"
        f" ({sessions['completed']} completed, {sessions['failed']} failed,"
        f" {sessions['abandoned']} abandoned)\n\n"
    )
    for name, value in result.items():
        if name == "tool_popularity":
            continue
        text = _latency(value) if name == "latency_per_step_ms" else value
        report.row({"metric": name, "value": "n/a" if text is None else text})
    popularity = result["tool_popularity"]
    for name, count in popularity.items():
        report.row({"metric": f"tool_popularity.{name}", "value": count})
