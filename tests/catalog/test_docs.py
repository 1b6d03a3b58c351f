"""Tests for schemalog.catalog.docs: docs/events.md from the catalog."""

from __future__ import annotations

import json
import re
from pathlib import Path

from schemalog.catalog.docs import key_fields, render_events_md, type_text, write_events_md
from schemalog.catalog.load import Catalog
from tests.paths import ROOT

DOCS = ROOT / "docs" / "events.md"


def test_committed_events_md_is_current(schemas_dir: Path) -> None:
    """docs/events.md is exactly what the catalog generates (run `schemalog schemas docs`)."""
    expected = render_events_md(Catalog.load(schemas_dir))
    assert DOCS.is_file(), "docs/events.md is missing: run `schemalog schemas docs`"
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/events.md is stale: run `schemalog schemas docs` and commit the result"
    )


def test_every_event_is_listed_under_its_domain(schemas_dir: Path) -> None:
    """Each event type appears in its domain's table and has its own section."""
    catalog = Catalog.load(schemas_dir)
    text = render_events_md(catalog)
    sections = dict(re.findall(r"^## (\S+)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    for event_type in catalog:
        domain = catalog.get(event_type).schema["x-domain"]
        assert f"| [`{event_type}`](#{event_type}) |" in sections[domain]
        assert f"\n### `{event_type}`\n" in sections[domain]


def write(root: Path, event_type: str, version: str, schema: dict[str, object]) -> None:
    path = root / event_type / f"{version}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        **schema,
    }
    path.write_text(json.dumps(body))


def small_catalog(root: Path) -> Catalog:
    write(
        root,
        "launch",
        "1.0.0",
        {
            "description": "A launch | with a pipe.",
            "x-domain": "binderhub",
            "properties": {
                "provider": {"type": "string", "enum": ["GitHub"], "description": "Where."},
            },
            "required": ["provider"],
        },
    )
    write(
        root,
        "launch",
        "1.1.0",
        {
            "description": "A launch | with a pipe.",
            "x-domain": "binderhub",
            "x-context": ["user_id"],
            "properties": {
                "provider": {"type": "string", "enum": ["GitHub"], "description": "Where."},
                "count": {"type": "integer", "minimum": 0, "description": "How many."},
                "email": {"type": "string", "x-sensitive": "hash", "description": "Who."},
            },
            "required": ["provider"],
        },
    )
    write(root, "zeta", "1.0.0", {"description": "No domain.", "properties": {}})
    return Catalog.load(root)


def test_table_fields_and_history(tmp_path: Path) -> None:
    """The domain table, field rows and version history say what the schemas say."""
    text = render_events_md(small_catalog(tmp_path))
    assert (
        "| [`launch`](#launch) | A launch \\| with a pipe. | `user_id`, `provider` | 1.0.0, 1.1.0 |"
        in text
    )
    assert "| `count` | integer ≥ 0 | no | How many. |" in text
    assert "| `email` | string | no | Who. *Logged only as a hash.* |" in text
    assert "- **1.0.0** (first version)\n" in text
    assert "- **1.1.0** (MINOR): Added optional `count`, optional `email`;" in text
    assert "## other" in text  # no x-domain
    assert "No fields of its own." in text


def test_rendering_is_deterministic_and_write_reports_changes(tmp_path: Path) -> None:
    """Rendering twice gives the same text; writing an unchanged file reports no change."""
    catalog = small_catalog(tmp_path / "schemas")
    assert render_events_md(catalog) == render_events_md(catalog)
    output = tmp_path / "docs" / "events.md"
    assert write_events_md(catalog, output) is True
    assert write_events_md(catalog, output) is False


def test_type_text_and_key_fields() -> None:
    """Types read naturally; key fields are context first, then required properties."""
    assert type_text({"type": "array", "items": {"type": "string"}}) == "array of string"
    assert type_text({"type": ["string", "null"]}) == "string or null"
    assert type_text({"type": "integer", "minimum": 100, "maximum": 599}) == "integer 100 to 599"
    assert type_text({"type": "string", "format": "uuid"}) == "string (uuid)"
    assert type_text({"type": "object", "additionalProperties": {"type": "integer"}}) == (
        "object of integer"
    )
    assert type_text({"enum": ["a", 1]}) == 'one of `"a"`, `1`'
    assert key_fields({"x-context": ["session_id"], "required": ["a", "b"]}) == [
        "session_id",
        "a",
        "b",
    ]
