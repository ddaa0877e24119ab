-- One live user per mobile: 接龙 lists, imports and records tell people
-- apart by it, and registering checked then inserted, so two people
-- registering one mobile at the same instant both succeeded. The index is
-- partial: the blank mobile of residents and of users who deleted their
-- data (注销, anonymised_at set, mobile blanked) is not a mobile, and a
-- mobile freed by 注销 may be registered again.
--
-- A database that already holds duplicates keeps the mobile on the
-- earliest user (lowest id, the one FindUserByPhone has always answered
-- with) and blanks it on the later ones. Those keep their name, role,
-- sign-ups and hours but count as unregistered: the next sign-up asks
-- them to 注册 again, with their own mobile. Same meaning as the PostgreSQL
-- schema.

-- +goose Up
UPDATE users SET mobile = '', updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now') || '.000000Z'
WHERE mobile <> '' AND anonymised_at IS NULL
  AND EXISTS (
    SELECT 1 FROM users earlier
    WHERE earlier.mobile = users.mobile AND earlier.anonymised_at IS NULL
      AND earlier.id < users.id);
CREATE UNIQUE INDEX users_live_mobile_key ON users (mobile)
WHERE mobile <> '' AND anonymised_at IS NULL;

-- +goose Down
-- Blanked duplicates stay blank: which user had which mobile is not kept.
DROP INDEX users_live_mobile_key;
