-- Scene events (embedded store): same tables as postgres/00003_scene_events.sql.

-- +goose Up
CREATE TABLE scene_events (
  tenant_id   text NOT NULL REFERENCES tenants (id),
  id          text NOT NULL,
  source      text NOT NULL,
  type        text NOT NULL,
  payload     text NOT NULL,
  occurred_at datetime NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE scene_deliveries (
  tenant_id    text NOT NULL,
  event_id     text NOT NULL,
  subscriber   text NOT NULL,
  attempts     integer NOT NULL DEFAULT 0,
  next_at      datetime NOT NULL,
  delivered_at datetime,
  dead_at      datetime,
  last_error   text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, event_id, subscriber),
  FOREIGN KEY (tenant_id, event_id) REFERENCES scene_events (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX scene_deliveries_due ON scene_deliveries (tenant_id, next_at) WHERE delivered_at IS NULL AND dead_at IS NULL;

-- +goose Down
DROP TABLE scene_deliveries;
DROP TABLE scene_events;
