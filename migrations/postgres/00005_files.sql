-- Attachments scenes store through the host (photos, PDFs), per tenant and
-- scene, with their sniffed type and hash.

-- +goose Up
CREATE TABLE files (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  id           uuid NOT NULL,
  scene_id     text NOT NULL,
  name         text NOT NULL,
  content_type text NOT NULL,
  size         bigint NOT NULL,
  sha256       text NOT NULL,
  data         bytea NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

ALTER TABLE files ENABLE ROW LEVEL SECURITY;
ALTER TABLE files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON files FOR SELECT USING (tenant_id = ANY (renda_read_tenants()));
CREATE POLICY tenant_write ON files FOR ALL USING (tenant_id = renda_write_tenant()) WITH CHECK (tenant_id = renda_write_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON files TO renda_app;

-- +goose Down
DROP TABLE files;
