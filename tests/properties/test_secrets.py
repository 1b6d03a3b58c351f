"""Property: a planted secret never reaches a sink's bytes, whatever route it takes."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemalog
from schemalog.sinks.base import Sink
from tests.paths import ROOT
from tests.properties.corpus import ROUTES

Runner = Callable[[Callable[[], object], int], bytes]


def _events(route: str) -> int:
    """Return the lines a route writes: an agent session adds its start and its end."""
    return 4 if route.startswith("agent") else 1


secrets = st.from_regex(r"Zq[A-Za-z0-9]{12,30}", fullmatch=True)


@pytest.fixture
def sink_bytes(tmp_path: Path) -> Runner:
    """Configure keep mode with a file and a stdout sink; return a runner giving all new bytes."""
    path = tmp_path / "events.jsonl"
    schemalog.configure(
        sinks=[f"file:{path}", "stdout"], on_invalid="keep", schemas=ROOT / "schemas"
    )

    def run(call: Callable[[], object], events: int) -> bytes:
        before = path.stat().st_size
        stdout = io.StringIO()
        root = logging.getLogger()
        handlers = root.handlers[:]
        root.handlers[:] = [h for h in handlers if isinstance(h, Sink)]  # only the sinks' bytes
        try:
            with schemalog.bound(session_id="s-1"), contextlib.redirect_stdout(stdout):
                call()
        finally:
            root.handlers[:] = handlers
        with path.open("rb") as file:
            file.seek(before)
            written = file.read()
        lines = written.count(b"\n")
        assert lines == events, "a line per event, in each sink"
        assert stdout.getvalue().count("\n") == lines
        return written + stdout.getvalue().encode()

    return run


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(route=st.sampled_from(sorted(ROUTES)), secret=secrets)
def test_no_planted_secret_reaches_a_sink(sink_bytes: Runner, route: str, secret: str) -> None:
    """A secret planted in any route is absent from the file sink's and stdout's bytes."""
    written = sink_bytes(lambda: ROUTES[route](secret), _events(route))
    assert secret.encode() not in written
    assert secret[4:].encode() not in written  # not even past a masked value's kept prefix


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_route_is_written(sink_bytes: Runner, route: str) -> None:
    """Each route still writes its event (masked, not lost), and the secret stays out."""
    secret = "Zq" + "k7" * 10
    written = sink_bytes(lambda: ROUTES[route](secret), _events(route))
    assert secret.encode() not in written
    assert b"[REDACTED]" in written or b"****" in written
