-- task_completion_rate: sessions with session_completed / sessions with session_start.
SELECT
    CAST(COUNT(DISTINCT CASE WHEN event_type = 'session_completed' THEN session_id END) AS DOUBLE)
    / NULLIF(COUNT(DISTINCT CASE WHEN event_type = 'session_start' THEN session_id END), 0)
        AS task_completion_rate
FROM agent_events;
