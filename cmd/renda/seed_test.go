package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/tenants"
)

func TestSeedDemoThenAuditVerify(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		out := c.ok("seed", "demo", "--deputies", "25")
		for _, want := range []string{
			"| ningbo | admin | 周志明 | tenant_admin, platform_admin | " + demoPassword + " |",
			"| haishu | lixiuying | 李秀英 | deputy | " + demoPassword + " |",
			"gulou     township  haishu  330203001",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("seed output lacks %q:\n%s", want, out)
			}
		}
		if got := countDeputies(t, c, "ningbo"); got != 60+25 {
			t.Errorf("ningbo deputies: got %d, want 85", got)
		}
		if got := countDeputies(t, c, "yinzhou"); got != 40 {
			t.Errorf("yinzhou deputies: got %d, want 40", got)
		}
		if !login(c, "ningbo", "wangjianguo", demoPassword) || !login(c, "jiangbei", "jiangbei-staff", demoPassword) {
			t.Error("cannot sign in to a demo account")
		}

		if r := c.fails(1, "seed", "demo"); !strings.Contains(r.err, "already seeded") {
			t.Errorf("second seed: %s", r)
		}

		verify := c.ok("audit", "verify")
		for _, slug := range []string{"ningbo", "haishu", "jiangbei", "yinzhou", "gulou"} {
			if !strings.Contains(verify, "OK      "+slug) {
				t.Errorf("audit verify lacks OK for %s:\n%s", slug, verify)
			}
		}
		if got := c.ok("audit", "verify", "--tenant", "haishu"); strings.Count(got, "\n") != 2 {
			t.Errorf("verify one tenant: got\n%s", got)
		}

		tamper(t, c, "haishu")
		r := c.fails(1, "audit", "verify")
		if !strings.Contains(r.out, "entry 2 is missing") || !strings.Contains(r.out, "OK      ningbo") || !strings.Contains(r.err, "1 of 5") {
			t.Errorf("verify after tampering: %s", r)
		}
	})
}

// countDeputies counts the deputies of a tenant.
func countDeputies(t *testing.T, c cli, slug string) int {
	t.Helper()
	ctx := context.Background()
	tn, err := c.db.TenantBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	ctx = tenants.WithScope(ctx, tenants.Home(tn))
	n, f := 0, core.DeputyFilter{PageRequest: core.PageRequest{Limit: core.MaxPageSize}}
	for {
		page, err := c.db.ListDeputies(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		f.Cursor = page.NextCursor
	}
}

// tamper removes an entry from the middle of slug's audit log, as an
// intruder with the owner's database access could. On PostgreSQL that
// takes the setting the store uses to purge a deleted tenant's log.
func tamper(t *testing.T, c cli, slug string) {
	t.Helper()
	ctx := context.Background()
	tn, err := c.db.TenantBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := store.Open(ctx, store.Config{URL: c.db.OwnerURL})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	err = owner.Gorm().Transaction(func(tx *gorm.DB) error {
		if owner.Dialect() == store.Postgres {
			if err := tx.Exec("SELECT set_config('app.purge_tenant', ?, true)", tn.ID).Error; err != nil {
				return err
			}
		}
		res := tx.Exec("DELETE FROM audit_log WHERE tenant_id = ? AND seq = 2", tn.ID)
		if res.Error == nil && res.RowsAffected != 1 {
			return fmt.Errorf("deleted %d rows, want 1", res.RowsAffected)
		}
		return res.Error
	})
	if err != nil {
		t.Fatalf("tamper: %v", err)
	}
}
