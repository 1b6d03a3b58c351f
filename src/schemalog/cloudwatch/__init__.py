"""Deprecated alias of :mod:`schemalog.filters`, the CloudWatch metric-filter engine.

``schemalog.cloudwatch`` read like the CloudWatch Logs sink; the engine now lives in
``schemalog.filters`` and the sink in ``schemalog.sinks.cloudwatch``. This alias keeps old
imports working and will be removed in a future major release.
"""

from __future__ import annotations

import warnings

from schemalog.exceptions import FilterError, PatternError
from schemalog.filters import Datapoint, MetricFilter, Pattern, parse_pattern

warnings.warn(
    "schemalog.cloudwatch is deprecated: import from schemalog.filters",
    DeprecationWarning,
    stacklevel=2,
)

__all__ = ["Datapoint", "FilterError", "MetricFilter", "Pattern", "PatternError", "parse_pattern"]
