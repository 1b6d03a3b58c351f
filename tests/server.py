"""Run an ASGI app under a real uvicorn server on 127.0.0.1 and a free port, in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from tests.pg import free_port


def wait_for_http(url: str, alive: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait until ``url`` answers HTTP (any status); fail when ``alive()`` turns False."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or not alive():
                raise RuntimeError(f"{url} did not answer") from None
            time.sleep(0.1)


@contextmanager
def running(app: Any) -> Iterator[str]:
    """Serve ``app`` for the duration of the block; yield its base URL."""
    port = free_port()
    # log_config=None: uvicorn's own logging set-up would close every handler already installed.
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
