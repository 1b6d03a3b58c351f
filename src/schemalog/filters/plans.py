"""What each event type means to each JSON filter, worked out once per event type.

For one ``event_type`` value, a filter is either *decided* by it (the datapoint is known without
reading the event: :attr:`Plan.fixed`) or must *parse* the event (:attr:`Plan.parse`). For the
filters that parse, :meth:`Planner.evaluator` gives a generated tally (:mod:`tally`) or, when the
filters are outside its case, a tally calling their compiled datapoint functions. Everything is
cached per event type, with a bound, so an input with endless event types keeps memory flat.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from schemalog.filters.filters import Datapoint, MetricFilter
from schemalog.filters.jsonpattern import MISSING, JsonPattern
from schemalog.filters.tally import PointFunction, Tally, compile_tally, points_tally

#: Plans kept per distinct event type: an input with endless event types keeps memory flat.
MAX_PLANS: Final = 4096


@dataclass
class Plan:
    """What one event type means to each JSON filter."""

    #: (filter index, datapoint) decided without reading the event.
    fixed: list[tuple[int, Datapoint]] = field(default_factory=list)
    #: Filters that must read the parsed event.
    parse: list[int] = field(default_factory=list)


class Planner:
    """Plans and evaluators per event type, for one list of filters."""

    def __init__(self, filters: list[MetricFilter]) -> None:
        self.filters = filters
        self.json = [(i, f) for i, f in enumerate(filters) if isinstance(f.pattern, JsonPattern)]
        self.plans: dict[bytes | None, Plan] = {}
        self._points: dict[tuple[int, str], PointFunction] = {}
        self._evaluators: dict[bytes, Tally] = {}

    def plan(self, event_type: bytes | None) -> Plan:
        """Return the plan for an ``event_type`` value (None: the event has no ``event_type``)."""
        plan = self.plans.get(event_type)
        if plan is not None:
            return plan
        if len(self.plans) >= MAX_PLANS:
            self.plans.clear()
            self._points.clear()
            self._evaluators.clear()
        known: dict[str, Any] = {
            "event_type": MISSING if event_type is None else event_type.decode()
        }
        plan = Plan()
        for index, metric_filter in self.json:
            pattern = metric_filter.pattern
            assert isinstance(pattern, JsonPattern)
            decided = pattern.decide(known)
            if decided is False:
                if metric_filter.default_point is not None:
                    plan.fixed.append((index, metric_filter.default_point))
            elif decided is True and metric_filter.fixed:
                point = metric_filter.matched_point(None, None)
                assert point is not None
                plan.fixed.append((index, point))
            else:
                plan.parse.append(index)
        self.plans[event_type] = plan
        return plan

    def evaluator(self, name: bytes) -> Tally:
        """Return the tally of an event type's parse filters: generated, or over their functions."""
        found = self._evaluators.get(name)
        if found is None:
            parse = self.plan(name).parse
            wanted = name.decode()
            found = compile_tally(self.filters, parse, wanted) or points_tally(
                [(i, self._point(i, wanted)) for i in parse]
            )
            self._evaluators[name] = found
        return found

    def _point(self, index: int, event_type: str) -> PointFunction:
        """Return filter ``index``'s datapoint function for events of ``event_type``."""
        point = self._points.get((index, event_type))
        if point is None:
            point = self.filters[index].compile_point({"event_type": event_type})
            self._points[index, event_type] = point
        return point
