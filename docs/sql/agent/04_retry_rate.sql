-- retry_rate: tool_call_retry / tool_call_started
SELECT
    CAST(SUM(CASE WHEN event_type = 'tool_call_retry' THEN weight ELSE 0 END) AS DOUBLE)
    / NULLIF(SUM(CASE WHEN event_type = 'tool_call_started' THEN weight ELSE 0 END), 0) AS retry_rate
FROM agent_events;
