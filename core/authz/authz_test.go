package authz_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/authz"
	"github.com/renda-platform/renda/core/store/storetest"
	"github.com/renda-platform/renda/tenants"
)

var (
	read  = core.Permission{Object: core.ObjTenant, Action: core.ActRead}
	write = core.Permission{Object: core.ObjUsers, Action: core.ActWrite}
)

type fixture struct {
	db    *storetest.DB
	az    *authz.Authorizer
	t     *tenants.Tenant
	ctx   context.Context
	users []string
}

func setup(t *testing.T, db *storetest.DB, users int) *fixture {
	t.Helper()
	tn, err := db.CreateTenant(context.Background(), core.TenantCreate{Slug: "haishu", Level: tenants.LevelCity, DivisionCode: "330203", NameZH: "海曙区人大", NameEN: "Haishu"})
	if err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(db.Conn, db, core.CorePermissions)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, az: az, t: tn, ctx: tenants.WithScope(context.Background(), tenants.Home(tn))}
	for i := range users {
		u, err := db.CreateUser(f.ctx, core.UserCreate{Username: fmt.Sprintf("u%03d", i), DisplayName: "u", Password: "Renda@2026test"})
		if err != nil {
			t.Fatal(err)
		}
		f.users = append(f.users, u.ID)
	}
	return f
}

func (f *fixture) allowed(t *testing.T, user string, p core.Permission) bool {
	t.Helper()
	ok, err := f.az.Enforce(f.ctx, user, f.t, p)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// A grant made in a transaction that rolls back must not survive in the
// cache, even after a later committed change: the rolled-back version's
// number is never handed out again.
func TestRolledBackGrantIsForgotten(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, storetest.Open(t, d), 2)
			alice, bob := f.users[0], f.users[1]
			if err := f.az.SetUserRoles(f.ctx, f.t, alice, []string{"clerk_role"}); err == nil {
				t.Fatal("an unknown role was assigned")
			}
			if f.allowed(t, alice, write) {
				t.Fatal("alice may write users before any grant")
			}
			before := *f.t
			boom := errors.New("rolled back")
			err := f.db.InTx(f.ctx, func(ctx context.Context) error {
				tx := before
				if _, err := f.az.PutRole(ctx, &tx, "clerk_role", []core.Permission{write}); err != nil {
					return err
				}
				if err := f.az.SetUserRoles(ctx, &tx, alice, []string{"clerk_role"}); err != nil {
					return err
				}
				if ok, err := f.az.Enforce(ctx, alice, &tx, write); err != nil || !ok {
					t.Fatalf("inside the transaction alice should hold the grant: %v %v", ok, err)
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("transaction: %v", err)
			}
			// Committed changes made on another server move the version on;
			// the transaction had moved it twice, so two changes reached the
			// rolled-back number when versions merely counted up, and this
			// server, asked nothing in between, kept the rules cached under it.
			// (A version is now random: none comes back.)
			other, err := authz.New(f.db.Conn, f.db, core.CorePermissions)
			if err != nil {
				t.Fatal(err)
			}
			f.t = &before
			for i, role := range []string{core.RoleStaff, core.RoleStaff} {
				prev := f.t.PolicyVersion
				if err := other.SetUserRoles(f.ctx, f.t, bob, []string{role}); err != nil {
					t.Fatal(err)
				}
				fresh, err := f.db.TenantByID(f.ctx, f.t.ID)
				if err != nil {
					t.Fatal(err)
				}
				if fresh.PolicyVersion != f.t.PolicyVersion || fresh.PolicyVersion == prev {
					t.Fatalf("policy version %d after change %d (was %d, the authorizer says %d)", fresh.PolicyVersion, i, prev, f.t.PolicyVersion)
				}
				f.t = fresh
			}
			if f.allowed(t, alice, write) {
				t.Fatal("a rolled-back grant is in force")
			}
			if !f.allowed(t, bob, read) {
				t.Fatal("bob's committed role is not in force")
			}
			roles, err := f.az.UserRoles(f.ctx, f.t, alice)
			if err != nil || len(roles) != 0 {
				t.Fatalf("alice's roles after the rollback: %v %v", roles, err)
			}
		})
	}
}

// Enforce asks about the user's roles, not the user; its answers must be
// the model's for every user and permission, across built-in templates,
// custom roles, "*" grants, several roles at once and none.
func TestEnforceIsTheModelsAnswer(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			f := setup(t, storetest.Open(t, d), 6)
			if _, err := f.az.PutRole(f.ctx, f.t, "clerk", []core.Permission{write}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.az.PutRole(f.ctx, f.t, "superuser", []core.Permission{{Object: "*", Action: "*"}}); err != nil {
				t.Fatal(err)
			}
			assign := [][]string{nil, {core.RoleDeputy}, {core.RoleStaff}, {core.RoleTenantAdmin}, {"clerk", core.RoleDeputy}, {"superuser"}}
			for i, roles := range assign {
				if err := f.az.SetUserRoles(f.ctx, f.t, f.users[i], roles); err != nil {
					t.Fatal(err)
				}
			}
			perms := append(slices.Clone(core.CorePermissions), core.Permission{Object: "nothing", Action: "read"})
			granted := map[string]int{}
			for i, u := range f.users {
				for _, p := range perms {
					got, err := f.az.Enforce(f.ctx, u, f.t, p)
					if err != nil {
						t.Fatal(err)
					}
					want, err := f.az.EnforceAsUser(f.ctx, u, f.t, p)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("user with roles %v, %s: Enforce says %v, the model %v", assign[i], p, got, want)
					}
					if got {
						granted[fmt.Sprint(assign[i])]++
					}
				}
			}
			// The comparison means something only if the answers differ by role.
			if granted["[]"] != 0 || granted["[superuser]"] != len(perms) || granted["[clerk deputy]"] != granted["[deputy]"]+1 || granted["[staff]"] == 0 {
				t.Fatalf("grants per role set: %v", granted)
			}
		})
	}
}
