-- answer_completeness_rate: answer_complete / (answer_complete + answer_incomplete)
SELECT
    CAST(SUM(CASE WHEN event_type = 'answer_complete' THEN weight ELSE 0 END) AS DOUBLE)
    / NULLIF(SUM(CASE WHEN event_type IN ('answer_complete', 'answer_incomplete') THEN weight ELSE 0 END), 0)
        AS answer_completeness_rate
FROM agent_events;
