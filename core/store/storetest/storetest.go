// Package storetest gives tests a fresh, migrated database on each dialect:
// a temporary SQLite file, and a new PostgreSQL database reached as the
// application role, so that row-level security is in force as in production.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that creates test databases

	"github.com/renda-platform/renda/core/password"
	"github.com/renda-platform/renda/core/store"
)

// AdminURL is the PostgreSQL server used by tests, as a role that may create
// databases. RENDA_TEST_POSTGRES_URL overrides it.
func AdminURL() string {
	if u := os.Getenv("RENDA_TEST_POSTGRES_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Dialects lists the dialects every store test runs on. PostgreSQL is not
// optional: a test fails if it cannot reach the server.
func Dialects() []store.Dialect { return []store.Dialect{store.SQLite, store.Postgres} }

// DB is a test database.
type DB struct {
	*store.DB
	// OwnerURL connects as the schema owner (bypasses nothing, owns all).
	OwnerURL string
	// AppURL connects as the application role.
	AppURL string
}

// Open creates and migrates a database of dialect d, opens it as the
// application would, and drops it when the test ends.
func Open(t testing.TB, d store.Dialect) *DB {
	t.Helper()
	ctx := context.Background()
	var ownerURL, appURL string
	switch d {
	case store.SQLite:
		ownerURL = "sqlite://" + filepath.Join(t.TempDir(), "renda.db")
		appURL = ownerURL
	case store.Postgres:
		ownerURL, appURL = createPostgres(t)
	}
	owner, err := store.Open(ctx, store.Config{URL: ownerURL})
	if err != nil {
		t.Fatalf("open %s as owner: %v", d, err)
	}
	m, err := owner.Migrator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	if d == store.Postgres {
		owner.Close()
	}
	db := owner
	if d == store.Postgres {
		db, err = store.Open(ctx, store.Config{URL: appURL, PasswordParams: password.Fast})
		if err != nil {
			t.Fatalf("open %s as app: %v", d, err)
		}
		if err := db.CheckAppRole(ctx); err != nil {
			t.Fatal(err)
		}
	} else {
		db.Close()
		db, err = store.Open(ctx, store.Config{URL: appURL, PasswordParams: password.Fast})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { db.Close() })
	return &DB{DB: db, OwnerURL: ownerURL, AppURL: appURL}
}

// createPostgres makes a new database and returns its owner and app URLs.
func createPostgres(t testing.TB) (owner, app string) {
	t.Helper()
	admin, err := sql.Open("pgx", AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "renda_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database (is PostgreSQL listening at %s?): %v", AdminURL(), err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", AdminURL())
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, err := url.Parse(AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	owner = u.String()
	u.User = url.User("renda_app")
	return owner, u.String()
}
