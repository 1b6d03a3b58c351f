"""filters.filterdir: the filter catalog on disk, its problems, and where it is found."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from schemalog.exceptions import FilterDirError
from schemalog.filters.filterdir import (
    bundled_filters_dir,
    default_filters_dir,
    filter_paths,
    load_filters,
    read_filter_file,
)
from tests.paths import ROOT


def body(name: str, pattern: str = '{ $.event_type = "a" }') -> bytes:
    transformation = {"metricName": "M", "metricNamespace": "n", "metricValue": "1"}
    return orjson.dumps(
        {"filterName": name, "filterPattern": pattern, "metricTransformations": [transformation]}
    )


def test_a_directory_gives_its_json_files_sorted(tmp_path: Path) -> None:
    """*.json files only, in name order; one file stands for itself; a missing path is named."""
    (tmp_path / "b.json").write_bytes(body("b"))
    (tmp_path / "a.json").write_bytes(body("a"))
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in filter_paths(tmp_path)] == ["a.json", "b.json"]
    assert filter_paths(tmp_path / "a.json") == [tmp_path / "a.json"]
    with pytest.raises(FilterDirError, match="no such filter directory or file"):
        filter_paths(tmp_path / "missing")


def test_read_filter_file_keeps_the_problem(tmp_path: Path) -> None:
    """A bad file gives its problem instead of raising: bad JSON, a bad pattern, a good one."""
    (tmp_path / "bad.json").write_text("{nope")
    (tmp_path / "pattern.json").write_bytes(body("p", "{ $.a = }"))
    (tmp_path / "good.json").write_bytes(body("g"))
    assert "not valid JSON" in str(read_filter_file(tmp_path / "bad.json").problem)
    assert "position" in str(read_filter_file(tmp_path / "pattern.json").problem)
    good = read_filter_file(tmp_path / "good.json")
    assert good.problem is None and good.filter is not None and good.filter.name == "g"


def test_load_filters_lists_every_problem(tmp_path: Path) -> None:
    """Every bad file and every repeated filterName is listed in one error, each with its file."""
    (tmp_path / "a.json").write_bytes(body("same"))
    (tmp_path / "b.json").write_bytes(body("same"))
    (tmp_path / "c.json").write_text("[")
    with pytest.raises(FilterDirError) as caught:
        load_filters(tmp_path)
    text = str(caught.value)
    assert f"{tmp_path / 'b.json'}: filterName 'same' is also in {tmp_path / 'a.json'}" in text
    assert f"{tmp_path / 'c.json'}: not valid JSON" in text


def test_load_filters_needs_a_filter(tmp_path: Path) -> None:
    """An empty directory is an error naming it; good files load in name order."""
    with pytest.raises(FilterDirError, match=r"no \*\.json filter files"):
        load_filters(tmp_path)
    (tmp_path / "z.json").write_bytes(body("z"))
    (tmp_path / "y.json").write_bytes(body("y"))
    assert [f.name for f in load_filters(tmp_path)] == ["y", "z"]


def test_where_the_filters_are_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$SCHEMALOG_FILTERS first, then ./cloudwatch-filters, then the bundled catalog."""
    assert bundled_filters_dir() == ROOT / "cloudwatch-filters"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SCHEMALOG_FILTERS", raising=False)
    assert default_filters_dir() == bundled_filters_dir()
    (tmp_path / "cloudwatch-filters").mkdir()
    assert default_filters_dir() == Path("cloudwatch-filters")
    monkeypatch.setenv("SCHEMALOG_FILTERS", "/elsewhere")
    assert default_filters_dir() == Path("/elsewhere")
