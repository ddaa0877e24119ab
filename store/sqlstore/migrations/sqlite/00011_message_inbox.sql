-- Chat messages answered "success" before their handler was done (WeChat
-- will not deliver them again), kept until processed: a replica that dies
-- with one unfinished leaves it here, and another takes it over when its
-- lease has run out. RecordProcessed deletes the row; 注销 deletes the
-- user's rows (the body holds what they typed).

-- +goose Up
CREATE TABLE message_inbox (
    dedup_key   TEXT PRIMARY KEY,
    openid      TEXT NOT NULL,
    body        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    received_at TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX message_inbox_lease_idx ON message_inbox (lease_until);
CREATE INDEX message_inbox_openid_idx ON message_inbox (openid);

-- +goose Down
DROP TABLE message_inbox;
