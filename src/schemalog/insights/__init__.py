"""CloudWatch Logs Insights queries, evaluated locally on JSON lines.

    from schemalog import insights

    result = insights.run('filter level = "error" | stats count(*) by event_type', lines)
    result.columns, result.rows

The commands ``fields``, ``filter``, ``stats``, ``sort``, ``limit``, ``parse`` and ``display``
follow AWS's documented semantics; docs/insights.md lists where AWS leaves a choice open and
what this engine does there.
"""

from __future__ import annotations

from schemalog.insights.engine import Result, event, execute, read_events, run
from schemalog.insights.parser import parse_query

__all__ = ["Result", "event", "execute", "parse_query", "read_events", "run"]
