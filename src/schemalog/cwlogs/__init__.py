"""Deprecated alias of :mod:`schemalog.sinks.cloudwatch`, the CloudWatch Logs sink.

The sink now lives beside the other sinks, in ``schemalog.sinks.cloudwatch``. This alias keeps
old imports (and ``"()": "schemalog.cwlogs.CloudWatchLogsHandler"`` in dictConfig) working and
will be removed in a future major release.
"""

from __future__ import annotations

import warnings

from schemalog.sinks.cloudwatch import CloudWatchLogsHandler, from_spec, parse_spec, stream_name

warnings.warn(
    "schemalog.cwlogs is deprecated: import from schemalog.sinks.cloudwatch",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["CloudWatchLogsHandler", "from_spec", "parse_spec", "stream_name"]
