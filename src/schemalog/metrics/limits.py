"""CloudWatch EMF limits, checked when a metric is defined: a clear error instead of a lost metric.

CloudWatch rejects a directive whose dimension set has more than 30 names, and the metric
whose name or dimensions break its rules; aws-embedded-metrics (``validator.py``) raises for
these when a metric is put, so schemalog raises :class:`~schemalog.exceptions.MetricLimitError`
where a metric is defined (``metrics.counter(...)``, ``metrics.configure(...)``), naming the
metric and the limit. The figures are aws-embedded-metrics' (``constants.py``, 3.5.0):

========================  =====================================================================
metric name               1 to 250 characters, not blank (the package checks its
                          ``MAX_DIMENSION_NAME_LENGTH``, 250, for metric names too)
dimensions per set        at most 30, labels and ``configure(dimensions=)`` together
dimension name            1 to 250 ASCII characters, not blank, not starting with ``:``
dimension value           1 to 1024 ASCII characters, not blank
namespace                 1 to 256 characters of ``a-zA-Z0-9._#:/-``
========================  =====================================================================

Metrics per directive (100) and values per metric (100) are not errors: a flush splits them
into several documents, as aws-embedded-metrics does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from schemalog.exceptions import MetricLimitError
from schemalog.metrics.emf import MAX_DIMENSION_VALUE, MAX_DIMENSIONS

MAX_METRIC_NAME: Final = 250
MAX_DIMENSION_NAME: Final = 250
MAX_NAMESPACE: Final = 256
_NAMESPACE: Final = re.compile(r"[a-zA-Z0-9._#:/-]+")


def check_metric(name: str, dimensions: Iterable[tuple[str, str]]) -> None:
    """Raise MetricLimitError unless metric ``name`` and its dimensions are within EMF's limits."""
    if not isinstance(name, str) or not name.strip():
        raise MetricLimitError(f"metric {name!r}: a metric name must not be blank")
    if len(name) > MAX_METRIC_NAME:
        raise MetricLimitError(
            f"metric {name[:40]!r}...: the name has {len(name)} characters,"
            f" over EMF's limit of {MAX_METRIC_NAME}"
        )
    pairs = dict(dimensions)
    if len(pairs) > MAX_DIMENSIONS:
        raise MetricLimitError(
            f"metric {name!r}: {len(pairs)} dimensions (labels and configured dimensions),"
            f" over EMF's limit of {MAX_DIMENSIONS} per dimension set"
        )
    for dimension, value in pairs.items():
        check_dimension(dimension, value, f"metric {name!r}")


def check_dimension(name: str, value: str, where: str) -> None:
    """Raise MetricLimitError unless dimension ``name=value`` is within EMF's limits."""
    problem = _name_problem(name) or _value_problem(value)
    if problem:
        raise MetricLimitError(f"{where}: dimension {name[:60]!r}: {problem}")


def check_namespace(namespace: str) -> None:
    """Raise MetricLimitError unless ``namespace`` is a valid CloudWatch metrics namespace."""
    if not isinstance(namespace, str) or not 1 <= len(namespace) <= MAX_NAMESPACE:
        raise MetricLimitError(
            f"metrics namespace {namespace!r}: must have 1 to {MAX_NAMESPACE} characters"
        )
    if not _NAMESPACE.fullmatch(namespace):
        raise MetricLimitError(
            f"metrics namespace {namespace!r}: only letters, digits and . _ # : / - are allowed"
        )


def _name_problem(name: str) -> str:
    if name.startswith(":"):
        return "a dimension name must not start with ':'"
    return _text_problem("name", name, MAX_DIMENSION_NAME)


def _value_problem(value: str) -> str:
    return _text_problem("value", value, MAX_DIMENSION_VALUE)


def _text_problem(what: str, text: str, limit: int) -> str:
    if not text.strip():
        return f"a dimension {what} must not be blank"
    if len(text) > limit:
        return f"the {what} has {len(text)} characters, over EMF's limit of {limit}"
    if not text.isascii():
        return f"the {what} {text[:60]!r} is not ASCII (CloudWatch takes ASCII only)"
    return ""
