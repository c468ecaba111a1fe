// Package store is Renda's database layer: the only package that writes SQL.
// It runs on PostgreSQL (production) and on an embedded SQLite file (the
// zero-install default), with the same schema numbering and the same tests.
//
// Every query on a tenant-owned table goes through the scoping functions in
// scope.go, which read the tenant scope from the context; on PostgreSQL the
// same scope is also set per transaction for row-level security, so a query
// that forgot its WHERE clause still sees only its tenant.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/renda-platform/renda/core/password"
)

// Dialect names the database in use.
type Dialect string

// Dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DefaultSQLitePath is where the embedded store lives when no DATABASE_URL
// is given.
const DefaultSQLitePath = "data/renda.db"

// Config says which database to open.
type Config struct {
	// URL is "postgres://..." for PostgreSQL, or "sqlite://PATH" / "" for the
	// embedded store (default PATH: data/renda.db).
	URL string
	// PasswordParams are the argon2id costs for new password hashes.
	PasswordParams password.Params
	// SessionTTL is how long a login lasts. Default 12 hours.
	SessionTTL time.Duration
	// MaxOpenConns caps the PostgreSQL pool. Default 20.
	MaxOpenConns int
	Logger       *slog.Logger
}

// DB is an open database with Renda's stores on it.
type DB struct {
	gorm    *gorm.DB
	sql     *sql.DB
	dialect Dialect
	cfg     Config
	log     *slog.Logger
	// clock is the store's time source; SetClock swaps it while the
	// dispatcher and requests read it, hence atomic.
	clock atomic.Pointer[func() time.Time]
}

// now is the store's time: UTC, to the microsecond the databases keep.
func (db *DB) now() time.Time { return (*db.clock.Load())() }

// Open connects to the database named by cfg.URL. It does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.PasswordParams == (password.Params{}) {
		cfg.PasswordParams = password.Default
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.MaxOpenConns == 0 {
		cfg.MaxOpenConns = 20
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
	d, dsn, err := parseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	var g *gorm.DB
	switch d {
	case Postgres:
		g, err = gorm.Open(postgres.New(postgres.Config{DSN: dsn}), gcfg)
	case SQLite:
		if err := os.MkdirAll(filepath.Dir(dsn), 0o750); err != nil {
			return nil, fmt.Errorf("store: create data folder: %w", err)
		}
		// One connection: SQLite has one writer, and a request runs in one
		// transaction, so the pool serialises requests instead of failing
		// them with SQLITE_BUSY.
		g, err = gorm.Open(sqlite.Open("file:"+dsn+"?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"), gcfg)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", d, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if d == SQLite {
		sqlDB.SetMaxOpenConns(1)
	} else {
		sqlDB.SetMaxOpenConns(cfg.MaxOpenConns)
		sqlDB.SetMaxIdleConns(cfg.MaxOpenConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", d, err)
	}
	db := &DB{gorm: g, sql: sqlDB, dialect: d, cfg: cfg, log: cfg.Logger}
	db.clock.Store(&gcfg.NowFunc)
	return db, nil
}

// parseURL returns the dialect and driver DSN for a database URL.
func parseURL(u string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return Postgres, u, nil
	case u == "":
		return SQLite, DefaultSQLitePath, nil
	case strings.HasPrefix(u, "sqlite://"):
		p := strings.TrimPrefix(u, "sqlite://")
		if p == "" {
			p = DefaultSQLitePath
		}
		return SQLite, p, nil
	}
	return "", "", fmt.Errorf("store: unsupported database URL %q: want postgres://... or sqlite://PATH", redact(u))
}

// redact hides a password in a URL for error messages and logs.
func redact(u string) string {
	at := strings.LastIndex(u, "@")
	scheme := strings.Index(u, "://")
	if at < 0 || scheme < 0 {
		return u
	}
	cred := u[scheme+3 : at]
	if i := strings.Index(cred, ":"); i >= 0 {
		return u[:scheme+3] + cred[:i] + ":***" + u[at:]
	}
	return u
}

// Dialect returns the database dialect.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL returns the underlying pool, for migrations and health checks.
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the pool.
func (db *DB) Close() error { return db.sql.Close() }

// SetClock replaces the store's clock (tests of expiry and lockout).
func (db *DB) SetClock(now func() time.Time) {
	clock := func() time.Time { return now().UTC().Truncate(time.Microsecond) }
	db.clock.Store(&clock)
}

// Ping checks the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// CheckAppRole refuses to serve as a PostgreSQL role that row-level security
// would not bind: a superuser, a role with BYPASSRLS, or one that owns a
// table (owners are bound only through FORCE, which a mistake could drop).
func (db *DB) CheckAppRole(ctx context.Context) error {
	if db.dialect != Postgres {
		return nil
	}
	var r struct {
		Role      string
		Super     bool
		Bypass    bool
		OwnTables int
	}
	err := db.gorm.WithContext(ctx).Raw(`SELECT current_user AS role, rolsuper AS super, rolbypassrls AS bypass,
		(SELECT count(*) FROM pg_tables WHERE tableowner = current_user AND schemaname = 'public') AS own_tables
		FROM pg_roles WHERE rolname = current_user`).Scan(&r).Error
	if err != nil {
		return fmt.Errorf("store: check role: %w", err)
	}
	if r.Super || r.Bypass || r.OwnTables > 0 {
		return fmt.Errorf("store: refusing to serve as role %q (superuser=%v, bypassrls=%v, owns %d tables): "+
			"connect as the application role renda_app and run migrations with RENDA_MIGRATE_DATABASE_URL", r.Role, r.Super, r.Bypass, r.OwnTables)
	}
	return nil
}

// Gorm returns the connection pool as gorm, for casbin's gorm adapter, which
// keeps the authorization policies in the casbin_rule table.
func (db *DB) Gorm() *gorm.DB { return db.gorm }
