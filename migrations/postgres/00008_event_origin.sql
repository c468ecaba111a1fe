-- An event escalated to a parent congress keeps the congress it happened
-- in (origin, a slug); local events leave it empty.

-- +goose Up
ALTER TABLE scene_events ADD COLUMN origin text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE scene_events DROP COLUMN origin;
