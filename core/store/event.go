package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/renda-platform/renda/core"
)

type eventRow struct {
	TenantID   string `gorm:"column:tenant_id;primaryKey"`
	ID         string `gorm:"primaryKey"`
	Source     string
	Origin     string
	Type       string
	Payload    string
	OccurredAt time.Time
}

func (eventRow) TableName() string { return "scene_events" }

type deliveryRow struct {
	TenantID    string `gorm:"column:tenant_id;primaryKey"`
	EventID     string `gorm:"primaryKey"`
	Subscriber  string `gorm:"primaryKey"`
	Attempts    int
	NextAt      time.Time
	DeliveredAt *time.Time
	DeadAt      *time.Time
	LastError   string
}

func (deliveryRow) TableName() string { return "scene_deliveries" }

var _ core.EventStore = (*DB)(nil)

// PublishEvent implements core.EventStore.
func (db *DB) PublishEvent(ctx context.Context, source, typ string, payload []byte, subscribers []string) (*core.SceneEvent, error) {
	return db.publish(ctx, core.SceneEvent{Source: source, Type: typ, Payload: payload}, subscribers)
}

// EscalateEvent implements core.EventStore.
func (db *DB) EscalateEvent(ctx context.Context, e core.SceneEvent, origin string, subscribers []string) (*core.SceneEvent, error) {
	e.Origin = origin
	return db.publish(ctx, e, subscribers)
}

func (db *DB) publish(ctx context.Context, e core.SceneEvent, subscribers []string) (*core.SceneEvent, error) {
	source, typ, payload := e.Source, e.Type, e.Payload
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) || len(payload) > MaxDocumentBytes {
		return nil, fieldErr("payload", "event.payload_invalid")
	}
	var out *core.SceneEvent
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		now := db.now()
		ev := eventRow{TenantID: tenantID, ID: newID(), Source: source, Origin: e.Origin, Type: typ, Payload: string(payload), OccurredAt: now}
		if err := tx.Create(&ev).Error; err != nil {
			return core.Wrap("publish event", err)
		}
		for _, sub := range subscribers {
			d := deliveryRow{TenantID: tenantID, EventID: ev.ID, Subscriber: sub, NextAt: now}
			if err := tx.Create(&d).Error; err != nil {
				return core.Wrap("publish event: delivery", err)
			}
		}
		out = &core.SceneEvent{ID: ev.ID, Source: source, Origin: e.Origin, Type: typ, Payload: payload, OccurredAt: now}
		return nil
	})
	return out, err
}

// ClaimDeliveries implements core.EventStore. On PostgreSQL, SKIP LOCKED
// lets several servers dispatch without taking the same delivery.
func (db *DB) ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]*core.Delivery, error) {
	var out []*core.Delivery
	err := db.run(ctx, func(tx *gorm.DB) error {
		now := db.now()
		q := tx.Scopes(readable(ctx)).Where("delivered_at IS NULL AND dead_at IS NULL AND next_at <= ?", now).Order("next_at").Limit(limit)
		if db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []deliveryRow
		if err := q.Find(&rows).Error; err != nil {
			return core.Wrap("claim deliveries", err)
		}
		for _, r := range rows {
			if err := tx.Model(&deliveryRow{}).Scopes(writable(ctx)).Where("event_id = ? AND subscriber = ?", r.EventID, r.Subscriber).
				Updates(map[string]any{"next_at": now.Add(lease), "attempts": r.Attempts + 1}).Error; err != nil {
				return core.Wrap("claim deliveries", err)
			}
			var ev eventRow
			if err := tx.Scopes(readable(ctx)).Where("id = ?", r.EventID).Take(&ev).Error; err != nil {
				return core.Wrap("claim deliveries: event", err)
			}
			out = append(out, &core.Delivery{TenantID: r.TenantID, Subscriber: r.Subscriber, Attempts: r.Attempts + 1, NextAt: now.Add(lease),
				Event: core.SceneEvent{ID: ev.ID, Source: ev.Source, Origin: ev.Origin, Type: ev.Type, Payload: []byte(ev.Payload), OccurredAt: ev.OccurredAt.UTC()}})
		}
		return nil
	})
	return out, err
}

// DeliveryDone implements core.EventStore.
func (db *DB) DeliveryDone(ctx context.Context, eventID, subscriber string, leaseEnd time.Time, errText string, next time.Time, dead bool) error {
	return db.run(ctx, func(tx *gorm.DB) error {
		now := db.now()
		updates := map[string]any{"last_error": truncate(errText, 1000)}
		switch {
		case errText == "":
			updates["delivered_at"] = now
		case dead:
			updates["dead_at"] = now
		default:
			updates["next_at"] = next.UTC()
		}
		err := tx.Model(&deliveryRow{}).Scopes(writable(ctx)).Where("event_id = ? AND subscriber = ? AND next_at = ?", eventID, subscriber, leaseEnd.UTC()).
			Updates(updates).Error
		return core.Wrap("delivery done", err)
	})
}

// Deliveries implements core.EventStore.
func (db *DB) Deliveries(ctx context.Context, dead bool, p core.PageRequest) (core.Page[*core.Delivery], error) {
	var page core.Page[*core.Delivery]
	err := db.run(ctx, func(tx *gorm.DB) error {
		q := tx.Table("scene_deliveries d").Select("d.*, e.source, e.type, e.payload, e.occurred_at").
			Joins("JOIN scene_events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id").Scopes(readableAs(ctx, "d"))
		if dead {
			q = q.Where("d.dead_at IS NOT NULL")
		}
		if p.Cursor != "" {
			after, err := decodeCursor(p.Cursor)
			if err != nil {
				return err
			}
			q = q.Where("d.event_id || '/' || d.subscriber > ?", after)
		}
		var rows []struct {
			TenantID    string
			EventID     string
			Subscriber  string
			Attempts    int
			NextAt      time.Time
			DeliveredAt *time.Time
			DeadAt      *time.Time
			LastError   string
			Source      string
			Type        string
			Payload     string
			OccurredAt  time.Time
		}
		n := p.Size()
		if err := q.Order("d.event_id, d.subscriber").Limit(n + 1).Scan(&rows).Error; err != nil {
			return core.Wrap("deliveries", err)
		}
		if len(rows) > n {
			rows = rows[:n]
			page.NextCursor = encodeCursor(rows[n-1].EventID + "/" + rows[n-1].Subscriber)
		}
		for _, r := range rows {
			page.Items = append(page.Items, &core.Delivery{TenantID: r.TenantID, Subscriber: r.Subscriber, Attempts: r.Attempts,
				NextAt: r.NextAt.UTC(), DeliveredAt: utcPtr(r.DeliveredAt), DeadAt: utcPtr(r.DeadAt), LastError: r.LastError,
				Event: core.SceneEvent{ID: r.EventID, Source: r.Source, Type: r.Type, Payload: []byte(r.Payload), OccurredAt: r.OccurredAt.UTC()}})
		}
		return nil
	})
	return page, err
}

// ReplayDelivery implements core.EventStore.
func (db *DB) ReplayDelivery(ctx context.Context, eventID, subscriber string) error {
	if !isUUID(eventID) {
		return core.Errorf(core.ENOTFOUND, "event.not_found")
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&deliveryRow{}).Scopes(writable(ctx)).Where("event_id = ? AND subscriber = ?", eventID, subscriber).
			Updates(map[string]any{"dead_at": nil, "delivered_at": nil, "attempts": 0, "next_at": db.now(), "last_error": ""})
		if res.Error != nil {
			return core.Wrap("replay delivery", res.Error)
		}
		if res.RowsAffected == 0 {
			return core.Errorf(core.ENOTFOUND, "event.not_found")
		}
		return db.audit(ctx, tx, change{action: "event.replay", targetType: "event", targetID: eventID, after: map[string]string{"subscriber": subscriber}})
	})
}
