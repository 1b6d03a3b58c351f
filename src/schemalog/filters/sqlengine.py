"""``schemalog count --engine duckdb``: the count query of :mod:`sql`, run by DuckDB.

DuckDB is an optional dependency (``pip install 'schemalog[duckdb]'``), imported only here and
only when this engine runs. Its answer fills the same :class:`Aggregator` as the local scan, so
the report is the same whichever engine counted.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemalog.exceptions import InputError
from schemalog.filters.aggregate import Aggregator, Stats
from schemalog.filters.filters import MetricFilter
from schemalog.filters.sql import count_sql
from schemalog.lines.reader import STDIN


def count_with_duckdb(
    paths: Sequence[str],
    filters: list[MetricFilter],
    period: int,
    *,
    scale: bool = True,
    database: str | None = None,
    source: str | None = None,
) -> Aggregator:
    """Count ``paths`` through ``filters`` in DuckDB; return the aggregated statistics.

    ``scale``: a sampled line counts ``1 / sample_rate`` times, as in the local scanner.
    ``database`` and ``source``: count the lines ``source`` selects from that DuckDB file
    (read only) instead of ``paths``.

    Raises FilterError for a filter with no SQL translation, InputError when DuckDB is not
    installed or cannot read an input.
    """
    lines = [_source(path) for path in paths]
    query = count_sql(lines, filters, period, scale=scale, source=source)
    try:
        import duckdb
    except ImportError:
        raise InputError("--engine duckdb needs DuckDB: pip install 'schemalog[duckdb]'") from None
    aggregator = Aggregator(filters, period)
    try:
        connection = duckdb.connect(database or ":memory:", read_only=database is not None)
    except duckdb.Error as error:
        raise InputError(f"{database}: {str(error).splitlines()[0]}") from None
    try:
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute("SET enable_progress_bar = false")
        rows = connection.execute(query).fetchall()
    except duckdb.Error as error:
        raise InputError(f"DuckDB could not count: {str(error).splitlines()[0]}") from None
    finally:
        connection.close()
    for index, start, values, total, count, low, high in rows:
        names = sorted(filters[index].dimensions)
        dimensions = tuple(zip(names, values, strict=True)) if values is not None else ()
        aggregator.series[index, start, dimensions] = Stats(total, count, low, high)
    return aggregator


def _source(path: str) -> str:
    return "/dev/stdin" if path == STDIN else path
