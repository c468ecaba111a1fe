package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/authz"
	"github.com/renda-platform/renda/core/store"
)

func newServeCmd(cfg *config) *cobra.Command {
	var demo bool
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the API (migrating the embedded store first)",
		Long: `Serve the Renda API on --addr.

On the embedded store (no DATABASE_URL) migrations run automatically. On
PostgreSQL, run 'renda migrate up' as the schema owner first; serve connects
as the application role renda_app and refuses to run as a superuser, a role
with BYPASSRLS, or a table owner, because row-level security would not bind.

--demo seeds the demo congresses on first start (see 'renda seed demo').`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd.Context(), cmd, cfg, demo)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "seed the demo congresses if the database has none")
	return cmd
}

func serve(ctx context.Context, cmd *cobra.Command, cfg *config, demo bool) error {
	log := slog.New(slog.NewJSONHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: mustLevel(cfg.LogLevel)}))
	embedded := cfg.DatabaseURL == "" || strings.HasPrefix(cfg.DatabaseURL, "sqlite://")
	if embedded {
		if err := migrateEmbedded(ctx, cfg, cmd); err != nil {
			return err
		}
	}
	db, err := cfg.openApp(ctx, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckAppRole(ctx); err != nil {
		return err
	}
	if demo {
		if err := seedIfEmpty(ctx, db, cmd); err != nil {
			return err
		}
	}
	az, err := authz.New(db.Conn, db, core.CorePermissions)
	if err != nil {
		return err
	}
	srv, err := api.New(api.Services{
		DB: db, Tenants: db, Auth: db, Users: db, Deputies: db, Duty: db, Audit: db, Idempotency: db, Authz: az,
	}, api.Config{SecureCookies: !cfg.Dev, Logger: log})
	if err != nil {
		return err
	}
	log.Info("renda listening", "addr", "http://"+cfg.Addr, "store", string(db.Dialect()), "version", version)
	fmt.Fprintf(cmd.OutOrStdout(), "Renda is running at http://%s (store: %s). Press Ctrl+C to stop.\n", cfg.Addr, db.Dialect())
	return srv.Listen(ctx, cfg.Addr)
}

// migrateEmbedded brings the embedded store's schema up to date.
func migrateEmbedded(ctx context.Context, cfg *config, cmd *cobra.Command) error {
	db, err := cfg.openStore(ctx, cfg.DatabaseURL, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := db.Migrator()
	if err != nil {
		return err
	}
	applied, err := m.Up(ctx)
	if err != nil {
		return err
	}
	for _, name := range applied {
		fmt.Fprintf(cmd.ErrOrStderr(), "applied migration %s\n", name)
	}
	return nil
}

// seedIfEmpty seeds the demo when the database has no tenant yet.
func seedIfEmpty(ctx context.Context, db *store.DB, cmd *cobra.Command) error {
	ts, err := db.ListTenants(ctx)
	if err != nil {
		return err
	}
	if len(ts) > 0 {
		return nil
	}
	ctx = core.WithPrincipal(ctx, &core.Principal{UserID: "cli", Username: "renda-cli", Kind: core.KindService})
	return seedDemo(ctx, db, cmd.OutOrStdout())
}

func mustLevel(s string) slog.Level {
	l, err := parseLogLevel(s)
	if err != nil {
		return slog.LevelInfo
	}
	return l
}
