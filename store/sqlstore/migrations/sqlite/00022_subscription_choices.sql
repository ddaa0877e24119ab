-- Issue 13: subscription notices (订阅通知). A user's latest choice for
-- each subscription template, from their subscribe_msg_popup_event
-- (accept/reject in the pop-up) and subscribe_msg_change_event (turned
-- off, or on again, in the settings). The dispatcher sends a kind's
-- subscription notice only to users whose choice is accept. Same columns
-- and meaning as the PostgreSQL schema.

-- The customer-service budget: how many customer-service messages went
-- to a user since their last interaction (customer_sent_since holds that
-- interaction's time; a newer one starts the count again from zero). The
-- dispatcher reads it when it claims a notice and counts its sends when it
-- records their outcomes.

-- +goose Up
ALTER TABLE users ADD COLUMN customer_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN customer_sent_since TEXT;
CREATE TABLE subscription_choices (
    openid      TEXT NOT NULL,
    template_id TEXT NOT NULL,
    accepted    INTEGER NOT NULL CHECK (accepted IN (0, 1)),
    chosen_at   TEXT NOT NULL, -- when WeChat says the user chose (CreateTime)
    PRIMARY KEY (openid, template_id)
) STRICT;

-- +goose Down
DROP TABLE subscription_choices;
ALTER TABLE users DROP COLUMN customer_sent_since;
ALTER TABLE users DROP COLUMN customer_sent;
