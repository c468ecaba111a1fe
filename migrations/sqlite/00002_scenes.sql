-- Scene plugins (embedded store): same tables as postgres/00002_scenes.sql.
-- Declared document fields are filtered through json_extract; SQLite needs
-- no per-field index for the data sizes the embedded store serves.

-- +goose Up
CREATE TABLE scene_catalog (
  scene_id     text NOT NULL,
  version      text NOT NULL,
  binary_path  text NOT NULL,
  sha256       text NOT NULL,
  manifest     text NOT NULL,
  installed_at datetime NOT NULL,
  PRIMARY KEY (scene_id, version)
);

CREATE TABLE tenant_scenes (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  scene_id   text NOT NULL,
  version    text NOT NULL,
  enabled    boolean NOT NULL,
  settings   text NOT NULL DEFAULT '{}',
  updated_at datetime NOT NULL,
  PRIMARY KEY (tenant_id, scene_id)
);

CREATE TABLE scene_documents (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  scene_id   text NOT NULL,
  collection text NOT NULL,
  id         text NOT NULL,
  version    integer NOT NULL,
  data       text NOT NULL,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (tenant_id, scene_id, collection, id)
);
CREATE INDEX scene_documents_created ON scene_documents (tenant_id, scene_id, collection, created_at, id);

-- +goose Down
DROP TABLE scene_documents;
DROP TABLE tenant_scenes;
DROP TABLE scene_catalog;
