package store

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
)

type deputyRow struct {
	TenantID     string `gorm:"column:tenant_id;primaryKey"`
	ID           string `gorm:"primaryKey"`
	Name         string
	Gender       string
	Level        string
	Delegation   string
	Constituency string
	Term         string
	Occupation   string
	Phone        string
	Email        string
	Status       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	HasPhoto     bool `gorm:"->;column:has_photo"`
}

func (deputyRow) TableName() string { return "deputies" }

func (r *deputyRow) toDomain() *core.Deputy {
	return &core.Deputy{
		ID: r.ID, TenantID: r.TenantID, Name: r.Name, Gender: r.Gender, Level: r.Level, Delegation: r.Delegation,
		Constituency: r.Constituency, Term: r.Term, Occupation: r.Occupation, Phone: r.Phone, Email: r.Email,
		Status: core.DeputyStatus(r.Status), HasPhoto: r.HasPhoto, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func (r *deputyRow) set(in core.DeputyInput) {
	r.Name, r.Gender, r.Level, r.Delegation = in.Name, in.Gender, in.Level, in.Delegation
	r.Constituency, r.Term, r.Occupation = in.Constituency, in.Term, in.Occupation
	r.Phone, r.Email, r.Status = in.Phone, in.Email, string(in.Status)
}

type photoRow struct {
	TenantID    string `gorm:"column:tenant_id;primaryKey"`
	DeputyID    string `gorm:"primaryKey"`
	ContentType string
	Data        []byte
	UpdatedAt   time.Time
}

func (photoRow) TableName() string { return "deputy_photos" }

var _ core.DeputyService = (*DB)(nil)

// deputyColumns selects a deputy with whether it has a photo.
const deputyColumns = `deputies.*, EXISTS (SELECT 1 FROM deputy_photos p
	WHERE p.tenant_id = deputies.tenant_id AND p.deputy_id = deputies.id) AS has_photo`

// CreateDeputy implements core.DeputyService.
func (db *DB) CreateDeputy(ctx context.Context, in core.DeputyInput) (*core.Deputy, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *core.Deputy
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		now := db.now()
		row := deputyRow{TenantID: tenantID, ID: newID(), CreatedAt: now, UpdatedAt: now}
		row.set(in)
		if err := tx.Omit("has_photo").Create(&row).Error; err != nil {
			return core.Wrap("create deputy", err)
		}
		out = row.toDomain()
		return db.audit(ctx, tx, change{action: "deputy.create", targetType: "deputy", targetID: row.ID, after: out})
	})
	return out, err
}

// Deputy implements core.DeputyService.
func (db *DB) Deputy(ctx context.Context, id string) (*core.Deputy, error) {
	var out *core.Deputy
	err := db.run(ctx, func(tx *gorm.DB) error {
		row, err := db.deputyRow(ctx, tx, id)
		if err == nil {
			out = row.toDomain()
		}
		return err
	})
	return out, err
}

func (db *DB) deputyRow(ctx context.Context, tx *gorm.DB, id string) (*deputyRow, error) {
	if !isUUID(id) {
		return nil, core.Errorf(core.ENOTFOUND, "deputy.not_found")
	}
	var row deputyRow
	if err := tx.Select(deputyColumns).Scopes(readable(ctx)).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, notFound("deputy", err, "deputy.not_found")
	}
	return &row, nil
}

// checkDeputy returns ENOTFOUND unless id is a deputy the scope can write.
func (db *DB) checkDeputy(ctx context.Context, tx *gorm.DB, id string) error {
	if !isUUID(id) {
		return fieldErr("deputy_id", "deputy.not_found")
	}
	var n int64
	if err := tx.Model(&deputyRow{}).Scopes(writable(ctx)).Where("id = ?", id).Count(&n).Error; err != nil {
		return core.Wrap("check deputy", err)
	}
	if n == 0 {
		return fieldErr("deputy_id", "deputy.not_found")
	}
	return nil
}

// ListDeputies implements core.DeputyService. Pages follow the id, which is
// a time-ordered UUID, so a page costs one index range scan however deep.
func (db *DB) ListDeputies(ctx context.Context, f core.DeputyFilter) (core.Page[*core.Deputy], error) {
	var page core.Page[*core.Deputy]
	err := db.run(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&deputyRow{}).Select(deputyColumns).Scopes(readable(ctx))
		if f.Query != "" {
			like := "%" + escapeLike(f.Query) + "%"
			q = q.Where(`(name LIKE ? ESCAPE '\' OR delegation LIKE ? ESCAPE '\' OR constituency LIKE ? ESCAPE '\' OR occupation LIKE ? ESCAPE '\')`,
				like, like, like, like)
		}
		if f.Status != "" {
			q = q.Where("status = ?", string(f.Status))
		}
		if f.Level != "" {
			q = q.Where("level = ?", f.Level)
		}
		if f.Delegation != "" {
			q = q.Where("delegation = ?", f.Delegation)
		}
		if f.Cursor != "" {
			after, err := decodeIDCursor(f.Cursor)
			if err != nil {
				return err
			}
			q = q.Where("id > ?", after)
		}
		var rows []deputyRow
		n := f.Size()
		if err := q.Order("id").Limit(n + 1).Find(&rows).Error; err != nil {
			return core.Wrap("list deputies", err)
		}
		if len(rows) > n {
			rows = rows[:n]
			page.NextCursor = encodeCursor(rows[n-1].ID)
		}
		page.Items = make([]*core.Deputy, len(rows))
		for i := range rows {
			page.Items[i] = rows[i].toDomain()
		}
		return nil
	})
	return page, err
}

// UpdateDeputy implements core.DeputyService.
func (db *DB) UpdateDeputy(ctx context.Context, id string, in core.DeputyInput) (*core.Deputy, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *core.Deputy
	err := db.run(ctx, func(tx *gorm.DB) error {
		row, err := db.deputyRow(ctx, tx, id)
		if err != nil {
			return err
		}
		before := row.toDomain()
		row.set(in)
		row.UpdatedAt = db.now()
		res := tx.Model(&deputyRow{}).Scopes(writable(ctx)).Where("id = ?", id).Select(
			"name", "gender", "level", "delegation", "constituency", "term", "occupation", "phone", "email", "status", "updated_at",
		).Updates(row)
		if res.Error != nil {
			return core.Wrap("update deputy", res.Error)
		}
		if res.RowsAffected == 0 {
			return errReadOnly
		}
		out = row.toDomain()
		return db.audit(ctx, tx, change{action: "deputy.update", targetType: "deputy", targetID: id, before: before, after: out})
	})
	return out, err
}

var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true}

// SetDeputyPhoto implements core.DeputyService.
func (db *DB) SetDeputyPhoto(ctx context.Context, id string, p core.Photo) error {
	if len(p.Data) > core.MaxPhotoBytes {
		return fieldErr("photo", "photo.too_large", core.MaxPhotoBytes>>20)
	}
	ct := http.DetectContentType(p.Data)
	if !photoTypes[ct] {
		return fieldErr("photo", "photo.bad_type")
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		if _, err := db.deputyRow(ctx, tx, id); err != nil {
			return err
		}
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		if err := tx.Scopes(writable(ctx)).Where("deputy_id = ?", id).Delete(&photoRow{}).Error; err != nil {
			return core.Wrap("set photo", err)
		}
		row := photoRow{TenantID: tenantID, DeputyID: id, ContentType: ct, Data: p.Data, UpdatedAt: db.now()}
		if err := tx.Create(&row).Error; err != nil {
			return core.Wrap("set photo", err)
		}
		return db.audit(ctx, tx, change{action: "deputy.photo", targetType: "deputy", targetID: id,
			after: map[string]any{"content_type": ct, "bytes": len(p.Data)}})
	})
}

// DeputyPhoto implements core.DeputyService.
func (db *DB) DeputyPhoto(ctx context.Context, id string) (*core.Photo, error) {
	if !isUUID(id) {
		return nil, core.Errorf(core.ENOTFOUND, "photo.not_found")
	}
	var row photoRow
	err := db.run(ctx, func(tx *gorm.DB) error {
		return tx.Scopes(readable(ctx)).Where("deputy_id = ?", id).Take(&row).Error
	})
	if err != nil {
		return nil, notFound("deputy photo", err, "photo.not_found")
	}
	return &core.Photo{ContentType: row.ContentType, Data: row.Data}, nil
}

// importBatch is how many deputies one INSERT carries (14 parameters
// each): larger statements were no faster on either store, and slower on
// SQLite.
const importBatch = 100

// ImportDeputies implements core.DeputyService: the inputs are checked
// first, every one, then written in batches in the caller's transaction.
func (db *DB) ImportDeputies(ctx context.Context, imp core.DeputyImport) (int, error) {
	n := len(imp.Deputies)
	switch {
	case n == 0:
		return 0, core.Errorf(core.EINVALID, "import.empty")
	case n > core.MaxDeputyImport:
		return 0, core.Errorf(core.EINVALID, "import.too_many_rows", core.MaxDeputyImport)
	case imp.Rows != nil && len(imp.Rows) != n:
		return 0, fmt.Errorf("import deputies: %d row numbers for %d deputies", len(imp.Rows), n)
	}
	row := func(i int) int {
		if imp.Rows == nil {
			return i + 1
		}
		return imp.Rows[i]
	}
	var bad []core.FieldError
	first := make(map[core.DeputyKey]int, n)
	for i, in := range imp.Deputies {
		at := fmt.Sprintf("rows[%d]", row(i))
		var ce *core.Error
		if err := in.Validate(); errors.As(err, &ce) {
			for _, f := range ce.Fields {
				bad = append(bad, core.FieldError{Path: at + "." + f.Path, Msg: f.Msg})
			}
		} else if err != nil {
			return 0, err
		}
		k := in.Key()
		if k.Name == "" {
			continue // reported as required above
		}
		if j, dup := first[k]; dup {
			bad = append(bad, core.FieldError{Path: at + ".name", Msg: core.Msg("deputy.duplicate_in_batch", row(j))})
			continue
		}
		first[k] = i
	}
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		var existing []deputyRow
		if err := tx.Model(&deputyRow{}).Select("name", "term", "constituency").Scopes(writable(ctx)).Find(&existing).Error; err != nil {
			return core.Wrap("import deputies: existing", err)
		}
		for _, r := range existing {
			k := core.DeputyInput{Name: r.Name, Term: r.Term, Constituency: r.Constituency}.Key()
			if i, ok := first[k]; ok {
				bad = append(bad, core.FieldError{Path: fmt.Sprintf("rows[%d].name", row(i)), Msg: core.Msg("deputy.duplicate_existing")})
			}
		}
		if len(bad) > 0 {
			return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"), Fields: bad}
		}
		now := db.now()
		rows := make([]deputyRow, n)
		ids := make([]string, n)
		for i, in := range imp.Deputies {
			rows[i] = deputyRow{TenantID: tenantID, ID: newID(), CreatedAt: now, UpdatedAt: now}
			rows[i].set(in)
			ids[i] = rows[i].ID
		}
		if err := tx.Omit("has_photo").CreateInBatches(rows, importBatch).Error; err != nil {
			return core.Wrap("import deputies", err)
		}
		return db.audit(ctx, tx, change{action: "deputy.import", targetType: "deputy",
			after: map[string]any{"count": n, "source": imp.Source, "ids": ids}})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
