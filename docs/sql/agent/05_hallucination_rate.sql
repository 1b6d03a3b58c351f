-- hallucination_rate: hallucinated_tool_call / distinct sessions (of any agent event)
SELECT
    CAST(SUM(CASE WHEN event_type = 'hallucinated_tool_call' THEN weight ELSE 0 END) AS DOUBLE)
    / NULLIF(COUNT(DISTINCT session_id), 0) AS hallucination_rate
FROM agent_events;
