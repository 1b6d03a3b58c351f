"""Loading dashboards/*.json: the four seed-004 dashboards, and errors naming file and field."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from schemalog.catalog.load import Catalog
from schemalog.dashboards.definitions import all_kpis, load_dashboards
from schemalog.exceptions import DashboardError
from schemalog.insights import nodes
from schemalog.record import RESERVED_NAMES
from tests.paths import ROOT


def test_bundled_definitions_are_the_four_seed_dashboards() -> None:
    """Operations, Business Metrics, Performance and Feature Adoption, in the seed's order."""
    dashboards = load_dashboards(ROOT / "dashboards")
    assert [d.title for d in dashboards] == [
        "Operations",
        "Business Metrics",
        "Performance",
        "Feature Adoption",
    ]
    assert "session_retry_rate" in [k.id for k in dashboards[2].kpis]  # shown via "also"
    assert len(all_kpis(dashboards)) == sum(len(d.kpis) for d in dashboards) - 1


def test_queries_filter_on_event_types_of_the_catalog() -> None:
    """Every event type a KPI query names exists in schemas/, so no widget stays empty by typo."""
    known = set(Catalog.load(ROOT / "schemas").event_types)
    named: set[str] = set()
    for kpi in all_kpis(load_dashboards(ROOT / "dashboards")):
        if kpi.query is None:
            continue
        for command in kpi.parsed_query.commands:
            if isinstance(command, nodes.Filter):
                named |= _strings(command.condition)
    assert named, "the queries name event types"
    assert named <= known


def _strings(expr: nodes.Expr) -> set[str]:
    if isinstance(expr, nodes.Literal) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, nodes.Binary):
        return _strings(expr.left) | _strings(expr.right)
    if isinstance(expr, nodes.ListOf):
        return {v for item in expr.items for v in _strings(item)}
    if isinstance(expr, nodes.Unary):
        return _strings(expr.operand)
    return set()


def write(directory: Path, name: str, body: object) -> None:
    (directory / name).write_bytes(orjson.dumps(body))


GOOD_KPI = {
    "id": "k",
    "title": "K",
    "unit": "count",
    "metrics": {"m": "Prompts"},
    "expression": "m",
}


@pytest.mark.parametrize(
    ("kpi", "problem"),
    [
        ({**GOOD_KPI, "expression": "m +"}, "kpis[0] (k): expression: position 4: expected"),
        ({**GOOD_KPI, "expression": "m / n"}, "expression: id(s) n not in metrics"),
        ({**GOOD_KPI, "unit": "furlongs"}, "kpis[0]: unit: one of count"),
        (
            {"id": "q", "title": "Q", "unit": "count", "query": "stats count(*) as n"},
            "query: its last stats or fields must produce a column 'value'",
        ),
        (
            {"id": "q", "title": "Q", "unit": "count", "query": "filter x = "},
            "query: position 12: expected a value",
        ),
        ({"id": "k", "title": "K", "unit": "count"}, "give either a query or metrics"),
        ({**GOOD_KPI, "colour": "red"}, "unknown field(s) colour"),
    ],
)
def test_bad_kpis_are_reported_with_file_and_field(
    tmp_path: Path, kpi: dict[str, object], problem: str
) -> None:
    """DashboardError names the file, the KPI's index and id, and the field."""
    write(tmp_path, "d.json", {"dashboardName": "d", "title": "D", "period": 3600, "kpis": [kpi]})
    with pytest.raises(DashboardError) as caught:
        load_dashboards(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'd.json'}: ")
    assert problem in str(caught.value)


def test_file_level_problems(tmp_path: Path) -> None:
    """Bad JSON, a missing field, an odd period, a duplicate id and an unknown 'also' are named."""
    (tmp_path / "a.json").write_text("{", encoding="utf-8")
    write(tmp_path, "b.json", {"title": "B", "period": 60, "kpis": []})
    base = {"dashboardName": "c", "title": "C", "kpis": [GOOD_KPI]}
    write(tmp_path, "c.json", {**base, "period": 90, "also": ["nope"]})
    write(tmp_path, "d.json", {**base, "dashboardName": "d", "period": 60})
    with pytest.raises(DashboardError) as caught:
        load_dashboards(tmp_path)
    text = str(caught.value)
    assert f"{tmp_path / 'a.json'}: not valid JSON" in text
    assert f"{tmp_path / 'b.json'}: dashboardName: required" in text
    assert f"{tmp_path / 'c.json'}: period: a multiple of 60 seconds, not 90" in text
    assert f"{tmp_path / 'c.json'}: also: no KPI with id 'nope'" in text
    assert f"{tmp_path / 'd.json'}: KPI id 'k' is defined twice" in text
    with pytest.raises(DashboardError, match="no dashboard definitions"):
        load_dashboards(tmp_path / "empty")


def test_the_docs_list_every_kpi_and_its_decision() -> None:
    """docs/dashboards.md names each KPI id and says each decision the definitions take."""
    text = (ROOT / "docs" / "dashboards.md").read_text(encoding="utf-8")
    for kpi in all_kpis(load_dashboards(ROOT / "dashboards")):
        assert f"`{kpi.id}`" in text
        if kpi.decision:
            assert kpi.decision in text


def _fields(expr: nodes.Expr) -> set[str]:
    if isinstance(expr, nodes.Field):
        return {expr.name}
    if isinstance(expr, nodes.Binary):
        return _fields(expr.left) | _fields(expr.right)
    if isinstance(expr, nodes.Unary):
        return _fields(expr.operand)
    if isinstance(expr, nodes.Call):
        return {name for arg in expr.args for name in _fields(arg)}
    return set()


def test_queries_read_only_fields_the_record_or_the_catalog_declares() -> None:
    """Each field a KPI query reads before its first stats is an envelope name or a property."""
    catalog = Catalog.load(ROOT / "schemas")
    declared = set(RESERVED_NAMES) | {"@timestamp", "@message"}
    for event_type in catalog.event_types:
        for version in catalog.versions(event_type):
            declared |= set(version.schema.get("properties", {}))
    for kpi in all_kpis(load_dashboards(ROOT / "dashboards")):
        if kpi.query is None:
            continue
        read: set[str] = set()
        made: set[str] = set()  # what parse makes is not read from the events
        for command in kpi.parsed_query.commands:
            if isinstance(command, nodes.Stats):
                read |= {
                    n for item in (*command.aggregates, *command.groups) for n in _fields(item.expr)
                }
                break
            if isinstance(command, nodes.Filter):
                read |= _fields(command.condition)
            if isinstance(command, nodes.Parse):
                read.add(command.source)
                made |= set(command.names)
        assert read, kpi.id
        assert read - made <= declared, (kpi.id, read - made - declared)
