"""The public face: every documented name stays importable, and no private name leaks out."""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import warnings
from typing import Any

import pytest

import schemalog
from tests.paths import ROOT

#: Each public module and the names users rely on. A name may be added; none may disappear.
PUBLIC: dict[str, set[str]] = {
    "schemalog": {
        "BoundLogger",
        "Catalog",
        "CatalogError",
        "ConfigError",
        "FileSink",
        "InvalidEventError",
        "JsonFormatter",
        "SchemaVersion",
        "SchemalogError",
        "Sink",
        "StreamSink",
        "UnknownEventError",
        "__version__",
        "bound",
        "configure",
        "current_context",
        "get_logger",
        "reset_stats",
        "shutdown",
        "stats",
    },
    "schemalog.testing": {"CapturedEvents", "capture_events", "captured_events"},
    "schemalog.metrics": {"configure", "counter", "flush", "gauge", "histogram", "timer"},
    "schemalog.agent": {
        "AGENT_EVENT_TYPES",
        "AgentSession",
        "AgentTracker",
        "SessionScope",
        "ToolCall",
        "ToolError",
        "ToolManifest",
        "ToolSchemaError",
        "canonical_json",
        "params_hash",
    },
    "schemalog.filters": {"Datapoint", "MetricFilter", "PatternError", "parse_pattern"},
    "schemalog.sinks.cloudwatch": {"CloudWatchLogsHandler", "from_spec", "parse_spec"},
    "schemalog.exceptions": {"SchemalogError", "ConfigError", "InvalidEventError", "PatternError"},
    "schemalog.record": {"CONTEXT_NAMES", "RESERVED_NAMES", "LEVELS", "level_name"},
}
#: Old paths kept as deprecated aliases of the new rooms.
ALIASES: dict[str, tuple[str, set[str]]] = {
    "schemalog.cloudwatch": (
        "schemalog.filters",
        {"MetricFilter", "PatternError", "parse_pattern"},
    ),
    "schemalog.cwlogs": ("schemalog.sinks.cloudwatch", {"CloudWatchLogsHandler", "from_spec"}),
}


def _resolve(dotted: str) -> Any:
    """Import ``a.b.Name`` the way ``logging.config`` resolves a ``"()"`` or ``"class"`` string."""
    module_name, _, attribute = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


@pytest.mark.parametrize("module_name", sorted(PUBLIC))
def test_public_names_stay_importable(module_name: str) -> None:
    """Every name users rely on is still there, under the same module."""
    module = importlib.import_module(module_name)
    missing = sorted(name for name in PUBLIC[module_name] if not hasattr(module, name))
    assert not missing, f"{module_name} lost {missing}"


@pytest.mark.parametrize("module_name", sorted(PUBLIC))
def test_all_lists_only_public_resolvable_names(module_name: str) -> None:
    """``__all__`` names no private name, and every name in it resolves."""
    module = importlib.import_module(module_name)
    exported = module.__all__
    leaked = [name for name in exported if name.startswith("_") and name != "__version__"]
    assert not leaked, f"{module_name}.__all__ leaks private names {leaked}"
    unresolved = [name for name in exported if not hasattr(module, name)]
    assert not unresolved, f"{module_name}.__all__ names what it lacks: {unresolved}"


def test_top_level_all_is_what_dir_offers() -> None:
    """``schemalog.__all__`` and the lazily imported names agree (nothing half-exported)."""
    assert set(schemalog.__all__) <= set(dir(schemalog))
    assert PUBLIC["schemalog"] <= set(schemalog.__all__)


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_old_paths_are_deprecated_aliases(alias: str) -> None:
    """The old module paths still work, warn, and hand out the new rooms' objects."""
    target_name, names = ALIASES[alias]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.reload(importlib.import_module(alias))
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    target = importlib.import_module(target_name)
    for name in names:
        assert getattr(module, name) is getattr(target, name)


def test_entry_points_name_real_objects() -> None:
    """The console script and the pytest plugin the package declares resolve."""
    distribution = importlib.metadata.distribution("schemalog")
    points = {(e.group, e.name): e.value for e in distribution.entry_points}
    assert points[("console_scripts", "schemalog")] == "schemalog.cli.main:main"
    assert callable(importlib.import_module("schemalog.cli.main").main)
    assert points[("pytest11", "schemalog")] == "schemalog.testing"


def test_every_dictconfig_path_in_the_docs_resolves() -> None:
    """Each ``"()"`` / ``"class"`` path the docs show for schemalog names a real object."""
    pattern = re.compile(r'"(?:\(\)|class)":\s*"(schemalog\.[A-Za-z0-9_.]+)"')
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    found = {path for text in texts for path in pattern.findall(text.read_text())}
    assert found, "the docs show no dictConfig example any more"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        unresolved = [path for path in sorted(found) if not callable(_resolve(path))]
    assert not unresolved
