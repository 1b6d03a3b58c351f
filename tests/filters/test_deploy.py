"""`filters deploy` against moto's CloudWatch Logs server, started on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemalog.exceptions import DeployError
from schemalog.filters.deploy import (
    CREATE,
    DELETE,
    KEEP,
    UNCHANGED,
    UPDATE,
    comparable,
    deploy,
    make_client,
    plan,
)
from tests.aws import CREDENTIALS, moto_endpoint, use_credentials
from tests.filters.cases import metric
from tests.paths import ROOT

endpoint = pytest.fixture(scope="module")(moto_endpoint)


@pytest.fixture
def client(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Return a boto3 CloudWatch Logs client for the moto server, with fake credentials."""
    use_credentials(monkeypatch)
    return make_client(endpoint)


def new_group(client: Any, name: str) -> str:
    client.create_log_group(logGroupName=name)
    return name


def described(client: Any, group: str) -> list[dict[str, Any]]:
    return list(client.describe_metric_filters(logGroupName=group)["metricFilters"])


FILTERS = [
    metric("a", '{ $.event_type = "a" }'),
    metric("b", "ERROR", "1", defaultValue=0),
    metric("c", "{ $.x = * }", "$.x", dimensions={"d": "$.d"}, unit="Seconds"),
]


def test_first_deploy_creates_and_second_changes_nothing(client: Any) -> None:
    """A deploy creates every filter; a second one finds them equal and puts nothing again."""
    group = new_group(client, "/app/first")
    first = deploy(client, group, FILTERS)
    assert [(c.action, c.name) for c in first] == [(CREATE, "a"), (CREATE, "b"), (CREATE, "c")]
    there = described(client, group)
    assert [comparable(item) for item in there] == [comparable(f.to_dict()) for f in FILTERS]
    second = deploy(client, group, FILTERS)
    assert {c.action for c in second} == {UNCHANGED}
    assert len(described(client, group)) == 3  # moto would append duplicates on a re-put


def test_changed_filter_is_updated(client: Any) -> None:
    """Changing one filter's pattern updates that one only, naming the field that differs."""
    group = new_group(client, "/app/update")
    deploy(client, group, FILTERS)
    changed = [FILTERS[0], metric("b", "ERROR -DEBUG", "1", defaultValue=0), FILTERS[2]]
    changes = deploy(client, group, changed)
    assert [(c.action, c.fields) for c in changes] == [
        (UNCHANGED, ()), (UPDATE, ("filterPattern",)), (UNCHANGED, ())
    ]  # fmt: skip
    assert {c.action for c in deploy(client, group, changed)} == {UNCHANGED}


def test_dry_run_changes_nothing(client: Any) -> None:
    """--dry-run returns the plan and leaves the log group as it was."""
    group = new_group(client, "/app/dry")
    changes = deploy(client, group, FILTERS, dry_run=True)
    assert [c.action for c in changes] == [CREATE] * 3
    assert described(client, group) == []


def test_prune_deletes_what_no_file_describes(client: Any) -> None:
    """Without --prune extra filters are kept; with it they are deleted."""
    group = new_group(client, "/app/prune")
    deploy(client, group, FILTERS)
    kept = deploy(client, group, FILTERS[:1])
    assert [(c.action, c.name) for c in kept if c.action != UNCHANGED] == [(KEEP, "b"), (KEEP, "c")]
    pruned = deploy(client, group, FILTERS[:1], prune=True)
    assert [(c.action, c.name) for c in pruned if c.action != UNCHANGED] == [
        (DELETE, "b"), (DELETE, "c")
    ]  # fmt: skip
    assert [item["filterName"] for item in described(client, group)] == ["a"]


def test_missing_log_group(client: Any) -> None:
    """Deploying to a log group that does not exist fails with its name."""
    with pytest.raises(DeployError, match="'/app/absent' does not exist"):
        deploy(client, "/app/absent", FILTERS)


def test_plan_refuses_more_than_100_filters() -> None:
    """A log group holds 100 metric filters: the plan refuses to go past that."""
    existing = [{"filterName": f"old{i}", "filterPattern": "x", "metricTransformations": []}
                for i in range(99)]  # fmt: skip
    with pytest.raises(DeployError, match="101 metric filters"):
        plan(FILTERS[:2], existing, prune=False)
    assert len(plan(FILTERS[:2], existing, prune=True)) == 101


def test_comparable_fills_aws_defaults() -> None:
    """A missing unit equals "None", and 0 equals 0.0, so AWS's echo compares equal."""
    mine = FILTERS[1].to_dict()
    theirs = orjson.loads(orjson.dumps(mine))
    theirs["metricTransformations"][0].update(defaultValue=0.0, unit="None")
    assert comparable(mine) == comparable(theirs)


def test_cli_deploy_and_dry_run(client: Any, endpoint: str) -> None:
    """A real `schemalog filters deploy` deploys the shipped catalog, then finds it equal."""
    group = new_group(client, "/app/cli")
    program = str(Path(sys.executable).parent / "schemalog")
    filters = str(ROOT / "cloudwatch-filters")
    env = {**os.environ, **CREDENTIALS}

    def run(log_group: str, *extra: str) -> subprocess.CompletedProcess[str]:
        command = [program, "filters", "deploy", "--log-group", log_group, "--filters", filters,
                   "--endpoint-url", endpoint, *extra]  # fmt: skip
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    dry = run(group, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run, nothing changed" in dry.stderr
    assert described(client, group) == []
    done = run(group)
    assert done.returncode == 0, done.stderr
    count = len(list((ROOT / "cloudwatch-filters").glob("*.json")))
    assert f"{count} to create" in done.stderr
    assert len(described(client, group)) == count
    again = run(group)
    assert f"0 to create, 0 to update, 0 to delete, {count} left as they are" in again.stderr
    missing = run("/app/none")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr
