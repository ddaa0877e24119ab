-- The whole campaign domain of SPEC.md, in one initial migration so that later
-- features add Go code, not schema churn. Same tables and meaning as the
-- PostgreSQL schema. Times are TEXT in UTC, RFC 3339 with exactly six
-- fractional digits (2026-12-05T06:30:00.000000Z), so text order is time order;
-- booleans are INTEGER 0 or 1. Tables are STRICT so a wrong type fails loudly.

-- +goose Up
CREATE TABLE communities (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    openid              TEXT NOT NULL UNIQUE,
    role                TEXT NOT NULL DEFAULT 'resident'
                        CHECK (role IN ('resident', 'volunteer', 'envoy', 'admin')),
    real_name           TEXT NOT NULL DEFAULT '',
    mobile              TEXT NOT NULL DEFAULT '',
    community_id        INTEGER REFERENCES communities (id),
    envoy_level         TEXT NOT NULL DEFAULT '' CHECK (envoy_level IN ('', '省', '市')),
    envoy_kind          TEXT NOT NULL DEFAULT '' CHECK (envoy_kind IN ('', '和谐使者', '敬老使者')),
    following           INTEGER NOT NULL DEFAULT 1 CHECK (following IN (0, 1)),
    last_interaction_at TEXT,
    last_lat            REAL,
    last_lng            REAL,
    last_location_at    TEXT,
    anonymised_at       TEXT, -- 注销: profile blanked, service records kept
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX users_community_id_idx ON users (community_id);
CREATE INDEX users_role_idx ON users (role);

CREATE TABLE invites (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('envoy', 'admin')),
    name        TEXT NOT NULL DEFAULT '',
    envoy_level TEXT NOT NULL DEFAULT '' CHECK (envoy_level IN ('', '省', '市')),
    envoy_kind  TEXT NOT NULL DEFAULT '' CHECK (envoy_kind IN ('', '和谐使者', '敬老使者')),
    expires_at  TEXT NOT NULL,
    used_by     INTEGER REFERENCES users (id),
    used_at     TEXT,
    created_by  INTEGER REFERENCES users (id), -- NULL when issued from the CLI
    created_at  TEXT NOT NULL
) STRICT;

-- Wrong invite codes, counted per user over a window to rate-limit guessing.
CREATE TABLE invite_failures (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      TEXT NOT NULL
) STRICT;
CREATE INDEX invite_failures_user_id_at_idx ON invite_failures (user_id, at);

-- 社区联系点: an envoy linked to a community.
CREATE TABLE contact_points (
    id           INTEGER PRIMARY KEY,
    envoy_id     INTEGER NOT NULL REFERENCES users (id),
    community_id INTEGER NOT NULL REFERENCES communities (id),
    created_at   TEXT NOT NULL,
    UNIQUE (envoy_id, community_id)
) STRICT;
CREATE INDEX contact_points_community_id_idx ON contact_points (community_id);

CREATE TABLE teams (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE, -- T3
    name         TEXT NOT NULL,
    envoy_id     INTEGER NOT NULL REFERENCES users (id),
    community_id INTEGER NOT NULL REFERENCES communities (id),
    created_at   TEXT NOT NULL
) STRICT;
CREATE INDEX teams_envoy_id_idx ON teams (envoy_id);
CREATE INDEX teams_community_id_idx ON teams (community_id);

CREATE TABLE team_members (
    team_id   INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id)
) STRICT;
CREATE INDEX team_members_user_id_idx ON team_members (user_id);

CREATE TABLE activities (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE, -- A13
    title               TEXT NOT NULL,
    category            TEXT NOT NULL,           -- activity line (类别), from configuration
    service_type        TEXT NOT NULL DEFAULT '', -- e.g. 心理疏导
    starts_at           TEXT NOT NULL,
    ends_at             TEXT NOT NULL,
    place               TEXT NOT NULL DEFAULT '',
    community_id        INTEGER NOT NULL REFERENCES communities (id),
    envoy_id            INTEGER NOT NULL REFERENCES users (id),
    quota               INTEGER NOT NULL DEFAULT 0 CHECK (quota >= 0), -- 0: no limit
    venue_lat           REAL,
    venue_lng           REAL,
    venue_radius_m      INTEGER CHECK (venue_radius_m > 0),
    qr_url              TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'closed', 'held', 'cancelled')),
    held_at             TEXT,                     -- 活动签到 by the envoy
    held_photo_media_id TEXT NOT NULL DEFAULT '', -- evidence photo
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK (ends_at >= starts_at)
) STRICT;
CREATE INDEX activities_starts_at_idx ON activities (starts_at);
CREATE INDEX activities_community_id_idx ON activities (community_id);
CREATE INDEX activities_envoy_id_idx ON activities (envoy_id);

CREATE TABLE signups (
    id            INTEGER PRIMARY KEY,
    activity_id   INTEGER NOT NULL REFERENCES activities (id),
    user_id       INTEGER NOT NULL REFERENCES users (id),
    status        TEXT NOT NULL CHECK (status IN ('seated', 'waitlisted', 'cancelled')),
    arrival_order INTEGER NOT NULL, -- first come first seated; promotion order of the wait-list
    source        TEXT NOT NULL DEFAULT 'chat' CHECK (source IN ('chat', 'import')),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (activity_id, user_id)
) STRICT;
CREATE INDEX signups_activity_id_status_order_idx ON signups (activity_id, status, arrival_order);
CREATE INDEX signups_user_id_idx ON signups (user_id);

CREATE TABLE attendances (
    id                INTEGER PRIMARY KEY,
    activity_id       INTEGER NOT NULL REFERENCES activities (id),
    user_id           INTEGER NOT NULL REFERENCES users (id),
    check_in_at       TEXT,
    check_in_lat      REAL,
    check_in_lng      REAL,
    check_out_at      TEXT,
    check_out_lat     REAL,
    check_out_lng     REAL,
    far_away          INTEGER NOT NULL DEFAULT 0 CHECK (far_away IN (0, 1)), -- outside the venue radius
    computed_minutes  INTEGER CHECK (computed_minutes >= 0),
    confirmed_minutes INTEGER CHECK (confirmed_minutes >= 0),
    confirmed_by      INTEGER REFERENCES users (id),
    confirmed_at      TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (activity_id, user_id)
) STRICT;
CREATE INDEX attendances_user_id_idx ON attendances (user_id);

-- Every change to service hours, never updated or deleted.
CREATE TABLE hours_audit (
    id            INTEGER PRIMARY KEY,
    attendance_id INTEGER NOT NULL REFERENCES attendances (id),
    actor_id      INTEGER REFERENCES users (id), -- NULL for the system or the CLI
    at            TEXT NOT NULL,
    reason        TEXT NOT NULL,
    old_minutes   INTEGER,
    new_minutes   INTEGER
) STRICT;
CREATE INDEX hours_audit_attendance_id_idx ON hours_audit (attendance_id);

-- +goose StatementBegin
CREATE TRIGGER hours_audit_no_update BEFORE UPDATE ON hours_audit
BEGIN
    SELECT RAISE(ABORT, 'hours_audit is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER hours_audit_no_delete BEFORE DELETE ON hours_audit
BEGIN
    SELECT RAISE(ABORT, 'hours_audit is append-only');
END;
-- +goose StatementEnd

CREATE TABLE lectures (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE, -- L3
    title           TEXT NOT NULL,
    community_id    INTEGER NOT NULL REFERENCES communities (id),
    envoy_id        INTEGER NOT NULL REFERENCES users (id),
    place           TEXT NOT NULL DEFAULT '',
    recurrence      TEXT NOT NULL DEFAULT '', -- '' for one-off, else e.g. 每月第一个周六 9:30
    first_starts_at TEXT NOT NULL,
    cancelled_at    TEXT, -- the whole series
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX lectures_community_id_idx ON lectures (community_id);

CREATE TABLE lecture_occurrences (
    id           INTEGER PRIMARY KEY,
    lecture_id   INTEGER NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    starts_at    TEXT NOT NULL,
    cancelled_at TEXT,
    UNIQUE (lecture_id, starts_at)
) STRICT;
CREATE INDEX lecture_occurrences_starts_at_idx ON lecture_occurrences (starts_at);

CREATE TABLE lecture_subscriptions (
    user_id      INTEGER NOT NULL REFERENCES users (id),
    community_id INTEGER NOT NULL REFERENCES communities (id),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, community_id)
) STRICT;
CREATE INDEX lecture_subscriptions_community_id_idx ON lecture_subscriptions (community_id) WHERE active = 1;

-- 志愿服务品牌: one per community.
CREATE TABLE brands (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL UNIQUE REFERENCES communities (id),
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    envoy_id     INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX brands_envoy_id_idx ON brands (envoy_id);

-- The last number handed out per short-code prefix (A, L, T).
CREATE TABLE code_counters (
    prefix     TEXT PRIMARY KEY,
    last_value INTEGER NOT NULL CHECK (last_value >= 0)
) STRICT;

CREATE TABLE processed_messages (
    dedup_key    TEXT PRIMARY KEY,
    openid       TEXT NOT NULL,
    reply        TEXT NOT NULL DEFAULT '',
    processed_at TEXT NOT NULL
) STRICT;
CREATE INDEX processed_messages_processed_at_idx ON processed_messages (processed_at);

-- Every outbound notice, written before it is sent; dedup_key makes the
-- same notice to the same person a single row.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    dedup_key        TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    recipient_openid TEXT NOT NULL,
    payload          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'undeliverable')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  TEXT NOT NULL,
    claimed_by       TEXT NOT NULL DEFAULT '', -- the replica draining it
    claimed_until    TEXT,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    sent_at          TEXT
) STRICT;
CREATE INDEX outbox_status_next_attempt_at_idx ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient_openid_idx ON outbox (recipient_openid);

CREATE TABLE outbox_attempts (
    id        INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    at        TEXT NOT NULL,
    channel   TEXT NOT NULL DEFAULT '', -- customer-service, template or subscription message
    ok        INTEGER NOT NULL CHECK (ok IN (0, 1)),
    error     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_attempts_outbox_id_idx ON outbox_attempts (outbox_id);

-- +goose Down
DROP TABLE outbox_attempts;
DROP TABLE outbox;
DROP TABLE processed_messages;
DROP TABLE code_counters;
DROP TABLE brands;
DROP TABLE lecture_subscriptions;
DROP TABLE lecture_occurrences;
DROP TABLE lectures;
DROP TABLE hours_audit;
DROP TABLE attendances;
DROP TABLE signups;
DROP TABLE activities;
DROP TABLE team_members;
DROP TABLE teams;
DROP TABLE contact_points;
DROP TABLE invite_failures;
DROP TABLE invites;
DROP TABLE users;
DROP TABLE communities;
