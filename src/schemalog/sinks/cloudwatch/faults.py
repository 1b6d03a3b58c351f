"""Testing tools: a local CloudWatch Logs (moto's server) and a fault-injecting proxy before it.

For your own tests of what a sink does when CloudWatch misbehaves; schemalog's tests and
``bench/cloudwatch.py`` use them. Everything listens on 127.0.0.1 only.

    with local_cloudwatch() as endpoint, FaultProxy(endpoint) as proxy:
        handler = CloudWatchLogsHandler("g", endpoint_url=proxy.url, region="us-east-1")
        proxy.set("throttle", count=3)     # the next 3 requests are throttled
        proxy.set("hang")                  # requests get no answer until the mode changes
        proxy.down(); proxy.up()           # connections refused, then accepted again

Modes: ``pass``, ``throttle`` (ThrottlingException), ``error500`` (ServiceUnavailable),
``reset`` (the connection is reset), ``hang``. ``latency`` seconds are added to every answer;
``reject_marker`` makes a PutLogEvents that contains it fail with InvalidParameterException.
``aws_rules = True`` makes the proxy refuse, as CloudWatch does and moto does not, a
PutLogEvents that breaks a limit: more than 10,000 events or 1,048,576 bytes (26 per event
included), a message over ``max_event_bytes`` or empty, a span over 24 hours, events out of
order (:func:`aws_rule_broken`); each refusal is counted as ``("PutLogEvents", "aws_rule")``.
``local_cloudwatch`` needs moto (``pip install 'moto[server,logs]'``).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import os
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Final

MODES: Final = ("pass", "throttle", "error500", "reset", "hang")
_ERRORS: Final = {
    "throttle": (400, "ThrottlingException", "Rate exceeded"),
    "error500": (500, "ServiceUnavailableException", "The service is unavailable"),
    "invalid": (400, "InvalidParameterException", "The proxy refused this event"),
    "aws_rule": (400, "InvalidParameterException", "The batch breaks a PutLogEvents limit"),
}
_HOP_HEADERS: Final = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


@contextlib.contextmanager
def local_cloudwatch() -> Iterator[str]:
    """Run moto's server on 127.0.0.1 on a free port; yield its URL, stop it afterwards.

    Sets dummy AWS credentials and a region in the environment if none are set, so that
    boto3 clients made without arguments can sign requests to it, and quiets the server's
    request log (``werkzeug``), which would otherwise feed a sink on the root logger one more
    record for each request it makes.
    """
    from moto.server import ThreadedMotoServer

    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ):
        os.environ.setdefault(name, value)
    request_log = logging.getLogger("werkzeug")
    level = request_log.level
    request_log.setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        request_log.setLevel(level)


def read_messages(endpoint: str, group: str, stream: str, region: str = "us-east-1") -> list[str]:
    """Every message of a stream, oldest first (GetLogEvents, all pages); none if missing."""
    import boto3

    client = boto3.client("logs", endpoint_url=endpoint, region_name=region)
    found: list[str] = []
    token: str | None = None
    try:
        while True:
            if token:
                page = client.get_log_events(
                    logGroupName=group, logStreamName=stream, startFromHead=True, nextToken=token
                )
            else:
                page = client.get_log_events(
                    logGroupName=group, logStreamName=stream, startFromHead=True
                )
            found += [event["message"] for event in page["events"]]
            if not page["events"] or page["nextForwardToken"] == token:
                return found
            token = page["nextForwardToken"]
    except client.exceptions.ResourceNotFoundException:
        return found


def aws_rule_broken(body: bytes, max_event_bytes: int = 1_048_576 - 26) -> str | None:
    """Say which PutLogEvents limit that moto does not check a request body breaks, or None."""
    events = json.loads(body).get("logEvents", [])
    sizes = [len(event["message"].encode("utf-8", "surrogatepass")) for event in events]
    stamps = [event["timestamp"] for event in events]
    problems = {
        "more than 10,000 events": len(events) > 10_000,
        "more than 1,048,576 bytes": sum(sizes) + 26 * len(sizes) > 1_048_576,
        "an event over the size limit": any(size > max_event_bytes for size in sizes),
        "an empty message": 0 in sizes,
        "a span over 24 hours": bool(stamps) and max(stamps) - min(stamps) > 24 * 3600 * 1000,
        "events out of order": stamps != sorted(stamps),
    }
    return next((problem for problem, broken in problems.items() if broken), None)


class FaultProxy:
    """An HTTP proxy on 127.0.0.1 that forwards to ``upstream`` or injects the current fault."""

    def __init__(self, upstream: str) -> None:
        target = upstream.split("://", 1)[-1].rstrip("/")
        host, _, port = target.partition(":")
        self._upstream = (host, int(port or 80))
        self._lock = threading.Lock()
        self._mode = "pass"
        self._remaining: int | None = None
        self.latency = 0.0
        self.reject_marker: bytes | None = None
        self.aws_rules = False
        self.max_event_bytes = 1_048_576 - 26
        #: ``(operation, outcome)`` -> how many requests, e.g. ``("PutLogEvents", "pass")``.
        self.counts: Counter[tuple[str, str]] = Counter()
        self._release = threading.Event()
        self._listener: socket.socket | None = None
        self._connections: set[socket.socket] = set()
        self.port = 0

    # -- control ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The endpoint URL to give boto3."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        """Start listening (on a free port the first time, on the same port after ``down``)."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening, release hung requests and close every connection."""
        self.down()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def set(self, mode: str, *, count: int | None = None) -> None:
        """Answer requests with ``mode``: all of them, or the next ``count`` (then ``pass``)."""
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        with self._lock:
            self._mode = mode
            self._remaining = count
            if mode != "hang":
                self._release.set()
                self._release = threading.Event()

    def down(self) -> None:
        """Refuse connections (the port is closed) and drop the open ones."""
        self.set("pass")
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def up(self) -> None:
        """Accept connections again, on the same port."""
        if self._listener is None:
            self.start()

    def total(self, operation: str, outcome: str | None = None) -> int:
        """How many ``operation`` requests were answered (with ``outcome``, if given)."""
        return sum(
            count
            for (op, result), count in self.counts.items()
            if op == operation and (outcome is None or result == outcome)
        )

    # -- serving ---------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.add(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            reader = connection.makefile("rb")
            while self._serve_one(connection, reader):
                pass
        except OSError:
            pass
        finally:
            with self._lock:
                self._connections.discard(connection)
            with contextlib.suppress(OSError):
                connection.close()

    def _serve_one(self, connection: socket.socket, reader: object) -> bool:
        read_line = reader.readline  # type: ignore[attr-defined]
        request_line = read_line(65537)
        if not request_line.strip():
            return False
        method, path, _ = request_line.decode("latin-1").split(" ", 2)
        headers: list[tuple[str, str]] = []
        while True:
            line = read_line(65537).decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        lookup = {name.lower(): value for name, value in headers}
        body = reader.read(int(lookup.get("content-length", "0")))  # type: ignore[attr-defined]
        operation = lookup.get("x-amz-target", "").rpartition(".")[2] or method
        fault, release = self._fault(operation, body)
        with self._lock:
            self.counts[(operation, fault)] += 1
        if fault == "reset":
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
            return False
        if fault == "hang":
            release.wait(3600)
            return False
        if self.latency:
            time.sleep(self.latency)
        if fault in _ERRORS:
            status, code, message = _ERRORS[fault]
            payload = json.dumps({"__type": code, "message": message}).encode()
            self._respond(
                connection, status, [("Content-Type", "application/x-amz-json-1.1")], payload
            )
            return True
        upstream = http.client.HTTPConnection(*self._upstream, timeout=30)
        try:
            upstream.request(method, path, body=body, headers=dict(headers))
            response = upstream.getresponse()
            payload = response.read()
            kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_HEADERS]
            self._respond(connection, response.status, kept, payload)
        finally:
            upstream.close()
        return True

    def _fault(self, operation: str, body: bytes) -> tuple[str, threading.Event]:
        with self._lock:
            mode = self._mode
            release = self._release
            if self._remaining is not None:
                self._remaining -= 1
                if self._remaining <= 0:
                    self._mode, self._remaining = "pass", None
        if mode != "pass" or operation != "PutLogEvents":
            return mode, release
        marker = self.reject_marker
        if marker and marker in body:
            return "invalid", release
        if self.aws_rules and aws_rule_broken(body, self.max_event_bytes) is not None:
            return "aws_rule", release
        return mode, release

    @staticmethod
    def _respond(
        connection: socket.socket, status: int, headers: list[tuple[str, str]], payload: bytes
    ) -> None:
        head = [f"HTTP/1.1 {status} {http.client.responses.get(status, 'Status')}"]
        head += [f"{name}: {value}" for name, value in headers]
        head += [f"Content-Length: {len(payload)}", "Connection: keep-alive", "", ""]
        connection.sendall("\r\n".join(head).encode("latin-1") + payload)
