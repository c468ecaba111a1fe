-- Platform foundation for the embedded store (SQLite). Same tables, keys and
-- numbering as postgres/00001_platform.sql; SQLite has no row-level security
-- or roles, so isolation there rests on the store's scoping function alone.

-- +goose Up
CREATE TABLE tenants (
  id             text PRIMARY KEY,
  slug           text NOT NULL UNIQUE,
  level          text NOT NULL CHECK (level IN ('city', 'district', 'township')),
  parent_id      text REFERENCES tenants (id),
  path           text NOT NULL,
  division_code  text NOT NULL UNIQUE,
  name_zh        text NOT NULL,
  name_en        text NOT NULL,
  status         text NOT NULL CHECK (status IN ('active', 'suspended', 'archived')),
  policy_version integer NOT NULL DEFAULT 1,
  archived_at    datetime,
  exported_at    datetime,
  created_at     datetime NOT NULL,
  updated_at     datetime NOT NULL
);
CREATE INDEX tenants_path ON tenants (path);

CREATE TABLE users (
  tenant_id     text NOT NULL REFERENCES tenants (id),
  id            text NOT NULL,
  username      text NOT NULL,
  display_name  text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('human', 'service')),
  status        text NOT NULL CHECK (status IN ('active', 'disabled')),
  password_hash text NOT NULL DEFAULT '',
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until  datetime,
  deputy_id     text,
  created_at    datetime NOT NULL,
  updated_at    datetime NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, username),
  FOREIGN KEY (tenant_id, deputy_id) REFERENCES deputies (tenant_id, id)
);

CREATE TABLE sessions (
  tenant_id    text NOT NULL,
  id           text NOT NULL,
  user_id      text NOT NULL,
  token_hash   text NOT NULL,
  user_agent   text NOT NULL DEFAULT '',
  ip           text NOT NULL DEFAULT '',
  created_at   datetime NOT NULL,
  expires_at   datetime NOT NULL,
  last_seen_at datetime NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, token_hash),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

CREATE TABLE api_keys (
  tenant_id    text NOT NULL,
  id           text NOT NULL,
  user_id      text NOT NULL,
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     text NOT NULL,
  created_at   datetime NOT NULL,
  expires_at   datetime,
  revoked_at   datetime,
  last_used_at datetime,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, key_hash),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE deputies (
  tenant_id    text NOT NULL REFERENCES tenants (id),
  id           text NOT NULL,
  name         text NOT NULL,
  gender       text NOT NULL DEFAULT '',
  level        text NOT NULL CHECK (level IN ('city', 'district', 'township')),
  delegation   text NOT NULL DEFAULT '',
  constituency text NOT NULL DEFAULT '',
  term         text NOT NULL DEFAULT '',
  occupation   text NOT NULL DEFAULT '',
  phone        text NOT NULL DEFAULT '',
  email        text NOT NULL DEFAULT '',
  status       text NOT NULL CHECK (status IN ('active', 'suspended', 'terminated')),
  created_at   datetime NOT NULL,
  updated_at   datetime NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX deputies_name ON deputies (tenant_id, name);
CREATE INDEX deputies_delegation ON deputies (tenant_id, delegation);

CREATE TABLE deputy_photos (
  tenant_id    text NOT NULL,
  deputy_id    text NOT NULL,
  content_type text NOT NULL,
  data         blob NOT NULL,
  updated_at   datetime NOT NULL,
  PRIMARY KEY (tenant_id, deputy_id),
  FOREIGN KEY (tenant_id, deputy_id) REFERENCES deputies (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE duty_activities (
  tenant_id   text NOT NULL,
  id          text NOT NULL,
  deputy_id   text NOT NULL,
  kind        text NOT NULL,
  scene       text NOT NULL,
  ref         text NOT NULL DEFAULT '',
  title       text NOT NULL,
  occurred_at datetime NOT NULL,
  recorded_by text NOT NULL DEFAULT '',
  created_at  datetime NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, scene, kind, ref, deputy_id),
  FOREIGN KEY (tenant_id, deputy_id) REFERENCES deputies (tenant_id, id)
);
CREATE INDEX duty_activities_deputy ON duty_activities (tenant_id, deputy_id, occurred_at DESC);

CREATE TABLE audit_heads (
  tenant_id text PRIMARY KEY REFERENCES tenants (id),
  seq       integer NOT NULL,
  hash      text NOT NULL
);

CREATE TABLE audit_log (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  seq         integer NOT NULL,
  at          datetime NOT NULL,
  actor_id    text NOT NULL,
  actor_name  text NOT NULL,
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text NOT NULL,
  before      text NOT NULL,
  after       text NOT NULL,
  request_id  text NOT NULL,
  source      text NOT NULL,
  prev_hash   text NOT NULL,
  hash        text NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_target ON audit_log (tenant_id, target_type, target_id);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

CREATE TABLE idempotency_keys (
  tenant_id    text NOT NULL REFERENCES tenants (id),
  user_id      text NOT NULL,
  key          text NOT NULL,
  fingerprint  text NOT NULL,
  status       integer NOT NULL DEFAULT 0,
  content_type text NOT NULL DEFAULT '',
  body         blob,
  created_at   datetime NOT NULL,
  PRIMARY KEY (tenant_id, user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE casbin_rule (
  id    integer PRIMARY KEY AUTOINCREMENT,
  ptype varchar(100) NOT NULL DEFAULT '',
  v0    varchar(100) NOT NULL DEFAULT '',
  v1    varchar(100) NOT NULL DEFAULT '',
  v2    varchar(100) NOT NULL DEFAULT '',
  v3    varchar(100) NOT NULL DEFAULT '',
  v4    varchar(100) NOT NULL DEFAULT '',
  v5    varchar(100) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX idx_casbin_rule ON casbin_rule (ptype, v0, v1, v2, v3, v4, v5);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES
  ('p', 'platform_admin', 'platform', '*', '*'),
  ('p', 'tenant_admin', '*', '*', '*'),
  ('p', 'staff', '*', 'tenant', 'read'),
  ('p', 'staff', '*', 'deputies', 'read'),
  ('p', 'staff', '*', 'deputies', 'write'),
  ('p', 'staff', '*', 'duty', 'read'),
  ('p', 'staff', '*', 'duty', 'write'),
  ('p', 'staff', '*', 'users', 'read'),
  ('p', 'staff', '*', 'roles', 'read'),
  ('p', 'staff', '*', 'descendants', 'read'),
  ('p', 'deputy', '*', 'tenant', 'read'),
  ('p', 'deputy', '*', 'deputies', 'read'),
  ('p', 'deputy', '*', 'duty', 'read');

-- +goose Down
DROP TABLE casbin_rule;
DROP TABLE idempotency_keys;
DROP TABLE audit_log;
DROP TABLE audit_heads;
DROP TABLE duty_activities;
DROP TABLE deputy_photos;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE deputies;
DROP TABLE tenants;
