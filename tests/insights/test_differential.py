"""Logs Insights queries run locally give what an independent DuckDB SQL evaluation gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalog import insights
from tests.insights.logs import EVENT_TYPES, USERS, duckdb_view, make_events, write

EVENTS = make_events(600)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the generated logs once for the module."""
    return write(tmp_path_factory.mktemp("insights") / "events.jsonl", EVENTS)


def sql(path: Path, query: str) -> list[tuple[Any, ...]]:
    """Run SQL over the logs (as table ``logs``) in a fresh in-memory DuckDB."""
    with duckdb.connect() as connection:
        connection.execute(f"CREATE VIEW logs AS {duckdb_view(path)}")
        return connection.execute(query).fetchall()


def local(query: str) -> list[tuple[Any, ...]]:
    """Run a query with the local engine; return its rows as tuples in column order."""
    result = insights.run(query, EVENTS)
    return [tuple(row[name] for name in result.columns) for row in result.rows]


BIN_30M = "strftime(to_timestamp((ts // 1800000) * 1800)::TIMESTAMP, '%Y-%m-%d %H:%M:%S.000')"

# Each pair: a query in the style of AWS's sample queries, and the same question in SQL.
PAIRS = [
    # The console's default query, and AWS's "25 most recently added log events".
    (
        "fields @timestamp, @message | sort @timestamp desc | limit 25 | display @timestamp",
        "SELECT strftime(make_timestamp(ts * 1000), '%Y-%m-%d %H:%M:%S.%g') FROM logs"
        " ORDER BY ts DESC LIMIT 25",
    ),
    # "Number of exceptions logged every hour", with this log's word for them.
    (
        "filter @message like /method:PUT/ | stats count(*) as exceptionCount by bin(30m)"
        " as t | sort exceptionCount desc, t asc",
        f"SELECT {BIN_30M} AS t, count(*) AS n FROM logs WHERE contains(msg, 'method:PUT')"
        " GROUP BY t ORDER BY n DESC, t ASC",
    ),
    # AWS's parse example, with its @-named fields.
    (
        'parse msg "user=*, method:*, latency := *" as @user, @method, @latency'
        " | stats avg(@latency) as mean by @method, @user | sort @method, @user",
        "SELECT split_part(split_part(msg, 'method:', 2), ',', 1) AS m,"
        " split_part(split_part(msg, 'user=', 2), ',', 1) AS u,"
        " avg(CAST(split_part(msg, 'latency := ', 2) AS DOUBLE)) FROM logs"
        " GROUP BY m, u ORDER BY m, u",
    ),
    # "Average, maximum and minimum duration in 5-minute bins" (the Lambda REPORT example).
    (
        'filter level = "error" | stats avg(duration_ms) as a, max(duration_ms) as hi,'
        " min(duration_ms) as lo by bin(5m) as t | sort t | limit 10",
        "SELECT strftime(to_timestamp((ts // 300000) * 300)::TIMESTAMP,"
        " '%Y-%m-%d %H:%M:%S.000') AS t, avg(duration_ms), max(duration_ms), min(duration_ms)"
        " FROM logs WHERE level = 'error' GROUP BY t ORDER BY t LIMIT 10",
    ),
    (
        'filter event_type = "proxy_error"'
        " | stats count(*) as errors by bin(1h) as hour | sort hour",
        "SELECT strftime(to_timestamp((ts // 3600000) * 3600)::TIMESTAMP,"
        " '%Y-%m-%d %H:%M:%S.000'), count(*) FROM logs WHERE event_type = 'proxy_error'"
        " GROUP BY 1 ORDER BY 1",
    ),
    (
        "stats avg(duration_ms) as a, max(duration_ms) as hi, min(duration_ms) as lo,"
        " count(duration_ms) as n by event_type | sort event_type",
        "SELECT event_type, avg(duration_ms), max(duration_ms), min(duration_ms),"
        " count(duration_ms) FROM logs GROUP BY 1 ORDER BY 1",
    ),
    (
        "stats count_distinct(user_id) as users, count(*) as events",
        "SELECT count(DISTINCT user_id), count(*) FROM logs",
    ),
    (
        "filter status_code in [500, 503] and ispresent(user_id)"
        " | stats count(*) as n by user_id | sort n desc, user_id asc | limit 3",
        "SELECT user_id, count(*) AS n FROM logs WHERE status_code IN (500, 503)"
        " AND user_id IS NOT NULL GROUP BY 1 ORDER BY n DESC, user_id ASC LIMIT 3",
    ),
    (
        'parse msg "user=*, method:*, latency := *" as who, verb, latency'
        " | stats avg(latency) as mean, sum(latency) as total by verb | sort verb",
        "SELECT split_part(split_part(msg, 'method:', 2), ',', 1) AS verb,"
        " avg(CAST(split_part(msg, 'latency := ', 2) AS DOUBLE)),"
        " sum(CAST(split_part(msg, 'latency := ', 2) AS BIGINT)) FROM logs GROUP BY 1 ORDER BY 1",
    ),
    (
        "filter request.path like /models$/ | stats count(*) as n by request.method"
        " | sort request.method",
        "SELECT request.method, count(*) FROM logs WHERE regexp_matches(request.path, 'models$')"
        " GROUP BY 1 ORDER BY 1",
    ),
    (
        "stats pct(duration_ms, 90) as p90, pct(duration_ms, 50) as p50 by level | sort level",
        "SELECT level, quantile_disc(duration_ms, 0.9), quantile_disc(duration_ms, 0.5)"
        " FROM logs GROUP BY 1 ORDER BY 1",
    ),
    (
        'filter level != "info" | fields duration_ms * 2 as twice, event_id'
        " | sort twice desc | limit 5 | display event_id, twice",
        "SELECT event_id, duration_ms * 2 AS twice FROM logs WHERE level != 'info'"
        " ORDER BY twice DESC NULLS LAST LIMIT 5",
    ),
    (
        "stats earliest(event_id) as first, latest(event_id) as last by user_id | sort user_id",
        "SELECT user_id, arg_min(event_id, ts), arg_max(event_id, ts) FROM logs"
        " WHERE user_id IS NOT NULL GROUP BY 1 ORDER BY 1",
    ),
]


@pytest.mark.parametrize(("query", "statement"), PAIRS)
def test_query_matches_duckdb(logs: Path, query: str, statement: str) -> None:
    """Each sample query gives the rows its SQL translation gives in DuckDB."""
    mine = local(query)
    theirs = sql(logs, statement)
    if "earliest" in query:  # events without user_id form their own group locally
        mine = [row for row in mine if row[0] is not None]
    assert _rounded(mine) == _rounded(theirs)
    assert mine, "a query that matches nothing proves little"


def _rounded(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Round floats to 9 significant digits: the sums add the same numbers in another order."""
    return [tuple(float(f"{v:.9g}") if isinstance(v, float) else v for v in row) for row in rows]


# Random filter conditions, written in both languages by one generator.
def _atom() -> st.SearchStrategy[tuple[str, str]]:
    number = st.integers(min_value=0, max_value=900)
    return st.one_of(
        st.sampled_from(EVENT_TYPES).map(lambda v: (f'event_type = "{v}"', f"event_type = '{v}'")),
        st.sampled_from(USERS).map(lambda v: (f'user_id != "{v}"', f"user_id != '{v}'")),
        st.tuples(st.sampled_from(("<", ">=", ">")), number).map(
            lambda t: (f"duration_ms {t[0]} {t[1]}", f"duration_ms {t[0]} {t[1]}")
        ),
        st.sampled_from(("ch", "od", "v1")).map(
            lambda v: (f'request.path like "{v}"', f"contains(request.path, '{v}')")
        ),
        st.sampled_from(("^user=a", "GET", "latency := 4")).map(
            lambda v: (f"msg like /{v}/", f"regexp_matches(msg, '{v}')")
        ),
        st.sampled_from(("user_id", "status_code")).map(
            lambda v: (f"ispresent({v})", f"{v} IS NOT NULL")
        ),
        st.lists(st.sampled_from((200, 400, 404, 500)), min_size=1, max_size=3).map(
            lambda vs: (
                f"status_code in [{', '.join(map(str, vs))}]",
                f"status_code IN ({', '.join(map(str, vs))})",
            )
        ),
    ).map(lambda pair: (pair[0], f"COALESCE({pair[1]}, false)"))


def _combine(children: st.SearchStrategy[tuple[str, str]]) -> st.SearchStrategy[tuple[str, str]]:
    both = st.tuples(children, children, st.sampled_from(("and", "or")))
    return st.one_of(
        both.map(lambda t: (f"({t[0][0]}) {t[2]} ({t[1][0]})", f"({t[0][1]}) {t[2]} ({t[1][1]})")),
        children.map(lambda c: (f"not ({c[0]})", f"NOT ({c[1]})")),
    )


@settings(max_examples=60, deadline=None)
@given(st.recursive(_atom(), _combine, max_leaves=5))
def test_random_filters_count_as_duckdb(logs: Path, condition: tuple[str, str]) -> None:
    """Any combination of comparisons, like, in, ispresent, and/or/not selects what SQL does."""
    query = f"filter {condition[0]} | stats count(*) as n, count_distinct(user_id) as u"
    statement = f"SELECT count(*), count(DISTINCT user_id) FROM logs WHERE {condition[1]}"
    assert local(query) == sql(logs, statement)
