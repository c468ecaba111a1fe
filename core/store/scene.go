package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

type sceneReleaseRow struct {
	SceneID     string `gorm:"primaryKey"`
	Version     string `gorm:"primaryKey"`
	BinaryPath  string
	SHA256      string `gorm:"column:sha256"`
	Manifest    string
	InstalledAt time.Time
}

func (sceneReleaseRow) TableName() string { return "scene_catalog" }

type tenantSceneRow struct {
	TenantID      string `gorm:"column:tenant_id;primaryKey"`
	SceneID       string `gorm:"primaryKey"`
	Version       string
	Enabled       bool
	Settings      string
	AllowedHosts  string
	SigningSecret string
	UpdatedAt     time.Time
}

func (tenantSceneRow) TableName() string { return "tenant_scenes" }

func (r *tenantSceneRow) toDomain() *core.TenantScene {
	ts := &core.TenantScene{TenantID: r.TenantID, SceneID: r.SceneID, Version: r.Version, Enabled: r.Enabled, Settings: r.Settings,
		SigningSecret: r.SigningSecret, UpdatedAt: r.UpdatedAt.UTC()}
	if r.AllowedHosts != "" {
		ts.AllowedHosts = strings.Split(r.AllowedHosts, ",")
	}
	return ts
}

var _ core.SceneStore = (*DB)(nil)

// InstallScene implements core.SceneStore.
func (db *DB) InstallScene(ctx context.Context, r core.SceneRelease) error {
	return db.run(ctx, func(tx *gorm.DB) error {
		var prev sceneReleaseRow
		err := tx.Where("scene_id = ? AND version = ?", r.SceneID, r.Version).Take(&prev).Error
		if err == nil {
			if prev.SHA256 != r.SHA256 {
				return core.Errorf(core.ECONFLICT, "scene.version_taken", r.SceneID, r.Version)
			}
			return tx.Model(&sceneReleaseRow{}).Where("scene_id = ? AND version = ?", r.SceneID, r.Version).
				Updates(map[string]any{"binary_path": r.BinaryPath, "manifest": r.Manifest}).Error
		}
		if err != gorm.ErrRecordNotFound {
			return core.Wrap("install scene", err)
		}
		row := sceneReleaseRow{SceneID: r.SceneID, Version: r.Version, BinaryPath: r.BinaryPath, SHA256: r.SHA256, Manifest: r.Manifest, InstalledAt: db.now()}
		return core.Wrap("install scene", tx.Create(&row).Error)
	})
}

// SceneReleases implements core.SceneStore.
func (db *DB) SceneReleases(ctx context.Context) ([]*core.SceneRelease, error) {
	var rows []sceneReleaseRow
	if err := db.run(ctx, func(tx *gorm.DB) error { return tx.Order("scene_id, installed_at").Find(&rows).Error }); err != nil {
		return nil, core.Wrap("scene releases", err)
	}
	out := make([]*core.SceneRelease, len(rows))
	for i, r := range rows {
		out[i] = &core.SceneRelease{SceneID: r.SceneID, Version: r.Version, BinaryPath: r.BinaryPath, SHA256: r.SHA256, Manifest: r.Manifest, InstalledAt: r.InstalledAt.UTC()}
	}
	return out, nil
}

// EnsureSceneIndex implements core.SceneStore.
func (db *DB) EnsureSceneIndex(ctx context.Context, sceneID, collection string, f core.DocField) error {
	if db.dialect != Postgres {
		return nil
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		return core.Wrap("scene index", tx.Exec(`SELECT renda_scene_index(?, ?, ?, ?)`, sceneID, collection, f.Name, f.Type).Error)
	})
}

// TenantScenes implements core.SceneStore.
func (db *DB) TenantScenes(ctx context.Context) ([]*core.TenantScene, error) {
	var rows []tenantSceneRow
	if err := db.run(ctx, func(tx *gorm.DB) error { return tx.Scopes(readable(ctx)).Order("scene_id").Find(&rows).Error }); err != nil {
		return nil, core.Wrap("tenant scenes", err)
	}
	out := make([]*core.TenantScene, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}

// TenantScene implements core.SceneStore.
func (db *DB) TenantScene(ctx context.Context, sceneID string) (*core.TenantScene, error) {
	var row tenantSceneRow
	err := db.run(ctx, func(tx *gorm.DB) error {
		return tx.Scopes(readable(ctx)).Where("scene_id = ?", sceneID).Take(&row).Error
	})
	if err != nil {
		return nil, notFound("tenant scene", err, "scene.not_enabled")
	}
	return row.toDomain(), nil
}

// PutTenantScene implements core.SceneStore.
func (db *DB) PutTenantScene(ctx context.Context, ts core.TenantScene) (*core.TenantScene, error) {
	var out *core.TenantScene
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		var before *core.TenantScene
		var prev tenantSceneRow
		if err := tx.Scopes(readable(ctx)).Where("scene_id = ?", ts.SceneID).Take(&prev).Error; err == nil {
			before = prev.toDomain()
		}
		row := tenantSceneRow{TenantID: tenantID, SceneID: ts.SceneID, Version: ts.Version, Enabled: ts.Enabled, Settings: ts.Settings,
			AllowedHosts: strings.Join(ts.AllowedHosts, ","), SigningSecret: ts.SigningSecret, UpdatedAt: db.now()}
		if row.Settings == "" {
			row.Settings = "{}"
		}
		if row.SigningSecret == "" && before != nil {
			row.SigningSecret = before.SigningSecret
		}
		if row.SigningSecret == "" {
			row.SigningSecret = newSecret()
		}
		if before == nil {
			err = tx.Create(&row).Error
			if violation(err) == violUnique { // enabled by someone else just now
				return core.Errorf(core.ECONFLICT, "scene.concurrent_change")
			}
		} else {
			err = tx.Model(&tenantSceneRow{}).Scopes(writable(ctx)).Where("scene_id = ?", ts.SceneID).
				Updates(map[string]any{"version": row.Version, "enabled": row.Enabled, "settings": row.Settings, "allowed_hosts": row.AllowedHosts,
					"signing_secret": row.SigningSecret, "updated_at": row.UpdatedAt}).Error
		}
		if err != nil {
			return core.Wrap("put tenant scene", err)
		}
		if err := tx.Model(&tenantRow{}).Where("id = ?", tenantID).Update("scenes_version", gorm.Expr("scenes_version + 1")).Error; err != nil {
			return core.Wrap("put tenant scene: version", err)
		}
		out = row.toDomain()
		// The audit log records the configuration, never the secret.
		redact := func(t *core.TenantScene) any {
			if t == nil {
				return nil
			}
			c := *t
			c.SigningSecret = ""
			c.Settings = core.RedactSecrets(c.Settings)
			return c
		}
		return db.audit(ctx, tx, change{action: "scene.configure", targetType: "scene", targetID: ts.SceneID, before: redact(before), after: redact(out)})
	})
	return out, err
}

type documentRow struct {
	TenantID   string `gorm:"column:tenant_id;primaryKey"`
	SceneID    string `gorm:"primaryKey"`
	Collection string `gorm:"primaryKey"`
	ID         string `gorm:"primaryKey"`
	Version    int64
	Data       string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (documentRow) TableName() string { return "scene_documents" }

func (r *documentRow) toDomain() *core.SceneDocument {
	return &core.SceneDocument{TenantID: r.TenantID, Collection: r.Collection, ID: r.ID, Version: r.Version, Data: []byte(r.Data), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// MaxDocumentBytes bounds one scene document.
const MaxDocumentBytes = 1 << 20

var docIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$`)

func checkDocument(id string, data []byte) error {
	var v core.Validator
	if id != "" && !docIDPattern.MatchString(id) {
		v.Add("id", "document.id_invalid")
	}
	trimmed := strings.TrimSpace(string(data))
	switch {
	case len(data) > MaxDocumentBytes:
		v.Add("data", "document.too_large", MaxDocumentBytes>>10)
	case !strings.HasPrefix(trimmed, "{") || !json.Valid(data):
		v.Add("data", "document.not_object")
	case strings.Contains(trimmed, `\u0000`):
		v.Add("data", "field.single_line") // PostgreSQL's JSONB cannot hold NUL
	}
	return v.Err()
}

// docScope limits a query to one scene's collection in the readable tenants.
func docScope(ctx context.Context, sceneID, collection string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		return q.Scopes(readable(ctx)).Where("scene_id = ? AND collection = ?", sceneID, collection)
	}
}

// CreateDocument implements core.SceneStore.
func (db *DB) CreateDocument(ctx context.Context, sceneID, collection, id string, data []byte) (*core.SceneDocument, error) {
	if err := checkDocument(id, data); err != nil {
		return nil, err
	}
	if id == "" {
		id = newID()
	}
	var out *core.SceneDocument
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		now := db.now()
		row := documentRow{TenantID: tenantID, SceneID: sceneID, Collection: collection, ID: id, Version: 1, Data: string(data), CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			if violation(err) == violUnique {
				return core.Errorf(core.ECONFLICT, "document.exists")
			}
			return core.Wrap("create document", err)
		}
		out = row.toDomain()
		return nil
	})
	return out, err
}

// GetDocument implements core.SceneStore. It reads the addressed tenant's
// document only: in a city-wide read the same id may exist in several
// congresses, and a Get names one thing.
func (db *DB) GetDocument(ctx context.Context, sceneID, collection, id string) (*core.SceneDocument, error) {
	if !docIDPattern.MatchString(id) {
		return nil, core.Errorf(core.ENOTFOUND, "document.not_found")
	}
	var row documentRow
	err := db.run(ctx, func(tx *gorm.DB) error {
		q := tx.Scopes(docScope(ctx, sceneID, collection)).Where("id = ?", id)
		if s, ok := tenants.FromContext(ctx); ok && s.Tenant != nil {
			q = q.Where("tenant_id = ?", s.Tenant.ID)
		}
		return q.Take(&row).Error
	})
	if err != nil {
		return nil, notFound("get document", err, "document.not_found")
	}
	return row.toDomain(), nil
}

// UpdateDocument implements core.SceneStore.
func (db *DB) UpdateDocument(ctx context.Context, sceneID, collection, id string, version int64, data []byte) (*core.SceneDocument, error) {
	if !docIDPattern.MatchString(id) {
		return nil, core.Errorf(core.ENOTFOUND, "document.not_found")
	}
	if err := checkDocument(id, data); err != nil {
		return nil, err
	}
	// One statement when the version matches, as it does in nearly every update (a scene's
	// Batch writes against versions it has just read); the document is read only to tell a
	// stale version from a missing document or a read-only scope.
	var out *core.SceneDocument
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, werr := writeTenant(ctx)
		if werr == nil {
			now := db.now()
			var rows []documentRow
			err := tx.Raw(`UPDATE scene_documents SET data = ?, version = ?, updated_at = ?
				WHERE tenant_id = ? AND scene_id = ? AND collection = ? AND id = ? AND version = ? RETURNING *`,
				string(data), version+1, now, tenantID, sceneID, collection, id, version).Scan(&rows).Error
			if err != nil {
				return core.Wrap("update document", err)
			}
			if len(rows) == 1 {
				rows[0].Data = string(data)
				out = rows[0].toDomain()
				return nil
			}
		}
		var row documentRow
		if err := tx.Scopes(docScope(ctx, sceneID, collection)).Where("id = ?", id).Take(&row).Error; err != nil {
			return notFound("update document", err, "document.not_found")
		}
		if werr != nil {
			return werr
		}
		return core.Errorf(core.ECONFLICT, "document.stale", version, row.Version)
	})
	return out, err
}

// DeleteDocument implements core.SceneStore.
func (db *DB) DeleteDocument(ctx context.Context, sceneID, collection, id string, version int64) error {
	if !docIDPattern.MatchString(id) {
		return core.Errorf(core.ENOTFOUND, "document.not_found")
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		var row documentRow
		if err := tx.Scopes(docScope(ctx, sceneID, collection)).Where("id = ?", id).Take(&row).Error; err != nil {
			return notFound("delete document", err, "document.not_found")
		}
		if version != 0 && row.Version != version {
			return core.Errorf(core.ECONFLICT, "document.stale", version, row.Version)
		}
		res := tx.Scopes(writable(ctx)).Where("scene_id = ? AND collection = ? AND id = ? AND version = ?", sceneID, collection, id, row.Version).Delete(&documentRow{})
		if res.Error != nil {
			return core.Wrap("delete document", res.Error)
		}
		if res.RowsAffected != 1 {
			if _, err := writeTenant(ctx); err != nil {
				return err
			}
			return core.Errorf(core.ECONFLICT, "document.stale", row.Version, row.Version+1)
		}
		return nil
	})
}

var fieldNamePattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]{0,39}$`)

// fieldExpr is the SQL expression of a declared JSON field. The name is
// checked against the manifest's identifier pattern before it is inlined.
func (db *DB) fieldExpr(f core.DocField) (string, error) {
	if !fieldNamePattern.MatchString(f.Name) {
		return "", fieldErr("field", "document.field_invalid", f.Name)
	}
	// A number field holding something else (a string, say) counts as
	// missing rather than failing the query; the expressions match the
	// indexes renda_scene_index creates.
	if db.dialect == Postgres {
		if f.Type == "number" {
			return fmt.Sprintf("(CASE WHEN jsonb_typeof(data->'%[1]s') = 'number' THEN (data->>'%[1]s')::numeric END)", f.Name), nil
		}
		return fmt.Sprintf("(data->>'%s')", f.Name), nil
	}
	if f.Type == "number" {
		return fmt.Sprintf("(CASE WHEN json_type(data, '$.%[1]s') IN ('integer', 'real') THEN json_extract(data, '$.%[1]s') END)", f.Name), nil
	}
	if f.Type == "bool" {
		return fmt.Sprintf("(CASE json_type(data, '$.%s') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' END)", f.Name), nil
	}
	return fmt.Sprintf("json_extract(data, '$.%s')", f.Name), nil
}

// filterValue converts a filter operand to the field's type.
func filterValue(f core.DocField, s string) (any, error) {
	if f.Type == "number" {
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fieldErr("filters", "document.filter_number", f.Name)
		}
		return n, nil
	}
	return s, nil
}

func (db *DB) applyFilters(q *gorm.DB, filters []core.DocFilter) (*gorm.DB, error) {
	for _, f := range filters {
		expr, err := db.fieldExpr(f.Field)
		if err != nil {
			return nil, err
		}
		if len(f.Values) == 0 || len(f.Values) > 100 || (f.Op != "in" && len(f.Values) != 1) {
			return nil, fieldErr("filters", "document.filter_values", f.Field.Name)
		}
		vals := make([]any, len(f.Values))
		for i, s := range f.Values {
			if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
				return nil, fieldErr("filters", "field.single_line")
			}
			if vals[i], err = filterValue(f.Field, s); err != nil {
				return nil, err
			}
		}
		ops := map[string]string{"eq": "=", "ne": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
		switch {
		case ops[f.Op] != "":
			q = q.Where(expr+" "+ops[f.Op]+" ?", vals[0])
		case f.Op == "in":
			q = q.Where(expr+" IN ?", vals)
		case f.Op == "prefix" && f.Field.Type != "number":
			q = q.Where(expr+` LIKE ? ESCAPE '\'`, escapeLike(f.Values[0])+"%")
		default:
			return nil, fieldErr("filters", "document.filter_op", f.Op)
		}
	}
	return q, nil
}

// QueryDocuments implements core.SceneStore.
func (db *DB) QueryDocuments(ctx context.Context, sceneID, collection string, dq core.DocQuery) (core.Page[*core.SceneDocument], error) {
	var page core.Page[*core.SceneDocument]
	sortExpr := "created_at"
	if dq.Sort != nil {
		e, err := db.fieldExpr(*dq.Sort)
		if err != nil {
			return page, err
		}
		sortExpr = "COALESCE(" + e + ", '')"
		if dq.Sort.Type == "number" {
			sortExpr = "COALESCE(" + e + ", 0)"
		}
	}
	dir, cmp := "ASC", ">"
	if dq.Desc {
		dir, cmp = "DESC", "<"
	}
	err := db.run(ctx, func(tx *gorm.DB) error {
		q, err := db.applyFilters(tx.Model(&documentRow{}).Scopes(docScope(ctx, sceneID, collection)), dq.Filters)
		if err != nil {
			return err
		}
		if dq.Cursor != "" {
			raw, err := decodeCursor(dq.Cursor)
			if err != nil {
				return err
			}
			var c []any
			if json.Unmarshal([]byte(raw), &c) != nil || len(c) != 2 || !cursorTypes(c, dq.Sort) {
				return errBadCursor()
			}
			key := c[0]
			if s, ok := key.(string); ok && dq.Sort == nil {
				t, perr := time.Parse(time.RFC3339Nano, s)
				if perr != nil {
					return errBadCursor()
				}
				key = t
			}
			q = q.Where("("+sortExpr+" "+cmp+" ? OR ("+sortExpr+" = ? AND id "+cmp+" ?))", key, key, c[1])
		}
		n := core.PageRequest{Limit: dq.Limit}.Size()
		var rows []documentRow
		if err := q.Order(sortExpr + " " + dir + ", id " + dir).Limit(n + 1).Find(&rows).Error; err != nil {
			return core.Wrap("query documents", err)
		}
		if len(rows) > n {
			rows = rows[:n]
			last := rows[n-1]
			var key any = last.CreatedAt.UTC().Format(time.RFC3339Nano)
			if dq.Sort != nil {
				key = sortKey(last.Data, *dq.Sort)
			}
			b, _ := json.Marshal([]any{key, last.ID})
			page.NextCursor = encodeCursor(string(b))
		}
		for i := range rows {
			page.Items = append(page.Items, rows[i].toDomain())
		}
		return nil
	})
	return page, err
}

// cursorTypes checks a decoded cursor has the types its sort produces: a
// tampered cursor must be refused, not reach the database.
func cursorTypes(c []any, sort *core.DocField) bool {
	if _, ok := c[1].(string); !ok {
		return false
	}
	if sort != nil && sort.Type == "number" {
		_, ok := c[0].(float64)
		return ok
	}
	s, ok := c[0].(string)
	return ok && !strings.ContainsRune(s, 0)
}

// sortKey is the value the sort expression gives a document, computed from
// its JSON the way the SQL does (missing values sort as "" or 0).
func sortKey(data string, f core.DocField) any {
	var m map[string]any
	_ = json.Unmarshal([]byte(data), &m)
	v := m[f.Name]
	if f.Type == "number" {
		n, _ := v.(float64)
		return n
	}
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// AggregateDocuments implements core.SceneStore.
func (db *DB) AggregateDocuments(ctx context.Context, sceneID, collection string, filters []core.DocFilter, groupBy, sum *core.DocField) ([]core.DocGroup, error) {
	keyExpr, sumExpr := "''", "0"
	if groupBy != nil {
		e, err := db.fieldExpr(*groupBy)
		if err != nil {
			return nil, err
		}
		keyExpr = "COALESCE(CAST(" + e + " AS TEXT), '')"
	}
	if sum != nil {
		if sum.Type != "number" {
			return nil, fieldErr("sum", "document.sum_number", sum.Name)
		}
		e, err := db.fieldExpr(*sum)
		if err != nil {
			return nil, err
		}
		sumExpr = "COALESCE(SUM(" + e + "), 0)"
	}
	var out []core.DocGroup
	err := db.run(ctx, func(tx *gorm.DB) error {
		q, err := db.applyFilters(tx.Model(&documentRow{}).Scopes(docScope(ctx, sceneID, collection)), filters)
		if err != nil {
			return err
		}
		var rows []struct {
			Key   string
			Count int64
			Sum   float64
		}
		q = q.Select(keyExpr + " AS key, COUNT(*) AS count, " + sumExpr + " AS sum")
		if groupBy != nil {
			q = q.Group(keyExpr).Order(keyExpr).Limit(1000)
		}
		err = q.Scan(&rows).Error
		if err != nil {
			return core.Wrap("aggregate documents", err)
		}
		for _, r := range rows {
			out = append(out, core.DocGroup{Key: r.Key, Count: r.Count, Sum: r.Sum})
		}
		return nil
	})
	return out, err
}
