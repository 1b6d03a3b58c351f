-- agent_events: the agent events of schemalog JSON-lines logs, as the metric queries read them.
-- DuckDB. Point it at the logs (a file, a glob, a list; .gz is read too), then read this file:
--   SET VARIABLE agent_log = 'logs/*.jsonl';
--   .read docs/sql/agent/events_duckdb.sql
-- Only the columns the metrics use are read; a key missing from a line reads as NULL.
-- weight: how many events a line stands for (1 / sample_rate on a sampled line, else 1).
CREATE OR REPLACE VIEW agent_events AS
SELECT
    event_type,
    session_id,
    user_id,
    -- The tool an event is about: the name asked for by a hallucinated call, and the tool
    -- switched away from by a wrong-tool error.
    CASE event_type
        WHEN 'hallucinated_tool_call' THEN requested_tool_name
        WHEN 'wrong_tool_error' THEN first_tool_name
        ELSE tool_name
    END AS tool_name,
    success,
    call_sequence,
    epoch_ms(CAST("timestamp" AS TIMESTAMP)) AS ts_ms,
    CASE WHEN sample_rate > 0 AND sample_rate <= 1 THEN 1.0 / sample_rate ELSE 1.0 END AS weight
FROM read_json_auto(
    getvariable('agent_log'),
    format = 'newline_delimited',
    columns = {
        'timestamp': 'VARCHAR',
        'event_type': 'VARCHAR',
        'session_id': 'VARCHAR',
        'user_id': 'VARCHAR',
        'tool_name': 'VARCHAR',
        'requested_tool_name': 'VARCHAR',
        'first_tool_name': 'VARCHAR',
        'success': 'BOOLEAN',
        'call_sequence': 'BIGINT',
        'sample_rate': 'DOUBLE'
    }
)
WHERE event_type IN (
    'session_start', 'session_end', 'session_completed', 'session_failed', 'session_abandoned',
    'tool_call_started', 'tool_call_completed', 'tool_call_failed', 'tool_call_retry',
    'hallucinated_tool_call', 'schema_validation_error', 'wrong_tool_error',
    'task_completed', 'answer_complete', 'answer_incomplete'
);
