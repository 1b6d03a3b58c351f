"""Property: a planted secret never reaches a sink's bytes, whatever route it takes."""

from __future__ import annotations

import base64
import contextlib
import io
import logging
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemalog
from schemalog.sinks.base import Sink
from tests.paths import ROOT

log = schemalog.get_logger("corpus")
stdlog = logging.getLogger("corpus.stdlib")


class Creds(NamedTuple):
    user: str
    password: str


class Connection:
    """An object whose repr shows its credentials, as many client objects' do."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    def __repr__(self) -> str:
        return f"Connection(host='db', user='app', password='{self.secret}')"


def _raise(text: str) -> None:
    raise ValueError(text)


def _log_exception(text: str, via_stdlib: bool) -> None:
    try:
        _raise(text)
    except ValueError:
        if via_stdlib:
            stdlog.exception("request failed")
        else:
            log.error("request_failed", exc_info=True)


def _jwt(secret: str) -> str:
    part = base64.urlsafe_b64encode(f'{{"sub":"{secret}"}}'.encode()).decode().rstrip("=")
    return f"eyJhbGciOiJIUzI1NiJ9.{part}.c2lnbmF0dXJl"


def _pem(secret: str) -> str:
    return f"-----BEGIN RSA PRIVATE KEY-----\nMIIE{secret}\n-----END RSA PRIVATE KEY-----"


def _aws(secret: str) -> str:
    return "AKIA" + secret.upper().ljust(16, "X")[:16]


#: Every route by which a secret reaches a log call, each planting ``secret`` once.
ROUTES: dict[str, Callable[[str], object]] = {
    "field password": lambda s: log.info("corpus_event", password=s),
    "field secret_key": lambda s: log.info("corpus_event", secret_key=s),
    "field aws_secret_access_key": lambda s: log.info("corpus_event", aws_secret_access_key=s),
    "field passwords": lambda s: log.info("corpus_event", passwords=[s]),
    "field tokens": lambda s: log.info("corpus_event", tokens={"a": s}),
    "field pwd": lambda s: log.info("corpus_event", pwd=s),
    "field auth": lambda s: log.info("corpus_event", auth=s),
    "field session_key": lambda s: log.info("corpus_event", session_key=s),
    "field API-Key": lambda s: log.info("corpus_event", **{"API-Key": s}),
    "bound field": lambda s: log.bind(api_key=s).info("corpus_event"),
    "nested dict": lambda s: log.info("corpus_event", request={"body": {"Password": s}}),
    "dict in list": lambda s: log.info("corpus_event", items=[{"x": 1}, {"client_secret": s}]),
    "cataloged secret name": lambda s: log.info(
        "tool_call_started", tool_name="t", call_sequence=1, tool_params={"access_token": s}
    ),
    "x-sensitive wrong type": lambda s: log.info("api_key_validation_failed", key_prefix={"x": s}),
    "x-sensitive in list": lambda s: log.info("api_key_validation_failed", key_prefix=[s]),
    "undeclared secret field": lambda s: log.info("api_key_created", password=s),
    "%s arg key=value": lambda s: stdlog.warning("login with password=%s", s),
    "%s arg dict": lambda s: stdlog.warning("payload %s", {"token": s}),
    "%s arg namedtuple": lambda s: stdlog.warning("creds %s", Creds("bob", s)),
    "%s arg url": lambda s: stdlog.warning("GET %s", f"https://api.example.com/v1?token={s}&a=1"),
    "%s arg bearer": lambda s: stdlog.warning("headers %s", {"X-Custom": f"Bearer {s}"}),
    "%s arg basic auth": lambda s: stdlog.warning("Authorization: Basic %s", s),
    "%s arg aws key": lambda s: stdlog.warning("using key %s", _aws(s)),
    "%s arg jwt": lambda s: stdlog.warning("jwt %s", _jwt(s)),
    "%s arg pem": lambda s: stdlog.warning("key:\n%s", _pem(s)),
    "stdlib extra": lambda s: stdlog.warning("login", extra={"user_password": s}),
    "exception message": lambda s: _log_exception(f"connect failed: password={s}", False),
    "exception via stdlib": lambda s: _log_exception(f"bad header Bearer {s}", True),
    "exception as field": lambda s: log.info("corpus_event", error=ValueError(f"token={s}")),
    "repr fallback": lambda s: log.info("corpus_event", conn=Connection(s)),
    "namedtuple field": lambda s: log.info("corpus_event", creds=Creds("bob", s)),
    "url field": lambda s: log.info("corpus_event", url=f"https://x.example/cb?api_key={s}"),
    "cataloged url field": lambda s: log.info(
        "chat_completions_start", proxy_router_url=f"https://r.example/?token={s}"
    ),
    "header under another name": lambda s: log.info(
        "corpus_event", headers={"X-Upstream": f"Bearer {s}"}
    ),
    "free-text field": lambda s: log.info("corpus_event", note=f"retry with secret={s}"),
}

secrets = st.from_regex(r"Zq[A-Za-z0-9]{12,30}", fullmatch=True)


@pytest.fixture
def sink_bytes(tmp_path: Path) -> Callable[[Callable[[], object]], bytes]:
    """Configure keep mode with a file and a stdout sink; return a runner giving all new bytes."""
    path = tmp_path / "events.jsonl"
    schemalog.configure(
        sinks=[f"file:{path}", "stdout"], on_invalid="keep", schemas=ROOT / "schemas"
    )

    def run(call: Callable[[], object]) -> bytes:
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
        assert written.count(b"\n") == 1, "one line per call"
        return written + stdout.getvalue().encode()

    return run


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(route=st.sampled_from(sorted(ROUTES)), secret=secrets)
def test_no_planted_secret_reaches_a_sink(
    sink_bytes: Callable[[Callable[[], object]], bytes], route: str, secret: str
) -> None:
    """A secret planted in any route is absent from the file sink's and stdout's bytes."""
    written = sink_bytes(lambda: ROUTES[route](secret))
    assert secret.encode() not in written
    assert secret[4:].encode() not in written  # not even past a masked value's kept prefix


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_route_is_written(
    sink_bytes: Callable[[Callable[[], object]], bytes], route: str
) -> None:
    """Each route still writes its event (masked, not lost), and the secret stays out."""
    secret = "Zq" + "k7" * 10
    written = sink_bytes(lambda: ROUTES[route](secret))
    assert written.count(b"\n") == 2  # the file's line and stdout's line
    assert secret.encode() not in written
    assert b"[REDACTED]" in written or b"****" in written
