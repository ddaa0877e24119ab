-- Issue 14: the real-name profile a volunteer gives in chat after agreeing
-- to (实名), and the certificates (志愿服务记录证明) issued from the
-- records. The ID number is never stored whole: id_sealed is its AES-GCM
-- sealed text, id_masked what every page shows. 00013 is another
-- branch's. Same columns and meaning as the PostgreSQL schema.

-- +goose Up
ALTER TABLE users ADD COLUMN id_type TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN id_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN id_masked TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN gender TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', '男', '女'));
ALTER TABLE users ADD COLUMN birth_year INTEGER CHECK (birth_year BETWEEN 1900 AND 2200);
ALTER TABLE users ADD COLUMN id_consent_at TEXT;
ALTER TABLE users ADD COLUMN real_name_at TEXT;

CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    number           TEXT NOT NULL UNIQUE,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    holder_name      TEXT NOT NULL DEFAULT '',
    id_type          TEXT NOT NULL DEFAULT '',
    id_masked        TEXT NOT NULL DEFAULT '',
    volunteer_number TEXT NOT NULL DEFAULT '',
    period_from      TEXT,
    period_to        TEXT,
    minutes          INTEGER NOT NULL CHECK (minutes >= 0),
    activities       INTEGER NOT NULL CHECK (activities >= 0),
    lines            TEXT NOT NULL DEFAULT '[]',
    first_at         TEXT,
    last_at          TEXT,
    issuer           TEXT NOT NULL,
    issued_at        TEXT NOT NULL,
    issued_via       TEXT NOT NULL CHECK (issued_via IN ('chat', 'admin')),
    issued_by        TEXT NOT NULL DEFAULT '',
    download_hash    TEXT NOT NULL DEFAULT '',
    revoked_at       TEXT,
    revoked_by       TEXT NOT NULL DEFAULT '',
    revoke_reason    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX certificates_user_id_idx ON certificates (user_id);

-- +goose Down
DROP TABLE certificates;
ALTER TABLE users DROP COLUMN real_name_at;
ALTER TABLE users DROP COLUMN id_consent_at;
ALTER TABLE users DROP COLUMN birth_year;
ALTER TABLE users DROP COLUMN gender;
ALTER TABLE users DROP COLUMN id_masked;
ALTER TABLE users DROP COLUMN id_sealed;
ALTER TABLE users DROP COLUMN id_type;
