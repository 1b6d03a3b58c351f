"""moto's server on 127.0.0.1 for the tests that talk to AWS APIs, and fake credentials."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def moto_endpoint() -> Iterator[str]:
    """Start moto's server on a free port of 127.0.0.1; yield its URL; stop it after.

    moto keeps its state per process, whichever server serves it, so it is reset first: a
    module starts with no log groups, filters or dashboards left by another.
    """
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    with urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")):
        pass
    yield url
    server.stop()


def use_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point boto3 at the fake credentials for one test."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
