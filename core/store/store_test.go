package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/core/store/storetest"
	"github.com/renda-platform/renda/tenants"
)

// eachDialect runs fn once on a fresh database of every dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, db *storetest.DB)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, storetest.Open(t, d))
		})
	}
}

// tree creates a city with two districts and a township under the first.
type tree struct {
	city, haishu, jiangbei, township *tenants.Tenant
}

func makeTree(t *testing.T, db core.TenantService) tree {
	t.Helper()
	ctx := context.Background()
	mk := func(slug string, level tenants.Level, parent, code string) *tenants.Tenant {
		tn, err := db.CreateTenant(ctx, core.TenantCreate{Slug: slug, Level: level, ParentSlug: parent, DivisionCode: code, NameZH: slug + "人大", NameEN: slug + " congress"})
		if err != nil {
			t.Fatalf("create %s: %v", slug, err)
		}
		return tn
	}
	var tr tree
	tr.city = mk("ningbo", tenants.LevelCity, "", "330200")
	tr.haishu = mk("haishu", tenants.LevelDistrict, "ningbo", "330203")
	tr.jiangbei = mk("jiangbei", tenants.LevelDistrict, "ningbo", "330205")
	tr.township = mk("gulou", tenants.LevelTownship, "haishu", "330203001")
	return tr
}

func home(t *tenants.Tenant) context.Context {
	return tenants.WithScope(context.Background(), tenants.Home(t))
}

func TestMigrateUpDownUp(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *storetest.DB) {
		ctx := context.Background()
		owner, err := store.Open(ctx, store.Config{URL: db.OwnerURL})
		if err != nil {
			t.Fatal(err)
		}
		defer owner.Close()
		m, err := owner.Migrator()
		if err != nil {
			t.Fatal(err)
		}
		if err := m.DownTo(ctx, 0); err != nil {
			t.Fatalf("down: %v", err)
		}
		st, err := m.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.Applied {
				t.Errorf("after down, %s is still applied", s.Name)
			}
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		ok, err := owner.Current(ctx)
		if err != nil || !ok {
			t.Fatalf("Current() = %v, %v; want true", ok, err)
		}
	})
}

func TestDeputyIsolation(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *storetest.DB) {
		tr := makeTree(t, db)
		d, err := db.CreateDeputy(home(tr.haishu), core.DeputyInput{Name: "王建国", Level: "district", Status: core.DeputyActive})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Deputy(home(tr.jiangbei), d.ID); !core.IsNotFound(err) {
			t.Errorf("sibling read: got %v, want not found", err)
		}
		if _, err := db.UpdateDeputy(home(tr.jiangbei), d.ID, core.DeputyInput{Name: "x", Level: "district", Status: core.DeputyActive}); !core.IsNotFound(err) {
			t.Errorf("sibling update: got %v, want not found", err)
		}
		cityRead := tenants.WithScope(context.Background(), tenants.ReadOnly(tr.haishu, tr.haishu.ID))
		got, err := db.Deputy(cityRead, d.ID)
		if err != nil || got.Name != "王建国" {
			t.Fatalf("city read of district: got %v, %v", got, err)
		}
		if _, err := db.UpdateDeputy(cityRead, d.ID, core.DeputyInput{Name: "x", Level: "district", Status: core.DeputyActive}); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("city write of district: got %v, want forbidden", err)
		}
		v, err := db.VerifyAudit(home(tr.haishu), tr.haishu.ID)
		if err != nil || !v.OK || v.Entries != 2 {
			t.Errorf("audit verify: %+v, %v; want OK with 2 entries", v, err)
		}
	})
}

func TestPurgeIdempotencyKeys(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *storetest.DB) {
		tr := makeTree(t, db)
		for i, tn := range []*tenants.Tenant{tr.haishu, tr.jiangbei} {
			u, err := db.CreateUser(home(tn), core.UserCreate{Username: "clerk", DisplayName: "书记员", Password: "Correct-Horse-42"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ClaimIdempotencyKey(home(tn), u.ID, "k"+string(rune('a'+i)), "fp"); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := db.PurgeIdempotencyKeys(context.Background(), time.Hour); err != nil || n != 0 {
			t.Errorf("purging keys older than an hour: %d, %v; want 0", n, err)
		}
		if n, err := db.PurgeIdempotencyKeys(context.Background(), -time.Minute); err != nil || n != 2 {
			t.Errorf("purging every key: %d, %v; want 2 (one per tenant)", n, err)
		}
	})
}
