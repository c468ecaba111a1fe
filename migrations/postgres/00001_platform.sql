-- Platform foundation: tenants, people, sessions, deputies, duty ledger,
-- audit log, idempotency keys and authorization policies.
--
-- Every tenant-owned table carries tenant_id in its primary key, unique keys
-- and foreign keys, so the schema can be distributed by tenant_id (Citus)
-- unchanged, and is guarded by row-level security that the application role
-- cannot bypass. The tenant is set per transaction with
-- set_config('app.tenant_id', ..., true); app.read_tenants lists the tenants
-- a transaction may read (its own, or descendants for city-wide views).

-- +goose Up
-- +goose StatementBegin
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'renda_app') THEN
    CREATE ROLE renda_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database of the cluster created it meanwhile
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION renda_write_tenant() RETURNS uuid
LANGUAGE sql STABLE AS $$
  SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION renda_read_tenants() RETURNS uuid[]
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(string_to_array(NULLIF(current_setting('app.read_tenants', true), ''), ',')::uuid[], '{}')
$$;
-- +goose StatementEnd

CREATE TABLE tenants (
  id             uuid PRIMARY KEY,
  slug           text NOT NULL UNIQUE,
  level          text NOT NULL CHECK (level IN ('city', 'district', 'township')),
  parent_id      uuid REFERENCES tenants (id),
  path           text NOT NULL,
  division_code  text NOT NULL UNIQUE,
  name_zh        text NOT NULL,
  name_en        text NOT NULL,
  status         text NOT NULL CHECK (status IN ('active', 'suspended', 'archived')),
  policy_version bigint NOT NULL DEFAULT 1,
  archived_at    timestamptz,
  exported_at    timestamptz,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL
);
CREATE INDEX tenants_path ON tenants (path text_pattern_ops);

CREATE TABLE users (
  tenant_id           uuid NOT NULL REFERENCES tenants (id),
  id                  uuid NOT NULL,
  username            text NOT NULL,
  display_name        text NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('human', 'service')),
  status              text NOT NULL CHECK (status IN ('active', 'disabled')),
  password_hash       text NOT NULL DEFAULT '',
  failed_logins       integer NOT NULL DEFAULT 0,
  locked_until        timestamptz,
  deputy_id           uuid,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, username)
);

CREATE TABLE sessions (
  tenant_id    uuid NOT NULL,
  id           uuid NOT NULL,
  user_id      uuid NOT NULL,
  token_hash   text NOT NULL,
  user_agent   text NOT NULL DEFAULT '',
  ip           text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, token_hash),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (tenant_id, user_id);

CREATE TABLE api_keys (
  tenant_id    uuid NOT NULL,
  id           uuid NOT NULL,
  user_id      uuid NOT NULL,
  name         text NOT NULL,
  prefix       text NOT NULL,
  key_hash     text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, key_hash),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE deputies (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  id           uuid NOT NULL,
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
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX deputies_name ON deputies (tenant_id, name);
CREATE INDEX deputies_delegation ON deputies (tenant_id, delegation);

ALTER TABLE users ADD FOREIGN KEY (tenant_id, deputy_id) REFERENCES deputies (tenant_id, id);

CREATE TABLE deputy_photos (
  tenant_id    uuid NOT NULL,
  deputy_id    uuid NOT NULL,
  content_type text NOT NULL,
  data         bytea NOT NULL,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, deputy_id),
  FOREIGN KEY (tenant_id, deputy_id) REFERENCES deputies (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE duty_activities (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL,
  deputy_id   uuid NOT NULL,
  kind        text NOT NULL,
  scene       text NOT NULL,
  ref         text NOT NULL DEFAULT '',
  title       text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_by text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, scene, kind, ref, deputy_id),
  FOREIGN KEY (tenant_id, deputy_id) REFERENCES deputies (tenant_id, id)
);
CREATE INDEX duty_activities_deputy ON duty_activities (tenant_id, deputy_id, occurred_at DESC);

CREATE TABLE audit_heads (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id),
  seq       bigint NOT NULL,
  hash      text NOT NULL
);

CREATE TABLE audit_log (
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  seq         bigint NOT NULL,
  at          timestamptz NOT NULL,
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

CREATE TABLE idempotency_keys (
  tenant_id    uuid NOT NULL REFERENCES tenants (id),
  user_id      uuid NOT NULL,
  key          text NOT NULL,
  fingerprint  text NOT NULL,
  status       integer NOT NULL DEFAULT 0,
  content_type text NOT NULL DEFAULT '',
  body         bytea,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Authorization policies (casbin's gorm adapter). p rows: role, domain,
-- object, action; g rows: user:<id>, role, domain. The domain is a tenant id,
-- "*" for the built-in role templates, or "platform".
CREATE TABLE casbin_rule (
  id    bigserial PRIMARY KEY,
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

-- Row-level security on every tenant-owned table. Reading is allowed for the
-- transaction's tenant and its read list; writing only for its tenant.
-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'sessions', 'api_keys', 'deputies', 'deputy_photos',
                           'duty_activities', 'audit_heads', 'audit_log', 'idempotency_keys'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_read ON %I FOR SELECT USING (tenant_id = ANY (renda_read_tenants()))', t);
    EXECUTE format('CREATE POLICY tenant_write ON %I FOR ALL USING (tenant_id = renda_write_tenant()) WITH CHECK (tenant_id = renda_write_tenant())', t);
  END LOOP;
END
$$;
-- +goose StatementEnd

-- The audit log is append-only. Rows go only with their tenant, when a
-- platform administrator deletes an exported, archived tenant.
-- +goose StatementBegin
CREATE FUNCTION renda_audit_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('app.purge_tenant', true) = OLD.tenant_id::text THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION renda_audit_guard();

GRANT USAGE ON SCHEMA public TO renda_app;
GRANT SELECT ON goose_db_version TO renda_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, users, sessions, api_keys, deputies, deputy_photos,
  duty_activities, audit_heads, idempotency_keys, casbin_rule TO renda_app;
GRANT SELECT, INSERT, DELETE ON audit_log TO renda_app;
GRANT USAGE, SELECT ON SEQUENCE casbin_rule_id_seq TO renda_app;
GRANT EXECUTE ON FUNCTION renda_write_tenant(), renda_read_tenants() TO renda_app;

-- +goose Down
DROP TABLE casbin_rule;
DROP TABLE idempotency_keys;
DROP TABLE audit_log;
DROP FUNCTION renda_audit_guard();
DROP TABLE audit_heads;
DROP TABLE duty_activities;
DROP TABLE deputy_photos;
DROP TABLE api_keys;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE deputies;
DROP TABLE tenants;
DROP FUNCTION renda_read_tenants();
DROP FUNCTION renda_write_tenant();
-- The renda_app role is shared by every database of the cluster; it stays.
