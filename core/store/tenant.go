package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

type tenantRow struct {
	ID            string `gorm:"primaryKey"`
	Slug          string
	Level         string
	ParentID      *string
	Path          string
	DivisionCode  string
	NameZH        string `gorm:"column:name_zh"`
	NameEN        string `gorm:"column:name_en"`
	Status        string
	PolicyVersion int64
	ScenesVersion int64
	ArchivedAt    *time.Time
	ExportedAt    *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (tenantRow) TableName() string { return "tenants" }

func (r *tenantRow) toDomain() *tenants.Tenant {
	t := &tenants.Tenant{
		ID: r.ID, Slug: r.Slug, Level: tenants.Level(r.Level), Path: r.Path, DivisionCode: r.DivisionCode,
		NameZH: r.NameZH, NameEN: r.NameEN, Status: tenants.Status(r.Status), PolicyVersion: r.PolicyVersion, ScenesVersion: r.ScenesVersion,
		ArchivedAt: utcPtr(r.ArchivedAt), ExportedAt: utcPtr(r.ExportedAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.ParentID != nil {
		t.ParentID = *r.ParentID
	}
	return t
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// tenantTables lists every tenant-owned table, children before parents, so
// that deleting in this order never trips a foreign key. Export, delete and
// the isolation tests all walk this one list.
var tenantTables = []string{
	"idempotency_keys", "sessions", "api_keys", "deputy_photos", "duty_activities", "scene_deliveries", "scene_events", "notifications", "scene_timers", "files", "departments",
	"users", "deputies", "scene_documents", "tenant_scenes", "audit_log", "audit_heads",
}

// TenantTables returns the tenant-owned tables (for isolation tests).
func TenantTables() []string { return append([]string(nil), tenantTables...) }

var _ core.TenantService = (*DB)(nil)

// CreateTenant implements core.TenantService.
func (db *DB) CreateTenant(ctx context.Context, in core.TenantCreate) (*tenants.Tenant, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *tenants.Tenant
	err := db.InTx(ctx, func(ctx context.Context) error {
		tx := txOf(ctx)
		now := db.now()
		id := newID()
		row := tenantRow{
			ID: id, Slug: in.Slug, Level: string(in.Level), Path: "/" + id + "/", DivisionCode: in.DivisionCode,
			NameZH: in.NameZH, NameEN: in.NameEN, Status: string(tenants.StatusActive), PolicyVersion: 1, ScenesVersion: 1,
			CreatedAt: now, UpdatedAt: now,
		}
		if in.ParentSlug != "" {
			var parent tenantRow
			if err := tx.Where("slug = ?", in.ParentSlug).Take(&parent).Error; err != nil {
				return notFound("create tenant", err, "tenant.parent_not_found")
			}
			if !in.Level.Below(tenants.Level(parent.Level)) {
				return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"), Fields: []core.FieldError{
					{Path: "parent", Msg: core.Msg("tenant.level_mismatch", in.Level, parent.Level)}}}
			}
			if parent.Status == string(tenants.StatusArchived) {
				return core.Errorf(core.ECONFLICT, "tenant.parent_archived")
			}
			row.ParentID, row.Path = &parent.ID, parent.Path+id+"/"
		}
		if err := tx.Create(&row).Error; err != nil {
			if violation(err) == violUnique {
				return core.Errorf(core.ECONFLICT, "tenant.taken")
			}
			return core.Wrap("create tenant", err)
		}
		out = row.toDomain()
		return db.InTx(tenants.WithScope(ctx, tenants.Home(out)), func(ctx context.Context) error {
			tx := txOf(ctx)
			if err := tx.Create(&auditHead{TenantID: id}).Error; err != nil {
				return core.Wrap("create tenant: audit head", err)
			}
			return db.audit(ctx, tx, change{action: "tenant.create", targetType: "tenant", targetID: id, after: out})
		})
	})
	return out, err
}

// TenantBySlug implements core.TenantService.
func (db *DB) TenantBySlug(ctx context.Context, slug string) (*tenants.Tenant, error) {
	var row tenantRow
	err := db.read(ctx, func(tx *gorm.DB) error {
		return tx.Where("slug = ?", slug).Take(&row).Error
	})
	if err != nil {
		return nil, notFound("tenant by slug", err, "tenant.not_found")
	}
	return row.toDomain(), nil
}

// TenantByID implements core.TenantService.
func (db *DB) TenantByID(ctx context.Context, id string) (*tenants.Tenant, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, core.Errorf(core.ENOTFOUND, "tenant.not_found")
	}
	var row tenantRow
	err := db.read(ctx, func(tx *gorm.DB) error {
		return tx.Where("id = ?", id).Take(&row).Error
	})
	if err != nil {
		return nil, notFound("tenant by id", err, "tenant.not_found")
	}
	return row.toDomain(), nil
}

// ListTenants implements core.TenantService.
func (db *DB) ListTenants(ctx context.Context) ([]*tenants.Tenant, error) {
	var rows []tenantRow
	if err := db.read(ctx, func(tx *gorm.DB) error { return tx.Order("path").Find(&rows).Error }); err != nil {
		return nil, core.Wrap("list tenants", err)
	}
	out := make([]*tenants.Tenant, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}

// Descendants returns the tenants strictly below t, in tree order.
func (db *DB) Descendants(ctx context.Context, t *tenants.Tenant) ([]*tenants.Tenant, error) {
	var rows []tenantRow
	err := db.read(ctx, func(tx *gorm.DB) error {
		return tx.Where("path LIKE ? AND id <> ?", t.Path+"%", t.ID).Order("path").Find(&rows).Error
	})
	if err != nil {
		return nil, core.Wrap("descendants", err)
	}
	out := make([]*tenants.Tenant, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}

// SetTenantStatus implements core.TenantService.
func (db *DB) SetTenantStatus(ctx context.Context, slug string, to tenants.Status) (*tenants.Tenant, error) {
	var out *tenants.Tenant
	err := db.InTx(ctx, func(ctx context.Context) error {
		tx := txOf(ctx)
		var row tenantRow
		if err := tx.Where("slug = ?", slug).Take(&row).Error; err != nil {
			return notFound("set tenant status", err, "tenant.not_found")
		}
		before := row.toDomain()
		from := tenants.Status(row.Status)
		allowed := map[tenants.Status][]tenants.Status{
			tenants.StatusActive:    {tenants.StatusSuspended, tenants.StatusArchived},
			tenants.StatusSuspended: {tenants.StatusActive, tenants.StatusArchived},
		}
		ok := false
		for _, s := range allowed[from] {
			ok = ok || s == to
		}
		if !ok {
			return core.Errorf(core.ECONFLICT, "tenant.bad_transition", from, to)
		}
		now := db.now()
		updates := map[string]any{"status": string(to), "updated_at": now}
		if to == tenants.StatusArchived {
			updates["archived_at"] = now
		}
		if err := tx.Model(&tenantRow{}).Where("id = ?", row.ID).Updates(updates).Error; err != nil {
			return core.Wrap("set tenant status", err)
		}
		if err := tx.Where("id = ?", row.ID).Take(&row).Error; err != nil {
			return core.Wrap("set tenant status", err)
		}
		out = row.toDomain()
		return db.InTx(tenants.WithScope(ctx, tenants.Home(out)), func(ctx context.Context) error {
			tx := txOf(ctx)
			if to != tenants.StatusActive {
				// Cut every session now; the status check refuses them too,
				// but a resumed tenant should not revive old logins.
				if err := tx.Scopes(writable(ctx)).Delete(&sessionRow{}).Error; err != nil {
					return core.Wrap("set tenant status: end sessions", err)
				}
			}
			return db.audit(ctx, tx, change{action: "tenant." + statusVerb(to), targetType: "tenant", targetID: out.ID, before: before, after: out})
		})
	})
	return out, err
}

func statusVerb(s tenants.Status) string {
	switch s {
	case tenants.StatusSuspended:
		return "suspend"
	case tenants.StatusArchived:
		return "archive"
	}
	return "resume"
}

// secretColumns are left out of exports: an export is data, not credentials.
var secretColumns = map[string]bool{"password_hash": true, "token_hash": true, "key_hash": true, "body": true, "signing_secret": true}

// ExportTenant implements core.TenantService.
func (db *DB) ExportTenant(ctx context.Context, slug string, w io.Writer) error {
	t, err := db.TenantBySlug(ctx, slug)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	ctx = tenants.WithScope(ctx, tenants.Home(t))
	err = db.run(ctx, func(tx *gorm.DB) error {
		if err := enc.Encode(map[string]any{"table": "tenants", "row": t}); err != nil {
			return err
		}
		for i := len(tenantTables) - 1; i >= 0; i-- {
			if err := db.exportTable(ctx, tx, enc, tenantTables[i]); err != nil {
				return err
			}
		}
		var rules []map[string]any
		if err := tx.Table("casbin_rule").Where("(ptype = 'p' AND v1 = ?) OR (ptype = 'g' AND v2 = ?)", t.ID, t.ID).Order("id").Find(&rules).Error; err != nil {
			return core.Wrap("export casbin_rule", err)
		}
		for _, r := range rules {
			if err := enc.Encode(map[string]any{"table": "casbin_rule", "row": r}); err != nil {
				return err
			}
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		now := db.now()
		if err := tx.Model(&tenantRow{}).Where("id = ?", t.ID).Update("exported_at", now).Error; err != nil {
			return core.Wrap("export: mark exported", err)
		}
		return db.audit(ctx, tx, change{action: "tenant.export", targetType: "tenant", targetID: t.ID})
	})
	return err
}

func (db *DB) exportTable(ctx context.Context, tx *gorm.DB, enc *json.Encoder, table string) error {
	rows, err := tx.Table(table).Scopes(readable(ctx)).Rows()
	if err != nil {
		return core.Wrap("export "+table, err)
	}
	defer rows.Close()
	for rows.Next() {
		m := map[string]any{}
		if err := tx.ScanRows(rows, &m); err != nil {
			return core.Wrap("export "+table, err)
		}
		for c := range secretColumns {
			delete(m, c)
		}
		if st, ok := m["settings"].(string); ok && table == "tenant_scenes" {
			m["settings"] = core.RedactSecrets(st)
		}
		if err := enc.Encode(map[string]any{"table": table, "row": m}); err != nil {
			return fmt.Errorf("export %s: write: %w", table, err)
		}
	}
	return rows.Err()
}

// DeleteTenant implements core.TenantService.
func (db *DB) DeleteTenant(ctx context.Context, slug string) error {
	t, err := db.TenantBySlug(ctx, slug)
	if err != nil {
		return err
	}
	switch {
	case t.Status != tenants.StatusArchived:
		return core.Errorf(core.ECONFLICT, "tenant.delete_not_archived")
	case t.ExportedAt == nil || t.ArchivedAt == nil || t.ExportedAt.Before(*t.ArchivedAt):
		return core.Errorf(core.ECONFLICT, "tenant.delete_not_exported")
	}
	kids, err := db.Descendants(ctx, t)
	if err != nil {
		return err
	}
	if len(kids) > 0 {
		return core.Errorf(core.ECONFLICT, "tenant.delete_has_children")
	}
	ctx = tenants.WithScope(ctx, tenants.Home(t))
	err = db.run(ctx, func(tx *gorm.DB) error {
		if db.dialect == Postgres {
			if err := tx.Exec(`SELECT set_config('app.purge_tenant', ?, true)`, t.ID).Error; err != nil {
				return core.Wrap("delete tenant", err)
			}
		}
		for _, table := range tenantTables {
			if err := tx.Exec("DELETE FROM "+table+" WHERE tenant_id = ?", t.ID).Error; err != nil {
				return core.Wrap("delete tenant: "+table, err)
			}
		}
		if err := tx.Exec(`DELETE FROM casbin_rule WHERE (ptype = 'p' AND v1 = ?) OR (ptype = 'g' AND v2 = ?)`, t.ID, t.ID).Error; err != nil {
			return core.Wrap("delete tenant: policies", err)
		}
		if err := tx.Where("id = ?", t.ID).Delete(&tenantRow{}).Error; err != nil {
			return core.Wrap("delete tenant", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The tenant's own chain is gone with it; the parent's chain keeps the
	// record that it was deleted.
	if t.ParentID != "" {
		parent, err := db.TenantByID(ctx, t.ParentID)
		if err != nil {
			return err
		}
		pctx := tenants.WithScope(ctx, tenants.Home(parent))
		return db.run(pctx, func(tx *gorm.DB) error {
			return db.audit(pctx, tx, change{action: "tenant.delete", targetType: "tenant", targetID: t.ID, before: t})
		})
	}
	db.log.InfoContext(ctx, "tenant deleted", "tenant", t.Slug, "tenant_id", t.ID)
	return nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// BumpPolicyVersion marks the tenant's roles and grants as changed, so every
// server instance reloads its authorization cache for the tenant, and
// returns the new version. The version is a random number, not the old one
// plus one: a bump in a transaction that rolls back may already have cached
// rules under its number, and no later bump may reuse that number (nor may
// it depend on servers' clocks agreeing). The update also locks the tenant's
// row until the transaction ends, so callers bump first and then check
// what they change.
func (db *DB) BumpPolicyVersion(ctx context.Context, tenantID string) (int64, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, core.Wrap("bump policy version", err)
	}
	v := int64(binary.BigEndian.Uint64(b[:])>>1) | 1 // positive, never 0
	err := db.run(ctx, func(tx *gorm.DB) error {
		return core.Wrap("bump policy version", tx.Model(&tenantRow{}).Where("id = ?", tenantID).Update("policy_version", v).Error)
	})
	return v, err
}
