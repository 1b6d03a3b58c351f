"""Loading the KPI and dashboard definitions: ``dashboards/*.json``, one dashboard a file.

A file names the CloudWatch dashboard (``dashboardName``), its ``title``, its ``period`` in
seconds and its ``kpis``. A KPI is either metric math over the metric filters' metrics
(``metrics``: id -> metricName, and ``expression``) or a Logs Insights ``query`` whose last
command yields a column ``value``. ``decision`` says what the KPI decides where seed 004 is
ambiguous. ``also`` lists KPIs defined in another file that this dashboard shows too, so
each KPI is defined once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import orjson

from schemalog.dashboards import metricmath
from schemalog.exceptions import DashboardError, QueryError
from schemalog.insights import nodes
from schemalog.insights.parser import parse_query

UNITS: Final = ("count", "ratio", "number", "seconds", "milliseconds")
_KPI_KEYS: Final = {"id", "title", "unit", "metrics", "expression", "query", "decision"}
_FILE_KEYS: Final = {"dashboardName", "title", "description", "period", "kpis", "also"}


@dataclass(frozen=True)
class Kpi:
    """One key metric: metric math over filter metrics, or a Logs Insights query."""

    id: str
    title: str
    unit: str
    metrics: dict[str, str] = field(default_factory=dict)  # expression id -> metricName
    expression: str | None = None
    query: str | None = None
    decision: str | None = None

    @property
    def parsed_query(self) -> nodes.Query:
        """The query, parsed (only for query KPIs)."""
        assert self.query is not None
        return parse_query(self.query)

    @property
    def parsed_expression(self) -> metricmath.Node:
        """The metric math expression, parsed (only for metric KPIs)."""
        assert self.expression is not None
        return metricmath.parse_expression(self.expression)


@dataclass(frozen=True)
class Dashboard:
    """One dashboard: its CloudWatch name, title, period and KPIs (its own and ``also``)."""

    name: str
    title: str
    period: int
    kpis: tuple[Kpi, ...]
    description: str = ""
    path: Path | None = None


def bundled_dashboards_dir() -> Path:
    """Return the definitions shipped with schemalog (``dashboards/`` of a checkout)."""
    installed = Path(__file__).parents[1] / "_bundled" / "dashboards"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "dashboards"


def default_dashboards_dir() -> Path:
    """Return ``$SCHEMALOG_DASHBOARDS``, else ``./dashboards`` with definitions, else bundled."""
    configured = os.environ.get("SCHEMALOG_DASHBOARDS")
    if configured:
        return Path(configured)
    local = Path("dashboards")
    return local if any(local.glob("*.json")) else bundled_dashboards_dir()


def load_dashboards(location: str | os.PathLike[str] | None = None) -> list[Dashboard]:
    """Load every definition file; raise DashboardError naming each file, field and problem."""
    directory = Path(location) if location is not None else default_dashboards_dir()
    paths = sorted(directory.glob("*.json")) if directory.is_dir() else [directory]
    if not paths or not paths[0].is_file():
        raise DashboardError([f"{directory}: no dashboard definitions (*.json)"])
    problems: list[str] = []
    loaded: list[tuple[Path, dict[str, Any], list[Kpi]]] = []
    for path in paths:
        body = _read(path, problems)
        if body is not None:
            kpis = [
                k for i, item in enumerate(body["kpis"]) if (k := _kpi(path, i, item, problems))
            ]
            loaded.append((path, body, kpis))
    by_id: dict[str, Kpi] = {}
    for path, _, kpis in loaded:
        for kpi in kpis:
            if kpi.id in by_id:
                problems.append(f"{path}: KPI id {kpi.id!r} is defined twice")
            by_id[kpi.id] = kpi
    dashboards = []
    for path, body, kpis in loaded:
        shown = list(kpis)
        also = body.get("also", [])
        if not isinstance(also, list) or not all(isinstance(name, str) for name in also):
            problems.append(f"{path}: also: a list of KPI ids")
            also = []
        for name in also:
            if name in by_id:
                shown.append(by_id[name])
            else:
                problems.append(f"{path}: also: no KPI with id {name!r} in any definition")
        dashboards.append(
            Dashboard(
                body["dashboardName"],
                body["title"],
                body["period"],
                tuple(shown),
                body.get("description", ""),
                path,
            )
        )
    if problems:
        raise DashboardError(problems)
    return dashboards


def all_kpis(dashboards: list[Dashboard]) -> list[Kpi]:
    """Every KPI once, in the order the dashboards first show them."""
    seen: dict[str, Kpi] = {}
    for dashboard in dashboards:
        for kpi in dashboard.kpis:
            seen.setdefault(kpi.id, kpi)
    return list(seen.values())


def _read(path: Path, problems: list[str]) -> dict[str, Any] | None:
    try:
        body = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        problems.append(f"{path}: not valid JSON: {error}")
        return None
    if not isinstance(body, dict):
        problems.append(f"{path}: a definition is a JSON object")
        return None
    unknown = sorted(set(body) - _FILE_KEYS)
    if unknown:
        problems.append(f"{path}: unknown field(s) {', '.join(unknown)}")
    for key, kind in (("dashboardName", str), ("title", str), ("period", int), ("kpis", list)):
        if not isinstance(body.get(key), kind) or isinstance(body.get(key), bool):
            problems.append(f"{path}: {key}: required, a {kind.__name__}")
            return None
    if body["period"] < 60 or body["period"] % 60:
        problems.append(f"{path}: period: a multiple of 60 seconds, not {body['period']}")
    return body


def _kpi(path: Path, index: int, item: Any, problems: list[str]) -> Kpi | None:
    where = f"{path}: kpis[{index}]"
    if not isinstance(item, dict):
        problems.append(f"{where}: a KPI is a JSON object")
        return None
    before = len(problems)
    unknown = sorted(set(item) - _KPI_KEYS)
    if unknown:
        problems.append(f"{where}: unknown field(s) {', '.join(unknown)}")
    for key in ("id", "title", "unit"):
        if not isinstance(item.get(key), str) or not item[key]:
            problems.append(f"{where}: {key}: required, a non-empty string")
    if item.get("unit") not in UNITS:
        problems.append(f"{where}: unit: one of {', '.join(UNITS)}")
    metrics = item.get("metrics", {})
    if not isinstance(metrics, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in metrics.items()
    ):
        problems.append(f"{where}: metrics: an object of id: metricName")
    if ("query" in item) == ("expression" in item):
        problems.append(f"{where}: give either a query or metrics and an expression")
    if len(problems) > before:
        return None
    kpi = Kpi(
        item["id"],
        item["title"],
        item["unit"],
        dict(item.get("metrics", {})),
        item.get("expression"),
        item.get("query"),
        item.get("decision"),
    )
    problems.extend(f"{where} ({kpi.id}): {problem}" for problem in check_kpi(kpi))
    return kpi


def check_kpi(kpi: Kpi) -> list[str]:
    """Return what is wrong with a KPI's query or expression (empty when nothing is)."""
    try:
        if kpi.query is not None:
            columns = _final_columns(kpi.parsed_query)
            if "value" not in columns:
                return ["query: its last stats or fields must produce a column 'value'"]
            return []
        node = kpi.parsed_expression
    except QueryError as error:
        return [f"{'query' if kpi.query is not None else 'expression'}: {error}"]
    unknown = sorted(set(metricmath.references(node)) - set(kpi.metrics))
    if unknown:
        return [f"expression: id(s) {', '.join(unknown)} not in metrics"]
    if not kpi.metrics:
        return ["metrics: required with an expression"]
    return []


def _final_columns(query: nodes.Query) -> list[str]:
    columns: list[str] = []
    for command in query.commands:
        if isinstance(command, nodes.Stats):
            columns = [item.name for item in (*command.groups, *command.aggregates)]
        elif isinstance(command, nodes.Fields):
            columns += [item.name for item in command.items]
        elif isinstance(command, nodes.Display):
            columns = list(command.names)
    return columns
