package store

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/password"
)

type userRow struct {
	TenantID     string `gorm:"column:tenant_id;primaryKey"`
	ID           string `gorm:"primaryKey"`
	Username     string
	DisplayName  string
	Kind         string
	Status       string
	PasswordHash string
	FailedLogins int
	LockedUntil  *time.Time
	DeputyID     *string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (userRow) TableName() string { return "users" }

func (r *userRow) toDomain() *core.User {
	u := &core.User{
		ID: r.ID, TenantID: r.TenantID, Username: r.Username, DisplayName: r.DisplayName,
		Kind: core.PrincipalKind(r.Kind), Status: core.UserStatus(r.Status), LockedUntil: utcPtr(r.LockedUntil),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.DeputyID != nil {
		u.DeputyID = *r.DeputyID
	}
	return u
}

var _ core.UserService = (*DB)(nil)

// CreateUser implements core.UserService.
func (db *DB) CreateUser(ctx context.Context, in core.UserCreate) (*core.User, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	hash, err := password.Hash(in.Password, db.cfg.PasswordParams)
	if err != nil {
		return nil, err
	}
	return db.createUser(ctx, userRow{
		Username: in.Username, DisplayName: in.DisplayName, Kind: string(core.KindHuman),
		PasswordHash: hash, DeputyID: optional(in.DeputyID),
	})
}

func (db *DB) createUser(ctx context.Context, row userRow) (*core.User, error) {
	var out *core.User
	err := db.run(ctx, func(tx *gorm.DB) error {
		tenantID, err := writeTenant(ctx)
		if err != nil {
			return err
		}
		if row.DeputyID != nil {
			if err := db.checkDeputy(ctx, tx, *row.DeputyID); err != nil {
				return err
			}
		}
		now := db.now()
		row.TenantID, row.ID, row.Status, row.CreatedAt, row.UpdatedAt = tenantID, newID(), string(core.UserActive), now, now
		if err := tx.Create(&row).Error; err != nil {
			if violation(err) == violUnique {
				return &core.Error{Code: core.ECONFLICT, Msg: core.Msg("user.username_taken"),
					Fields: []core.FieldError{{Path: "username", Msg: core.Msg("user.username_taken")}}}
			}
			return core.Wrap("create user", err)
		}
		out = row.toDomain()
		return db.audit(ctx, tx, change{action: "user.create", targetType: "user", targetID: out.ID, after: out})
	})
	return out, err
}

// User implements core.UserService.
func (db *DB) User(ctx context.Context, id string) (*core.User, error) {
	var out *core.User
	err := db.run(ctx, func(tx *gorm.DB) error {
		row, err := db.userRow(ctx, tx, id)
		if err == nil {
			out = row.toDomain()
		}
		return err
	})
	return out, err
}

func (db *DB) userRow(ctx context.Context, tx *gorm.DB, id string) (*userRow, error) {
	if !isUUID(id) {
		return nil, core.Errorf(core.ENOTFOUND, "user.not_found")
	}
	var row userRow
	if err := tx.Scopes(readable(ctx)).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, notFound("user", err, "user.not_found")
	}
	return &row, nil
}

// ListUsers implements core.UserService.
func (db *DB) ListUsers(ctx context.Context, f core.UserFilter) (core.Page[*core.User], error) {
	var page core.Page[*core.User]
	err := db.run(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&userRow{}).Scopes(readable(ctx))
		if f.Query != "" {
			like := "%" + escapeLike(f.Query) + "%"
			q = q.Where("(LOWER(username) LIKE LOWER(?) ESCAPE '\\' OR LOWER(display_name) LIKE LOWER(?) ESCAPE '\\')", like, like)
		}
		if f.Kind != "" {
			q = q.Where("kind = ?", string(f.Kind))
		}
		if f.Cursor != "" {
			after, err := decodeCursor(f.Cursor)
			if err != nil {
				return err
			}
			q = q.Where("username > ?", after)
		}
		var rows []userRow
		n := f.Size()
		if err := q.Order("username").Limit(n + 1).Find(&rows).Error; err != nil {
			return core.Wrap("list users", err)
		}
		if len(rows) > n {
			rows = rows[:n]
			page.NextCursor = encodeCursor(rows[n-1].Username)
		}
		for i := range rows {
			page.Items = append(page.Items, rows[i].toDomain())
		}
		return nil
	})
	return page, err
}

// UpdateUser implements core.UserService.
func (db *DB) UpdateUser(ctx context.Context, id string, in core.UserUpdate) (*core.User, error) {
	var v core.Validator
	if in.DisplayName != nil {
		v.Text("display_name", *in.DisplayName, 100)
	}
	if in.Status != nil {
		v.OneOf("status", string(*in.Status), string(core.UserActive), string(core.UserDisabled))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *core.User
	err := db.run(ctx, func(tx *gorm.DB) error {
		row, err := db.userRow(ctx, tx, id)
		if err != nil {
			return err
		}
		before := row.toDomain()
		updates := map[string]any{"updated_at": db.now()}
		if in.DisplayName != nil {
			updates["display_name"] = *in.DisplayName
		}
		if in.Status != nil {
			updates["status"] = string(*in.Status)
		}
		if in.DeputyID != nil {
			if *in.DeputyID != "" {
				if err := db.checkDeputy(ctx, tx, *in.DeputyID); err != nil {
					return err
				}
			}
			updates["deputy_id"] = optional(*in.DeputyID)
		}
		if err := tx.Model(&userRow{}).Scopes(writable(ctx)).Where("id = ?", id).Updates(updates).Error; err != nil {
			return core.Wrap("update user", err)
		}
		if in.Status != nil && *in.Status == core.UserDisabled {
			if err := db.endSessions(ctx, tx, id, ""); err != nil {
				return err
			}
		}
		if row, err = db.userRow(ctx, tx, id); err != nil {
			return err
		}
		out = row.toDomain()
		return db.audit(ctx, tx, change{action: "user.update", targetType: "user", targetID: id, before: before, after: out})
	})
	return out, err
}

// ResetPassword implements core.UserService.
func (db *DB) ResetPassword(ctx context.Context, id, pw string) error {
	var v core.Validator
	core.ValidatePassword(&v, "password", pw)
	if err := v.Err(); err != nil {
		return err
	}
	hash, err := password.Hash(pw, db.cfg.PasswordParams)
	if err != nil {
		return err
	}
	return db.run(ctx, func(tx *gorm.DB) error {
		row, err := db.userRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if row.Kind != string(core.KindHuman) {
			return core.Errorf(core.ECONFLICT, "user.service_has_no_password")
		}
		if err := tx.Model(&userRow{}).Scopes(writable(ctx)).Where("id = ?", id).Updates(map[string]any{
			"password_hash": hash, "failed_logins": 0, "locked_until": nil, "updated_at": db.now(),
		}).Error; err != nil {
			return core.Wrap("reset password", err)
		}
		if err := db.endSessions(ctx, tx, id, ""); err != nil {
			return err
		}
		return db.audit(ctx, tx, change{action: "user.reset_password", targetType: "user", targetID: id})
	})
}

// isUUID reports whether s is a canonical UUID. Ids from URLs are checked
// before they reach a uuid column, where PostgreSQL would reject them loudly.
func isUUID(s string) bool {
	u, err := uuid.Parse(s)
	return err == nil && u.String() == s
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// escapeLike escapes the LIKE wildcards in a user's search text.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func fieldErr(path, key string, args ...any) error {
	return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"),
		Fields: []core.FieldError{{Path: path, Msg: core.Msg(key, args...)}}}
}
