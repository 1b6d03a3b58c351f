-- Get events for a family unit
SELECT * FROM analytics_events
WHERE family_unit_id = '660e8400-e29b-41d4-a716-446655440001'
ORDER BY timestamp DESC;
