-- agent_events for Amazon Athena (Trino) over logs archived to S3 (one JSON object per line).
-- Two statements: run them one at a time. Replace the LOCATION with your archive's prefix.
-- The metric queries (01_... to 10_...) then run unchanged.
CREATE EXTERNAL TABLE IF NOT EXISTS schemalog_events (
    `timestamp` string,
    event_type string,
    session_id string,
    user_id string,
    tool_name string,
    requested_tool_name string,
    first_tool_name string,
    success boolean,
    call_sequence bigint,
    sample_rate double
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://YOUR-BUCKET/schemalog/';

CREATE OR REPLACE VIEW agent_events AS
SELECT
    event_type,
    session_id,
    user_id,
    CASE event_type
        WHEN 'hallucinated_tool_call' THEN requested_tool_name
        WHEN 'wrong_tool_error' THEN first_tool_name
        ELSE tool_name
    END AS tool_name,
    success,
    call_sequence,
    CAST(round(to_unixtime(from_iso8601_timestamp("timestamp")) * 1000) AS bigint) AS ts_ms,
    -- how many events a line stands for (1 / sample_rate on a sampled line, else 1)
    CASE WHEN sample_rate > 0 AND sample_rate <= 1 THEN 1.0 / sample_rate ELSE 1.0 END AS weight
FROM schemalog_events
WHERE event_type IN (
    'session_start', 'session_end', 'session_completed', 'session_failed', 'session_abandoned',
    'tool_call_started', 'tool_call_completed', 'tool_call_failed', 'tool_call_retry',
    'hallucinated_tool_call', 'schema_validation_error', 'wrong_tool_error',
    'task_completed', 'answer_complete', 'answer_incomplete'
);
