"""OpenTelemetry correlation: the current span's ``trace_id`` and ``span_id``, with no user code.

schemalog never imports OpenTelemetry. A span can only be recording if the application imported
``opentelemetry.trace``, so when that module is not in ``sys.modules`` the check is one dict
lookup and nothing else; when OpenTelemetry is not installed it costs the same.
"""

from __future__ import annotations

import sys
from typing import Any, Final

#: The module whose presence says a span may be recording.
OTEL_MODULE: Final = "opentelemetry.trace"


def span_ids() -> dict[str, str] | None:
    """Return ``{"trace_id": 32 hex, "span_id": 16 hex}`` of the recording span, else None."""
    trace: Any = sys.modules.get(OTEL_MODULE)
    if trace is None:
        return None
    try:
        span = trace.get_current_span()
        if not span.is_recording():
            return None
        span_context = span.get_span_context()
        if not span_context.is_valid:
            return None
        return {
            "trace_id": format(span_context.trace_id, "032x"),
            "span_id": format(span_context.span_id, "016x"),
        }
    except Exception:  # an API too old or too new: correlation is a nicety, never an error
        return None
