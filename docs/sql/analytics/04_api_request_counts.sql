-- Get API request counts by endpoint
SELECT 
  labels->>'endpoint' as endpoint,
  SUM(value) as total_requests
FROM analytics_metrics
WHERE metric_name = 'api_request_count'
  AND timestamp > NOW() - INTERVAL '1 day'
GROUP BY labels->>'endpoint'
ORDER BY total_requests DESC;
