-- Issue 11 (one rule per action, limits): an attendance whose confirmed
-- minutes an admin corrected on the dashboard is marked, so that a later
-- 确认时长 in chat leaves the correction alone; the daily publishing cap
-- counts an envoy's activities and lectures by creation time.
-- Same columns and meaning as the PostgreSQL schema.

-- +goose Up
ALTER TABLE attendances ADD COLUMN hours_corrected INTEGER NOT NULL DEFAULT 0 CHECK (hours_corrected IN (0, 1));
CREATE INDEX activities_envoy_created_idx ON activities (envoy_id, created_at);
CREATE INDEX lectures_envoy_created_idx ON lectures (envoy_id, created_at);

-- +goose Down
DROP INDEX lectures_envoy_created_idx;
DROP INDEX activities_envoy_created_idx;
ALTER TABLE attendances DROP COLUMN hours_corrected;
