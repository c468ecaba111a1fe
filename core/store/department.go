package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
)

type departmentRow struct {
	TenantID  string `gorm:"column:tenant_id;primaryKey"`
	ID        string `gorm:"primaryKey"`
	Code      string
	NameZH    string `gorm:"column:name_zh"`
	NameEN    string `gorm:"column:name_en"`
	Contact   string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (departmentRow) TableName() string { return "departments" }

func (r *departmentRow) toDomain() *core.Department {
	return &core.Department{ID: r.ID, TenantID: r.TenantID, Code: r.Code, NameZH: r.NameZH, NameEN: r.NameEN, Contact: r.Contact,
		Active: r.Active, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

var _ core.DepartmentService = (*DB)(nil)

func codeTaken(err error) error {
	if violation(err) == violUnique {
		return &core.Error{Code: core.ECONFLICT, Msg: core.Msg("department.code_taken"),
			Fields: []core.FieldError{{Path: "code", Msg: core.Msg("department.code_taken")}}}
	}
	return core.Wrap("department", err)
}

// CreateDepartment implements core.DepartmentService.
func (db *DB) CreateDepartment(ctx context.Context, in core.DepartmentInput) (*core.Department, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *core.Department
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		now := db.now()
		row := departmentRow{TenantID: tenantID, ID: newID(), Code: in.Code, NameZH: in.NameZH, NameEN: in.NameEN, Contact: in.Contact,
			Active: in.Active, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&row).Error; err != nil {
			return codeTaken(err)
		}
		out = row.toDomain()
		return db.audit(ctx, tx, change{action: "department.create", targetType: "department", targetID: row.ID, after: out})
	})
	return out, err
}

// UpdateDepartment implements core.DepartmentService.
func (db *DB) UpdateDepartment(ctx context.Context, id string, in core.DepartmentInput) (*core.Department, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !isUUID(id) {
		return nil, core.Errorf(core.ENOTFOUND, "department.not_found")
	}
	var out *core.Department
	err := db.run(ctx, func(tx *gorm.DB) error {
		var row departmentRow
		if err := tx.Scopes(readable(ctx)).Where("id = ?", id).Take(&row).Error; err != nil {
			return notFound("update department", err, "department.not_found")
		}
		before := row.toDomain()
		row.Code, row.NameZH, row.NameEN, row.Contact, row.Active, row.UpdatedAt = in.Code, in.NameZH, in.NameEN, in.Contact, in.Active, db.now()
		res := tx.Model(&departmentRow{}).Scopes(writable(ctx)).Where("id = ?", id).
			Select("code", "name_zh", "name_en", "contact", "active", "updated_at").Updates(&row)
		if res.Error != nil {
			return codeTaken(res.Error)
		}
		if res.RowsAffected == 0 {
			return errReadOnly
		}
		out = row.toDomain()
		return db.audit(ctx, tx, change{action: "department.update", targetType: "department", targetID: id, before: before, after: out})
	})
	return out, err
}

// Departments implements core.DepartmentService.
func (db *DB) Departments(ctx context.Context) ([]*core.Department, error) {
	var rows []departmentRow
	if err := db.run(ctx, func(tx *gorm.DB) error { return tx.Scopes(readable(ctx)).Order("code").Find(&rows).Error }); err != nil {
		return nil, core.Wrap("departments", err)
	}
	out := make([]*core.Department, len(rows))
	for i := range rows {
		out[i] = rows[i].toDomain()
	}
	return out, nil
}
