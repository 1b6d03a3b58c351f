"""Tests for schemalog.catalog.check: each catalog rule, compatibility, published immutability."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from schemalog.catalog.check import check_catalog
from schemalog.catalog.load import Catalog
from schemalog.exceptions import CatalogError, GitRefError


def schema(event_type: str = "launch", version: str = "1.0.0") -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://schemalog.dev/schemas/{event_type}/{version}",
        "title": event_type,
        "description": "A repository was launched.",
        "x-domain": "binderhub",
        "type": "object",
        "properties": {
            "provider": {
                "type": "string",
                "enum": ["GitHub", "Git"],
                "description": "Where the repository lives.",
            },
            "tags": {"type": "array", "items": {"type": "string"}, "description": "Labels."},
        },
        "required": ["provider"],
        "additionalProperties": False,
        "examples": [{"provider": "Git", "tags": ["a"]}],
    }


def write(root: Path, content: Any, event_type: str = "launch", version: str = "1.0.0") -> Path:
    path = root / event_type / f"{version}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n")
    return path


def reasons(root: Path) -> list[str]:
    return [finding.reason for finding in check_catalog(root)]


def test_project_catalog_keeps_every_rule(schemas_dir: Path) -> None:
    """The project's own catalog passes the check, and the runtime loader accepts it."""
    assert [str(f) for f in check_catalog(schemas_dir)] == []
    assert len(Catalog.load(schemas_dir)) > 0


def test_valid_catalog_has_no_findings(tmp_path: Path) -> None:
    """A catalog that keeps every rule has no findings."""
    write(tmp_path, schema())
    assert check_catalog(tmp_path) == []


Mutation = Callable[[dict[str, Any]], Any]

RULES: list[tuple[Mutation, str]] = [
    (lambda s: s.pop("description"), 'the event needs a "description"'),
    (
        lambda s: s["properties"]["provider"].pop("description"),
        '$.properties.provider: the property needs a "description"',
    ),
    (
        lambda s: s.pop("additionalProperties"),
        'an event schema must have "additionalProperties": false',
    ),
    (lambda s: s["properties"]["tags"].pop("items"), "$.properties.tags: an array must declare"),
    (
        lambda s: s["properties"].update(level={"type": "string", "description": "x"}),
        "'level' is an envelope name",
    ),
    (lambda s: s.update({"$id": "https://x/launch/9.9.9"}), '"$id" must end with "/launch/1.0.0"'),
    (
        lambda s: s["properties"].update(Provider={"type": "string", "description": "x"}),
        "property name 'Provider' is not snake_case",
    ),
    (lambda s: s.update(examples=[{"provider": "Gist"}]), "$.examples[0] is invalid: $.provider"),
    (lambda s: s.update(examples=[]), '"examples" must list at least one'),
    (lambda s: s["properties"]["tags"].update(type="strnig"), "not a valid JSON Schema"),
    (lambda s: s.pop("$schema"), '"$schema" must be'),
    (lambda s: s.update(required=["provider", "spec"]), "'spec' is required but not declared"),
    (lambda s: s.update({"x-context": ["tenant_id"]}), '"x-context" must list distinct names'),
    (lambda s: s.update({"x-context": [{}]}), '"x-context" must list distinct names'),
    (lambda s: s.pop("x-domain"), '"x-domain" must name the docs section'),
    (lambda s: s.update({"x-sample-rate": 1.5}), '"x-sample-rate" must be a number in (0, 1]'),
    (lambda s: s.update(type="array"), 'must have "type": "object"'),
    (lambda s: s.update(title="other"), '"title" must be the event type'),
    (
        lambda s: s["properties"]["provider"].update({"x-sensitive": "encrypt"}),
        '"x-sensitive" must be one of',
    ),
    (
        lambda s: s["properties"]["provider"].update({"x-sensitive": ["hash"]}),
        '"x-sensitive" must be one of',
    ),
    (
        lambda s: s["properties"].update(note={"description": "Untyped."}),
        '$.properties.note: the property must declare its "type"',
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), RULES)
def test_each_rule_is_reported_with_file_and_reason(
    tmp_path: Path, mutate: Mutation, expected: str
) -> None:
    """Breaking one rule gives a finding naming the file and the reason."""
    content = schema()
    mutate(content)
    path = write(tmp_path, content)
    findings = check_catalog(tmp_path)
    assert findings, "the broken rule was not reported"
    assert all(f.path == str(path) for f in findings)
    assert any(expected in f.reason for f in findings), [f.reason for f in findings]


def test_bad_names_and_json_are_reported(tmp_path: Path) -> None:
    """A bad directory or file name, a reserved event type and broken JSON are each reported."""
    write(tmp_path, schema("LaunchEvent"), "LaunchEvent")
    write(tmp_path, schema("launch", "1.0"), "launch", "1.0")
    write(tmp_path, schema("log"), "log")
    broken = tmp_path / "broken" / "1.0.0.json"
    broken.parent.mkdir()
    broken.write_text("{")
    (tmp_path / "stray.json").write_text("{}")
    found = {
        (Path(f.path).parent.name + "/" + Path(f.path).name, f.reason)
        for f in check_catalog(tmp_path)
    }
    text = "\n".join(f"{p}: {r}" for p, r in sorted(found))
    assert "LaunchEvent/1.0.0.json: event type 'LaunchEvent'" in text
    assert "launch/1.0.json: the file name must be MAJOR.MINOR.PATCH.json" in text
    assert "log/1.0.0.json: 'log' is reserved" in text
    assert "broken/1.0.0.json: not valid JSON" in text
    assert "schema files live in <event_type>/<MAJOR.MINOR.PATCH>.json" in text


def test_missing_directory_is_an_input_error(tmp_path: Path) -> None:
    """A catalog directory that does not exist raises CatalogError."""
    with pytest.raises(CatalogError, match="no such catalog directory"):
        check_catalog(tmp_path / "nope")


def test_breaking_change_inside_a_major_is_rejected_and_accepted_as_new_major(
    tmp_path: Path,
) -> None:
    """Shrinking an enum in 1.1.0 names the rule and keyword; the same change as 2.0.0 passes."""
    write(tmp_path, schema())
    changed = schema("launch", "1.1.0")
    changed["properties"]["provider"]["enum"] = ["GitHub"]
    changed["examples"] = [{"provider": "GitHub"}]
    path = write(tmp_path, changed, version="1.1.0")
    (finding,) = check_catalog(tmp_path)
    assert finding.path == str(path)
    assert "incompatible with 1.0.0" in finding.reason
    assert 'rule "enums only grow"' in finding.reason
    assert "$.properties.provider.enum" in finding.reason
    assert "publish a breaking change as 2.0.0" in finding.reason

    path.unlink()
    major = copy.deepcopy(changed)
    major["$id"] = "https://schemalog.dev/schemas/launch/2.0.0"
    write(tmp_path, major, version="2.0.0")
    assert check_catalog(tmp_path) == []


def test_compatibility_is_checked_between_neighbours_only_within_a_major(tmp_path: Path) -> None:
    """1.0.0 -> 1.1.0 (added field) passes; a PATCH adding a field is told to be a MINOR."""
    write(tmp_path, schema())
    minor = schema("launch", "1.1.0")
    minor["properties"]["origin"] = {"type": "string", "description": "Host."}
    write(tmp_path, minor, version="1.1.0")
    assert check_catalog(tmp_path) == []
    patch = copy.deepcopy(minor)
    patch["$id"] = "https://schemalog.dev/schemas/launch/1.1.1"
    patch["properties"]["ref"] = {"type": "string", "description": "Ref."}
    write(tmp_path, patch, version="1.1.1")
    (finding,) = check_catalog(tmp_path)
    assert 'rule "a PATCH changes only annotations"' in finding.reason


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """Return the catalog of a git repository whose tag v1 publishes launch/1.0.0.json."""
    git(tmp_path, "init", "-q")
    root = tmp_path / "schemas"
    write(root, schema())
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "publish")
    git(tmp_path, "tag", "v1")
    return root


def test_unchanged_published_versions_pass(published: Path) -> None:
    """Reformatting a published file and adding a new version are allowed."""
    path = published / "launch" / "1.0.0.json"
    path.write_text(json.dumps(schema()))  # same JSON, other formatting
    minor = schema("launch", "1.1.0")
    minor["properties"]["origin"] = {"type": "string", "description": "Host."}
    write(published, minor, version="1.1.0")
    assert check_catalog(published, against="v1") == []


def test_changed_published_version_fails(published: Path) -> None:
    """Editing a version file that exists at the ref is a finding naming where it changed."""
    content = schema()
    content["properties"]["provider"]["description"] = "Edited."
    path = write(published, content)
    assert check_catalog(published) == []  # only a description: compatible, but published
    (finding,) = check_catalog(published, against="v1")
    assert finding.path == str(path)
    assert "changed since v1 at $.properties.provider.description" in finding.reason
    assert "immutable" in finding.reason


def test_removed_published_version_fails(published: Path) -> None:
    """Deleting a version file that exists at the ref is a finding."""
    shutil.rmtree(published / "launch")
    write(published, schema("other"), "other")
    (finding,) = check_catalog(published, against="v1")
    assert finding.path.endswith("launch/1.0.0.json")
    assert "removed" in finding.reason


def test_against_unknown_ref_or_outside_git_is_an_error(published: Path, tmp_path: Path) -> None:
    """An unknown ref, or a catalog outside any repository, raises GitRefError."""
    with pytest.raises(GitRefError, match="unknown ref 'nope'"):
        check_catalog(published, against="nope")
    outside = tmp_path.parent / (tmp_path.name + "-plain")
    write(outside, schema())
    try:
        with pytest.raises(GitRefError):
            check_catalog(outside, against="HEAD")
    finally:
        shutil.rmtree(outside)
