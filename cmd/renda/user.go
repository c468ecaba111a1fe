package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/authz"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/tenants"
)

// newUserCmd returns `renda user`: accounts made by an operator, such as
// the first administrator of a congress.
func newUserCmd(cfg *config) *cobra.Command {
	return group("user", "Create user accounts and reset passwords",
		newUserCreateCmd(cfg), newUserResetPasswordCmd(cfg))
}

// passwordFlags are the two ways to give a password.
type passwordFlags struct {
	value string
	stdin bool
}

func (p *passwordFlags) add(c *cobra.Command, what string) {
	c.Flags().StringVar(&p.value, "password", "", what+" (visible to other local users: prefer --password-stdin)")
	c.Flags().BoolVar(&p.stdin, "password-stdin", false, "read "+what+" from the first line of standard input")
}

// read returns the password. With neither flag it reads standard input if
// fromStdinByDefault, and is a usage error otherwise.
func (p *passwordFlags) read(cmd *cobra.Command, fromStdinByDefault bool) (string, error) {
	switch {
	case p.value != "" && p.stdin:
		return "", usagef("give either --password or --password-stdin, not both")
	case p.value != "":
		return p.value, nil
	case !p.stdin && !fromStdinByDefault:
		return "", usagef("a password is required: --password or --password-stdin")
	}
	line, err := bufio.NewReader(io.LimitReader(cmd.InOrStdin(), 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usagef("no password on standard input")
	}
	return pw, nil
}

func newUserCreateCmd(cfg *config) *cobra.Command {
	var (
		slug          string
		in            core.UserCreate
		pw            passwordFlags
		roles         []string
		platformAdmin bool
	)
	c := &cobra.Command{
		Use:   "create",
		Short: "Create a person's account in a congress",
		Example: `  echo 'a-long-secret' | renda user create --tenant ningbo --username admin --name 周志明 \
    --password-stdin --role tenant_admin --platform-admin`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if slug == "" {
				return usagef("--tenant is required")
			}
			if slices.Contains(roles, core.RolePlatformAdmin) {
				return usagef("platform_admin is not a congress role: use --platform-admin")
			}
			var err error
			if in.Password, err = pw.read(cmd, false); err != nil {
				return err
			}
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				t, err := tenantBySlug(ctx, db, slug)
				if err != nil {
					return err
				}
				az, err := authz.New(db.Conn, db, core.CorePermissions)
				if err != nil {
					return err
				}
				u, err := createAccount(ctx, db, az, t, account{UserCreate: in, Roles: roles, PlatformAdmin: platformAdmin})
				if err != nil {
					return err
				}
				granted := slices.Clone(roles)
				if platformAdmin {
					granted = append(granted, core.RolePlatformAdmin)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created user %s/%s (id %s, roles: %s)\n", t.Slug, u.Username, u.ID, listOrNone(granted))
				return nil
			})
		},
	}
	f := c.Flags()
	f.StringVar(&slug, "tenant", "", "slug of the user's congress")
	f.StringVar(&in.Username, "username", "", "login name: 3-64 letters, digits or . _ - @")
	f.StringVar(&in.DisplayName, "name", "", "display name, e.g. 周志明")
	f.StringVar(&in.DeputyID, "deputy-id", "", "id of the deputy this account belongs to, if any")
	f.StringSliceVar(&roles, "role", nil, "role in the congress: tenant_admin, staff, deputy or a custom one (repeatable)")
	f.BoolVar(&platformAdmin, "platform-admin", false, "also make the user a platform administrator")
	pw.add(c, "the password")
	return c
}

// account is a user to create with its roles.
type account struct {
	core.UserCreate
	Roles         []string
	PlatformAdmin bool
}

// createAccount creates a user in t's home scope, assigns its roles and
// makes it a platform administrator if asked, all in one transaction: an
// unknown role leaves no half-made account behind.
func createAccount(ctx context.Context, db *store.DB, az *authz.Authorizer, t *tenants.Tenant, a account) (*core.User, error) {
	var u *core.User
	err := db.InTx(tenants.WithScope(ctx, tenants.Home(t)), func(ctx context.Context) error {
		var err error
		if u, err = db.CreateUser(ctx, a.UserCreate); err != nil {
			return err
		}
		if len(a.Roles) > 0 {
			if err := az.SetUserRoles(ctx, t, u.ID, a.Roles); err != nil {
				return err
			}
		}
		if a.PlatformAdmin {
			return az.GrantPlatformAdmin(ctx, u.ID)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("create user %s/%s: %w", t.Slug, a.Username, err)
	}
	return u, nil
}

func newUserResetPasswordCmd(cfg *config) *cobra.Command {
	var (
		slug, username string
		pw             passwordFlags
	)
	c := &cobra.Command{
		Use:   "reset-password",
		Short: "Set a new password for a user, unlock the account and end its sessions",
		Long: "reset-password sets a new password chosen by an operator. Without --password it reads\n" +
			"the new password from the first line of standard input.",
		Example: `  echo 'a-new-long-secret' | renda user reset-password --tenant haishu --username haishu-admin`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if slug == "" || username == "" {
				return usagef("--tenant and --username are required")
			}
			next, err := pw.read(cmd, true)
			if err != nil {
				return err
			}
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				t, err := tenantBySlug(ctx, db, slug)
				if err != nil {
					return err
				}
				ctx = tenants.WithScope(ctx, tenants.Home(t))
				u, err := userByUsername(ctx, db, username)
				if err != nil {
					return fmt.Errorf("reset password of %s/%s: %w", slug, username, err)
				}
				if err := db.ResetPassword(ctx, u.ID, next); err != nil {
					return fmt.Errorf("reset password of %s/%s: %w", slug, username, err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "password of %s/%s reset; its sessions were ended\n", slug, username)
				return nil
			})
		},
	}
	c.Flags().StringVar(&slug, "tenant", "", "slug of the user's congress")
	c.Flags().StringVar(&username, "username", "", "the user's login name")
	pw.add(c, "the new password")
	return c
}

// userByUsername finds a user of the scope's tenant by exact username. The
// store's search also matches display names and substrings, so the pages
// are walked for the exact match.
func userByUsername(ctx context.Context, db *store.DB, username string) (*core.User, error) {
	f := core.UserFilter{Query: username, PageRequest: core.PageRequest{Limit: core.MaxPageSize}}
	for {
		page, err := db.ListUsers(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, u := range page.Items {
			if u.Username == username {
				return u, nil
			}
		}
		if page.NextCursor == "" {
			return nil, fmt.Errorf("no user named %q", username)
		}
		f.Cursor = page.NextCursor
	}
}

// listOrNone joins names, or says "none".
func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
