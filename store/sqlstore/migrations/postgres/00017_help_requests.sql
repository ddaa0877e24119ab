-- Issue 15: residents ask, volunteers answer (点单—派单—评单). A help
-- request (R12) is what a resident needs, in which community and when;
-- filed_by is who sent it (the resident, or an envoy or volunteer filing
-- with 代办 for a resident without a phone, whose name and contact are
-- then kept here and resident_id is NULL). A volunteer takes it (or an
-- envoy assigns it), checks in and out as at an activity, the community's
-- envoy confirms the hours, and the resident (or the filer) rates it
-- once. escalation is how far an untaken request was escalated: 1 the
-- envoy told it is overdue, 2 the admins. Same columns and meaning as the
-- SQLite schema.

-- +goose Up
CREATE TABLE help_requests (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code              text NOT NULL UNIQUE, -- R12
    need              text NOT NULL,
    community_id      bigint NOT NULL REFERENCES communities (id),
    wished            text NOT NULL DEFAULT '', -- as the reply showed it: 12月5日(周六)上午, 尽快
    wished_at         timestamptz,              -- the window's start; NULL: as soon as possible
    resident_id       bigint REFERENCES users (id),
    resident_name     text NOT NULL DEFAULT '',
    resident_contact  text NOT NULL DEFAULT '',
    filed_by          bigint NOT NULL REFERENCES users (id),
    category          text NOT NULL,
    service_type      text NOT NULL DEFAULT '',
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'taken', 'done', 'cancelled')),
    taker_id          bigint REFERENCES users (id),
    assigned_by       bigint REFERENCES users (id),
    taken_at          timestamptz,
    check_in_at       timestamptz,
    check_out_at      timestamptz,
    computed_minutes  integer CHECK (computed_minutes >= 0),
    confirmed_minutes integer CHECK (confirmed_minutes >= 0),
    confirmed_by      bigint REFERENCES users (id),
    confirmed_at      timestamptz,
    escalation        integer NOT NULL DEFAULT 0 CHECK (escalation BETWEEN 0 AND 2),
    rating            integer CHECK (rating BETWEEN 1 AND 5),
    rating_comment    text NOT NULL DEFAULT '',
    rated_by          bigint REFERENCES users (id),
    rated_at          timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK (status = 'open' OR status = 'cancelled' OR taker_id IS NOT NULL)
);
CREATE INDEX help_requests_community_idx ON help_requests (community_id, created_at);
CREATE INDEX help_requests_open_idx ON help_requests (status, created_at);
CREATE INDEX help_requests_taker_idx ON help_requests (taker_id);
CREATE INDEX help_requests_filed_by_idx ON help_requests (filed_by, status);

-- +goose Down
DROP TABLE help_requests;
