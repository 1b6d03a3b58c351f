"""Fixtures of the agent tests: a clock the test moves by hand."""

from __future__ import annotations

import pytest


class FakeClock:
    """Monotonic seconds that advance only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    """Return a clock the test moves by hand."""
    return FakeClock()
