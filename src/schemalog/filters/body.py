"""A ``put-metric-filter`` body, checked as ``PutMetricFilter`` checks it.

Every check raises FilterError naming the field (and the pattern's PatternError, a ValueError,
for what AWS rejects in ``filterPattern``); the limits are AWS's documented quotas.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from schemalog.exceptions import FilterError, PatternError
from schemalog.filters.base import Pattern
from schemalog.filters.fieldref import FieldRef, field_ref
from schemalog.filters.patterns import parse_pattern
from schemalog.filters.values import NUMBER

MAX_FILTER_NAME: Final = 512
MAX_METRIC_NAME: Final = 255
MAX_METRIC_VALUE: Final = 100
MAX_DIMENSIONS: Final = 3
MAX_DIMENSION_NAME: Final = 255
MAX_DIMENSION_VALUE: Final = 255
MAX_FIELD_SELECTION: Final = 2000
SYSTEM_FIELDS: Final = frozenset({"@aws.account", "@aws.region"})
STANDARD_UNITS: Final = frozenset(
    {
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
        "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
        "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
        "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
        "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
    }
)  # fmt: skip
_FILTER_KEYS: Final = frozenset(
    {
        "filterName", "filterPattern", "metricTransformations", "applyOnTransformedLogs",
        "fieldSelectionCriteria", "emitSystemFieldDimensions",
    }
)  # fmt: skip
_TRANSFORMATION_KEYS: Final = frozenset(
    {"metricName", "metricNamespace", "metricValue", "defaultValue", "dimensions", "unit"}
)


def check_body(body: Any) -> tuple[Pattern, float | FieldRef, dict[str, FieldRef]]:
    """Check a filter body; return its pattern, metric value and dimensions."""
    pattern = _check_filter(body)
    transformation = _transformation(body)
    raw_value = _text(transformation, "metricValue", required=True, low=1, high=MAX_METRIC_VALUE)
    metric_value = _metric_value(raw_value, pattern)
    default = transformation.get("defaultValue")
    if default is not None and (isinstance(default, bool) or not isinstance(default, int | float)):
        raise FilterError("defaultValue must be a number")
    unit = transformation.get("unit")
    if unit is not None and (not isinstance(unit, str) or unit not in STANDARD_UNITS):
        raise FilterError(
            f"unit {unit!r} is not a CloudWatch unit ({', '.join(sorted(STANDARD_UNITS))})"
        )
    dimensions = _dimensions(transformation.get("dimensions"), pattern, default, body)
    return pattern, metric_value, dimensions


def _check_filter(body: Any) -> Pattern:
    """Check the filter's own fields and return its parsed pattern."""
    if not isinstance(body, Mapping):
        raise FilterError("a metric filter must be a JSON object")
    if "logGroupName" in body:
        raise FilterError(
            "logGroupName does not belong in a filter file: `schemalog filters deploy"
            " --log-group` names the log group"
        )
    unknown = sorted(set(body) - _FILTER_KEYS)
    if unknown:
        raise FilterError(
            f"unknown field {unknown[0]!r} (PutMetricFilter takes {sorted(_FILTER_KEYS)})"
        )
    name = _text(body, "filterName", required=True, low=1, high=MAX_FILTER_NAME)
    if ":" in name or "*" in name:
        raise FilterError("filterName cannot contain ':' or '*'")
    pattern_text = body.get("filterPattern")
    if not isinstance(pattern_text, str):
        raise FilterError('filterPattern is required and must be a string ("" matches all)')
    try:
        pattern = parse_pattern(pattern_text)
    except PatternError as error:
        raise FilterError(f"filterPattern: {error}") from None
    _check_newer_fields(body)
    return pattern


def _transformation(body: Mapping[str, Any]) -> Mapping[str, Any]:
    """Check the one metric transformation's shape and names; return it."""
    transformations = body.get("metricTransformations")
    if not isinstance(transformations, list) or len(transformations) != 1:
        raise FilterError("metricTransformations must hold exactly 1 transformation")
    transformation = transformations[0]
    if not isinstance(transformation, Mapping):
        raise FilterError("metricTransformations[0] must be an object")
    unknown = sorted(set(transformation) - _TRANSFORMATION_KEYS)
    if unknown:
        raise FilterError(f"metricTransformations[0]: unknown field {unknown[0]!r}")
    for key in ("metricName", "metricNamespace"):
        text = _text(transformation, key, required=True, low=1, high=MAX_METRIC_NAME)
        if set(text) & set(":*$"):
            raise FilterError(f"{key} cannot contain ':', '*' or '$'")
    return transformation


def _text(source: Mapping[str, Any], key: str, *, required: bool, low: int, high: int) -> str:
    value = source.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise FilterError(f"{key} is required and must be a string")
    if not low <= len(value) <= high:
        raise FilterError(f"{key} must be {low} to {high} characters long (it is {len(value)})")
    return value


def _check_newer_fields(body: Mapping[str, Any]) -> None:
    apply = body.get("applyOnTransformedLogs")
    if apply is not None and not isinstance(apply, bool):
        raise FilterError("applyOnTransformedLogs must be true or false")
    criteria = body.get("fieldSelectionCriteria")
    if criteria is not None and (
        not isinstance(criteria, str) or len(criteria) > MAX_FIELD_SELECTION
    ):
        raise FilterError(
            f"fieldSelectionCriteria must be a string of at most {MAX_FIELD_SELECTION} characters"
        )
    system = body.get("emitSystemFieldDimensions")
    if system is not None and (
        not isinstance(system, list)
        or not all(isinstance(s, str) and s in SYSTEM_FIELDS for s in system)
    ):
        raise FilterError(f"emitSystemFieldDimensions must list some of {sorted(SYSTEM_FIELDS)}")


def _metric_value(text: str, pattern: Pattern) -> float | FieldRef:
    if NUMBER.match(text):
        return float(text)
    if not text.startswith("$"):
        raise FilterError(
            f"metricValue {text!r} must be a number or a field reference ($.field, $name)"
        )
    return field_ref(text, pattern, "metricValue")


def _dimensions(
    raw: Any, pattern: Pattern, default: Any, body: Mapping[str, Any]
) -> dict[str, FieldRef]:
    if raw is None or raw == {}:
        return {}
    if not isinstance(raw, Mapping):
        raise FilterError("dimensions must be an object of name: field")
    if not pattern.has_fields:
        raise FilterError(
            "the specified filter pattern does not support dimensions"
            " (only JSON and space-delimited patterns do)"
        )
    if default is not None:
        raise FilterError("defaultValue cannot be combined with dimensions")
    system = body.get("emitSystemFieldDimensions") or []
    if len(raw) + len(system) > MAX_DIMENSIONS:
        raise FilterError(f"at most {MAX_DIMENSIONS} dimensions (system field dimensions included)")
    refs: dict[str, FieldRef] = {}
    for name, value in raw.items():
        if (
            not isinstance(name, str)
            or not 1 <= len(name) <= MAX_DIMENSION_NAME
            or not name.strip()
        ):
            raise FilterError(
                f"dimension name {name!r} must be 1 to {MAX_DIMENSION_NAME} characters"
            )
        if name.startswith(":") or not name.isascii():
            raise FilterError(f"dimension name {name!r} must be ASCII and cannot start with ':'")
        if not isinstance(value, str) or len(value) > MAX_DIMENSION_VALUE:
            raise FilterError(f"dimension {name!r} must name a field as a string")
        if not value.startswith("$"):
            raise FilterError(f"dimension {name!r}: {value!r} must name a field ($.field or $name)")
        refs[name] = field_ref(value, pattern, f"dimension {name!r}")
    return refs
