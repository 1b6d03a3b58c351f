-- Get events for a specific user
SELECT * FROM analytics_events
WHERE user_id = '550e8400-e29b-41d4-a716-446655440000'
ORDER BY timestamp DESC;
