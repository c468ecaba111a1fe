-- Same as postgres/00008_event_origin.sql.

-- +goose Up
ALTER TABLE scene_events ADD COLUMN origin text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE scene_events DROP COLUMN origin;
