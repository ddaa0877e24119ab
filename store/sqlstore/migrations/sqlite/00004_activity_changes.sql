-- Envoys change their mind (取消活动, 修改活动): who cancelled an activity,
-- when and why, and a revision counted up by every change of its time,
-- place or quota, so that each change reaches each volunteer once. Same
-- tables and meaning as the PostgreSQL schema. A cancelled lecture session
-- needs nothing new: lecture_occurrences.cancelled_at, on a row inserted
-- cancelled when the session was not expanded yet.
--
-- Activity reminders are keyed by the activity's start from now on
-- (activity_reminder|A13|2026-12-05T06:00:00Z|openid|24h0m0s), so that a
-- moved activity is reminded again at its new time; the keys written
-- before get the start they were written for, so nobody is reminded twice
-- of an activity that did not move.

-- +goose Up
ALTER TABLE activities ADD COLUMN cancelled_at TEXT;
ALTER TABLE activities ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE activities ADD COLUMN cancelled_by INTEGER REFERENCES users (id);
ALTER TABLE activities ADD COLUMN revision INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0);

UPDATE outbox SET dedup_key = 'activity_reminder|' || subject || '|'
        || (SELECT substr(a.starts_at, 1, 19) || 'Z' FROM activities a WHERE a.code = outbox.subject)
        || substr(dedup_key, length('activity_reminder|' || subject || '|'))
WHERE kind = 'activity_reminder'
    AND substr(dedup_key, 1, length('activity_reminder|' || subject || '|')) = 'activity_reminder|' || subject || '|'
    AND EXISTS (SELECT 1 FROM activities a WHERE a.code = outbox.subject);

-- +goose Down
UPDATE outbox SET dedup_key = 'activity_reminder|' || subject
        || substr(dedup_key, length('activity_reminder|' || subject || '|') + 21)
WHERE kind = 'activity_reminder'
    AND substr(dedup_key, 1, length('activity_reminder|' || subject || '|')) = 'activity_reminder|' || subject || '|';
ALTER TABLE activities DROP COLUMN revision;
ALTER TABLE activities DROP COLUMN cancelled_by;
ALTER TABLE activities DROP COLUMN cancel_reason;
ALTER TABLE activities DROP COLUMN cancelled_at;
