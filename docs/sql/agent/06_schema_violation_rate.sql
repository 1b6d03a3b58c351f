-- schema_violation_rate: schema_validation_error / tool_call_started
SELECT
    CAST(COUNT(CASE WHEN event_type = 'schema_validation_error' THEN 1 END) AS DOUBLE)
    / NULLIF(COUNT(CASE WHEN event_type = 'tool_call_started' THEN 1 END), 0)
        AS schema_violation_rate
FROM agent_events;
