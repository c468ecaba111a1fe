-- Same as postgres/00007_scenes_version.sql.

-- +goose Up
ALTER TABLE tenants ADD COLUMN scenes_version integer NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE tenants DROP COLUMN scenes_version;
