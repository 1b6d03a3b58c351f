"""Metric filters: what one log event publishes under a ``put-metric-filter`` body.

The body is checked by :mod:`body`. One datapoint per log event (the model the spec derives
from AWS's documentation and from observations on live AWS): a matching event publishes
``metricValue`` with its dimensions; a non-matching event publishes ``defaultValue``, without
dimensions, when one is set. A field ``metricValue`` that is missing or ``null`` publishes
``defaultValue`` (or nothing); one that is not a number publishes nothing. An event missing a
dimension field publishes without dimensions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, Final, NamedTuple

from schemalog.filters.base import Pattern
from schemalog.filters.body import check_body
from schemalog.filters.fieldref import FieldRef
from schemalog.filters.jsonpattern import JsonPattern, load_object
from schemalog.filters.values import as_number, as_text, is_value_node

_VALUE_TYPES: Final = frozenset({str, int, float})  # not bool: a boolean is no value node
_NO_DIMENSIONS: Final[Mapping[str, str]] = MappingProxyType({})


class Datapoint(NamedTuple):
    """What one log event publishes: a value and the dimensions it is published with."""

    value: float
    dimensions: Mapping[str, str] = _NO_DIMENSIONS
    #: Whether the event matched (False: this is the ``defaultValue`` of a non-matching event).
    matched: bool = True


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
        pattern, metric_value, dimensions = check_body(body)
        return cls(body, pattern, metric_value, dimensions)

    def to_dict(self) -> dict[str, Any]:
        """Return the filter body, as given."""
        return dict(self.body)

    def datapoint(self, message: str) -> Datapoint | None:
        """Return what one log event message publishes, or None when it publishes nothing."""
        pattern = self.pattern
        if isinstance(pattern, JsonPattern):
            return self.datapoint_for_document(load_object(message))
        extracted = pattern.extract_all(message)
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
