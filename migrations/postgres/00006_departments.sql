-- Government departments a congress works with (住建局, 城管局...): issues
-- and suggestions are routed to them; scenes read them from the directory.

-- +goose Up
CREATE TABLE departments (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  id         uuid NOT NULL,
  code       text NOT NULL,
  name_zh    text NOT NULL,
  name_en    text NOT NULL,
  contact    text NOT NULL DEFAULT '',
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code)
);

ALTER TABLE departments ENABLE ROW LEVEL SECURITY;
ALTER TABLE departments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON departments FOR SELECT USING (tenant_id = ANY (renda_read_tenants()));
CREATE POLICY tenant_write ON departments FOR ALL USING (tenant_id = renda_write_tenant()) WITH CHECK (tenant_id = renda_write_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON departments TO renda_app;

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
  ('p', 'staff', '*', 'departments', 'read'),
  ('p', 'deputy', '*', 'departments', 'read');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v1 = '*' AND v2 = 'departments';
DROP TABLE departments;
