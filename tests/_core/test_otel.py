"""Tests for schemalog._core.otel: the recording span's ids, and nothing when there is none."""

from __future__ import annotations

import subprocess
import sys

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from schemalog._core.otel import span_ids

_TRACER = TracerProvider().get_tracer("tests")


def test_ids_of_the_recording_span() -> None:
    """Inside a recording span: its trace id (32 hex) and span id (16 hex)."""
    with _TRACER.start_as_current_span("work") as span:
        ids = span_ids()
    context = span.get_span_context()
    assert ids == {"trace_id": f"{context.trace_id:032x}", "span_id": f"{context.span_id:016x}"}


def test_no_ids_outside_a_span() -> None:
    """Without a current span there is nothing to add."""
    assert span_ids() is None
    with trace.use_span(trace.INVALID_SPAN):
        assert span_ids() is None


def test_schemalog_never_imports_opentelemetry() -> None:
    """Emitting events does not import OpenTelemetry when the application did not."""
    code = (
        "import sys, schemalog\n"
        "schemalog.configure(sinks=[])\n"
        "schemalog.get_logger('a').info('cache_miss')\n"
        "print(any(name.startswith('opentelemetry') for name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
