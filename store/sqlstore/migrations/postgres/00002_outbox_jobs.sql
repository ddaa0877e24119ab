-- What the scheduler and the outbox dispatcher need: a notice's subject and
-- channel, the outcome of every attempt, one row per scheduled job run so that
-- each fires once across replicas, and when a profile was first registered,
-- for the weekly report. Same tables and meaning as the SQLite schema.
-- A notice's customer-service text and template fields live in
-- outbox.payload as {"text": "...", "fields": {"k": "v"}}; last_error of an
-- undeliverable notice is the reason it could not be delivered.

-- +goose Up
ALTER TABLE outbox ADD COLUMN subject text NOT NULL DEFAULT ''; -- L3, A12, a target key, a week
ALTER TABLE outbox ADD COLUMN channel text NOT NULL DEFAULT ''; -- the last attempt's channel
ALTER TABLE outbox ADD COLUMN updated_at timestamptz;           -- the last change of status or claim
UPDATE outbox SET updated_at = created_at;
CREATE INDEX outbox_kind_subject_idx ON outbox (kind, subject);
-- Claiming walks this small index in id order instead of the whole table.
CREATE INDEX outbox_claimable_idx ON outbox (id) WHERE status IN ('pending', 'sending');

ALTER TABLE outbox_attempts ADD COLUMN status text NOT NULL DEFAULT ''
    CHECK (status IN ('', 'pending', 'sent', 'failed', 'undeliverable')); -- the attempt's outcome

-- When the profile was first filled in; a second registration or one after
-- 注销 keeps it. Backfilled with created_at, the best guess there is.
ALTER TABLE users ADD COLUMN registered_at timestamptz;
UPDATE users SET registered_at = created_at
WHERE mobile <> '' OR (anonymised_at IS NOT NULL AND role <> 'resident');
CREATE INDEX users_registered_at_idx ON users (registered_at);

-- One run of a scheduled job per scheduled instant (tick, UTC, whole
-- seconds). The replica holding the lease runs it; a run whose lease ran
-- out unfinished is taken over.
CREATE TABLE job_runs (
    job         text NOT NULL,
    tick        timestamptz NOT NULL,
    replica     text NOT NULL,
    lease_until timestamptz NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz,
    error       text NOT NULL DEFAULT '',
    PRIMARY KEY (job, tick)
);

-- +goose Down
DROP TABLE job_runs;
DROP INDEX users_registered_at_idx;
ALTER TABLE users DROP COLUMN registered_at;
ALTER TABLE outbox_attempts DROP COLUMN status;
DROP INDEX outbox_claimable_idx;
DROP INDEX outbox_kind_subject_idx;
ALTER TABLE outbox DROP COLUMN updated_at;
ALTER TABLE outbox DROP COLUMN channel;
ALTER TABLE outbox DROP COLUMN subject;
