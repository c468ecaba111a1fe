-- Scene plugins: the catalog of installed scene versions (platform), each
-- tenant's enabled scenes with pinned version and settings, and the scenes'
-- JSON documents, under the same row-level security as the core tables.

-- +goose Up
CREATE TABLE scene_catalog (
  scene_id     text NOT NULL,
  version      text NOT NULL,
  binary_path  text NOT NULL,
  sha256       text NOT NULL,
  manifest     text NOT NULL,
  installed_at timestamptz NOT NULL,
  PRIMARY KEY (scene_id, version)
);

CREATE TABLE tenant_scenes (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  scene_id   text NOT NULL,
  version    text NOT NULL,
  enabled    boolean NOT NULL,
  settings   text NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, scene_id)
);

CREATE TABLE scene_documents (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  scene_id   text NOT NULL,
  collection text NOT NULL,
  id         text NOT NULL,
  version    bigint NOT NULL,
  data       jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, scene_id, collection, id)
);
CREATE INDEX scene_documents_created ON scene_documents (tenant_id, scene_id, collection, created_at, id);

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_scenes', 'scene_documents'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_read ON %I FOR SELECT USING (tenant_id = ANY (renda_read_tenants()))', t);
    EXECUTE format('CREATE POLICY tenant_write ON %I FOR ALL USING (tenant_id = renda_write_tenant()) WITH CHECK (tenant_id = renda_write_tenant())', t);
  END LOOP;
END
$$;
-- +goose StatementEnd

-- renda_scene_index creates the expression index a scene's manifest asks
-- for on one of its collections. It runs as the schema owner (the
-- application role may not create indexes), and takes only validated
-- identifiers, so a scene cannot inject SQL through a field name.
-- +goose StatementBegin
CREATE FUNCTION renda_scene_index(p_scene text, p_collection text, p_field text, p_type text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  expr text;
  name text;
BEGIN
  IF p_scene !~ '^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$' OR p_collection !~ '^[a-z][a-z0-9_-]{0,39}$'
     OR p_field !~ '^[a-zA-Z_][a-zA-Z0-9_]{0,39}$' THEN
    RAISE EXCEPTION 'renda_scene_index: invalid identifier';
  END IF;
  expr := CASE p_type
    WHEN 'number' THEN format('(CASE WHEN jsonb_typeof(data->%L) = ''number'' THEN (data->>%L)::numeric END)', p_field, p_field)
    ELSE format('(data->>%L)', p_field)
  END;
  name := 'sd_' || substr(md5(p_scene || '/' || p_collection || '/' || p_field || '/' || p_type), 1, 20);
  EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON scene_documents (tenant_id, %s) WHERE scene_id = %L AND collection = %L',
    name, expr, p_scene, p_collection);
END
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION renda_scene_index(text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION renda_scene_index(text, text, text, text) TO renda_app;

GRANT SELECT, INSERT, UPDATE, DELETE ON scene_catalog, tenant_scenes, scene_documents TO renda_app;

-- +goose Down
DROP FUNCTION renda_scene_index(text, text, text, text);
DROP TABLE scene_documents;
DROP TABLE tenant_scenes;
DROP TABLE scene_catalog;
