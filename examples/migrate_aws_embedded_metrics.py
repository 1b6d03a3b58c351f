"""From aws-embedded-metrics: put_metric/set_dimensions become counters, timers, histograms.

Run: ``python examples/migrate_aws_embedded_metrics.py logs/metrics.jsonl``.
See docs/migrating/aws-embedded-metrics.md.
"""

from __future__ import annotations

import sys

import schemalog
from schemalog import metrics


def handle_request(endpoint: str, duration_ms: float) -> None:
    """Count the request and observe its latency (was put_metric and put_dimensions)."""
    metrics.counter("RequestCount", endpoint=endpoint).inc()
    metrics.histogram("Latency", endpoint=endpoint).observe(duration_ms)


if __name__ == "__main__":
    schemalog.configure(service="api", sinks=[f"file:{sys.argv[1]}"])
    metrics.configure(namespace="MyApp", dimensions={"service": "api"})
    for duration in (12.0, 48.5, 7.25):
        handle_request("/orders", duration)
    metrics.flush()
    schemalog.shutdown()
