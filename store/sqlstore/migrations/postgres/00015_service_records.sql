-- Issue 14: the service record beyond hours. volunteer_records holds the
-- trainings (培训), awards (表彰) and evaluations (评价) envoys and admins
-- record; makeup_requests the hours a volunteer asks for an activity they
-- served at without checking in (补录), until the activity's envoy (or an
-- admin) decides. An approval writes the attendance and an hours_audit
-- row in the same transaction. Same columns and meaning as the SQLite
-- schema.

-- +goose Up
CREATE TABLE volunteer_records (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users (id),
    kind        text NOT NULL CHECK (kind IN ('training', 'award', 'evaluation')),
    title       text NOT NULL,            -- subject, award, grade
    detail      text NOT NULL DEFAULT '', -- organiser, awarding body, comment
    on_day      timestamptz NOT NULL,     -- midnight of the day in the campaign's zone
    minutes     integer NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    recorded_by bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL
);
CREATE INDEX volunteer_records_user_id_idx ON volunteer_records (user_id, on_day);

CREATE TABLE makeup_requests (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          text NOT NULL UNIQUE, -- B3
    activity_id   bigint NOT NULL REFERENCES activities (id),
    user_id       bigint NOT NULL REFERENCES users (id),
    check_in_at   timestamptz NOT NULL,
    check_out_at  timestamptz NOT NULL,
    minutes       integer NOT NULL CHECK (minutes >= 0),
    reason        text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_by    bigint REFERENCES users (id),
    decided_at    timestamptz,
    note          text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    CHECK (check_out_at > check_in_at)
);
CREATE UNIQUE INDEX makeup_requests_pending_idx ON makeup_requests (activity_id, user_id) WHERE status = 'pending';
CREATE INDEX makeup_requests_user_id_idx ON makeup_requests (user_id);
CREATE INDEX hours_audit_at_idx ON hours_audit (at);

-- +goose Down
DROP INDEX hours_audit_at_idx;
DROP TABLE makeup_requests;
DROP TABLE volunteer_records;
