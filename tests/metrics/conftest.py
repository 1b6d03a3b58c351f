"""Fixtures of the metrics tests: a fresh metrics registry per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from schemalog import metrics


@pytest.fixture(autouse=True)
def _fresh_metrics() -> Iterator[None]:
    """Each test starts with no series and the default namespace."""
    metrics.REGISTRY.reset()
    yield
    metrics.REGISTRY.reset()
    metrics.configure(namespace="schemalog", dimensions={})
