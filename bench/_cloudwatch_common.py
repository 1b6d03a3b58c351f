"""What the CloudWatch benchmarks share: the line logged, both libraries' handlers, moto.

See ``bench/cloudwatch.py`` for what is measured and why.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.config

from schemalog.sinks.cloudwatch import CloudWatchLogsHandler
from schemalog.sinks.cloudwatch.faults import read_messages

REGION = "us-east-1"


LINE = json.dumps(
    {
        "timestamp": "2026-11-22T19:20:24.198Z",
        "level": "info",
        "logger": "bench",
        "event_type": "tool_call_started",
        "event_id": "01a2053b-d540-7822-9771-759ba6fd9135",
        "session_id": "sess-4f2a9c",
        "tool_name": "search_docs",
        "tool_params": {"query": "refund policy for annual plans", "limit": 10},
        "call_sequence": 3,
    }
)


LIBRARIES = ("schemalog", "watchtower")


#: Caller and rate figures are measured in this many rounds, the libraries alternating.
ROUNDS = 4


#: Client settings of the processes that time caller-side waits with the endpoint hung.
HUNG_CLIENT: dict[str, Any] = {"connect_timeout": 2.0, "read_timeout": 5.0}


HUNG_OPERATIONS = ("constructor", "flush", "close", "dictConfig", "exit")


def make_handler(
    library: str, endpoint: str, group: str, stream: str, *, bounded: bool = False
) -> logging.Handler:
    """Build one library's handler the way its documentation shows, aimed at ``endpoint``.

    ``bounded`` gives both clients the timeouts of :data:`HUNG_CLIENT` (and turns botocore's
    retries off on watchtower's client, as schemalog's own clients have them).
    """
    timeouts = HUNG_CLIENT if bounded else {}
    if library == "schemalog":
        handler: logging.Handler = CloudWatchLogsHandler(
            group, stream, endpoint_url=endpoint, region=REGION, send_interval=1.0, **timeouts
        )
    else:
        import watchtower

        config = None
        if bounded:
            retries: Any = {"total_max_attempts": 1, "mode": "standard"}
            config = botocore.config.Config(**timeouts, retries=retries)
        client = boto3.client("logs", endpoint_url=endpoint, region_name=REGION, config=config)
        handler = watchtower.CloudWatchLogHandler(
            log_group_name=group, log_stream_name=stream, boto3_client=client, send_interval=1
        )
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler


def bench_logger(handler: logging.Handler) -> logging.Logger:
    """Return a logger of its own that sends to ``handler`` only."""
    logger = logging.getLogger(f"bench.{uuid.uuid4().hex[:8]}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def flush(handler: logging.Handler, timeout: float) -> None:
    """Flush with a deadline: schemalog takes one; watchtower's flush runs in a thread."""
    if isinstance(handler, CloudWatchLogsHandler):
        handler.flush(timeout)
        return
    thread = threading.Thread(target=handler.flush, daemon=True)
    thread.start()
    thread.join(timeout)


def retire(logger: logging.Logger, handler: logging.Handler) -> None:
    """Deliver what is left, close the handler and detach it: the next phase starts quiet."""
    flush(handler, 60)
    thread = threading.Thread(target=handler.close, daemon=True)
    thread.start()
    thread.join(60)
    logger.handlers.clear()


def messages(endpoint: str, group: str, stream: str) -> list[str]:
    """Every message in the stream (an outage can make any sender deliver a batch twice)."""
    return read_messages(endpoint, group, stream, REGION)


def count_events(endpoint: str, group: str, stream: str) -> int:
    return len(messages(endpoint, group, stream))


def distinct_events(endpoint: str, group: str, stream: str) -> int:
    return len(set(messages(endpoint, group, stream)))


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """Run moto's server in a child process on a free 127.0.0.1 port; yield its URL."""
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", REGION),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ):
        os.environ.setdefault(name, value)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_until(lambda: _answers(url), 60):
            raise RuntimeError(f"moto's server did not start on {url}")
        yield url
    finally:
        server.terminate()
        server.wait(10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
            return True
    except OSError:
        return False


def start_child(code: str) -> subprocess.Popen[str]:
    """Run ``code`` in a new interpreter that talks to the bench over stdin and stdout."""
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
