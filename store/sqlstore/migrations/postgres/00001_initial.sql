-- The whole campaign domain of SPEC.md, in one initial migration so that later
-- features add Go code, not schema churn. Times are timestamptz; the store
-- writes UTC with microsecond precision, the same as the SQLite backend.

-- +goose Up
CREATE TABLE communities (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);

CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    openid              text NOT NULL UNIQUE,
    role                text NOT NULL DEFAULT 'resident'
                        CHECK (role IN ('resident', 'volunteer', 'envoy', 'admin')),
    real_name           text NOT NULL DEFAULT '',
    mobile              text NOT NULL DEFAULT '',
    community_id        bigint REFERENCES communities (id),
    envoy_level         text NOT NULL DEFAULT '' CHECK (envoy_level IN ('', '省', '市')),
    envoy_kind          text NOT NULL DEFAULT '' CHECK (envoy_kind IN ('', '和谐使者', '敬老使者')),
    following           boolean NOT NULL DEFAULT true,
    last_interaction_at timestamptz,
    last_lat            double precision,
    last_lng            double precision,
    last_location_at    timestamptz,
    anonymised_at       timestamptz, -- 注销: profile blanked, service records kept
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX users_community_id_idx ON users (community_id);
CREATE INDEX users_role_idx ON users (role);

CREATE TABLE invites (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('envoy', 'admin')),
    name        text NOT NULL DEFAULT '',
    envoy_level text NOT NULL DEFAULT '' CHECK (envoy_level IN ('', '省', '市')),
    envoy_kind  text NOT NULL DEFAULT '' CHECK (envoy_kind IN ('', '和谐使者', '敬老使者')),
    expires_at  timestamptz NOT NULL,
    used_by     bigint REFERENCES users (id),
    used_at     timestamptz,
    created_by  bigint REFERENCES users (id), -- NULL when issued from the CLI
    created_at  timestamptz NOT NULL
);

-- Wrong invite codes, counted per user over a window to rate-limit guessing.
CREATE TABLE invite_failures (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      timestamptz NOT NULL
);
CREATE INDEX invite_failures_user_id_at_idx ON invite_failures (user_id, at);

-- 社区联系点: an envoy linked to a community.
CREATE TABLE contact_points (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    envoy_id     bigint NOT NULL REFERENCES users (id),
    community_id bigint NOT NULL REFERENCES communities (id),
    created_at   timestamptz NOT NULL,
    UNIQUE (envoy_id, community_id)
);
CREATE INDEX contact_points_community_id_idx ON contact_points (community_id);

CREATE TABLE teams (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code         text NOT NULL UNIQUE, -- T3
    name         text NOT NULL,
    envoy_id     bigint NOT NULL REFERENCES users (id),
    community_id bigint NOT NULL REFERENCES communities (id),
    created_at   timestamptz NOT NULL
);
CREATE INDEX teams_envoy_id_idx ON teams (envoy_id);
CREATE INDEX teams_community_id_idx ON teams (community_id);

CREATE TABLE team_members (
    team_id   bigint NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id   bigint NOT NULL REFERENCES users (id),
    joined_at timestamptz NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_id_idx ON team_members (user_id);

CREATE TABLE activities (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                text NOT NULL UNIQUE, -- A13
    title               text NOT NULL,
    category            text NOT NULL,           -- activity line (类别), from configuration
    service_type        text NOT NULL DEFAULT '', -- e.g. 心理疏导
    starts_at           timestamptz NOT NULL,
    ends_at             timestamptz NOT NULL,
    place               text NOT NULL DEFAULT '',
    community_id        bigint NOT NULL REFERENCES communities (id),
    envoy_id            bigint NOT NULL REFERENCES users (id),
    quota               integer NOT NULL DEFAULT 0 CHECK (quota >= 0), -- 0: no limit
    venue_lat           double precision,
    venue_lng           double precision,
    venue_radius_m      integer CHECK (venue_radius_m > 0),
    qr_url              text NOT NULL DEFAULT '',
    status              text NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'closed', 'held', 'cancelled')),
    held_at             timestamptz,              -- 活动签到 by the envoy
    held_photo_media_id text NOT NULL DEFAULT '', -- evidence photo
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CHECK (ends_at >= starts_at)
);
CREATE INDEX activities_starts_at_idx ON activities (starts_at);
CREATE INDEX activities_community_id_idx ON activities (community_id);
CREATE INDEX activities_envoy_id_idx ON activities (envoy_id);

CREATE TABLE signups (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_id   bigint NOT NULL REFERENCES activities (id),
    user_id       bigint NOT NULL REFERENCES users (id),
    status        text NOT NULL CHECK (status IN ('seated', 'waitlisted', 'cancelled')),
    arrival_order bigint NOT NULL, -- first come first seated; promotion order of the wait-list
    source        text NOT NULL DEFAULT 'chat' CHECK (source IN ('chat', 'import')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (activity_id, user_id)
);
CREATE INDEX signups_activity_id_status_order_idx ON signups (activity_id, status, arrival_order);
CREATE INDEX signups_user_id_idx ON signups (user_id);

CREATE TABLE attendances (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_id       bigint NOT NULL REFERENCES activities (id),
    user_id           bigint NOT NULL REFERENCES users (id),
    check_in_at       timestamptz,
    check_in_lat      double precision,
    check_in_lng      double precision,
    check_out_at      timestamptz,
    check_out_lat     double precision,
    check_out_lng     double precision,
    far_away          boolean NOT NULL DEFAULT false, -- a position outside the venue radius
    computed_minutes  integer CHECK (computed_minutes >= 0),
    confirmed_minutes integer CHECK (confirmed_minutes >= 0),
    confirmed_by      bigint REFERENCES users (id),
    confirmed_at      timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    UNIQUE (activity_id, user_id)
);
CREATE INDEX attendances_user_id_idx ON attendances (user_id);

-- Every change to service hours, never updated or deleted.
CREATE TABLE hours_audit (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    attendance_id bigint NOT NULL REFERENCES attendances (id),
    actor_id      bigint REFERENCES users (id), -- NULL for the system or the CLI
    at            timestamptz NOT NULL,
    reason        text NOT NULL,
    old_minutes   integer,
    new_minutes   integer
);
CREATE INDEX hours_audit_attendance_id_idx ON hours_audit (attendance_id);

-- +goose StatementBegin
CREATE FUNCTION hours_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hours_audit is append-only';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER hours_audit_append_only BEFORE UPDATE OR DELETE ON hours_audit
    FOR EACH ROW EXECUTE FUNCTION hours_audit_append_only();

CREATE TABLE lectures (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            text NOT NULL UNIQUE, -- L3
    title           text NOT NULL,
    community_id    bigint NOT NULL REFERENCES communities (id),
    envoy_id        bigint NOT NULL REFERENCES users (id),
    place           text NOT NULL DEFAULT '',
    recurrence      text NOT NULL DEFAULT '', -- '' for one-off, else e.g. 每月第一个周六 9:30
    first_starts_at timestamptz NOT NULL,
    cancelled_at    timestamptz, -- the whole series
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX lectures_community_id_idx ON lectures (community_id);

CREATE TABLE lecture_occurrences (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lecture_id   bigint NOT NULL REFERENCES lectures (id) ON DELETE CASCADE,
    starts_at    timestamptz NOT NULL,
    cancelled_at timestamptz,
    UNIQUE (lecture_id, starts_at)
);
CREATE INDEX lecture_occurrences_starts_at_idx ON lecture_occurrences (starts_at);

CREATE TABLE lecture_subscriptions (
    user_id      bigint NOT NULL REFERENCES users (id),
    community_id bigint NOT NULL REFERENCES communities (id),
    active       boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, community_id)
);
CREATE INDEX lecture_subscriptions_community_id_idx ON lecture_subscriptions (community_id) WHERE active;

-- 志愿服务品牌: one per community.
CREATE TABLE brands (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    community_id bigint NOT NULL UNIQUE REFERENCES communities (id),
    name         text NOT NULL,
    description  text NOT NULL DEFAULT '',
    envoy_id     bigint NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX brands_envoy_id_idx ON brands (envoy_id);

-- The last number handed out per short-code prefix (A, L, T).
CREATE TABLE code_counters (
    prefix     text PRIMARY KEY,
    last_value bigint NOT NULL CHECK (last_value >= 0)
);

CREATE TABLE processed_messages (
    dedup_key    text PRIMARY KEY,
    openid       text NOT NULL,
    reply        text NOT NULL DEFAULT '',
    processed_at timestamptz NOT NULL
);
CREATE INDEX processed_messages_processed_at_idx ON processed_messages (processed_at);

-- Every outbound notice, written before it is sent; dedup_key makes the
-- same notice to the same person a single row.
CREATE TABLE outbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dedup_key        text NOT NULL UNIQUE,
    kind             text NOT NULL,
    recipient_openid text NOT NULL,
    payload          jsonb NOT NULL DEFAULT '{}',
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'undeliverable')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    claimed_by       text NOT NULL DEFAULT '', -- the replica draining it
    claimed_until    timestamptz,
    last_error       text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL,
    sent_at          timestamptz
);
CREATE INDEX outbox_status_next_attempt_at_idx ON outbox (status, next_attempt_at);
CREATE INDEX outbox_recipient_openid_idx ON outbox (recipient_openid);

CREATE TABLE outbox_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    at        timestamptz NOT NULL,
    channel   text NOT NULL DEFAULT '', -- customer-service, template or subscription message
    ok        boolean NOT NULL,
    error     text NOT NULL DEFAULT ''
);
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
DROP FUNCTION hours_audit_append_only();
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
