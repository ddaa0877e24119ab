-- A publish is made once per chat message: an activity or lecture keeps
-- the dedup key of the message that published it (origin_key), so that a
-- retry of that message after a crash between the publish and the record
-- of the message finds the row it made instead of making a second one.
-- NULL for rows made before, or not from chat. 00011 is another branch's.
-- Same columns and meaning as the SQLite schema.

-- +goose Up
ALTER TABLE activities ADD COLUMN origin_key text;
ALTER TABLE lectures ADD COLUMN origin_key text;
CREATE UNIQUE INDEX activities_origin_key_idx ON activities (origin_key) WHERE origin_key IS NOT NULL;
CREATE UNIQUE INDEX lectures_origin_key_idx ON lectures (origin_key) WHERE origin_key IS NOT NULL;

-- +goose Down
DROP INDEX lectures_origin_key_idx;
DROP INDEX activities_origin_key_idx;
ALTER TABLE lectures DROP COLUMN origin_key;
ALTER TABLE activities DROP COLUMN origin_key;
