package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
)

type dutyRow struct {
	TenantID   string `gorm:"column:tenant_id;primaryKey"`
	ID         string `gorm:"primaryKey"`
	DeputyID   string
	Kind       string
	Scene      string
	Ref        string
	Title      string
	OccurredAt time.Time
	RecordedBy string
	CreatedAt  time.Time
}

func (dutyRow) TableName() string { return "duty_activities" }

func (r *dutyRow) toDomain() *core.DutyActivity {
	return &core.DutyActivity{ID: r.ID, TenantID: r.TenantID, DeputyID: r.DeputyID, Kind: r.Kind, Scene: r.Scene,
		Ref: r.Ref, Title: r.Title, OccurredAt: r.OccurredAt.UTC(), RecordedBy: r.RecordedBy, CreatedAt: r.CreatedAt.UTC()}
}

var _ core.DutyService = (*DB)(nil)

// RecordActivity implements core.DutyService.
func (db *DB) RecordActivity(ctx context.Context, in core.DutyActivityInput) (*core.DutyActivity, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *core.DutyActivity
	err := db.run(ctx, func(tx *gorm.DB) error {
		if _, err := db.deputyRow(ctx, tx, in.DeputyID); err != nil {
			return err
		}
		var existing dutyRow
		err := tx.Scopes(readable(ctx)).Where("scene = ? AND kind = ? AND ref = ? AND deputy_id = ?", in.Scene, in.Kind, in.Ref, in.DeputyID).Take(&existing).Error
		if err == nil {
			out = existing.toDomain()
			return nil
		}
		if err != gorm.ErrRecordNotFound {
			return core.Wrap("record activity", err)
		}
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		row := dutyRow{TenantID: tenantID, ID: newID(), DeputyID: in.DeputyID, Kind: in.Kind, Scene: in.Scene, Ref: in.Ref,
			Title: in.Title, OccurredAt: in.OccurredAt.UTC().Truncate(time.Microsecond), CreatedAt: db.now()}
		if p := core.PrincipalFrom(ctx); p != nil {
			row.RecordedBy = p.UserID
		}
		if err := tx.Create(&row).Error; err != nil {
			return core.Wrap("record activity", err)
		}
		out = row.toDomain()
		return db.audit(ctx, tx, change{action: "duty.record", targetType: "duty_activity", targetID: row.ID, after: out})
	})
	return out, err
}

// ListActivities implements core.DutyService.
func (db *DB) ListActivities(ctx context.Context, deputyID string, p core.PageRequest) (core.Page[*core.DutyActivity], error) {
	var page core.Page[*core.DutyActivity]
	err := db.run(ctx, func(tx *gorm.DB) error {
		if _, err := db.deputyRow(ctx, tx, deputyID); err != nil {
			return err
		}
		q := tx.Scopes(readable(ctx)).Where("deputy_id = ?", deputyID)
		if p.Cursor != "" {
			after, err := decodeIDCursor(p.Cursor)
			if err != nil {
				return err
			}
			q = q.Where("id < ?", after)
		}
		var rows []dutyRow
		n := p.Size()
		if err := q.Order("id DESC").Limit(n + 1).Find(&rows).Error; err != nil {
			return core.Wrap("list activities", err)
		}
		if len(rows) > n {
			rows = rows[:n]
			page.NextCursor = encodeCursor(rows[n-1].ID)
		}
		for i := range rows {
			page.Items = append(page.Items, rows[i].toDomain())
		}
		return nil
	})
	return page, err
}
