"""Ingestion service benchmark: events/s and latency of ``POST /v1/events`` in batches of 100.

Starts ``schemalog serve`` (uvicorn, one process) on 127.0.0.1 with a file sink and one API
key, then posts batches of 100 valid events from a real HTTP client (httpx, one connection per
client thread) and reports accepted events a second and the p50/p99 request latency.
Run it with ``make bench`` or ``python bench/ingest.py [--requests N] [--clients C]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pg import free_port  # noqa: E402
from tests.server import wait_for_http  # noqa: E402

from schemalog.ingest.keys import new_key  # noqa: E402

BATCH = 100


def batch() -> list[dict[str, object]]:
    return [
        {
            "event_type": "api_request_completed",
            "event_id": str(uuid.uuid4()),
            "endpoint": "/api/v1/feed",
            "method": "GET",
            "status_code": 200,
            "duration_ms": 12.5,
            "request_id": f"r-{n}",
        }
        for n in range(BATCH)
    ]


def client(base: str, key: str, requests: int, latencies: list[float]) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    bodies = [batch() for _ in range(requests)]
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        for body in bodies:
            started = time.perf_counter()
            answer = http.post("/v1/events", json=body)
            latencies.append(time.perf_counter() - started)
            if answer.status_code != 200 or answer.json()["accepted"] != BATCH:
                raise SystemExit(f"unexpected answer: {answer.status_code} {answer.text[:200]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=300, help="per client")
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    key, line = new_key("bench")
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        sink = Path(scratch) / "ingested.jsonl"
        command = [sys.executable, "-m", "schemalog", "serve", "--port", str(port)]
        command += ["--sink", f"file:{sink}", "--rate", "100000", "--burst", "100000"]
        server = subprocess.Popen(command, env={**os.environ, "SCHEMALOG_API_KEYS": line})
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(f"{base}/healthz", lambda: server.poll() is None)
            latencies: list[float] = []
            threads = [
                threading.Thread(target=client, args=(base, key, args.requests, latencies))
                for _ in range(args.clients)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(30)
        written = sum(1 for _ in sink.open("rb"))
    events = args.requests * args.clients * BATCH
    cuts = statistics.quantiles(latencies, n=100)
    print(f"{args.clients} clients x {args.requests} requests of {BATCH} events ({events} events)")
    print(f"events/s accepted: {events / elapsed:,.0f}   lines written: {written}")
    print(f"latency per request: p50 {cuts[49] * 1000:.1f} ms   p99 {cuts[98] * 1000:.1f} ms")
    return 0 if written == events else 1


if __name__ == "__main__":
    sys.exit(main())
