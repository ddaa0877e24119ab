-- Issue 13, item 6: a seated volunteer confirms, within 24 h of the start,
-- that they will come (确认参加 A12); envoys see how many did. Same meaning
-- as the SQLite schema.

-- +goose Up
ALTER TABLE signups ADD COLUMN confirmed_at timestamptz; -- NULL until confirmed

-- +goose Down
ALTER TABLE signups DROP COLUMN confirmed_at;
