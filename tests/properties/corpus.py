"""The hostile inputs of the reliability figures, shared by tests/properties and bench.

``ROUTES``: every way a secret can reach a log call, each planting a given secret once.
``SHAPES``: values of a given number of nodes built to make a naive walk hang or explode.
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, NamedTuple

import schemalog
from schemalog.agent import AgentTracker

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


def _agent_call(params: dict[str, Any]) -> None:
    """Call a tool that does not exist in an agent session: its params are logged, redacted."""
    tracker = AgentTracker("corpus", ["search"])
    with tracker.session(user_id="u-1", session_id="s-agent"):
        tracker.call("serch", **params)


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
    "agent tool params secret_key": lambda s: _agent_call({"q": "x", "secret_key": s}),
    "agent tool params pwd": lambda s: _agent_call({"q": "x", "pwd": s}),
    "agent tool params header": lambda s: _agent_call({"headers": {"X-Upstream": f"Bearer {s}"}}),
    "agent tool params url": lambda s: _agent_call({"url": f"https://x.example/?token={s}"}),
    "free-text field": lambda s: log.info("corpus_event", note=f"retry with secret={s}"),
}


def _deep(nodes: int) -> Any:
    value: Any = "leaf"
    for _ in range(nodes):
        value = {"a": value}
    return value


def _doubling(levels: int) -> Any:
    """Shared at every level: 2 nodes per level, 2**levels paths if walked as a tree."""
    value: Any = uuid.UUID(int=1)
    for _ in range(levels):
        value = {"left": value, "right": [value]}
    return value


def _cycles(nodes: int) -> Any:
    items: list[Any] = []
    for index in range(nodes // 2):
        node: dict[str, Any] = {"i": index}
        node["self"] = node
        items.append(node)
    return items


def _wide(nodes: int) -> Any:
    return {f"k{index}": uuid.UUID(int=index) for index in range(nodes)}


def _odd_leaves(nodes: int) -> Any:
    leaves = [Decimal("1e999999"), 2**200, "\ud800", float("nan"), b"\xff", {1, 2}]
    return [leaves[index % len(leaves)] for index in range(nodes)]


def _log_text(nodes: int) -> Any:
    """Log-like text: one string in ten holds secrets (a URL's token, a bearer header)."""
    return [
        f"GET /a?page={index}&token=x{index}: Bearer abcdefgh{index}"
        if index % 10 == 0
        else f"step {index}: retrying upstream call after 12:00:01 timeout"
        for index in range(nodes)
    ]


def dense_secrets(nodes: int) -> Any:
    """Strings each holding three secrets: the scanner's worst case."""
    return [f"GET /a?page={index}&token=x{index}: Bearer abcdefgh{index}" for index in range(nodes)]


SHAPES: dict[str, Callable[[int], Any]] = {
    "nested 10,000 deep": _deep,
    "shared, doubling per level": lambda n: _doubling(n // 2),
    "self-referencing dicts": _cycles,
    "wide dict": _wide,
    "unwritable leaves": _odd_leaves,
    "free text to scan": _log_text,
}
