"""The request middlewares record metrics: each test leaves the metrics registry empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from schemalog.metrics.instruments import REGISTRY


@pytest.fixture(autouse=True)
def _empty_metrics() -> Iterator[None]:
    """Start and end each test with no metric values waiting to be written."""
    REGISTRY.reset()
    yield
    REGISTRY.reset()
