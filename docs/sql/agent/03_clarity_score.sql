-- clarity_score: 1 - (schema_validation_error + wrong_tool_error + tool_call_retry)
--                    / tool_call_started
SELECT
    1.0 - CAST(
        COUNT(
            CASE
                WHEN event_type IN ('schema_validation_error', 'wrong_tool_error', 'tool_call_retry')
                    THEN 1
            END
        ) AS DOUBLE
    ) / NULLIF(COUNT(CASE WHEN event_type = 'tool_call_started' THEN 1 END), 0) AS clarity_score
FROM agent_events;
