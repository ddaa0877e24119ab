-- The outbox at the API's pace (issue 12, item 3): no query reads
-- outbox_status_next_attempt_at_idx since claims walk outbox_claimable_idx,
-- and each change of a notice's status (two a notice: the claim and the
-- outcome) wrote to it. The PostgreSQL schema drops it too, and moves its
-- claim index to a generated column so that a claim is a HOT update; SQLite
-- updates a row in place and only the indexes whose columns change, so its
-- claim index stays on status.

-- +goose Up
DROP INDEX outbox_status_next_attempt_at_idx;

-- +goose Down
CREATE INDEX outbox_status_next_attempt_at_idx ON outbox (status, next_attempt_at);
