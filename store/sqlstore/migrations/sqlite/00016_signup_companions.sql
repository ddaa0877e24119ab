-- Issue 15: a sign-up can bring companions (报名 A12 带2人, a 接龙 line
-- "+1" or "（家属2人）"). They hold seats with the volunteer: the quota
-- counts 1 + companions per seated sign-up, and a group that does not fit
-- waits together. Same column and meaning as the PostgreSQL schema.

-- +goose Up
ALTER TABLE signups ADD COLUMN companions INTEGER NOT NULL DEFAULT 0 CHECK (companions BETWEEN 0 AND 9);

-- +goose Down
ALTER TABLE signups DROP COLUMN companions;
