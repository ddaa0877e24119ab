-- 注销 (issue 11): the hours audit stays append-only, except that while a
-- row of hours_audit_redaction exists in the transaction (ForgetUser
-- inserts one and deletes it before committing) an UPDATE may change the
-- reason alone: a forgotten person's name or mobile in a reason typed by
-- staff, or in 管理后台 <admin name>, is replaced by 某某. Every other
-- column, and any DELETE, is still refused.

-- +goose Up
CREATE TABLE hours_audit_redaction (
    id integer PRIMARY KEY CHECK (id = 1)
);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION hours_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM hours_audit_redaction)
        AND NEW.id = OLD.id AND NEW.attendance_id = OLD.attendance_id
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.at = OLD.at
        AND NEW.old_minutes IS NOT DISTINCT FROM OLD.old_minutes
        AND NEW.new_minutes IS NOT DISTINCT FROM OLD.new_minutes THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'hours_audit is append-only';
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION hours_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hours_audit is append-only';
END;
$$;
-- +goose StatementEnd
DROP TABLE hours_audit_redaction;
