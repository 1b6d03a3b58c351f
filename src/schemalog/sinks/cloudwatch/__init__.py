"""The CloudWatch Logs sink: ``cloudwatch:GROUP[/STREAM]`` in ``configure(sinks=...)``.

    schemalog.configure(sinks=["stdout", "cloudwatch:my-group"])

or, with every setting at hand, :class:`CloudWatchLogsHandler`. boto3 is imported by the
sender thread on its first batch, never by ``import schemalog`` nor by building a handler.
(``schemalog.filters``, a different package, is the metric-filter engine.)
"""

from __future__ import annotations

from schemalog.sinks.cloudwatch.handler import CloudWatchLogsHandler, from_spec
from schemalog.sinks.cloudwatch.settings import parse_spec, stream_name

__all__ = ["CloudWatchLogsHandler", "from_spec", "parse_spec", "stream_name"]
