-- Scene events: an outbox written in the same transaction as the scene's
-- store writes, and one delivery row per subscriber, retried with back-off
-- until delivered or dead (kept for an administrator to replay).

-- +goose Up
CREATE TABLE scene_events (
  tenant_id   uuid NOT NULL REFERENCES tenants (id),
  id          uuid NOT NULL,
  source      text NOT NULL,
  type        text NOT NULL,
  payload     text NOT NULL,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE scene_deliveries (
  tenant_id    uuid NOT NULL,
  event_id     uuid NOT NULL,
  subscriber   text NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  next_at      timestamptz NOT NULL,
  delivered_at timestamptz,
  dead_at      timestamptz,
  last_error   text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, event_id, subscriber),
  FOREIGN KEY (tenant_id, event_id) REFERENCES scene_events (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX scene_deliveries_due ON scene_deliveries (tenant_id, next_at) WHERE delivered_at IS NULL AND dead_at IS NULL;

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['scene_events', 'scene_deliveries'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_read ON %I FOR SELECT USING (tenant_id = ANY (renda_read_tenants()))', t);
    EXECUTE format('CREATE POLICY tenant_write ON %I FOR ALL USING (tenant_id = renda_write_tenant()) WITH CHECK (tenant_id = renda_write_tenant())', t);
  END LOOP;
END
$$;
-- +goose StatementEnd

GRANT SELECT, INSERT, UPDATE, DELETE ON scene_events, scene_deliveries TO renda_app;

-- +goose Down
DROP TABLE scene_deliveries;
DROP TABLE scene_events;
