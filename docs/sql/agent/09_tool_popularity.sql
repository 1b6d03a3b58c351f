-- tool_popularity: tool_call_started per tool, most called first.
SELECT tool_name, SUM(weight) AS call_count
FROM agent_events
WHERE event_type = 'tool_call_started'
GROUP BY tool_name
ORDER BY call_count DESC, tool_name;
