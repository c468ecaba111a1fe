package main

import (
	"context"
	"strings"
	"testing"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/authz"
	"github.com/renda-platform/renda/tenants"
)

// login signs in to slug's congress and reports whether it worked.
func login(c cli, slug, username, pw string) bool {
	c.t.Helper()
	ctx := context.Background()
	tn, err := c.db.TenantBySlug(ctx, slug)
	if err != nil {
		c.t.Fatal(err)
	}
	_, _, err = c.db.Login(tenants.WithScope(ctx, tenants.Home(tn)), core.Credentials{Username: username, Password: pw})
	if err != nil && core.ErrorCode(err) != core.EUNAUTHORIZED {
		c.t.Fatalf("login %s/%s: %v", slug, username, err)
	}
	return err == nil
}

func TestUserCreateAndResetPassword(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		createCity(c)
		r := c.run("first-password-1\n", "user", "create", "--tenant", "haishu", "--username", "haishu-admin",
			"--name", "刘海涛", "--password-stdin", "--role", "tenant_admin", "--role", "staff", "--platform-admin")
		if r.code != 0 || !strings.Contains(r.out, "roles: tenant_admin, staff, platform_admin") {
			t.Fatalf("create: %s", r)
		}
		if !login(c, "haishu", "haishu-admin", "first-password-1") {
			t.Error("cannot sign in with the password given on stdin")
		}

		ctx := context.Background()
		tn, err := c.db.TenantBySlug(ctx, "haishu")
		if err != nil {
			t.Fatal(err)
		}
		u, err := userByUsername(tenants.WithScope(ctx, tenants.Home(tn)), c.db.DB, "haishu-admin")
		if err != nil {
			t.Fatal(err)
		}
		az, err := authz.New(c.db.Conn, c.db, core.CorePermissions)
		if err != nil {
			t.Fatal(err)
		}
		roles, err := az.UserRoles(ctx, tn, u.ID)
		if err != nil || strings.Join(roles, ",") != "staff,tenant_admin" {
			t.Errorf("roles: got %v, %v; want staff, tenant_admin", roles, err)
		}
		if ok, err := az.EnforcePlatform(ctx, u.ID, core.Permission{Object: core.ObjPlatform, Action: core.ActWrite}); err != nil || !ok {
			t.Errorf("platform admin: got %v, %v; want true", ok, err)
		}

		if r := c.run("second-password-2\n", "user", "reset-password", "--tenant", "haishu", "--username", "haishu-admin"); r.code != 0 {
			t.Fatalf("reset-password from stdin: %s", r)
		}
		if login(c, "haishu", "haishu-admin", "first-password-1") {
			t.Error("the old password still works after the reset")
		}
		if !login(c, "haishu", "haishu-admin", "second-password-2") {
			t.Error("the new password does not work")
		}
		c.ok("user", "reset-password", "--tenant", "haishu", "--username", "haishu-admin", "--password", "third-password-3")
		if !login(c, "haishu", "haishu-admin", "third-password-3") {
			t.Error("the password given with --password does not work")
		}
	})
}

func TestUserBadInput(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		createCity(c)
		base := []string{"user", "create", "--tenant", "haishu", "--username", "wang", "--name", "王芳"}
		tests := []struct {
			name string
			code int
			args []string
			want string
		}{
			{"no password", 2, base, "a password is required"},
			{"both passwords", 2, append(base[:len(base):len(base)], "--password", "long-enough-1", "--password-stdin"), "not both"},
			{"short password", 2, append(base[:len(base):len(base)], "--password", "short"), "password: Passwords must be 10–128"},
			{"unknown role", 2, append(base[:len(base):len(base)], "--password", "long-enough-1", "--role", "mayor"), "There is no role named mayor"},
			{"platform admin as a role", 2, append(base[:len(base):len(base)], "--password", "long-enough-1", "--role", "platform_admin"), "use --platform-admin"},
			{"no tenant", 2, []string{"user", "create", "--username", "wang", "--name", "王芳", "--password", "long-enough-1"}, "--tenant is required"},
			{"unknown tenant", 1, []string{"user", "create", "--tenant", "nosuch", "--username", "wang", "--name", "王芳", "--password", "long-enough-1"}, `no congress with slug "nosuch"`},
			{"unknown user", 1, []string{"user", "reset-password", "--tenant", "haishu", "--username", "nobody", "--password", "long-enough-1"}, `no user named "nobody"`},
		}
		for _, tt := range tests {
			r := c.fails(tt.code, tt.args...)
			if !strings.Contains(r.err, tt.want) {
				t.Errorf("%s: stderr %q, want it to contain %q", tt.name, r.err, tt.want)
			}
		}
		// The unknown role rolled the whole account back.
		c.ok(append(base, "--password", "long-enough-1", "--role", "staff")...)
		if r := c.fails(1, append(base, "--password", "long-enough-1")...); !strings.Contains(r.err, "That username is taken.") {
			t.Errorf("duplicate username: %s", r)
		}
	})
}
