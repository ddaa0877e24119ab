-- The outbox at the API's pace (issue 12, item 3). A claim no longer
-- writes an index entry: the claim's index is on a generated column that a
-- claim does not change (claimable, pending or sending), status is in no
-- index, and pages are left half empty, so that PostgreSQL rewrites a
-- claimed row in place (a HOT update) instead of adding its new version to
-- every index of the outbox. outbox_status_next_attempt_at_idx goes: no
-- query reads it since claims walk outbox_claimable_idx, and each change
-- of status wrote to it. The SQLite schema drops that index too; it keeps
-- its claim index on status, since SQLite updates a row in place anyway.

-- +goose Up
DROP INDEX outbox_status_next_attempt_at_idx;
DROP INDEX outbox_claimable_idx;
ALTER TABLE outbox ADD COLUMN claimable boolean
    GENERATED ALWAYS AS (status IN ('pending', 'sending')) STORED;
CREATE INDEX outbox_claimable_idx ON outbox (id) WHERE claimable;
ALTER TABLE outbox SET (fillfactor = 50);

-- +goose Down
ALTER TABLE outbox RESET (fillfactor);
DROP INDEX outbox_claimable_idx;
ALTER TABLE outbox DROP COLUMN claimable;
CREATE INDEX outbox_claimable_idx ON outbox (id) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_status_next_attempt_at_idx ON outbox (status, next_attempt_at);
