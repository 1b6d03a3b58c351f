-- steps_to_goal: mean number of tool_call_started in the sessions whose session_completed has
-- success true (a successful session with no tool call counts as 0 steps). A sampled line
-- counts as its weight, 1 / sample_rate (see events_duckdb.sql), here and in the other counts.
WITH successful AS (
    SELECT DISTINCT session_id
    FROM agent_events
    WHERE event_type = 'session_completed' AND success = TRUE AND session_id IS NOT NULL
),
steps AS (
    SELECT s.session_id, COALESCE(SUM(e.weight), 0) AS tool_calls
    FROM successful AS s
    LEFT JOIN agent_events AS e
        ON e.session_id = s.session_id AND e.event_type = 'tool_call_started'
    GROUP BY s.session_id
)
SELECT AVG(CAST(tool_calls AS DOUBLE)) AS steps_to_goal
FROM steps;
