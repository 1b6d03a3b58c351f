"""One generated function tallying the filters that must read the events of one event type.

In the common case, every such filter checks that some plain root members hold a value
(``$.endpoint = * && $.method = *``, once ``event_type`` is known), or calls the pattern's
function specialized to the event type for other conditions (``$.flag IS TRUE``), and reads
plain root members for its value and dimensions. For that case this module writes, as Python
source, one function that loops over a batch of parsed events, reads each member once per
event and updates the statistics in place, in event order; it gives exactly
:meth:`MetricFilter.compile_point`'s answers (the scanner's property tests check it) without a
function call per event and filter. Only ``repr()`` of names and numbers goes into the source.
Filters outside that case (nested members for the value or a dimension) return None, and the
scanner uses ``compile_point`` for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from schemalog.filters.aggregate import Stats
from schemalog.filters.fieldref import FieldRef
from schemalog.filters.filters import MetricFilter, Point
from schemalog.filters.jsonpattern import JsonPattern
from schemalog.filters.values import as_number, as_text

#: ``tally(documents, keys, series)``: add the datapoints each event publishes, with its key.
Tally = Callable[[Iterable[dict[str, Any]], Iterable[bytes], dict[Any, Stats]], None]
Match = Callable[[dict[str, Any]], bool]
#: A filter's datapoint function for events of one type (:meth:`MetricFilter.compile_point`).
PointFunction = Callable[[dict[str, Any]], Point | None]
_VALUE_TYPES: Final = frozenset({str, int, float})


def _plan(metric_filter: MetricFilter, event_type: str) -> tuple[Any, ...] | None:
    """Return (presence keys, match function, value key or literal, dimension keys), or None.

    The match function is None when the presence keys are the whole condition; otherwise it
    is the pattern specialized to ``event_type`` (and there are no presence keys).
    """
    pattern = metric_filter.pattern
    if not isinstance(pattern, JsonPattern):
        return None
    known = {"event_type": event_type}
    presence = pattern.presence_keys(known)
    match: Match | None = None
    if presence is None:
        presence, match = (), pattern.specialize(known)
    metric_value = metric_filter.metric_value
    value: float | str = metric_value if isinstance(metric_value, float) else ""
    if isinstance(metric_value, FieldRef):
        if metric_value.simple_key is None:
            return None
        value = metric_value.simple_key
    dimensions = []
    for name, ref in sorted(metric_filter.dimensions.items()):
        if ref.simple_key is None:
            return None
        dimensions.append((name, ref.simple_key))
    return presence, match, value, dimensions


def compile_tally(
    filters: Sequence[MetricFilter], indices: Sequence[int], event_type: str
) -> Tally | None:
    """Return one function tallying filters ``indices`` for events of ``event_type``, or None."""
    plans = [_plan(filters[index], event_type) for index in indices]
    if not plans or any(plan is None for plan in plans):
        return None
    members: dict[str, str] = {}  # member name -> local variable

    def local(name: str) -> str:
        return members.setdefault(name, f"m{len(members)}")

    namespace: dict[str, Any] = {
        "Stats": Stats, "as_number": as_number, "as_text": as_text, "VALUE_TYPES": _VALUE_TYPES,
    }  # fmt: skip
    body: list[str] = []
    for index, plan in zip(indices, plans, strict=True):
        assert plan is not None
        presence, match, value, dimensions = plan
        default = filters[index].default_value
        checks = [f"type({local(key)}) not in VALUE_TYPES" for key in presence]
        if match is not None:
            namespace[f"match{index}"] = match
            checks.append(f"not match{index}(document)")
        body += _filter_source(index, checks, value, dimensions, default, local=local)
    lines = ["def tally(documents, keys, series):"]
    lines += ["    for document, key in zip(documents, keys):", "        get = document.get"]
    lines += [f"        {variable} = get({name!r})" for name, variable in members.items()]
    lines += ["    " + line for line in body]
    exec("\n".join(lines), namespace)  # the source holds only repr()s of names and numbers
    tally: Tally = namespace["tally"]
    return tally


def _record(index: int, dimensions: str, value: str, indent: str) -> list[str]:
    """Source adding ``value`` to the statistics of filter ``index`` for ``key``."""
    return [
        f"{indent}stats = series.get(({index}, key, {dimensions}))",
        f"{indent}if stats is None:",
        f"{indent}    stats = series[{index}, key, {dimensions}] = Stats()",
        f"{indent}stats.sum += {value}",
        f"{indent}stats.count += 1",
        f"{indent}if {value} < stats.min:",
        f"{indent}    stats.min = {value}",
        f"{indent}if {value} > stats.max:",
        f"{indent}    stats.max = {value}",
    ]


def _filter_source(
    index: int,
    checks: list[str],
    value: float | str,
    dimensions: list[tuple[str, str]],
    default: float | None,
    *,
    local: Callable[[str], str],
) -> list[str]:
    """Return the source lines for one filter, inside the tally function's body.

    A ``while True`` block with ``break`` gives the early exits of ``compile_point``: a
    missing member or a failed match publishes the default (if any), a non-numeric value
    publishes nothing. ``checks`` are the conditions (Python expressions) that fail a match.
    """
    missed = _record(index, "()", repr(default), "            ") if default is not None else []
    out = [f"    # filter {index}", "    while True:"]
    if checks:
        out += [f"        if {' or '.join(checks)}:", *missed, "            break"]
    if isinstance(value, float):
        out.append(f"        value = {value!r}")
    else:
        raw = local(value)
        out += [
            f"        kind = type({raw})",
            "        if kind is float or kind is int:",
            f"            value = float({raw})",
            f"        elif {raw} is None:",
            *missed,
            "            break",
            "        else:",
            f"            value = as_number({raw}) if kind is str else None",
            "            if value is None:",
            "                break",
        ]
    pairs = []
    if dimensions:
        out.append("        whole = True")
    for number, (name, member) in enumerate(dimensions):
        text = f"t{number}"
        out += [
            f"        {text} = {local(member)}",
            f"        kind = type({text})",
            "        if kind is int or kind is float:",
            f"            {text} = as_text({text})",
            f"        elif kind is not str or not {text} or {text}.isspace():",
            "            whole = False",
        ]
        pairs.append(f"({name!r}, {text})")
    if dimensions:
        out.append(f"        dimensions = ({', '.join(pairs)},) if whole else ()")
        out += _record(index, "dimensions", "value", "        ")
    else:
        out += _record(index, "()", "value", "        ")
    out.append("        break")
    return out


def points_tally(points: Sequence[tuple[int, PointFunction]]) -> Tally:
    """Return a tally calling each (filter index, datapoint function) on every event.

    For filters outside :func:`compile_tally`'s case. Each series is one filter's, so taking
    the filters one after the other keeps each series' events in order.
    """

    def tally(
        documents: Iterable[dict[str, Any]], keys: Iterable[bytes], series: dict[Any, Stats]
    ) -> None:
        pairs = list(zip(documents, keys, strict=True))
        for index, point in points:
            for document, key in pairs:
                result = point(document)
                if result is None:
                    continue
                value, dimensions, _ = result
                stats = series.get((index, key, dimensions))
                if stats is None:
                    stats = series[index, key, dimensions] = Stats()
                stats.sum += value
                stats.count += 1
                if value < stats.min:  # noqa: PLR1730 - a hot loop: no builtin calls
                    stats.min = value
                if value > stats.max:  # noqa: PLR1730
                    stats.max = value

    return tally
