-- Issue 15: residents ask, volunteers answer (点单—派单—评单). A help
-- request (R12) is what a resident needs, in which community and when;
-- filed_by is who sent it (the resident, or an envoy or volunteer filing
-- with 代办 for a resident without a phone, whose name and contact are
-- then kept here and resident_id is NULL). A volunteer takes it (or an
-- envoy assigns it), checks in and out as at an activity, the community's
-- envoy confirms the hours, and the resident (or the filer) rates it
-- once. escalation is how far an untaken request was escalated: 1 the
-- envoy told it is overdue, 2 the admins. Same columns and meaning as the
-- PostgreSQL schema.

-- +goose Up
CREATE TABLE help_requests (
    id                INTEGER PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE, -- R12
    need              TEXT NOT NULL,
    community_id      INTEGER NOT NULL REFERENCES communities (id),
    wished            TEXT NOT NULL DEFAULT '', -- as the reply showed it: 12月5日(周六)上午, 尽快
    wished_at         TEXT,                     -- the window's start; NULL: as soon as possible
    resident_id       INTEGER REFERENCES users (id),
    resident_name     TEXT NOT NULL DEFAULT '',
    resident_contact  TEXT NOT NULL DEFAULT '',
    filed_by          INTEGER NOT NULL REFERENCES users (id),
    category          TEXT NOT NULL,
    service_type      TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'taken', 'done', 'cancelled')),
    taker_id          INTEGER REFERENCES users (id),
    assigned_by       INTEGER REFERENCES users (id),
    taken_at          TEXT,
    check_in_at       TEXT,
    check_out_at      TEXT,
    computed_minutes  INTEGER CHECK (computed_minutes >= 0),
    confirmed_minutes INTEGER CHECK (confirmed_minutes >= 0),
    confirmed_by      INTEGER REFERENCES users (id),
    confirmed_at      TEXT,
    escalation        INTEGER NOT NULL DEFAULT 0 CHECK (escalation BETWEEN 0 AND 2),
    rating            INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment    TEXT NOT NULL DEFAULT '',
    rated_by          INTEGER REFERENCES users (id),
    rated_at          TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (status = 'open' OR status = 'cancelled' OR taker_id IS NOT NULL)
) STRICT;
CREATE INDEX help_requests_community_idx ON help_requests (community_id, created_at);
CREATE INDEX help_requests_open_idx ON help_requests (status, created_at);
CREATE INDEX help_requests_taker_idx ON help_requests (taker_id);
CREATE INDEX help_requests_filed_by_idx ON help_requests (filed_by, status);

-- +goose Down
DROP TABLE help_requests;
