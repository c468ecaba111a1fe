package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

type idempotencyRow struct {
	TenantID    string `gorm:"column:tenant_id;primaryKey"`
	UserID      string `gorm:"primaryKey"`
	Key         string `gorm:"primaryKey"`
	Fingerprint string
	Status      int
	ContentType string
	Body        []byte
	CreatedAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

var _ core.IdempotencyStore = (*DB)(nil)

// ClaimIdempotencyKey implements core.IdempotencyStore. The insert is the
// lock: on PostgreSQL a second request with the same key blocks on the
// first one's uncommitted row until that transaction ends, then finds the
// committed answer; on SQLite requests are serialised by the one writer.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, userID, key, fingerprint string) (*core.StoredResponse, error) {
	var out *core.StoredResponse
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		row := idempotencyRow{TenantID: tenantID, UserID: userID, Key: key, Fingerprint: fingerprint, CreatedAt: db.now()}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return core.Wrap("claim idempotency key", res.Error)
		}
		if res.RowsAffected == 1 {
			return nil
		}
		var prev idempotencyRow
		if err := tx.Scopes(readable(ctx)).Where("user_id = ? AND key = ?", userID, key).Take(&prev).Error; err != nil {
			return core.Wrap("read idempotency key", err)
		}
		out = &core.StoredResponse{CreatedAt: prev.CreatedAt.UTC(), Fingerprint: prev.Fingerprint, Status: prev.Status, ContentType: prev.ContentType, Body: prev.Body}
		return nil
	})
	return out, err
}

// SaveIdempotentResponse implements core.IdempotencyStore.
func (db *DB) SaveIdempotentResponse(ctx context.Context, userID, key string, r core.StoredResponse) error {
	return db.run(ctx, func(tx *gorm.DB) error {
		err := tx.Model(&idempotencyRow{}).Scopes(writable(ctx)).Where("user_id = ? AND key = ?", userID, key).
			Updates(map[string]any{"status": r.Status, "content_type": r.ContentType, "body": r.Body}).Error
		return core.Wrap("save idempotent response", err)
	})
}

// ReleaseIdempotencyKey implements core.IdempotencyStore.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, userID, key string) error {
	return db.run(ctx, func(tx *gorm.DB) error {
		err := tx.Scopes(writable(ctx)).Where("user_id = ? AND key = ? AND status = 0", userID, key).Delete(&idempotencyRow{}).Error
		return core.Wrap("release idempotency key", err)
	})
}

// PurgeIdempotencyKeys implements core.IdempotencyStore, one tenant at a
// time under that tenant's scope.
func (db *DB) PurgeIdempotencyKeys(ctx context.Context, age time.Duration) (int64, error) {
	ts, err := db.ListTenants(ctx)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, t := range ts {
		tctx := tenants.WithScope(ctx, tenants.Home(t))
		err := db.run(tctx, func(tx *gorm.DB) error {
			res := tx.Scopes(writable(tctx)).Where("created_at < ?", db.now().Add(-age)).Delete(&idempotencyRow{})
			total += res.RowsAffected
			return res.Error
		})
		if err != nil {
			return total, core.Wrap("purge idempotency keys", err)
		}
	}
	return total, nil
}
