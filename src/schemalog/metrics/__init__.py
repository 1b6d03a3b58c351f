"""Metrics: counters, gauges, timers and histograms, written as CloudWatch EMF lines.

    from schemalog import metrics
    metrics.counter("api_request_count", endpoint="/api/v1/memories", method="POST").inc()
    metrics.gauge("active_users").set(150)
    with metrics.timer("api_request_duration_ms", endpoint="/api/v1/feed"):
        ...

The instruments live in :mod:`schemalog.metrics.instruments`; the EMF document format in
:mod:`schemalog.metrics.emf`.
"""

from __future__ import annotations

from schemalog.metrics.instruments import (
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    Timer,
    configure,
    counter,
    flush,
    gauge,
    histogram,
    timer,
)

__all__ = [
    "REGISTRY",
    "Counter",
    "Gauge",
    "Histogram",
    "Timer",
    "configure",
    "counter",
    "flush",
    "gauge",
    "histogram",
    "timer",
]
