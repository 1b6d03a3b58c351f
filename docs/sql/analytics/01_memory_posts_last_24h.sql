-- Get all memory posts in the last 24 hours
SELECT * FROM analytics_events
WHERE event_type = 'memory_posted'
  AND timestamp > NOW() - INTERVAL '24 hours'
ORDER BY timestamp DESC;
