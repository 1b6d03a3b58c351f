-- recovery_rate: sessions with a tool_call_failed or schema_validation_error that have a
-- session_completed with success true / sessions with such an error
WITH errored AS (
    SELECT DISTINCT session_id
    FROM agent_events
    WHERE event_type IN ('tool_call_failed', 'schema_validation_error')
        AND session_id IS NOT NULL
),
recovered AS (
    SELECT DISTINCT session_id
    FROM agent_events
    WHERE event_type = 'session_completed' AND success = TRUE AND session_id IS NOT NULL
)
SELECT CAST(COUNT(r.session_id) AS DOUBLE) / NULLIF(COUNT(*), 0) AS recovery_rate
FROM errored AS e
LEFT JOIN recovered AS r ON r.session_id = e.session_id;
