"""Loading the filter catalog: ``cloudwatch-filters/*.json``, one filter body a file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from schemalog.exceptions import FilterDirError, FilterError, PatternError
from schemalog.filters.filters import MetricFilter


@dataclass(frozen=True)
class FilterFile:
    """One filter file: where it is, its raw body, and the filter or the reason it is invalid."""

    path: Path
    body: Any
    filter: MetricFilter | None
    problem: str | None


def filter_paths(location: str | os.PathLike[str]) -> list[Path]:
    """Return the ``*.json`` files of a directory (sorted), or the one file named."""
    path = Path(location)
    if path.is_dir():
        return sorted(p for p in path.glob("*.json") if p.is_file())
    if path.is_file():
        return [path]
    raise FilterDirError([f"{path}: no such filter directory or file"])


def read_filter_file(path: Path) -> FilterFile:
    """Read and check one filter file, keeping the problem instead of raising."""
    try:
        body = orjson.loads(path.read_bytes())
    except OSError as error:
        return FilterFile(path, None, None, f"cannot read: {error.strerror or error}")
    except orjson.JSONDecodeError as error:
        return FilterFile(path, None, None, f"not valid JSON: {error}")
    try:
        return FilterFile(path, body, MetricFilter.from_dict(body), None)
    except (FilterError, PatternError) as error:
        return FilterFile(path, body, None, str(error))


def load_filters(location: str | os.PathLike[str]) -> list[MetricFilter]:
    """Load every filter of a directory (or one file); raise FilterDirError listing problems."""
    files = [read_filter_file(path) for path in filter_paths(location)]
    problems = [f"{f.path}: {f.problem}" for f in files if f.problem is not None]
    names: dict[str, Path] = {}
    for item in files:
        if item.filter is None:
            continue
        other = names.setdefault(item.filter.name, item.path)
        if other != item.path:
            problems.append(f"{item.path}: filterName {item.filter.name!r} is also in {other}")
    if problems:
        raise FilterDirError(problems)
    if not files:
        raise FilterDirError([f"{location}: no *.json filter files"])
    return [item.filter for item in files if item.filter is not None]


def bundled_filters_dir() -> Path:
    """Return the filter catalog shipped with schemalog (``cloudwatch-filters/`` of a checkout)."""
    installed = Path(__file__).parents[1] / "_bundled" / "cloudwatch-filters"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "cloudwatch-filters"


def default_filters_dir() -> Path:
    """Return ``$SCHEMALOG_FILTERS``, else ``./cloudwatch-filters`` if it exists, else bundled."""
    configured = os.environ.get("SCHEMALOG_FILTERS")
    if configured:
        return Path(configured)
    local = Path("cloudwatch-filters")
    return local if local.is_dir() else bundled_filters_dir()
