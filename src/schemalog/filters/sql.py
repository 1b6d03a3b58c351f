"""Metric filters compiled to SQL over ``read_ndjson_objects`` (DuckDB's dialect).

One query computes every filter's datapoints per period, as :mod:`scan` does: per line, a
filter publishes its ``metricValue`` (with dimensions) when it matches, its ``defaultValue``
when it does not, and lines that are not JSON objects match no JSON filter. The query is plain
text, so ``schemalog count --show-sql`` prints it to run elsewhere (DuckDB over files or S3).

What compiles: the empty pattern, and JSON patterns of ``&&``, ``||`` and parentheses over
selectors without wildcards (``$.a.b``, ``$.list[0]``), compared with ``*``, strings with edge
wildcards, and numbers, plus ``IS NULL|TRUE|FALSE`` and ``NOT EXISTS``. Anything else (term,
regex and space-delimited patterns, ``%regex%`` values, ``*`` selectors, a quoted value that
reads like a number's text) raises FilterError naming the filter and the construct. Where the
engines differ (docs/cloudwatch-patterns.md): a key repeated in one object is read as its first
occurrence (schemalog reads the last), and a fractional number in a dimension is written as
DuckDB writes it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from schemalog.exceptions import FilterError
from schemalog.filters.aggregate import prefix_length
from schemalog.filters.base import MatchAll
from schemalog.filters.conditions import All, Any_, Leaf, Node
from schemalog.filters.fieldref import FieldRef
from schemalog.filters.filters import MetricFilter
from schemalog.filters.jsonpattern import Check, Comparison, Condition, JsonPattern, Selector
from schemalog.filters.values import NUMBER, AnyValue, NumberValue, TextValue

_NUMERIC: Final = "('BIGINT', 'UBIGINT', 'DOUBLE')"
_VALUE: Final = "('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE')"
_PATH_NAME: Final = re.compile(r"[A-Za-z0-9_\- ]+\Z")
#: Characters a number's JSON text can hold: a quoted value made of them could equal one.
_NUMBER_TEXT: Final = frozenset("0123456789.eE+-")
_PATTERN_KINDS: Final = {"terms": "term", "delimited": "space-delimited"}
_STRICT_STAMP: Final = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"
_NUMBER_IN_TEXT: Final = r"^\s*(" + NUMBER.pattern.removesuffix(r"\Z") + r")\s*$"


def quote(text: str) -> str:
    """Return ``text`` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


class _Unsupported(Exception):
    """A construct with no SQL translation; the message names it."""


def _kind(column: str) -> str:
    """Return the JSON type of a column's value ('VARCHAR', 'DOUBLE', ...; NULL when missing)."""
    return f"{column}_kind"


def _text(column: str) -> str:
    """Return a column's value as text (a string without its quotes)."""
    return f"{column}_text"


class _Columns:
    """The JSON paths the filters read, each extracted once per line into a column."""

    def __init__(self) -> None:
        self.paths: dict[str, str] = {"$.timestamp": "c0"}

    def of(self, selector: Selector) -> str:
        """Return the column holding the value ``selector`` picks (JSON; NULL when missing)."""
        parts = ["$"]
        for step in selector.steps:
            if isinstance(step, int):
                parts.append(f"[{step}]")
            elif isinstance(step, str) and _PATH_NAME.match(step):
                parts.append(f'."{step}"')
            else:
                raise _Unsupported(f"selector {selector.text} (wildcards and odd keys)")
        return self.paths.setdefault("".join(parts), f"c{len(self.paths)}")


def _number(column: str) -> str:
    """Return a value node read as a number: numbers, and strings that read as one (else NULL)."""
    kind, text = _kind(column), _text(column)
    return (
        f"(CASE WHEN {kind} IN {_NUMERIC} THEN CAST({column} AS DOUBLE)"
        f" WHEN {kind} = 'VARCHAR' THEN TRY_CAST(NULLIF(regexp_extract({text},"
        f" {quote(_NUMBER_IN_TEXT)}, 1), '') AS DOUBLE) END)"
    )


def _comparison(leaf: Comparison, columns: _Columns) -> str:
    column = columns.of(leaf.selector)
    kind, text = _kind(column), _text(column)
    matcher, operator = leaf.matcher, leaf.operator
    if operator in ("<", ">", "<=", ">="):
        if not isinstance(matcher, NumberValue):
            return "FALSE"
        return f"coalesce({_number(column)} {operator} {matcher.number!r}, FALSE)"
    if isinstance(matcher, AnyValue):
        equal = "TRUE"
    elif isinstance(matcher, NumberValue):
        equal = (
            f"(CASE WHEN {kind} = 'VARCHAR' THEN {text} = {quote(matcher.source)}"
            f" ELSE CAST({column} AS DOUBLE) = {matcher.number!r} END)"
        )
    elif isinstance(matcher, TextValue):
        equal = f"({kind} = 'VARCHAR' AND {_text_match(matcher, text)})"
    else:
        raise _Unsupported(f"value {matcher.source} (regular expressions)")
    inner = equal if operator == "=" else f"NOT {equal}"
    return f"coalesce({kind} IN {_VALUE} AND {inner}, FALSE)"


def _text_match(matcher: TextValue, text: str) -> str:
    core = matcher.text
    if core and set(core) <= _NUMBER_TEXT:
        raise _Unsupported(f"value {matcher.source} (a quoted value that reads like a number)")
    if matcher.any_prefix and matcher.any_suffix:
        return f"contains({text}, {quote(core)})"
    if matcher.any_prefix:
        return f"suffix({text}, {quote(core)})"
    if matcher.any_suffix:
        return f"starts_with({text}, {quote(core)})"
    return f"{text} = {quote(core)}"


def _check(leaf: Check, columns: _Columns) -> str:
    column = columns.of(leaf.selector)
    kind = _kind(column)
    if leaf.check == "NOT EXISTS":
        return f"{kind} IS NULL"
    if leaf.check == "NULL":
        return f"coalesce({kind} = 'NULL', FALSE)"
    return f"coalesce({kind} = 'BOOLEAN' AND {_text(column)} = {quote(leaf.check.lower())}, FALSE)"


def _condition(node: Node[Condition], columns: _Columns) -> str:
    if isinstance(node, Leaf):
        item = node.item
        return _check(item, columns) if isinstance(item, Check) else _comparison(item, columns)
    if isinstance(node, All | Any_):
        joiner = " AND " if isinstance(node, All) else " OR "
        return "(" + joiner.join(_condition(child, columns) for child in node.children) + ")"
    raise _Unsupported(f"condition {node!r}")


def _field_value(ref: FieldRef, default: str, columns: _Columns) -> str:
    """``metricValue`` from a field: missing or null publish the default, non-numbers nothing."""
    column = columns.of(_selector_of(ref))
    kind = _kind(column)
    return (
        f"(CASE WHEN {kind} IS NULL OR {kind} = 'NULL' THEN {default} ELSE {_number(column)} END)"
    )


def _dimensions(metric_filter: MetricFilter, columns: _Columns) -> str:
    """Return the dimension values in name order, or NULL when one is blank (no dimensions then)."""
    if not metric_filter.dimensions:
        return "CAST(NULL AS VARCHAR[])"
    texts = []
    for _, ref in sorted(metric_filter.dimensions.items()):
        column = columns.of(_selector_of(ref))
        kind = _kind(column)
        texts.append(
            f"(CASE WHEN {kind} = 'VARCHAR' THEN {_text(column)}"
            f" WHEN {kind} IN {_NUMERIC} THEN CAST({column} AS VARCHAR) ELSE '' END)"
        )
    blank = " OR ".join(f"regexp_full_match({t}, '\\s*')" for t in texts)
    return f"(CASE WHEN {blank} THEN NULL ELSE [{', '.join(texts)}] END)"


def _selector_of(ref: FieldRef) -> Selector:
    if ref.selector is None:
        raise _Unsupported(f"field {ref.text} (space-delimited fields)")
    return ref.selector


def filter_point(metric_filter: MetricFilter, columns: _Columns) -> tuple[str, str | None]:
    """Return one filter's value per line (NULL: publishes nothing) and dimensions, if any.

    Raises FilterError naming the filter and the construct that has no SQL translation.
    """
    try:
        return _filter_point(metric_filter, columns)
    except _Unsupported as error:
        raise FilterError(
            f"filter {metric_filter.name!r} cannot be counted in SQL: {error}"
        ) from None


def _filter_point(metric_filter: MetricFilter, columns: _Columns) -> tuple[str, str | None]:
    pattern = metric_filter.pattern
    if isinstance(pattern, MatchAll):
        match = "TRUE"
    elif isinstance(pattern, JsonPattern):
        match = f"coalesce(is_object AND {_condition(pattern.condition, columns)}, FALSE)"
    else:
        kind = _PATTERN_KINDS.get(pattern.kind, pattern.kind)
        raise _Unsupported(f"pattern {pattern.text!r} ({kind} patterns)")
    default = "NULL" if metric_filter.default_value is None else repr(metric_filter.default_value)
    value = metric_filter.metric_value
    matched = repr(value) if isinstance(value, float) else _field_value(value, default, columns)
    point = f"CAST(CASE WHEN {match} THEN {matched} ELSE {default} END AS DOUBLE)"
    if not metric_filter.dimensions:
        return point, None
    return point, f"CASE WHEN {match} THEN {_dimensions(metric_filter, columns)} END"


def _stats(value: str, scale: bool) -> str:
    if not scale:
        return f"sum({value}) AS s, count({value}) AS n, min({value}) AS lo, max({value}) AS hi"
    weight = f"CASE WHEN {value} IS NOT NULL THEN w END"
    return f"sum({value} * w) AS s, sum({weight}) AS n, min({value}) AS lo, max({value}) AS hi"


def _weight(columns: _Columns) -> str:
    """Return how many events a line stands for: ``1 / sample_rate`` when it is in (0, 1]."""
    column = columns.paths.setdefault("$.sample_rate", f"c{len(columns.paths)}")
    rate = f"TRY_CAST({column} AS DOUBLE)"
    return (
        f"CASE WHEN is_object AND {_kind(column)} IN {_NUMERIC} AND {rate} > 0"
        f" AND {rate} <= 1 THEN 1.0 / {rate} ELSE 1.0 END"
    )


def _series(points: Sequence[tuple[str, str | None]], scale: bool) -> tuple[str, str]:
    """Return the ``wide`` columns and the union of every filter's series rows.

    Filters without dimensions are aggregated side by side in ``wide``, in one pass.
    """
    flat = [i for i, (_, dims) in enumerate(points) if dims is None]
    wide = ",\n    ".join(_stats(f"v{i}", scale).replace(" AS ", f" AS w{i}_") for i in flat)
    parts = [
        f"SELECT {i} AS filter, k, t, CAST(NULL AS VARCHAR[]) AS d,"
        f" w{i}_s AS s, w{i}_n AS n, w{i}_lo AS lo, w{i}_hi AS hi FROM wide WHERE w{i}_n > 0"
        for i in flat
    ] + [
        f"SELECT {i} AS filter, k, t, d{i} AS d, {_stats(f'v{i}', scale)}"
        f" FROM points WHERE v{i} IS NOT NULL GROUP BY ALL"
        for i, (_, dims) in enumerate(points)
        if dims is not None
    ]
    union = "\n  UNION ALL ".join(parts) if parts else "SELECT NULL, NULL, NULL, NULL, 0, 0, 0, 0"
    return wide, union


def count_sql(
    paths: Sequence[str],
    filters: Sequence[MetricFilter],
    period: int,
    *,
    scale: bool = True,
    source: str | None = None,
) -> str:
    """Return one query: per filter, period start and dimensions, Sum/SampleCount/Min/Max.

    ``scale``: a line's datapoints weigh ``1 / sample_rate``, as in the local scanner (else
    once, as in AWS). ``source``: a SELECT giving each line as JSON ``j`` (a loaded table);
    else the NDJSON ``paths``. Columns: ``filter`` (index), ``start`` (epoch seconds, NULL
    undated), ``d`` (dimension values by name, or NULL), ``s``, ``n``, ``lo``, ``hi``.
    """
    columns = _Columns()
    points = [filter_point(f, columns) for f in filters]
    weight = f",\n    {_weight(columns)} AS w" if scale else ""
    length = prefix_length(period)
    stamp = _text("c0")
    key = (
        f"CASE WHEN regexp_full_match({stamp}, {quote(_STRICT_STAMP)})"
        f" THEN substr({stamp}, 1, {length}) END"
    )
    seconds = f"CAST(floor(epoch(TRY_CAST({stamp} AS TIMESTAMPTZ))) AS BIGINT)"
    selects = ",\n    ".join(
        f"{value} AS v{i}" + ("" if dims is None else f", {dims} AS d{i}")
        for i, (value, dims) in enumerate(points)
    )
    wide, union = _series(points, scale)
    pad = quote("0000-01-01T00:00:00"[length:])
    start = f"coalesce(CAST(epoch(TRY_CAST(k || {pad} AS TIMESTAMP)) AS BIGINT), t)"
    return f"""-- schemalog count: {len(filters)} metric filters, {period} s periods. Timestamps
-- without an offset are UTC: run SET TimeZone = 'UTC' first.
WITH lines AS (
  {source or _ndjson_lines(paths)}
), fields AS (
  SELECT coalesce(json_type(j) = 'OBJECT', FALSE) AS is_object,
         json_extract(j, [{", ".join(quote(path) for path in columns.paths)}]) AS x
  FROM lines
), events AS (
  SELECT is_object, {_extracted(columns)} FROM fields
), points AS MATERIALIZED (
  SELECT {key} AS k,
    CASE WHEN {_kind("c0")} = 'VARCHAR' AND ({key}) IS NULL THEN {seconds} END AS t,
    {selects}{weight}
  FROM events
), wide AS (
  SELECT k, t,
    {wide or "count(*) AS none"}
  FROM points GROUP BY k, t
), series AS (
  {union}
), started AS (
  SELECT filter, {start} AS moment, d, s, n, lo, hi FROM series WHERE filter IS NOT NULL
)
SELECT filter, moment - ((moment % {period}) + {period}) % {period} AS start, d,
       sum(s) AS s, sum(n) AS n, min(lo) AS lo, max(hi) AS hi
FROM started GROUP BY ALL ORDER BY ALL
"""


def _ndjson_lines(paths: Sequence[str]) -> str:
    listed = ", ".join(quote(path) for path in paths)
    return f"SELECT json AS j FROM read_ndjson_objects([{listed}], ignore_errors = true)"


def _extracted(columns: _Columns) -> str:
    return ",\n         ".join(
        f"x[{n + 1}] AS {name}, json_type(x[{n + 1}]) AS {_kind(name)},"
        f" json_extract_string(x[{n + 1}], '$') AS {_text(name)}"
        for n, name in enumerate(columns.paths.values())
    )
