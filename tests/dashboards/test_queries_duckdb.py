"""The dashboards' Logs Insights widgets, run locally, answer as the same SQL does in DuckDB."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from schemalog import insights
from schemalog.dashboards.definitions import Kpi, all_kpis, load_dashboards
from tests.dashboards.traffic import make_traffic, write

COLUMNS = (
    "{timestamp: 'VARCHAR', event_type: 'VARCHAR', session_id: 'VARCHAR', user_id: 'VARCHAR',"
    " api_key_id: 'VARCHAR', request_id: 'VARCHAR', model_count: 'BIGINT',"
    " session_duration: 'BIGINT'}"
)

# The same question as each query KPI, written in SQL over the raw lines.
SQL = {
    "avg_session_duration": """
        SELECT avg((closed - opened) / 1000) FROM (
          SELECT session_id, min(ts) AS opened, max(ts) AS closed,
                 count(DISTINCT event_type) AS kinds
          FROM logs WHERE event_type IN ('session_created', 'session_marked_inactive')
            AND session_id IS NOT NULL GROUP BY session_id) WHERE kinds = 2""",
    "active_api_keys": "SELECT count(DISTINCT api_key_id) FROM logs",
    "active_users": "SELECT count(DISTINCT user_id) FROM logs",
    "prompts_per_user": """
        SELECT count(*) / count(DISTINCT user_id) FROM logs
        WHERE event_type = 'chat_completion_request_start'""",
    "api_keys_per_user": """
        SELECT avg(keys) FROM (SELECT user_id, count(DISTINCT api_key_id) AS keys FROM logs
          WHERE event_type = 'api_key_created' AND user_id IS NOT NULL GROUP BY user_id)""",
    "avg_request_duration": """
        SELECT avg(ended - began) FROM (
          SELECT request_id, min(ts) AS began, max(ts) AS ended,
                 count(DISTINCT event_type) AS kinds
          FROM logs WHERE event_type IN
            ('chat_completion_request_start', 'stream_completed', 'chat_completion_success')
            AND request_id IS NOT NULL GROUP BY request_id) WHERE kinds >= 2""",
    "available_models": """
        SELECT arg_max(model_count, ts) FROM logs
        WHERE event_type IN ('cache_refresh', 'model_service_init_success')
          AND model_count IS NOT NULL""",
    "automation_adoption_rate": """
        SELECT sum(adopted) / count(*) FROM (
          SELECT user_id, count(DISTINCT CASE WHEN event_type = 'automation_enabled'
                                         THEN event_type END) AS adopted
          FROM logs WHERE user_id IS NOT NULL GROUP BY user_id)""",
    "avg_automation_session_duration": """
        SELECT avg(session_duration) FROM logs
        WHERE event_type = 'automation_enabled' AND session_duration IS NOT NULL""",
}
QUERY_KPIS = [kpi for kpi in all_kpis(load_dashboards()) if kpi.query is not None]


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the generated traffic once."""
    return write(tmp_path_factory.mktemp("traffic") / "events.jsonl", make_traffic(seed=11))


def test_every_query_kpi_has_a_sql_twin() -> None:
    """Each Logs Insights widget of the definitions is checked below."""
    assert {kpi.id for kpi in QUERY_KPIS} == set(SQL)


@pytest.mark.parametrize("kpi", QUERY_KPIS, ids=lambda kpi: kpi.id)
def test_query_kpi_equals_duckdb(lines: Path, kpi: Kpi) -> None:
    """The widget's query over the lines gives DuckDB's answer to the same question."""
    events = list(insights.read_events([str(lines)]))
    mine = insights.execute(kpi.parsed_query, events).column("value")
    with duckdb.connect() as connection:
        connection.execute(
            "CREATE VIEW logs AS SELECT *, epoch_ms(CAST(replace(timestamp, 'Z', '') AS TIMESTAMP))"
            f" AS ts FROM read_ndjson('{lines}', columns={COLUMNS})"
        )
        row = connection.execute(SQL[kpi.id]).fetchone()
    assert row is not None and row[0] is not None
    assert mine == [pytest.approx(float(row[0]))]
