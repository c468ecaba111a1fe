-- Departments (embedded store): same as postgres/00006_departments.sql.

-- +goose Up
CREATE TABLE departments (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  id         text NOT NULL,
  code       text NOT NULL,
  name_zh    text NOT NULL,
  name_en    text NOT NULL,
  contact    text NOT NULL DEFAULT '',
  active     boolean NOT NULL DEFAULT 1,
  created_at datetime NOT NULL,
  updated_at datetime NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, code)
);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
  ('p', 'staff', '*', 'departments', 'read'),
  ('p', 'deputy', '*', 'departments', 'read');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v1 = '*' AND v2 = 'departments';
DROP TABLE departments;
