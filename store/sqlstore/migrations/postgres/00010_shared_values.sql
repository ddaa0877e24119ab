-- Small shared values with expiry for the embedded store, where there is no
-- Redis: the WeChat send rate (a counter per second) and the daily quota pause
-- (45009) live here, so that every process on one database (a server and the
-- envoybot CLI's jobs) shares them. expires_at is Unix milliseconds, 0 for
-- never; expired rows are ignored and swept. Same table on both engines.

-- +goose Up
CREATE TABLE shared_values (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    expires_at bigint NOT NULL DEFAULT 0
);
CREATE INDEX shared_values_expires_idx ON shared_values (expires_at) WHERE expires_at <> 0;

-- +goose Down
DROP TABLE shared_values;
