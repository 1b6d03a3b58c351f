-- answer_completeness_rate: answer_complete / (answer_complete + answer_incomplete)
SELECT
    CAST(COUNT(CASE WHEN event_type = 'answer_complete' THEN 1 END) AS DOUBLE)
    / NULLIF(COUNT(CASE WHEN event_type IN ('answer_complete', 'answer_incomplete') THEN 1 END), 0)
        AS answer_completeness_rate
FROM agent_events;
