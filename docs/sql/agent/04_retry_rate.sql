-- retry_rate: tool_call_retry / tool_call_started
SELECT
    CAST(COUNT(CASE WHEN event_type = 'tool_call_retry' THEN 1 END) AS DOUBLE)
    / NULLIF(COUNT(CASE WHEN event_type = 'tool_call_started' THEN 1 END), 0) AS retry_rate
FROM agent_events;
