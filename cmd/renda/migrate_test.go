package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/renda-platform/renda/core/store"
)

func TestMigrateDownStatusUp(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		if got := c.ok("migrate", "status"); !strings.Contains(got, "00001_platform.sql") || strings.Contains(got, "pending") {
			t.Fatalf("status of a migrated database:\n%s", got)
		}
		if got := c.ok("migrate", "up"); !strings.Contains(got, "database is up to date") {
			t.Errorf("up on a migrated database: got %q", got)
		}
		c.fails(2, "migrate", "down")
		// Down goes back one migration at a time, newest first.
		for n := store.LatestMigration(); n > 1; n-- {
			if got := c.ok("migrate", "down", "--yes"); !strings.Contains(got, fmt.Sprintf("rolled back %05d_", n)) {
				t.Errorf("down: got %q, want migration %d rolled back", got, n)
			}
		}
		if got := c.ok("migrate", "status"); !strings.Contains(got, "pending") {
			t.Errorf("status after down: got %q, want pending", got)
		}
		if r := c.fails(1, "tenant", "list"); !strings.Contains(r.err, "renda migrate up") {
			t.Errorf("tenant list on an unmigrated database: got %q, want advice to migrate", r.err)
		}
		if got := c.ok("migrate", "down", "--yes"); !strings.Contains(got, "rolled back 00001_platform.sql") {
			t.Errorf("second down: got %q", got)
		}
		if got := c.ok("migrate", "down", "--yes"); !strings.Contains(got, "nothing to roll back") {
			t.Errorf("down with nothing applied: got %q", got)
		}
		if got := c.ok("migrate", "up"); !strings.Contains(got, "applied 00001_platform.sql") {
			t.Errorf("up: got %q", got)
		}
		c.ok("tenant", "list")
	})
}
