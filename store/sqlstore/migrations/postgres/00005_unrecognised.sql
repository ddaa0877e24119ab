-- What the bot did not understand, for the dashboard page 未识别消息: one row
-- per distinct text, already masked (mobiles and ID numbers hidden, names of
-- registered users replaced by 某某), with how often it came, when first and
-- last, and the sender's role at the last occurrence. No OpenID or user id
-- is kept with it. Rows last seen more than 90 days ago are pruned daily.
-- Same tables and meaning as the SQLite schema.

-- +goose Up
CREATE TABLE unrecognised_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text          text NOT NULL UNIQUE,
    count         integer NOT NULL DEFAULT 1 CHECK (count > 0),
    role          text NOT NULL CHECK (role IN ('resident', 'volunteer', 'envoy', 'admin')),
    first_seen_at timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL
);
CREATE INDEX unrecognised_messages_count_idx ON unrecognised_messages (count DESC, last_seen_at DESC);
CREATE INDEX unrecognised_messages_last_seen_idx ON unrecognised_messages (last_seen_at);
-- Names in an unrecognised text are looked up among real names by equality.
CREATE INDEX IF NOT EXISTS users_real_name_idx ON users (real_name);

-- +goose Down
-- users_real_name_idx stays: it may predate this migration, and it costs little.
DROP TABLE unrecognised_messages;
