-- A tenant's scenes_version moves whenever its scene configuration changes,
-- so every server can cache which scenes a tenant runs and notice a change
-- on the next request (the tenant row is read on every request anyway).

-- +goose Up
ALTER TABLE tenants ADD COLUMN scenes_version bigint NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE tenants DROP COLUMN scenes_version;
