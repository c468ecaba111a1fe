-- Host services for scenes: users' in-app inbox, durable timers and cron
-- bookkeeping, and per-tenant outbound-HTTP allow-lists with a signing
-- secret.

-- +goose Up
CREATE TABLE notifications (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  id         uuid NOT NULL,
  user_id    uuid NOT NULL,
  source     text NOT NULL,
  title_zh   text NOT NULL,
  title_en   text NOT NULL,
  body_zh    text NOT NULL,
  body_en    text NOT NULL,
  link       text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  read_at    timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_user ON notifications (tenant_id, user_id, id DESC);

CREATE TABLE scene_timers (
  tenant_id  uuid NOT NULL REFERENCES tenants (id),
  scene_id   text NOT NULL,
  key        text NOT NULL,
  job        text NOT NULL,
  due_at     timestamptz NOT NULL,
  payload    text NOT NULL,
  attempts   integer NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, scene_id, key)
);
CREATE INDEX scene_timers_due ON scene_timers (tenant_id, due_at);

ALTER TABLE tenant_scenes ADD COLUMN allowed_hosts text NOT NULL DEFAULT '';
ALTER TABLE tenant_scenes ADD COLUMN signing_secret text NOT NULL DEFAULT '';

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['notifications', 'scene_timers'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_read ON %I FOR SELECT USING (tenant_id = ANY (renda_read_tenants()))', t);
    EXECUTE format('CREATE POLICY tenant_write ON %I FOR ALL USING (tenant_id = renda_write_tenant()) WITH CHECK (tenant_id = renda_write_tenant())', t);
  END LOOP;
END
$$;
-- +goose StatementEnd

GRANT SELECT, INSERT, UPDATE, DELETE ON notifications, scene_timers TO renda_app;

-- +goose Down
ALTER TABLE tenant_scenes DROP COLUMN signing_secret;
ALTER TABLE tenant_scenes DROP COLUMN allowed_hosts;
DROP TABLE scene_timers;
DROP TABLE notifications;
