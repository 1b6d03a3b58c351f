"""CloudWatch Logs metric filters, evaluated locally with AWS's semantics (DESIGN §6).

    from schemalog.filters import parse_pattern, PatternError, MetricFilter
    p = parse_pattern('{ $.latency > 100 }')
    p.matches(message)                  # bool
    p.extract(message)                  # TestMetricFilter extractedValues, None = no match
    f = MetricFilter.from_dict(body)    # a cloudwatch-filters/*.json body
    f.datapoint(message)                # Datapoint(value, dimensions) or None

This package imports neither boto3 nor jsonschema; deploying and linting do, when used.
The decisions taken where AWS's documentation is silent are in docs/cloudwatch-patterns.md.
"""

from __future__ import annotations

from schemalog.exceptions import FilterError, PatternError
from schemalog.filters.base import Pattern
from schemalog.filters.filters import Datapoint, MetricFilter
from schemalog.filters.patterns import parse_pattern

__all__ = ["Datapoint", "FilterError", "MetricFilter", "Pattern", "PatternError", "parse_pattern"]
