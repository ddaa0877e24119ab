-- Issue 15: points and star levels. A volunteer's name shows on the
-- community's leaderboard only when they opted in (积分榜显示姓名); others
-- are listed anonymously. Points and levels are computed from confirmed
-- hours and ratings, not stored; a level is announced once through the
-- outbox's unique key. Same column and meaning as the PostgreSQL schema.

-- +goose Up
ALTER TABLE users ADD COLUMN leaderboard_public INTEGER NOT NULL DEFAULT 0 CHECK (leaderboard_public IN (0, 1));

-- +goose Down
ALTER TABLE users DROP COLUMN leaderboard_public;
