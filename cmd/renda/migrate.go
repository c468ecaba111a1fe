package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/core/store"
)

// newMigrateCmd returns `renda migrate up|down|status`. Migrations run on
// MigrateDatabaseURL: on PostgreSQL the schema owner, not renda_app.
func newMigrateCmd(cfg *config) *cobra.Command {
	return group("migrate", "Apply, roll back or list the database migrations",
		newMigrateUpCmd(cfg), newMigrateDownCmd(cfg), newMigrateStatusCmd(cfg))
}

func newMigrateUpCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:   "up",
		Short: "Apply every pending migration",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withMigrator(cmd, cfg, func(ctx context.Context, m *store.Migrator) error {
				names, err := m.Up(ctx)
				if err != nil {
					return err
				}
				out := cmd.OutOrStdout()
				for _, n := range names {
					fmt.Fprintf(out, "applied %s\n", n)
				}
				if len(names) == 0 {
					fmt.Fprintln(out, "database is up to date")
				}
				return nil
			})
		},
	}
}

func newMigrateDownCmd(cfg *config) *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "down",
		Short: "Roll back the latest applied migration (this can drop data)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !yes {
				return usagef("migrate down can drop tables and every row in them; pass --yes to go ahead")
			}
			return withMigrator(cmd, cfg, func(ctx context.Context, m *store.Migrator) error {
				name, err := m.Down(ctx)
				if err != nil {
					return err
				}
				if name == "" {
					fmt.Fprintln(cmd.OutOrStdout(), "no migration is applied; nothing to roll back")
					return nil
				}
				fmt.Fprintf(cmd.OutOrStdout(), "rolled back %s\n", name)
				return nil
			})
		},
	}
	c.Flags().BoolVar(&yes, "yes", false, "confirm the rollback")
	return c
}

func newMigrateStatusCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "List the migrations and whether each is applied",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withMigrator(cmd, cfg, func(ctx context.Context, m *store.Migrator) error {
				st, err := m.Status(ctx)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "VERSION\tMIGRATION\tAPPLIED")
				for _, s := range st {
					applied := "pending"
					if s.Applied {
						applied = s.AppliedAt.UTC().Format(time.RFC3339)
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\n", s.Version, s.Name, applied)
				}
				return tw.Flush()
			})
		},
	}
}

// withMigrator opens the migration database and runs fn with its migrator.
func withMigrator(cmd *cobra.Command, cfg *config, fn func(context.Context, *store.Migrator) error) error {
	ctx := cmd.Context()
	db, err := cfg.openStore(ctx, cfg.MigrateDatabaseURL, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := db.Migrator()
	if err != nil {
		return err
	}
	return fn(ctx, m)
}
