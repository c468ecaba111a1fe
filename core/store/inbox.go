package store

import (
	"context"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/renda-platform/renda/core"
)

type notificationRow struct {
	TenantID  string `gorm:"column:tenant_id;primaryKey"`
	ID        string `gorm:"primaryKey"`
	UserID    string
	Source    string
	TitleZH   string `gorm:"column:title_zh"`
	TitleEN   string `gorm:"column:title_en"`
	BodyZH    string `gorm:"column:body_zh"`
	BodyEN    string `gorm:"column:body_en"`
	Link      string
	CreatedAt time.Time
	ReadAt    *time.Time
}

func (notificationRow) TableName() string { return "notifications" }

var _ core.InboxStore = (*DB)(nil)

// Notify implements core.InboxStore.
func (db *DB) Notify(ctx context.Context, n core.Notification, userIDs []string) error {
	var v core.Validator
	v.Text("title", n.TitleZH, 200)
	v.MaxLen("title", n.TitleEN, 200)
	v.MaxLen("body", n.BodyZH, 2000)
	v.MaxLen("body", n.BodyEN, 2000)
	v.MaxLen("link", n.Link, 500)
	if len(userIDs) == 0 || len(userIDs) > 1000 {
		v.Add("user_ids", "notify.users_count")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		for i, uid := range userIDs {
			if !isUUID(uid) {
				return fieldErr("user_ids["+itoa(i)+"]", "user.not_found")
			}
			var count int64
			if err := tx.Model(&userRow{}).Scopes(readable(ctx)).Where("id = ?", uid).Count(&count).Error; err != nil {
				return core.Wrap("notify", err)
			}
			if count == 0 {
				return fieldErr("user_ids["+itoa(i)+"]", "user.not_found")
			}
			row := notificationRow{TenantID: tenantID, ID: newID(), UserID: uid, Source: n.Source, TitleZH: n.TitleZH, TitleEN: n.TitleEN,
				BodyZH: n.BodyZH, BodyEN: n.BodyEN, Link: n.Link, CreatedAt: db.now()}
			if err := tx.Create(&row).Error; err != nil {
				return core.Wrap("notify", err)
			}
		}
		return nil
	})
}

// Inbox implements core.InboxStore.
func (db *DB) Inbox(ctx context.Context, userID string, unreadOnly bool, p core.PageRequest) (core.Page[*core.Notification], error) {
	var page core.Page[*core.Notification]
	err := db.run(ctx, func(tx *gorm.DB) error {
		q := tx.Scopes(readable(ctx)).Where("user_id = ?", userID)
		if unreadOnly {
			q = q.Where("read_at IS NULL")
		}
		if p.Cursor != "" {
			after, err := decodeIDCursor(p.Cursor)
			if err != nil {
				return err
			}
			q = q.Where("id < ?", after)
		}
		var rows []notificationRow
		n := p.Size()
		if err := q.Order("id DESC").Limit(n + 1).Find(&rows).Error; err != nil {
			return core.Wrap("inbox", err)
		}
		if len(rows) > n {
			rows = rows[:n]
			page.NextCursor = encodeCursor(rows[n-1].ID)
		}
		for _, r := range rows {
			page.Items = append(page.Items, &core.Notification{ID: r.ID, UserID: r.UserID, Source: r.Source, TitleZH: r.TitleZH, TitleEN: r.TitleEN,
				BodyZH: r.BodyZH, BodyEN: r.BodyEN, Link: r.Link, CreatedAt: r.CreatedAt.UTC(), ReadAt: utcPtr(r.ReadAt)})
		}
		return nil
	})
	return page, err
}

// MarkRead implements core.InboxStore.
func (db *DB) MarkRead(ctx context.Context, userID, id string) error {
	if !isUUID(id) {
		return core.Errorf(core.ENOTFOUND, "notification.not_found")
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&notificationRow{}).Scopes(writable(ctx)).Where("user_id = ? AND id = ? AND read_at IS NULL", userID, id).Update("read_at", db.now())
		if res.Error != nil {
			return core.Wrap("mark read", res.Error)
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&notificationRow{}).Scopes(readable(ctx)).Where("user_id = ? AND id = ?", userID, id).Count(&n).Error; err != nil {
				return core.Wrap("mark read", err)
			}
			if n == 0 {
				return core.Errorf(core.ENOTFOUND, "notification.not_found")
			}
		}
		return nil
	})
}

type timerRow struct {
	TenantID  string `gorm:"column:tenant_id;primaryKey"`
	SceneID   string `gorm:"primaryKey"`
	Key       string `gorm:"primaryKey"`
	Job       string
	DueAt     time.Time
	Payload   string
	Attempts  int
	LastError string
}

func (timerRow) TableName() string { return "scene_timers" }

var _ core.TimerStore = (*DB)(nil)

// PutTimer implements core.TimerStore.
func (db *DB) PutTimer(ctx context.Context, t core.Timer, onlyIfMissing bool) error {
	var v core.Validator
	v.Text("key", t.Key, 200)
	v.Text("job", t.Job, 64)
	if err := v.Err(); err != nil {
		return err
	}
	payload := string(t.Payload)
	if payload == "" {
		payload = "null"
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		row := timerRow{TenantID: tenantID, SceneID: t.SceneID, Key: t.Key, Job: t.Job, DueAt: t.DueAt.UTC().Truncate(time.Microsecond), Payload: payload}
		conflict := clause.OnConflict{Columns: []clause.Column{{Name: "tenant_id"}, {Name: "scene_id"}, {Name: "key"}}, DoNothing: true}
		if !onlyIfMissing {
			conflict = clause.OnConflict{Columns: conflict.Columns, DoUpdates: clause.AssignmentColumns([]string{"job", "due_at", "payload", "attempts", "last_error"})}
		}
		return core.Wrap("put timer", tx.Clauses(conflict).Create(&row).Error)
	})
}

// ClaimTimers implements core.TimerStore.
func (db *DB) ClaimTimers(ctx context.Context, limit int, lease time.Duration) ([]*core.Timer, error) {
	var out []*core.Timer
	err := db.run(ctx, func(tx *gorm.DB) error {
		now := db.now()
		q := tx.Scopes(readable(ctx)).Where("due_at <= ?", now).Order("due_at").Limit(limit)
		if db.dialect == Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []timerRow
		if err := q.Find(&rows).Error; err != nil {
			return core.Wrap("claim timers", err)
		}
		for _, r := range rows {
			if err := tx.Model(&timerRow{}).Scopes(writable(ctx)).Where("scene_id = ? AND key = ?", r.SceneID, r.Key).
				Updates(map[string]any{"due_at": now.Add(lease), "attempts": r.Attempts + 1}).Error; err != nil {
				return core.Wrap("claim timers", err)
			}
			// DueAt is the lease's end: TimerDone deletes the timer only if
			// nobody rescheduled it meanwhile.
			out = append(out, &core.Timer{TenantID: r.TenantID, SceneID: r.SceneID, Key: r.Key, Job: r.Job, DueAt: now.Add(lease),
				Payload: []byte(r.Payload), Attempts: r.Attempts + 1})
		}
		return nil
	})
	return out, err
}

// TimerDone implements core.TimerStore. A timer rescheduled while it ran
// (its due time moved past the lease) is left alone.
func (db *DB) TimerDone(ctx context.Context, sceneID, key string, due time.Time, errText string, retry *time.Time) error {
	return db.run(ctx, func(tx *gorm.DB) error {
		q := tx.Scopes(writable(ctx)).Where("scene_id = ? AND key = ? AND due_at = ?", sceneID, key, due.UTC())
		if retry != nil {
			return core.Wrap("timer done", q.Model(&timerRow{}).Updates(map[string]any{"due_at": retry.UTC(), "last_error": truncate(errText, 1000)}).Error)
		}
		return core.Wrap("timer done", q.Delete(&timerRow{}).Error)
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
