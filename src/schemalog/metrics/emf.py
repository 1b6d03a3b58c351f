"""CloudWatch Embedded Metric Format (EMF): building documents within its limits, checking them.

A document is one JSON object per log line; CloudWatch Logs makes metrics from it with no
metric filter. ``_aws.CloudWatchMetrics`` lists directives (a namespace, dimension sets and
metric definitions), and every name they use is a root member: a metric's value (a number, or
an array of at most 100) or a dimension's value (a string of at most 1024 characters).

EMF lines are not catalog events: they carry no schemalog envelope, and ``schemalog validate``
checks them against the EMF specification (``emf.schema.json`` beside this module, plus
:func:`problems` for what a schema cannot say) instead of the catalog.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from schemalog.exceptions import MetricLimitError
from schemalog.record import SchemaIssue

MAX_METRICS: Final = 100
MAX_VALUES: Final = 100
MAX_DIMENSIONS: Final = 30
MAX_DIMENSION_VALUE: Final = 1024
SCHEMA_PATH: Final = Path(__file__).with_name("emf.schema.json")


@dataclass(frozen=True)
class Metric:
    """One metric's values for one flush: name, unit, dimension values, and the numbers."""

    name: str
    unit: str
    dimensions: tuple[tuple[str, str], ...]
    values: tuple[float, ...]


def is_emf(record: Mapping[str, Any]) -> bool:
    """Whether a parsed line is an EMF document (its ``_aws`` holds ``CloudWatchMetrics``)."""
    meta = record.get("_aws")
    return isinstance(meta, dict) and "CloudWatchMetrics" in meta


def documents(metrics: Sequence[Metric], namespace: str, timestamp_ms: int) -> list[dict[str, Any]]:
    """Turn metrics into EMF documents, split so that each respects EMF's limits.

    Metrics that share dimension values share documents; a document holds at most 100
    metrics and at most 100 values for each (the rest follow in more documents). A dimension
    set has at most 30 names: more raise MetricLimitError (CloudWatch rejects such a
    directive; instruments refuse such a metric when it is defined).
    """
    groups: dict[tuple[tuple[str, str], ...], list[Metric]] = {}
    for metric in metrics:
        if metric.values:
            groups.setdefault(metric.dimensions, []).append(metric)
    out: list[dict[str, Any]] = []
    for dimensions, members in groups.items():
        names = [name for name, _ in dimensions]
        if len(names) > MAX_DIMENSIONS:
            raise MetricLimitError(
                f"metric {members[0].name!r}: {len(names)} dimensions, over EMF's limit of"
                f" {MAX_DIMENSIONS} per dimension set"
            )
        dimension_sets = [names]
        for start in range(0, len(members), MAX_METRICS):
            chunk = members[start : start + MAX_METRICS]
            rounds = max(-(-len(m.values) // MAX_VALUES) for m in chunk)
            for round_number in range(rounds):
                out.append(
                    _document(
                        chunk, round_number, dimensions, dimension_sets, namespace, timestamp_ms
                    )
                )
    return out


def _document(  # noqa: PLR0917 - a private helper of documents()
    chunk: list[Metric],
    round_number: int,
    dimensions: tuple[tuple[str, str], ...],
    dimension_sets: list[list[str]],
    namespace: str,
    timestamp_ms: int,
) -> dict[str, Any]:
    definitions: list[dict[str, Any]] = []
    document: dict[str, Any] = {"_aws": {}}
    for metric in chunk:
        values = metric.values[round_number * MAX_VALUES : (round_number + 1) * MAX_VALUES]
        if not values:
            continue
        definitions.append({"Name": metric.name, "Unit": metric.unit})
        document[metric.name] = values[0] if len(values) == 1 else list(values)
    document["_aws"] = {
        "Timestamp": timestamp_ms,
        "CloudWatchMetrics": [
            {"Namespace": namespace, "Dimensions": dimension_sets, "Metrics": definitions}
        ],
    }
    for name, value in dimensions:
        document[name] = value
    return document


@functools.cache
def schema() -> dict[str, Any]:
    """Return the JSON Schema of an EMF document (written from the published specification)."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator() -> Any:
    from schemalog.catalog.validators import ReferenceValidator

    return ReferenceValidator(schema())


def problems(document: Mapping[str, Any]) -> list[SchemaIssue]:
    """Return what is wrong with an EMF document (an empty list: nothing).

    Checks the schema, then the targets: every metric name must be a root number or an
    array of at most 100 numbers, every dimension name a root string of at most 1024
    characters.
    """
    found: list[SchemaIssue] = _validator().issues(document)
    if found:
        return found
    for directive in document["_aws"]["CloudWatchMetrics"]:
        for definition in directive["Metrics"]:
            found += _metric_target(document, definition["Name"])
        for dimension_set in directive["Dimensions"]:
            for name in dimension_set:
                value = document.get(name)
                if not isinstance(value, str) or len(value) > MAX_DIMENSION_VALUE:
                    found.append(
                        SchemaIssue(
                            f"$.{name}", "dimension target must be a string of <= 1024 chars"
                        )
                    )
    return found


def _metric_target(document: Mapping[str, Any], name: str) -> list[SchemaIssue]:
    value = document.get(name)
    if _is_number(value):
        return []
    if isinstance(value, list) and 0 < len(value) <= MAX_VALUES and all(map(_is_number, value)):
        return []
    return [SchemaIssue(f"$.{name}", "metric target must be a number or an array of 1-100 numbers")]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
