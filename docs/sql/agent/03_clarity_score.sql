-- clarity_score: 1 - (schema_validation_error + wrong_tool_error + tool_call_retry)
--                    / tool_call_started
SELECT
    1.0 - CAST(
        SUM(
            CASE
                WHEN event_type IN ('schema_validation_error', 'wrong_tool_error', 'tool_call_retry')
                    THEN weight
                ELSE 0
            END
        ) AS DOUBLE
    ) / NULLIF(SUM(CASE WHEN event_type = 'tool_call_started' THEN weight ELSE 0 END), 0) AS clarity_score
FROM agent_events;
