-- Host services for scenes (embedded store): same as postgres/00004_host_services.sql.

-- +goose Up
CREATE TABLE notifications (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  id         text NOT NULL,
  user_id    text NOT NULL,
  source     text NOT NULL,
  title_zh   text NOT NULL,
  title_en   text NOT NULL,
  body_zh    text NOT NULL,
  body_en    text NOT NULL,
  link       text NOT NULL DEFAULT '',
  created_at datetime NOT NULL,
  read_at    datetime,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX notifications_user ON notifications (tenant_id, user_id, id DESC);

CREATE TABLE scene_timers (
  tenant_id  text NOT NULL REFERENCES tenants (id),
  scene_id   text NOT NULL,
  key        text NOT NULL,
  job        text NOT NULL,
  due_at     datetime NOT NULL,
  payload    text NOT NULL,
  attempts   integer NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, scene_id, key)
);
CREATE INDEX scene_timers_due ON scene_timers (tenant_id, due_at);

ALTER TABLE tenant_scenes ADD COLUMN allowed_hosts text NOT NULL DEFAULT '';
ALTER TABLE tenant_scenes ADD COLUMN signing_secret text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tenant_scenes DROP COLUMN signing_secret;
ALTER TABLE tenant_scenes DROP COLUMN allowed_hosts;
DROP TABLE scene_timers;
DROP TABLE notifications;
