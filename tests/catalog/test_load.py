"""Tests for schemalog.catalog.load: loading, checking at load, versions and lookups."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from schemalog.catalog.load import (
    Catalog,
    SchemaVersion,
    _read,
    emitted_view,
    schema_files,
)
from schemalog.catalog.names import Version
from schemalog.exceptions import CatalogError, UnknownEventError
from tests.paths import ROOT


def write(root: Path, event_type: str, version: str, schema: Any) -> Path:
    path = root / event_type / f"{version}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schema if isinstance(schema, str) else json.dumps(schema))
    return path


def schema(**properties: Any) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "description": "test event",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            name: {"type": kind, "description": name} for name, kind in properties.items()
        },
    }


def test_loads_every_version_and_picks_the_newest(tmp_path: Path) -> None:
    """Several versions of one event type load; the newest is the default."""
    write(tmp_path, "order_placed", "1.0.0", schema(total=("integer")))
    write(tmp_path, "order_placed", "1.1.0", schema(total="integer", coupon="string"))
    write(tmp_path, "order_placed", "2.0.0", schema(total_cents="integer"))
    write(tmp_path, "order_placed", "1.10.0", schema(total="integer"))
    catalog = Catalog.load(tmp_path)
    assert [v.version_text for v in catalog.versions("order_placed")] == [
        "1.0.0",
        "1.1.0",
        "1.10.0",
        "2.0.0",
    ]
    assert catalog.get("order_placed").version_text == "2.0.0"
    assert catalog.get("order_placed", "1.1.0").version_text == "1.1.0"
    assert catalog.get("order_placed", "1").version_text == "1.10.0"


def test_unknown_version_names_the_known_ones(tmp_path: Path) -> None:
    """Pinning a version that does not exist says which ones do."""
    write(tmp_path, "order_placed", "1.0.0", schema(total="integer"))
    catalog = Catalog.load(tmp_path)
    with pytest.raises(UnknownEventError, match=r"no version '3.0.0' \(known: 1.0.0\)"):
        catalog.get("order_placed", "3.0.0")


def test_unknown_event_type_suggests_the_nearest(tmp_path: Path) -> None:
    """An unknown name gets a did-you-mean suggestion when a known one is close."""
    write(tmp_path, "stream_completed", "1.0.0", schema())
    catalog = Catalog.load(tmp_path)
    with pytest.raises(UnknownEventError, match="did you mean 'stream_completed'"):
        catalog.get("stream_complete")
    assert catalog.suggest("zzz") is None


def test_a_repeated_typo_is_looked_up_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The suggestion for a name already asked about is remembered, not computed again."""
    import difflib

    write(tmp_path, "stream_completed", "1.0.0", schema())
    catalog = Catalog.load(tmp_path)
    asked: list[str] = []
    close_matches = difflib.get_close_matches

    def counting(word: str, *args: Any, **kwargs: Any) -> list[str]:
        asked.append(word)
        return close_matches(word, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    for _ in range(3):
        assert catalog.suggest("stream_complete") == "stream_completed"
        assert catalog.suggest("zzz") is None
    assert asked == ["stream_complete", "zzz"]


@pytest.mark.parametrize(
    ("event_type", "version", "content", "reason"),
    [
        ("ok_event", "1.0.0", "{not json", "not valid JSON"),
        ("ok_event", "1.0.0", "[]", "must hold a JSON object"),
        ("ok_event", "1.0", "{}", "MAJOR.MINOR.PATCH"),
        ("Bad-Name", "1.0.0", "{}", "not a snake_case event type"),
        ("log", "1.0.0", "{}", "reserved"),
        (
            "ok_event",
            "1.0.0",
            json.dumps({"type": "object", "properties": {"a": {"type": "strin"}}}),
            r"not a valid JSON Schema: \$.properties.a.type",
        ),
        ("ok_event", "1.0.0", json.dumps({"type": "string"}), '"type": "object"'),
        (
            "ok_event",
            "1.0.0",
            json.dumps({"type": "object", "properties": {"session_id": {"type": "string"}}}),
            "envelope names",
        ),
        ("ok_event", "1.0.0", json.dumps({"type": "object", "x-context": ["tenant"]}), "x-context"),
        (
            "ok_event",
            "1.0.0",
            json.dumps({"type": "object", "properties": {"a": {"x-sensitive": "encrypt"}}}),
            "x-sensitive",
        ),
        ("ok_event", "1.0.0", json.dumps({"type": "object", "x-context": [{}]}), "x-context"),
        ("ok_event", "1.0.0", json.dumps({"type": "object", "x-sample-rate": 0}), "x-sample-rate"),
        (
            "ok_event",
            "1.0.0",
            json.dumps({"type": "object", "x-sample-rate": "0.5"}),
            r"x-sample-rate must be a number in \(0, 1\]",
        ),
        (
            "ok_event",
            "1.0.0",
            json.dumps({"type": "object", "properties": {"a": {"x-sensitive": ["hash"]}}}),
            "x-sensitive",
        ),
    ],
)
def test_bad_files_fail_with_path_and_reason(
    tmp_path: Path, event_type: str, version: str, content: str, reason: str
) -> None:
    """Each kind of bad schema file fails the load with its path and the reason."""
    path = write(tmp_path, event_type, version, content)
    with pytest.raises(CatalogError, match=reason) as error:
        Catalog.load(tmp_path)
    assert str(path) in str(error.value)


def test_every_bad_file_is_listed(tmp_path: Path) -> None:
    """Loading reports all bad files at once, not just the first."""
    write(tmp_path, "one", "1.0.0", "{")
    write(tmp_path, "two", "1.0.0", "[]")
    with pytest.raises(CatalogError) as error:
        Catalog.load(tmp_path)
    assert len(error.value.problems) == 2


def test_missing_directory(tmp_path: Path) -> None:
    """A missing catalog directory is an error naming it."""
    with pytest.raises(CatalogError, match=r"no such catalog directory"):
        Catalog.load(tmp_path / "nope")


def test_schema_files_are_listed_as_glob_lists_them(tmp_path: Path) -> None:
    """The listing is sorted(root.glob("*/*.json")): hidden names too, other files left out."""
    for name in ("b/1.0.0.json", "a/2.0.0.json", "a/10.0.0.json", ".h/1.0.0.json", "a/.x.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "a" / "notes.txt").write_text("")
    (tmp_path / "a" / "dir.json").mkdir()
    (tmp_path / "top.json").write_text("{}")
    assert schema_files(tmp_path) == sorted(tmp_path.glob("*/*.json"))
    assert schema_files(ROOT / "schemas") == sorted((ROOT / "schemas").glob("*/*.json"))


def test_a_schema_version_is_read_only_and_derives_on_use(tmp_path: Path) -> None:
    """A SchemaVersion's attributes cannot be set; what it derives matches its schema."""
    body = {**schema(total="integer"), "x-context": ["session_id"], "x-sample-rate": 0.5}
    path = write(tmp_path, "order_placed", "1.2.0", body)
    version = Catalog.load(tmp_path).get("order_placed")
    assert isinstance(version, SchemaVersion) and version.path == path
    assert (version.version_text, version.required_context) == ("1.2.0", ("session_id",))
    assert (version.sample_rate, version.scalar_only, version.redaction.needed) == (
        0.5,
        True,
        False,
    )
    with pytest.raises(AttributeError, match="read-only"):
        version.event_type = "other"
    with pytest.raises(AttributeError, match="read-only"):
        del version.schema
    assert repr(version) == f"SchemaVersion('order_placed', '1.2.0', {str(path)!r})"


CLOSED_A: dict[str, Any] = {"properties": {"a": {}}, "additionalProperties": False}


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (CLOSED_A, frozenset({"a"})),
        ({**CLOSED_A, "patternProperties": {}}, {"a"}),
        ({"properties": {"a": {}}}, None),
        ({**CLOSED_A, "patternProperties": {"x": {}}}, None),
        ({"properties": [], "additionalProperties": False}, None),
    ],
)
def test_closed_names_are_the_only_names_a_valid_event_may_hold(
    body: dict[str, Any], names: frozenset[str] | None
) -> None:
    """A closed schema's declared names; None when other names may pass validation."""
    version = SchemaVersion("ping_sent", Version(1, 0, 0), body, "ping_sent/1.0.0.json")
    assert version.closed_names == names


def test_emitted_view_accepts_redacted_forms() -> None:
    """The schema of written lines lets hashed/masked fields be strings and dropped ones go."""
    original = {
        "type": "object",
        "required": ["email", "pin", "client_secret"],
        "properties": {
            "email": {"type": "string", "format": "email", "x-sensitive": "hash"},
            "pin": {"type": "integer", "x-sensitive": "drop"},
            "client_secret": {"type": "integer"},
        },
    }
    view = emitted_view(original)
    assert view["required"] == ["email", "client_secret"]
    assert view["properties"]["email"]["type"] == ["string", "null"]
    assert view["properties"]["client_secret"] == {
        "anyOf": [{"type": "integer"}, {"const": "[REDACTED]"}]
    }


def test_project_catalog_loads() -> None:
    """The catalog shipped in schemas/ loads cleanly."""
    catalog = Catalog.load(ROOT / "schemas")
    assert "stream_completed" in catalog
    assert len(catalog) >= 15


def test_read_gives_the_bytes_of_a_file(tmp_path: Path) -> None:
    """A file's bytes are read whole (empty and large files too); a directory cannot be read."""
    for size in (0, 5, 300_000):
        path = tmp_path / f"{size}.json"
        path.write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
        assert _read(str(path)) == path.read_bytes()
    with pytest.raises(IsADirectoryError):
        _read(str(tmp_path))


def test_a_directory_named_like_a_schema_is_reported(tmp_path: Path) -> None:
    """A directory named 1.0.0.json cannot be read, and the load says so with its path."""
    (tmp_path / "ok_event" / "1.0.0.json").mkdir(parents=True)
    with pytest.raises(CatalogError, match=r"ok_event/1\.0\.0\.json: cannot read: Is a directory"):
        Catalog.load(tmp_path)


def test_a_schema_version_given_a_text_path_gives_a_path(tmp_path: Path) -> None:
    """The path of a version is a Path, whether it was given as one or as text."""
    version = Version(1, 0, 0)
    assert SchemaVersion("a", version, {}, "x/a/1.0.0.json").path == Path("x/a/1.0.0.json")
    assert SchemaVersion("a", version, {}, tmp_path).path is tmp_path


def test_a_catalog_keeps_its_directory_as_a_path(tmp_path: Path) -> None:
    """Catalog.root is a Path, whether the catalog was loaded from text or from a Path."""
    write(tmp_path, "ping_sent", "1.0.0", schema(count="integer"))
    assert Catalog.load(str(tmp_path)).root == Catalog.load(tmp_path).root == tmp_path
