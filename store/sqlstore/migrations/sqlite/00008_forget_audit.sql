-- 注销 (issue 11): the hours audit stays append-only, except that while a
-- row of hours_audit_redaction exists in the transaction (ForgetUser
-- inserts one and deletes it before committing) an UPDATE may change the
-- reason alone. Same meaning as the PostgreSQL migration.

-- +goose Up
CREATE TABLE hours_audit_redaction (
    id INTEGER PRIMARY KEY CHECK (id = 1)
) STRICT;

DROP TRIGGER hours_audit_no_update;

-- +goose StatementBegin
CREATE TRIGGER hours_audit_no_update BEFORE UPDATE ON hours_audit
WHEN NOT (EXISTS (SELECT 1 FROM hours_audit_redaction)
    AND NEW.id = OLD.id AND NEW.attendance_id = OLD.attendance_id
    AND NEW.actor_id IS OLD.actor_id AND NEW.at = OLD.at
    AND NEW.old_minutes IS OLD.old_minutes AND NEW.new_minutes IS OLD.new_minutes)
BEGIN
    SELECT RAISE(ABORT, 'hours_audit is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER hours_audit_no_update;

-- +goose StatementBegin
CREATE TRIGGER hours_audit_no_update BEFORE UPDATE ON hours_audit
BEGIN
    SELECT RAISE(ABORT, 'hours_audit is append-only');
END;
-- +goose StatementEnd

DROP TABLE hours_audit_redaction;
