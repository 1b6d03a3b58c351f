-- Get average response times
SELECT 
  labels->>'endpoint' as endpoint,
  AVG(value) as avg_duration_ms
FROM analytics_metrics
WHERE metric_name = 'api_request_duration_ms'
  AND timestamp > NOW() - INTERVAL '1 day'
GROUP BY labels->>'endpoint'
ORDER BY avg_duration_ms DESC;
