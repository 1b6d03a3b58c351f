"""Shared fixtures: a fresh schemalog configuration per test, and the project's catalog."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

import schemalog
from schemalog import config, runtime

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"


@pytest.fixture(autouse=True)
def _fresh_schemalog() -> Iterator[None]:
    """Each test starts unconfigured, with zeroed counters, and leaves logging as it found it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    config.shutdown()
    runtime.pipeline = None
    root.handlers[:] = handlers
    root.setLevel(level)
    schemalog.reset_stats()


@pytest.fixture
def schemas_dir() -> Path:
    """Return the project's catalog directory."""
    return SCHEMAS
