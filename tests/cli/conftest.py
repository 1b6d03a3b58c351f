"""Fixtures of the CLI tests: generated chat-API traffic as a JSON-lines file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboards.traffic import make_traffic, write


@pytest.fixture
def lines(tmp_path: Path) -> Path:
    """Write generated chat-API traffic."""
    return write(tmp_path / "events.jsonl", make_traffic())
