package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/authz"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/livelihoodvoting"
	"github.com/renda-platform/renda/plugins/noticeboard"
	"github.com/renda-platform/renda/tenants"
)

func newServeCmd(cfg *config) *cobra.Command {
	var (
		demo     bool
		demoGrid string
		scenes   []string
	)
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
			return serve(cmd.Context(), cmd, cfg, demo, demoGrid, scenes)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "seed the demo congresses if the database has none")
	cmd.Flags().StringVar(&demoGrid, "demo-grid", "http://127.0.0.1:8090", "with --demo: the grassroots platform (gridsim) Haishu's issue supervision reports to")
	cmd.Flags().StringArrayVar(&scenes, "scene", nil, "install the scene bundle at PATH (a bare binary with --dev) before serving; repeatable")
	return cmd
}

func serve(ctx context.Context, cmd *cobra.Command, cfg *config, demo bool, demoGrid string, scenes []string) error {
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
	az, err := authz.New(db.Conn, db, core.CorePermissions)
	if err != nil {
		return err
	}
	trusted, err := trustedKeys(cfg.TrustedKeys)
	if err != nil {
		return err
	}
	host := pluginhost.New(db, az, pluginhost.Config{Logger: log, RunDir: filepath.Join(dataDir(cfg), "run"), AllowPrivateHosts: cfg.Dev,
		Install: pluginhost.Installer{Root: filepath.Join(dataDir(cfg), "scenes"), Trusted: trusted, Dev: cfg.Dev, Warn: cmd.ErrOrStderr()}})
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if err := host.Shutdown(ctx); err != nil {
			log.Error("scene shutdown", "err", err)
		}
	}()
	if err := host.Load(ctx); err != nil {
		return err
	}
	for _, path := range scenes {
		rel, err := host.Install(ctx, path)
		if err != nil {
			return fmt.Errorf("install scene %s: %w", path, err)
		}
		log.Info("scene installed", "scene", rel.SceneID, "version", rel.Version, "sha256", rel.SHA256)
	}
	votingRound := false
	if demo {
		seeded, err := seedIfEmpty(ctx, db, cmd)
		if err != nil {
			return err
		}
		if seeded {
			if votingRound, err = pilotScenes(ctx, db, host, demoGrid); err != nil {
				return err
			}
		}
	}
	// The background work stops, and is waited for, before the scenes and
	// the database close (deferred above, so run after these): it must not
	// touch either, nor write to the log, once serve has returned.
	ctx, stop := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer bg.Wait()
	defer stop()
	bg.Go(func() { host.RunEvents(ctx) })
	bg.Go(func() { purgeIdempotencyKeys(ctx, db, log) })
	srv, err := api.New(api.Services{
		DB: db, Tenants: db, Auth: db, Users: db, Deputies: db, Duty: db, Audit: db, Idempotency: db, Authz: az,
		Inbox: db, Departments: db, Scenes: host, SceneStore: db,
	}, api.Config{SecureCookies: !cfg.Dev, Logger: log})
	if err != nil {
		return err
	}
	if votingRound {
		bg.Go(func() { seedVotingDemo(ctx, localURL(cfg.Addr), log, cmd.OutOrStdout()) })
	}
	log.Info("renda listening", "addr", "http://"+cfg.Addr, "store", string(db.Dialect()), "version", version)
	fmt.Fprintf(cmd.OutOrStdout(), "Renda is running at http://%s (store: %s). Press Ctrl+C to stop.\n", cfg.Addr, db.Dialect())
	return srv.Listen(ctx, cfg.Addr)
}

// purgeIdempotencyKeys forgets stored answers to POSTs after a day, hourly.
func purgeIdempotencyKeys(ctx context.Context, db *store.DB, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := db.PurgeIdempotencyKeys(ctx, 24*time.Hour); err != nil {
			log.Error("purge idempotency keys", "err", err)
		} else if n > 0 {
			log.Info("purged idempotency keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
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

// seedIfEmpty seeds the demo when the database has no tenant yet, and
// reports whether it did.
func seedIfEmpty(ctx context.Context, db *store.DB, cmd *cobra.Command) (bool, error) {
	ts, err := db.ListTenants(ctx)
	if err != nil {
		return false, err
	}
	if len(ts) > 0 {
		return false, nil
	}
	return true, seedDemo(asCLI(ctx), db, cmd.OutOrStdout())
}

// pilotScenes makes Haishu the demo's pilot district of the installed
// scenes (the other districts do not run them): the notice board, issue
// supervision wired to the stand-in grassroots platform at grid, and
// livelihood-project voting. It reports whether voting is enabled, for its
// demo round to be seeded once the server answers.
func pilotScenes(ctx context.Context, db *store.DB, host *pluginhost.Host, grid string) (bool, error) {
	t, err := db.TenantBySlug(ctx, "haishu")
	if err != nil {
		return false, err
	}
	ctx = tenants.WithScope(asCLI(ctx), tenants.Home(t))
	newest := map[string]string{}
	for _, r := range host.Releases() {
		newest[r.SceneID] = r.Version // Releases are sorted by version
	}
	for _, id := range []string{noticeboard.ID, livelihoodvoting.ID} {
		if v, ok := newest[id]; ok {
			if _, err := host.Enable(ctx, t, id, v, ""); err != nil {
				return false, err
			}
		}
	}
	if v, ok := newest[issuesupervision.ID]; ok && grid != "" {
		u, err := url.Parse(grid)
		if err != nil || u.Host == "" {
			return false, fmt.Errorf("--demo-grid %q: want a URL such as http://127.0.0.1:8090", grid)
		}
		settings := fmt.Sprintf(`{"grid": {"endpoint": %q, "api_key": "demo-grid-key"}, "poll_seconds": 5}`, grid)
		if _, err := host.Enable(ctx, t, issuesupervision.ID, v, settings); err != nil {
			return false, err
		}
		if _, err := host.AllowHosts(ctx, issuesupervision.ID, []string{u.Host}); err != nil {
			return false, err
		}
	}
	_, voting := newest[livelihoodvoting.ID]
	return voting, nil
}

// dataDir is where the embedded store and the scenes' pid files live.
func dataDir(cfg *config) string {
	if p, ok := strings.CutPrefix(cfg.DatabaseURL, "sqlite://"); ok && p != "" {
		return filepath.Dir(p)
	}
	return filepath.Dir(store.DefaultSQLitePath)
}

func mustLevel(s string) slog.Level {
	l, err := parseLogLevel(s)
	if err != nil {
		return slog.LevelInfo
	}
	return l
}
