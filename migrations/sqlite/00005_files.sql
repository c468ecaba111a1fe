-- Attachments (embedded store): same as postgres/00005_files.sql.

-- +goose Up
CREATE TABLE files (
  tenant_id    text NOT NULL REFERENCES tenants (id),
  id           text NOT NULL,
  scene_id     text NOT NULL,
  name         text NOT NULL,
  content_type text NOT NULL,
  size         integer NOT NULL,
  sha256       text NOT NULL,
  data         blob NOT NULL,
  created_by   text NOT NULL,
  created_at   datetime NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- +goose Down
DROP TABLE files;
