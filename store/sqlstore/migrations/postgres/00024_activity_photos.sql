-- Issue 13, item 4: evidence photos kept. Every photo sent after 活动签到
-- (several within the follow-up window) is a row here, downloaded from
-- WeChat's media API into the data directory (path, relative to it) by the
-- photo-downloads job; WeChat deletes the MediaId after 3 days, so a
-- failed download is retried (next_attempt_at) and, after the last try,
-- marked failed with its error. Same columns and meaning as the SQLite
-- schema.

-- +goose Up
CREATE TABLE activity_photos (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_id     bigint NOT NULL REFERENCES activities (id),
    media_id        text NOT NULL,
    path            text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL,
    stored_at       timestamptz,
    UNIQUE (activity_id, media_id)
);
CREATE INDEX activity_photos_pending_idx ON activity_photos (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE activity_photos;
