"""Tests for schemalog.agent.manifest: the tool names and the nearest-name suggestion."""

from __future__ import annotations

import pytest

from schemalog.agent.manifest import ToolManifest


def test_membership_and_sorted_names() -> None:
    """A manifest knows its names and lists them sorted."""
    manifest = ToolManifest(["search_docs", "get_weather"])
    assert "search_docs" in manifest
    assert "search" not in manifest
    assert manifest.names == ["get_weather", "search_docs"]
    assert len(manifest) == 2


def test_suggests_the_same_name_written_differently() -> None:
    """Case and separators do not hide a real tool name."""
    manifest = ToolManifest(["get_weather", "search_docs"])
    assert manifest.suggest("GetWeather") == "get_weather"
    assert manifest.suggest("search-docs") == "search_docs"


def test_suggests_the_closest_similar_name() -> None:
    """A near name gets the closest tool (the seed's own example); a far one gets None."""
    manifest = ToolManifest(["get_benchmark_results_by_filters", "list_models"])
    assert manifest.suggest("get_benchmark_results_advanced") == (
        "get_benchmark_results_by_filters"
    )
    assert manifest.suggest("send_email") is None


def test_adding_names_and_rejecting_bad_ones() -> None:
    """add() grows the manifest; an empty or non-string name is refused."""
    manifest = ToolManifest()
    manifest.add("lookup")
    manifest.add("lookup")
    assert manifest.names == ["lookup"]
    with pytest.raises(ValueError, match="non-empty string"):
        manifest.add("")


def test_names_added_from_many_threads_at_once_all_land() -> None:
    """Concurrent add() calls lose no name, nor its spelling-insensitive lookup."""
    import sys
    import threading

    manifest = ToolManifest()
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to provoke the race
    try:

        def add_many(prefix: str) -> None:
            for number in range(2_000):
                manifest.add(f"{prefix}_{number}")

        threads = [threading.Thread(target=add_many, args=(f"t{n}",)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert len(manifest) == 8_000
    assert len(manifest._squashed) == 8_000  # what suggest() looks names up in
