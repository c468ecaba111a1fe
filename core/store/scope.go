package store

import (
	"context"
	"errors"
	"strings"

	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

// txState is the transaction a context is working in, and the scope that was
// last applied to it.
type txState struct {
	tx    *gorm.DB
	scope tenants.Scope
}

type txKey struct{}

var _ core.Transactor = (*DB)(nil)

// InTx runs fn in one transaction under the context's tenant scope. If ctx
// is already in a transaction, fn joins it (re-applying the scope if it
// differs, and restoring the outer one afterwards). fn's error rolls back.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	scope, _ := tenants.FromContext(ctx)
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		if sameScope(st.scope, scope) {
			return fn(ctx)
		}
		outer := st.scope
		if err := db.applyScope(st.tx, scope); err != nil {
			return err
		}
		st.scope = scope
		err := fn(ctx)
		st.scope = outer
		if rerr := db.applyScope(st.tx, outer); rerr != nil && err == nil {
			err = rerr
		}
		return err
	}
	return db.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := db.applyScope(tx, scope); err != nil {
			return err
		}
		return fn(context.WithValue(ctx, txKey{}, &txState{tx: tx, scope: scope}))
	})
}

// run runs fn with the transaction of ctx, starting one if needed.
func (db *DB) run(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		return fn(txOf(ctx))
	})
}

// read runs a read of platform tables (tenants, the scene catalog): inside
// the context's transaction if there is one, else straight on the pool —
// a single SELECT needs no BEGIN and COMMIT, and every request starts with
// one (the tenant lookup).
func (db *DB) read(ctx context.Context, fn func(tx *gorm.DB) error) error {
	if _, ok := ctx.Value(txKey{}).(*txState); ok {
		return db.run(ctx, fn)
	}
	return fn(db.gorm.WithContext(ctx))
}

// txOf returns the transaction of a context inside InTx.
func txOf(ctx context.Context) *gorm.DB {
	return ctx.Value(txKey{}).(*txState).tx.WithContext(ctx)
}

// applyScope tells PostgreSQL which tenants the transaction may touch, for
// row-level security. set_config(..., true) lasts until the transaction
// ends, so a pooled connection never carries one request's tenant into the
// next. SQLite has no row-level security: there the scoping functions below
// are the only guard.
func (db *DB) applyScope(tx *gorm.DB, s tenants.Scope) error {
	if db.dialect != Postgres {
		return nil
	}
	err := tx.Exec(`SELECT set_config('app.tenant_id', ?, true), set_config('app.read_tenants', ?, true)`,
		s.WriteTenantID, strings.Join(s.ReadTenantIDs, ",")).Error
	if err != nil {
		return core.Wrap("store: set tenant", err)
	}
	return nil
}

func sameScope(a, b tenants.Scope) bool {
	if a.WriteTenantID != b.WriteTenantID || len(a.ReadTenantIDs) != len(b.ReadTenantIDs) {
		return false
	}
	for i := range a.ReadTenantIDs {
		if a.ReadTenantIDs[i] != b.ReadTenantIDs[i] {
			return false
		}
	}
	return true
}

// errNoScope is a programming error: tenant data touched outside a scope.
var errNoScope = errors.New("store: no tenant scope in context")

// errReadOnly refuses a write in a read-only scope (a city reading a
// district's data).
var errReadOnly = core.Errorf(core.EFORBIDDEN, "tenant.read_only")

// readable is the scoping function for reads: it limits a query on a
// tenant-owned table to the tenants the context's scope may read.
func readable(ctx context.Context) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		s, ok := tenants.FromContext(ctx)
		if !ok || len(s.ReadTenantIDs) == 0 {
			_ = q.AddError(errNoScope)
			return q
		}
		if len(s.ReadTenantIDs) == 1 {
			return q.Where("tenant_id = ?", s.ReadTenantIDs[0])
		}
		return q.Where("tenant_id IN ?", s.ReadTenantIDs)
	}
}

// writable is the scoping function for updates and deletes: it limits the
// statement to the one tenant the scope may write.
func writable(ctx context.Context) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		id, err := writeTenant(ctx)
		if err != nil {
			_ = q.AddError(err)
			return q
		}
		return q.Where("tenant_id = ?", id)
	}
}

// writeTenant returns the tenant new rows belong to.
func writeTenant(ctx context.Context) (string, error) {
	s, ok := tenants.FromContext(ctx)
	if !ok {
		return "", errNoScope
	}
	if s.WriteTenantID == "" {
		return "", errReadOnly
	}
	return s.WriteTenantID, nil
}

// Conn returns the transaction ctx is working in, or the pool if none: for
// casbin's gorm adapter, so that policy edits commit with the request that
// makes them (and, on SQLite's single connection, do not wait for it).
func (db *DB) Conn(ctx context.Context) *gorm.DB {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx.WithContext(ctx)
	}
	return db.gorm.WithContext(ctx)
}

// readableAs is readable for a query whose tenant-owned table has an alias.
func readableAs(ctx context.Context, alias string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB {
		s, ok := tenants.FromContext(ctx)
		if !ok || len(s.ReadTenantIDs) == 0 {
			_ = q.AddError(errNoScope)
			return q
		}
		return q.Where(alias+".tenant_id IN ?", s.ReadTenantIDs)
	}
}
