-- schema_violation_rate: schema_validation_error / tool_call_started
SELECT
    CAST(SUM(CASE WHEN event_type = 'schema_validation_error' THEN weight ELSE 0 END) AS DOUBLE)
    / NULLIF(SUM(CASE WHEN event_type = 'tool_call_started' THEN weight ELSE 0 END), 0)
        AS schema_violation_rate
FROM agent_events;
