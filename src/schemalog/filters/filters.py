"""Metric filters: a ``put-metric-filter`` body, checked as ``PutMetricFilter`` checks it.

One datapoint per log event (the model the spec derives from AWS's documentation and from
observations on live AWS): a matching event publishes ``metricValue`` with its dimensions; a
non-matching event publishes ``defaultValue``, without dimensions, when one is set. A field
``metricValue`` that is missing or ``null`` publishes ``defaultValue`` (or nothing); one that is
not a number publishes nothing. An event missing a dimension field publishes without
dimensions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, NamedTuple

from schemalog.exceptions import FilterError, PatternError
from schemalog.filters.base import Pattern
from schemalog.filters.delimited import DelimitedPattern
from schemalog.filters.jsonpattern import JsonPattern, Selector, load_object, parse_selector
from schemalog.filters.patterns import parse_pattern
from schemalog.filters.values import NUMBER, as_number, as_text, is_value_node

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
_VALUE_TYPES: Final = frozenset({str, int, float})  # not bool: a boolean is no value node
_NO_DIMENSIONS: Final[Mapping[str, str]] = MappingProxyType({})
_DELIMITED_REFERENCE: Final = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*|[1-9][0-9]*)\Z")


class Datapoint(NamedTuple):
    """What one log event publishes: a value and the dimensions it is published with."""

    value: float
    dimensions: Mapping[str, str] = _NO_DIMENSIONS
    #: Whether the event matched (False: this is the ``defaultValue`` of a non-matching event).
    matched: bool = True


@dataclass(frozen=True)
class FieldRef:
    """A ``metricValue`` or dimension that names a field: ``$.a.b`` (JSON) or ``$name``/``$3``."""

    text: str
    selector: Selector | None = None  # JSON patterns
    key: str | None = None  # space-delimited patterns: the extractedValues key

    @property
    def simple_key(self) -> str | None:
        """The member name when the reference is a plain root member (``$.name``), else None."""
        return self.selector.simple_key if self.selector is not None else None

    def read(self, document: Any, extracted: Mapping[str, str] | None) -> Any:
        """Return the field's value in a parsed document or extracted values (None if absent)."""
        selector = self.selector
        if selector is not None:
            key = selector.simple_key
            if key is not None:
                return document.get(key) if isinstance(document, dict) else None
            picked = selector.select(document)
            return picked[0] if picked else None
        return extracted.get(self.key or "") if extracted is not None else None


class MetricFilter:
    """One metric filter: a pattern and the metric it publishes (DESIGN §6)."""

    def __init__(
        self,
        body: Mapping[str, Any],
        pattern: Pattern,
        metric_value: float | FieldRef,
        dimensions: dict[str, FieldRef],
    ) -> None:
        self.body = dict(body)
        self.name: str = body["filterName"]
        self.pattern = pattern
        transformation = body["metricTransformations"][0]
        self.metric_name: str = transformation["metricName"]
        self.metric_namespace: str = transformation["metricNamespace"]
        self.metric_value = metric_value
        default = transformation.get("defaultValue")
        self.default_value: float | None = None if default is None else float(default)
        self.dimensions = dimensions
        self.unit: str | None = transformation.get("unit")
        #: True when a match publishes a fixed value without dimensions, so the event's fields
        #: are never read once the match is known.
        self.fixed: bool = not dimensions and not isinstance(metric_value, FieldRef)
        self._default_point = (
            None if self.default_value is None else Datapoint(self.default_value, {}, False)
        )

    def __repr__(self) -> str:
        return f"MetricFilter({self.name!r})"

    @property
    def default_point(self) -> Datapoint | None:
        """What a non-matching event publishes (None without a ``defaultValue``)."""
        return self._default_point

    @classmethod
    def from_dict(cls, body: Any) -> MetricFilter:
        """Check a filter body as ``PutMetricFilter`` would and build the filter.

        Raises FilterError naming the field (and PatternError, a ValueError, for the pattern).
        """
        pattern = _check_filter(body)
        transformation = _transformation(body)
        raw_value = _text(
            transformation, "metricValue", required=True, low=1, high=MAX_METRIC_VALUE
        )
        metric_value = _metric_value(raw_value, pattern)
        default = transformation.get("defaultValue")
        if default is not None and (
            isinstance(default, bool) or not isinstance(default, int | float)
        ):
            raise FilterError("defaultValue must be a number")
        unit = transformation.get("unit")
        if unit is not None and (not isinstance(unit, str) or unit not in STANDARD_UNITS):
            raise FilterError(
                f"unit {unit!r} is not a CloudWatch unit ({', '.join(sorted(STANDARD_UNITS))})"
            )
        dimensions = _dimensions(transformation.get("dimensions"), pattern, default, body)
        return cls(body, pattern, metric_value, dimensions)

    def to_dict(self) -> dict[str, Any]:
        """Return the filter body, as given."""
        return dict(self.body)

    def datapoint(self, message: str) -> Datapoint | None:
        """Return what one log event message publishes, or None when it publishes nothing."""
        pattern = self.pattern
        if isinstance(pattern, JsonPattern):
            return self.datapoint_for_document(load_object(message))
        if isinstance(pattern, DelimitedPattern):
            extracted = pattern.extract_all(message)
        else:
            extracted = pattern.extract(message)
        if extracted is None:
            return self._default_point
        return self.matched_point(None, extracted)

    def compile_point(self, known: Mapping[str, Any]) -> Callable[[dict[str, Any]], Point | None]:
        """Return a fast :meth:`datapoint_for_document` for JSON objects with ``known`` members.

        For a JSON-pattern filter and objects whose plain root members named in ``known`` hold
        those values, the function returns ``(value, sorted dimension pairs, matched)`` for what
        :meth:`datapoint_for_document` would publish, or None when it publishes nothing.
        """
        return _compile_point(self, known)

    def datapoint_for_document(self, document: Any) -> Datapoint | None:
        """Return :meth:`datapoint` for a message already parsed (any JSON value, or None)."""
        pattern = self.pattern
        assert isinstance(pattern, JsonPattern)
        if not pattern.matches_document(document):
            return self._default_point
        return self.matched_point(document, None)

    def matched_point(self, document: Any, extracted: Mapping[str, str] | None) -> Datapoint | None:
        """Return the datapoint of an event known to match."""
        value: float
        if isinstance(self.metric_value, FieldRef):
            raw = self.metric_value.read(document, extracted)
            kind = type(raw)
            if kind is int or kind is float:
                value = float(raw)
            elif raw is None:
                return self._default_point
            else:
                number = as_number(raw) if is_value_node(raw) else None
                if number is None:
                    return None
                value = number
        else:
            value = self.metric_value
        if not self.dimensions:
            return Datapoint(value)
        dimensions: dict[str, str] = {}
        for name, ref in self.dimensions.items():
            raw = ref.read(document, extracted)
            text = raw if type(raw) is str else as_text(raw) if is_value_node(raw) else ""
            if not text.strip():
                return Datapoint(value)
            dimensions[name] = text
        return Datapoint(value, dimensions)


#: What :meth:`MetricFilter.compile_point` returns for an event: (value, dimensions, matched).
Point = tuple[float, tuple[tuple[str, str], ...], bool]


def _slow_reader(ref: FieldRef) -> Callable[[dict[str, Any]], Any]:
    return lambda document: ref.read(document, None)


def _compile_point(
    metric_filter: MetricFilter, known: Mapping[str, Any]
) -> Callable[[dict[str, Any]], Point | None]:
    pattern = metric_filter.pattern
    assert isinstance(pattern, JsonPattern)
    presence = pattern.presence_keys(known)
    match = pattern.specialize(known) if presence is None else None
    default = metric_filter.default_value
    missed: Point | None = None if default is None else (default, (), False)
    fixed = metric_filter.metric_value
    value_ref = fixed if isinstance(fixed, FieldRef) else None
    value_key = value_ref.simple_key if value_ref is not None else None
    dimensions = sorted(metric_filter.dimensions.items())
    readers = [
        (name, ref.simple_key or _slow_reader(ref)) for name, ref in dimensions
    ]  # a key to get, or a function for nested fields

    def point(document: dict[str, Any]) -> Point | None:  # noqa: PLR0911, PLR0912 - hot path
        get = document.get
        if match is not None:
            if not match(document):
                return missed
        else:
            for key in presence or ():
                if type(get(key)) not in _VALUE_TYPES:
                    return missed
        raw: Any
        value: float
        if value_ref is None:
            value = fixed  # type: ignore[assignment]
        else:
            raw = get(value_key) if value_key else value_ref.read(document, None)
            kind = type(raw)
            if kind is float or kind is int:
                value = float(raw)
            elif raw is None:
                return missed
            else:
                number = as_number(raw) if kind is str else None
                if number is None:
                    return None
                value = number
        if not readers:
            return value, (), True
        pairs: list[tuple[str, str]] = []
        for name, reader in readers:
            raw = get(reader) if type(reader) is str else reader(document)  # type: ignore[operator]
            kind = type(raw)
            if kind is str:
                if not raw or raw.isspace():
                    return value, (), True
                pairs.append((name, raw))
            elif kind is int or kind is float:
                pairs.append((name, as_text(raw)))
            else:
                return value, (), True
        return value, tuple(pairs), True

    return point


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
    return _field_ref(text, pattern, "metricValue")


def _field_ref(text: str, pattern: Pattern, what: str) -> FieldRef:
    if isinstance(pattern, JsonPattern):
        if not text.startswith("$."):
            raise FilterError(f"{what} {text!r}: a JSON pattern's fields are written $.field")
        try:
            selector = parse_selector(text)
        except PatternError as error:
            raise FilterError(f"{what} {text!r}: {error.reason}") from None
        if selector.wildcards:
            raise FilterError(f"{what} {text!r}: must name one field, without '*'")
        return FieldRef(text, selector=selector)
    if isinstance(pattern, DelimitedPattern):
        match = _DELIMITED_REFERENCE.match(text)
        if match is None:
            raise FilterError(
                f"{what} {text!r}: a space-delimited pattern's fields are $name or $N"
            )
        key = match.group(1)
        if not key[0].isdigit() and key.lower() not in {n.lower() for n in pattern.names}:
            raise FilterError(f"{what} {text!r}: the pattern has no field named {key!r}")
        spelled = next((n for n in pattern.names if n.lower() == key.lower()), key)
        return FieldRef(text, key=f"${spelled}")
    raise FilterError(f"{what} {text!r}: only JSON and space-delimited patterns have fields")


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
        refs[name] = _field_ref(value, pattern, f"dimension {name!r}")
    return refs
