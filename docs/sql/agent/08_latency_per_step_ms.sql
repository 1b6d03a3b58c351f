-- latency_per_step_ms: for each tool_call_completed, the milliseconds since the previous
-- tool_call_started or tool_call_completed of the same session, ordered by (timestamp,
-- call_sequence, started before completed). p50 and p95 are nearest-rank percentiles: the
-- value at rank ceil(p * n / 100) of the n sorted latencies.
WITH steps AS (
    SELECT
        event_type,
        ts_ms - LAG(ts_ms) OVER (
            PARTITION BY session_id
            ORDER BY
                ts_ms,
                call_sequence NULLS LAST,
                CASE WHEN event_type = 'tool_call_started' THEN 0 ELSE 1 END
        ) AS latency_ms
    FROM agent_events
    WHERE event_type IN ('tool_call_started', 'tool_call_completed')
),
samples AS (
    SELECT latency_ms
    FROM steps
    WHERE event_type = 'tool_call_completed' AND latency_ms IS NOT NULL
),
ranked AS (
    SELECT
        latency_ms,
        ROW_NUMBER() OVER (ORDER BY latency_ms) AS rn,
        COUNT(*) OVER () AS n
    FROM samples
)
SELECT
    MAX(CASE WHEN rn = CEIL(50 * n / 100.0) THEN latency_ms END) AS p50,
    MAX(CASE WHEN rn = CEIL(95 * n / 100.0) THEN latency_ms END) AS p95,
    AVG(CAST(latency_ms AS DOUBLE)) AS mean
FROM ranked;
