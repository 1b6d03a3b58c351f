"""Tests for schemalog.catalog.location: where the catalog is found, without pathlib."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemalog.catalog.location import (
    bundled_schemas_dir,
    default_schemas_dir,
    default_schemas_location,
)
from tests.paths import ROOT


def test_the_default_location_is_found_without_pathlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """$SCHEMALOG_SCHEMAS, else ./schemas, else the bundled catalog; as text and as a Path."""
    assert default_schemas_location({"SCHEMALOG_SCHEMAS": "/srv/s"}) == "/srv/s"
    monkeypatch.chdir(tmp_path)
    assert Path(default_schemas_location({})) == bundled_schemas_dir() == ROOT / "schemas"
    (tmp_path / "schemas").mkdir()
    assert default_schemas_location({}) == "schemas"
    assert default_schemas_dir({}) == Path("schemas")
