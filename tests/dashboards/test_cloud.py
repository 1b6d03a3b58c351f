"""``dashboards deploy`` against moto's CloudWatch server; CloudFormation and Terraform export."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from schemalog.dashboards import cloud
from schemalog.dashboards.bodies import body
from schemalog.dashboards.definitions import load_dashboards
from schemalog.exceptions import DeployError
from schemalog.insights import parse_query
from tests.aws import moto_endpoint, use_credentials
from tests.paths import ROOT

DASHBOARDS = load_dashboards(ROOT / "dashboards")
endpoint = pytest.fixture(scope="module")(moto_endpoint)


@pytest.fixture
def client(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a boto3 CloudWatch client for the moto server, with fake credentials."""
    use_credentials(monkeypatch)
    return cloud.make_client(endpoint)


def bodies(log_group: str) -> dict[str, dict[str, Any]]:
    return {d.name: body(d, region="us-east-1", log_groups=[log_group]) for d in DASHBOARDS}


def test_deploy_puts_every_dashboard_then_changes_nothing(client: Any) -> None:
    """The first deploy creates the four dashboards exactly; a second one finds them equal."""
    wanted = bodies("/app/first")
    first = cloud.deploy(client, wanted)
    assert [(c.action, c.name) for c in first] == [("create", name) for name in wanted]
    for name, made in wanted.items():
        stored = client.get_dashboard(DashboardName=name)["DashboardBody"]
        assert orjson.loads(stored) == made
    assert {c.action for c in cloud.deploy(client, wanted)} == {"unchanged"}


def test_dry_run_plans_without_putting(client: Any) -> None:
    """``dry_run`` reports updates for a changed log group but leaves CloudWatch as it was."""
    cloud.deploy(client, bodies("/app/dry"))
    changed = bodies("/app/other")
    plan = cloud.deploy(client, changed, dry_run=True)
    assert {c.action for c in plan} == {"update"}
    name = DASHBOARDS[0].name
    assert "/app/dry" in client.get_dashboard(DashboardName=name)["DashboardBody"]


def test_aws_errors_become_deploy_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreachable endpoint is a DeployError with the reason, not a traceback."""
    use_credentials(monkeypatch)
    unreachable = cloud.make_client("http://127.0.0.1:9")
    with pytest.raises(DeployError):
        cloud.deploy(unreachable, bodies("/app/x"))


def test_cloudformation_template_has_one_dashboard_resource_each() -> None:
    """Each dashboard is an AWS::CloudWatch::Dashboard whose body substitutes region and group."""
    template = orjson.loads(cloud.cloudformation(DASHBOARDS, {}))
    resources = template["Resources"]
    assert [r["Type"] for r in resources.values()] == ["AWS::CloudWatch::Dashboard"] * 4
    first = resources["SchemalogOperationsDashboard"]["Properties"]
    assert first["DashboardName"] == "schemalog-operations"
    text = first["DashboardBody"]["Fn::Sub"]
    made = orjson.loads(text)
    assert made["widgets"][1]["properties"]["region"] == "${AWS::Region}"
    assert "SOURCE '${LogGroupName}'" in text
    assert template["Parameters"]["LogGroupName"]["Type"] == "String"


def test_terraform_has_resources_and_variables() -> None:
    """Terraform gets aws_cloudwatch_dashboard resources whose body is a jsonencode'd object."""
    text = cloud.terraform(DASHBOARDS, {})
    assert text.count('resource "aws_cloudwatch_dashboard"') == 4
    assert 'resource "aws_cloudwatch_dashboard" "schemalog_operations"' in text
    assert 'variable "log_group_name"' in text and 'variable "region"' in text
    start = text.index("jsonencode(") + len("jsonencode(")
    end = text.index(")\n}", start)
    encoded = orjson.loads(text[start:end])  # JSON objects are HCL objects
    assert encoded["widgets"][1]["properties"]["region"] == "${var.region}"


def test_deployed_log_widgets_hold_the_queries_checked_against_duckdb(client: Any) -> None:
    """What moto stores for each log widget is SOURCE + the KPI's query, which parses as is.

    test_queries_duckdb.py runs exactly these queries locally and in DuckDB.
    """
    cloud.deploy(client, bodies("/app/checked"))
    for dashboard in DASHBOARDS:
        stored = orjson.loads(client.get_dashboard(DashboardName=dashboard.name)["DashboardBody"])
        logs = [w["properties"]["query"] for w in stored["widgets"] if w["type"] == "log"]
        wanted = [kpi.query for kpi in dashboard.kpis if kpi.query is not None]
        assert [q.removeprefix("SOURCE '/app/checked' | ") for q in logs] == wanted
        for query in logs:
            parse_query(query.removeprefix("SOURCE '/app/checked' | "))
