package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/tenants"
)

// newTenantCmd returns `renda tenant`: the platform operations on congresses.
func newTenantCmd(cfg *config) *cobra.Command {
	return group("tenant", "Create, list, suspend, export and delete congresses (tenants)",
		newTenantCreateCmd(cfg),
		newTenantListCmd(cfg),
		newTenantStatusCmd(cfg, "suspend", tenants.StatusSuspended, "Suspend a congress: its users are signed out and refused"),
		newTenantStatusCmd(cfg, "resume", tenants.StatusActive, "Resume a suspended congress"),
		newTenantStatusCmd(cfg, "archive", tenants.StatusArchived, "Archive a congress for good (export, then delete it)"),
		newTenantExportCmd(cfg),
		newTenantDeleteCmd(cfg),
	)
}

func newTenantCreateCmd(cfg *config) *cobra.Command {
	var in core.TenantCreate
	var level string
	c := &cobra.Command{
		Use:   "create",
		Short: "Create a congress",
		Example: `  renda tenant create --slug ningbo --level city --division-code 330200 \
    --name-zh 宁波市人大常委会 --name-en "Ningbo Municipal People's Congress Standing Committee"
  renda tenant create --slug haishu --level district --parent ningbo --division-code 330203 \
    --name-zh 海曙区人大常委会 --name-en "Haishu District People's Congress Standing Committee"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in.Level = tenants.Level(level)
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				t, err := db.CreateTenant(ctx, in)
				if err != nil {
					return fmt.Errorf("create tenant %q: %w", in.Slug, err)
				}
				where := ""
				if in.ParentSlug != "" {
					where = " under " + in.ParentSlug
				}
				fmt.Fprintf(cmd.OutOrStdout(), "created %s congress %s%s (id %s)\n", t.Level, t.Slug, where, t.ID)
				return nil
			})
		},
	}
	f := c.Flags()
	f.StringVar(&in.Slug, "slug", "", "short lowercase name used in URLs, e.g. haishu")
	f.StringVar(&level, "level", "", "city, district or township")
	f.StringVar(&in.ParentSlug, "parent", "", "slug of the congress above (not for a city)")
	f.StringVar(&in.DivisionCode, "division-code", "", "administrative-division code: 6 digits, 9 for a township")
	f.StringVar(&in.NameZH, "name-zh", "", "Chinese name, e.g. 海曙区人大常委会")
	f.StringVar(&in.NameEN, "name-en", "", "English name")
	return c
}

func newTenantListCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List every congress, as a tree walk",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				ts, err := db.ListTenants(ctx)
				if err != nil {
					return err
				}
				return writeTenants(cmd.OutOrStdout(), ts)
			})
		},
	}
}

// writeTenants prints tenants as a table. The name comes last: Chinese
// characters are twice as wide as tabwriter assumes.
func writeTenants(w io.Writer, ts []*tenants.Tenant) error {
	slugs := make(map[string]string, len(ts))
	for _, t := range ts {
		slugs[t.ID] = t.Slug
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tLEVEL\tPARENT\tDIVISION\tSTATUS\tNAME")
	for _, t := range ts {
		parent := slugs[t.ParentID]
		if parent == "" {
			parent = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s (%s)\n", t.Slug, t.Level, parent, t.DivisionCode, t.Status, t.NameZH, t.NameEN)
	}
	return tw.Flush()
}

func newTenantStatusCmd(cfg *config, verb string, to tenants.Status, short string) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " SLUG",
		Short: short,
		Args:  exactArgs("SLUG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				t, err := db.SetTenantStatus(ctx, args[0], to)
				if err != nil {
					return fmt.Errorf("%s tenant %q: %w", verb, args[0], err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "congress %s is now %s\n", t.Slug, t.Status)
				return nil
			})
		},
	}
}

func newTenantExportCmd(cfg *config) *cobra.Command {
	var output string
	c := &cobra.Command{
		Use:   "export SLUG",
		Short: "Write every row of a congress as JSON lines (secrets left out)",
		Long: "Export writes every row a congress owns as JSON lines, one object per row with its table.\n" +
			"Password hashes and token hashes are left out. An archived congress must be exported\n" +
			"before it can be deleted.",
		Args: exactArgs("SLUG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				if output == "" || output == "-" {
					return db.ExportTenant(ctx, args[0], cmd.OutOrStdout())
				}
				if err := exportToFile(ctx, db, args[0], output); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "exported %s to %s\n", args[0], output)
				return nil
			})
		},
	}
	c.Flags().StringVarP(&output, "output", "o", "", "file to write (default standard output)")
	return c
}

// exportToFile exports into path, readable by the owner only (the rows hold
// personal data), and removes the file if the export fails.
func exportToFile(ctx context.Context, db *store.DB, slug, path string) (err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("export %s: %w", slug, err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("export %s: %w", slug, cerr)
		}
		if err != nil {
			os.Remove(path)
		}
	}()
	if err := db.ExportTenant(ctx, slug, f); err != nil {
		return fmt.Errorf("export %s: %w", slug, err)
	}
	return nil
}

func newTenantDeleteCmd(cfg *config) *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "delete SLUG",
		Short: "Delete an archived, exported congress and all its rows",
		Args:  exactArgs("SLUG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !yes {
				return usagef("delete removes congress %q and every row it owns; pass --yes to go ahead", args[0])
			}
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				err := db.DeleteTenant(ctx, args[0])
				if core.ErrorCode(err) == core.ECONFLICT {
					return fmt.Errorf("delete tenant %q: %w (the steps are: renda tenant archive, renda tenant export, renda tenant delete)", args[0], err)
				}
				if err != nil {
					return fmt.Errorf("delete tenant %q: %w", args[0], err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "deleted congress %s\n", args[0])
				return nil
			})
		},
	}
	c.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	return c
}

// tenantBySlug returns a tenant, or an error naming the slug.
func tenantBySlug(ctx context.Context, db *store.DB, slug string) (*tenants.Tenant, error) {
	t, err := db.TenantBySlug(ctx, slug)
	if core.IsNotFound(err) {
		return nil, fmt.Errorf("no congress with slug %q (see 'renda tenant list')", slug)
	}
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %w", slug, err)
	}
	return t, nil
}
