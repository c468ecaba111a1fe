package store

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/renda-platform/renda/migrations"
)

// Migrator applies the embedded, numbered SQL migrations of the database's
// dialect (github.com/pressly/goose does the bookkeeping).
type Migrator struct {
	p *goose.Provider
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// Migrator returns the migrator for db. On PostgreSQL, open db as the
// schema owner, not as the application role.
func (db *DB) Migrator() (*Migrator, error) {
	sub, err := fs.Sub(migrations.FS, string(db.dialect))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	d := goose.DialectPostgres
	if db.dialect == SQLite {
		d = goose.DialectSQLite3
	}
	p, err := goose.NewProvider(d, db.sql, sub)
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return &Migrator{p: p}, nil
}

// Up applies every pending migration and returns the names applied.
func (m *Migrator) Up(ctx context.Context) ([]string, error) {
	res, err := m.p.Up(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate up: %w", err)
	}
	names := make([]string, len(res))
	for i, r := range res {
		names[i] = r.Source.Path
	}
	return names, nil
}

// Down rolls back the latest applied migration and returns its name, or ""
// if none was applied.
func (m *Migrator) Down(ctx context.Context) (string, error) {
	v, err := m.p.GetDBVersion(ctx)
	if err != nil {
		return "", fmt.Errorf("migrate down: %w", err)
	}
	if v == 0 {
		return "", nil
	}
	r, err := m.p.Down(ctx)
	if err != nil {
		return "", fmt.Errorf("migrate down: %w", err)
	}
	return r.Source.Path, nil
}

// DownTo rolls back every migration above version.
func (m *Migrator) DownTo(ctx context.Context, version int64) error {
	if _, err := m.p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down to %d: %w", version, err)
	}
	return nil
}

// Status lists every known migration.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	st, err := m.p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate status: %w", err)
	}
	out := make([]MigrationStatus, len(st))
	for i, s := range st {
		out[i] = MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt}
	}
	return out, nil
}

// Current reports whether every embedded migration is applied. It needs
// only read access to goose's version table, so the application role can
// answer it (for /readyz).
func (db *DB) Current(ctx context.Context) (bool, error) {
	var v int64
	err := db.gorm.WithContext(ctx).Raw(`SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&v).Error
	if err != nil {
		return false, fmt.Errorf("store: migration version: %w", err)
	}
	return v >= LatestMigration(), nil
}

// LatestMigration is the highest embedded migration number.
func LatestMigration() int64 {
	entries, _ := fs.ReadDir(migrations.FS, string(Postgres))
	var latest int64
	for _, e := range entries {
		var v int64
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && v > latest {
			latest = v
		}
	}
	return latest
}
