"""Fixtures of the CloudWatch sink tests: moto's server, the fault proxy, a fresh group."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from schemalog.sinks.cloudwatch.faults import FaultProxy, local_cloudwatch


@pytest.fixture(scope="session")
def endpoint() -> Iterator[str]:
    """Moto's CloudWatch Logs on 127.0.0.1 on a free port, for the whole session."""
    with local_cloudwatch() as url:
        yield url


@pytest.fixture
def proxy(endpoint: str) -> Iterator[FaultProxy]:
    """Put a fault proxy in front of moto, passing everything until told otherwise."""
    with FaultProxy(endpoint) as fault_proxy:
        yield fault_proxy


@pytest.fixture
def group() -> str:
    """Return a log group name no other test uses."""
    return f"g-{uuid.uuid4().hex[:10]}"
