-- Issue 14: the real-name profile a volunteer gives in chat after agreeing
-- to (实名), and the certificates (志愿服务记录证明) issued from the
-- records. The ID number is never stored whole: id_sealed is its AES-GCM
-- sealed text (the key is configuration, its name is in the text),
-- id_masked what every page shows (3708**********1234). 注销 blanks all of
-- it and revokes the user's certificates, blanking their holder.
-- 00013 is another branch's. Same columns and meaning as the SQLite schema.

-- +goose Up
ALTER TABLE users
    ADD COLUMN id_type text NOT NULL DEFAULT '',
    ADD COLUMN id_sealed text NOT NULL DEFAULT '',
    ADD COLUMN id_masked text NOT NULL DEFAULT '',
    ADD COLUMN gender text NOT NULL DEFAULT '' CHECK (gender IN ('', '男', '女')),
    ADD COLUMN birth_year integer CHECK (birth_year BETWEEN 1900 AND 2200),
    ADD COLUMN id_consent_at timestamptz, -- agreed to give the ID (实名 → 同意实名)
    ADD COLUMN real_name_at timestamptz;  -- gave it

CREATE TABLE certificates (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number           text NOT NULL UNIQUE,
    user_id          bigint NOT NULL REFERENCES users (id),
    holder_name      text NOT NULL DEFAULT '',
    id_type          text NOT NULL DEFAULT '',
    id_masked        text NOT NULL DEFAULT '',
    volunteer_number text NOT NULL DEFAULT '',
    period_from      timestamptz,
    period_to        timestamptz,
    minutes          integer NOT NULL CHECK (minutes >= 0),
    activities       integer NOT NULL CHECK (activities >= 0),
    lines            jsonb NOT NULL DEFAULT '[]', -- service by activity line, as issued
    first_at         timestamptz,
    last_at          timestamptz,
    issuer           text NOT NULL,
    issued_at        timestamptz NOT NULL,
    issued_via       text NOT NULL CHECK (issued_via IN ('chat', 'admin')),
    issued_by        text NOT NULL DEFAULT '', -- the admin on the dashboard
    download_hash    text NOT NULL DEFAULT '', -- SHA-256 of the chat link's token
    revoked_at       timestamptz,
    revoked_by       text NOT NULL DEFAULT '',
    revoke_reason    text NOT NULL DEFAULT ''
);
CREATE INDEX certificates_user_id_idx ON certificates (user_id);

-- +goose Down
DROP TABLE certificates;
ALTER TABLE users
    DROP COLUMN real_name_at,
    DROP COLUMN id_consent_at,
    DROP COLUMN birth_year,
    DROP COLUMN gender,
    DROP COLUMN id_masked,
    DROP COLUMN id_sealed,
    DROP COLUMN id_type;
