package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/authz"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// newPluginCmd returns `renda plugin`: a scene plugin's life, from a new
// scene's skeleton to a pilot district running it. plugins/README.md walks
// through it.
func newPluginCmd(cfg *config) *cobra.Command {
	return group("plugin", "Write, check, sign, install and roll out scene plugins",
		newPluginNewCmd(),
		newPluginCheckCmd(),
		newPluginKeygenCmd(),
		newPluginBundleCmd(),
		newPluginInstallCmd(cfg),
		newPluginListCmd(cfg),
		newPluginEnableCmd(cfg),
		newPluginPinCmd(cfg),
		newPluginDisableCmd(cfg),
	)
}

func newPluginCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check BINARY",
		Short: "Run the conformance suite on a scene binary",
		Long: `check starts the scene binary as the host would (go-plugin handshake, checksum,
mutual TLS) and checks that its manifest is valid, that every route is public or
guarded by a permission the manifest defines, that its settings schema compiles,
and that it answers Health. It reports the cold start time and the idle resident
memory. It exits 1 when any check fails, listing the failures.`,
		Example: "  renda plugin check bin/renda-roadworks",
		Args:    exactArgs("BINARY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return checkScene(cmd.Context(), cmd.OutOrStdout(), args[0])
		},
	}
}

// checkScene probes the binary at path and prints the conformance report.
func checkScene(ctx context.Context, w io.Writer, path string) error {
	p, err := pluginhost.Probe(ctx, path)
	if err != nil {
		var ce *core.Error
		if errors.As(err, &ce) && ce.Err != nil {
			err = ce.Err
		}
		fmt.Fprintf(w, "FAIL  handshake    not a runnable Renda scene: %s\n", strings.TrimSpace(err.Error()))
		return fmt.Errorf("check %s: 1 check failed: handshake", path)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "PASS\thandshake\tgo-plugin, protocol scene.v%d, checksum sha256:%s…, mutual TLS\n", scene.ProtocolVersion, p.SHA256[:12])
	findings := pluginhost.Conformance(p)
	var failed []string
	warnings := 0
	for _, f := range findings {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", strings.ToUpper(f.Outcome), f.Check, f.Detail)
		switch f.Outcome {
		case pluginhost.CheckFail:
			failed = append(failed, f.Check)
		case pluginhost.CheckWarn:
			warnings++
		}
	}
	fmt.Fprintf(tw, "\tcold start\t%s\n", p.StartTime.Round(time.Millisecond))
	rss := "not reported on this system"
	if p.RSSBytes > 0 {
		rss = fmt.Sprintf("%.1f MiB (pid %d)", float64(p.RSSBytes)/(1<<20), p.PID)
	}
	fmt.Fprintf(tw, "\tidle RSS\t%s\n", rss)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(failed) > 0 {
		return fmt.Errorf("check %s: %d of %d checks failed: %s", path, len(failed), len(findings)+1-warnings, strings.Join(failed, ", "))
	}
	fmt.Fprintf(w, "%s@%s conforms (%d warnings)\n", p.Manifest.ID, p.Manifest.Version, warnings)
	return nil
}

// withHost runs fn with the application database and a plugin host that
// has read the catalog. The host reaps no orphans and stops the scenes it
// started (installing starts one once) before returning: a server may be
// running beside it.
func withHost(cmd *cobra.Command, cfg *config, fn func(ctx context.Context, db *store.DB, host *pluginhost.Host) error) error {
	return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
		az, err := authz.New(db.Conn, db, core.CorePermissions)
		if err != nil {
			return err
		}
		host := pluginhost.New(db, az, pluginhost.Config{Logger: cfg.logger(cmd.ErrOrStderr()), LogOutput: io.Discard})
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = host.Shutdown(ctx)
		}()
		if err := host.Load(ctx); err != nil {
			return err
		}
		return fn(ctx, db, host)
	})
}

// eachTenant runs fn for every slug of a comma-separated list, with ctx
// scoped to the tenant's home (where it may write).
func eachTenant(ctx context.Context, db *store.DB, slugs string, fn func(ctx context.Context, t *tenants.Tenant) error) error {
	var n int
	for _, slug := range strings.Split(slugs, ",") {
		slug = strings.TrimSpace(slug)
		if slug == "" {
			continue
		}
		n++
		t, err := db.TenantBySlug(ctx, slug)
		if err != nil {
			return fmt.Errorf("congress %q: %w", slug, err)
		}
		if err := fn(tenants.WithScope(ctx, tenants.Home(t)), t); err != nil {
			return fmt.Errorf("%s: %w", slug, err)
		}
	}
	if n == 0 {
		return usagef("--tenant needs at least one congress slug")
	}
	return nil
}

func newPluginListCmd(cfg *config) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List installed scene releases and the congresses running each",
		Long: `list prints every release in the catalog with the congresses that run it; a
congress that has the scene turned off shows as slug(off) under its pinned version.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withApp(cmd, cfg, func(ctx context.Context, db *store.DB) error {
				return listScenes(ctx, cmd.OutOrStdout(), db)
			})
		},
	}
}

// listScenes prints the catalog. The title comes last: Chinese characters
// are twice as wide as tabwriter assumes.
func listScenes(ctx context.Context, w io.Writer, db *store.DB) error {
	rels, err := db.SceneReleases(ctx)
	if err != nil {
		return err
	}
	ts, err := db.ListTenants(ctx)
	if err != nil {
		return err
	}
	running := map[string][]string{}
	for _, t := range ts {
		list, err := db.TenantScenes(tenants.WithScope(ctx, tenants.ReadOnly(t, t.ID)))
		if err != nil {
			return fmt.Errorf("scenes of %s: %w", t.Slug, err)
		}
		for _, x := range list {
			slug := t.Slug
			if !x.Enabled {
				slug += "(off)"
			}
			k := x.SceneID + "@" + x.Version
			running[k] = append(running[k], slug)
		}
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SCENE\tVERSION\tSHA256\tINSTALLED\tTENANTS\tTITLE")
	for _, r := range rels {
		who := strings.Join(running[r.SceneID+"@"+r.Version], ",")
		if who == "" {
			who = "-"
		}
		rel, err := releaseOf(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s (%s)\n", r.SceneID, r.Version, r.SHA256[:12], r.InstalledAt.UTC().Format("2006-01-02 15:04"),
			who, rel.Manifest.Title.ZH, rel.Manifest.Title.EN)
	}
	return tw.Flush()
}

// releaseOf parses a catalog row's manifest.
func releaseOf(r *core.SceneRelease) (*pluginhost.Release, error) {
	rel := &pluginhost.Release{SceneRelease: *r}
	if err := json.Unmarshal([]byte(r.Manifest), &rel.Manifest); err != nil {
		return nil, fmt.Errorf("manifest of %s@%s: %w", r.SceneID, r.Version, err)
	}
	return rel, nil
}

func newPluginEnableCmd(cfg *config) *cobra.Command {
	var slugs, version, settings string
	c := &cobra.Command{
		Use:   "enable SCENE --tenant SLUG[,SLUG]",
		Short: "Turn a scene on for congresses, at a version, with settings",
		Long: `enable turns SCENE on for each congress named, grants the manifest's default
permissions to the built-in roles, and checks --settings (a JSON object) against
the scene's settings schema. Without --version a congress keeps the version it is
pinned to, or gets the newest installed one. A running server serves the change
at once.`,
		Example: `  renda plugin enable local.roadworks --tenant haishu
  renda plugin enable local.roadworks --tenant haishu,jiangbei --version 0.1.0 --settings '{"max_title": 60}'`,
		Args: exactArgs("SCENE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withHost(cmd, cfg, func(ctx context.Context, db *store.DB, host *pluginhost.Host) error {
				return eachTenant(ctx, db, slugs, func(ctx context.Context, t *tenants.Tenant) error {
					v := version
					if v == "" {
						if cur, err := db.TenantScene(ctx, args[0]); err == nil {
							v = cur.Version
						} else {
							v = newest(host.Releases(), args[0])
						}
					}
					if v == "" {
						return core.Errorf(core.ENOTFOUND, "scene.not_installed", args[0])
					}
					ts, err := host.Enable(ctx, t, args[0], v, settings)
					if err != nil {
						return fmt.Errorf("enable %s: %w", args[0], err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s %s is on for %s (settings %s)\n", ts.SceneID, ts.Version, t.Slug, ts.Settings)
					return nil
				})
			})
		},
	}
	c.Flags().StringVar(&slugs, "tenant", "", "congress slugs, comma-separated")
	c.Flags().StringVar(&version, "version", "", "installed version to run (default: the pinned one, else the newest)")
	c.Flags().StringVar(&settings, "settings", "", "settings as a JSON object (default: keep the current ones)")
	return c
}

// newest returns the highest installed version of a scene, or "".
func newest(rels []*pluginhost.Release, sceneID string) string {
	var best *semver.Version
	for _, r := range rels {
		v, err := semver.NewVersion(r.Version)
		if r.SceneID == sceneID && err == nil && (best == nil || best.LessThan(v)) {
			best = v
		}
	}
	if best == nil {
		return ""
	}
	return best.Original()
}

func newPluginPinCmd(cfg *config) *cobra.Command {
	var slugs, version string
	c := &cobra.Command{
		Use:   "pin SCENE --tenant SLUG[,SLUG] --version V",
		Short: "Move congresses that run a scene to another installed version",
		Long: `pin moves each congress named to version V of SCENE, up or down, keeping its
settings. A congress's version never changes by itself: installing a newer
release moves nobody. pin refuses a congress that does not run the scene; turn it
on with 'renda plugin enable'.`,
		Example: "  renda plugin pin local.roadworks --tenant haishu --version 0.2.0",
		Args:    exactArgs("SCENE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if version == "" {
				return usagef("pin needs --version")
			}
			return withHost(cmd, cfg, func(ctx context.Context, db *store.DB, host *pluginhost.Host) error {
				return eachTenant(ctx, db, slugs, func(ctx context.Context, t *tenants.Tenant) error {
					cur, err := db.TenantScene(ctx, args[0])
					if err == nil && !cur.Enabled {
						err = core.Errorf(core.ENOTFOUND, "scene.not_enabled")
					}
					if err != nil {
						return fmt.Errorf("pin %s (turn it on with 'renda plugin enable' first): %w", args[0], err)
					}
					ts, err := host.Enable(ctx, t, args[0], version, "")
					if err != nil {
						return fmt.Errorf("pin %s: %w", args[0], err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s is pinned to %s for %s (was %s)\n", ts.SceneID, ts.Version, t.Slug, cur.Version)
					return nil
				})
			})
		},
	}
	c.Flags().StringVar(&slugs, "tenant", "", "congress slugs, comma-separated")
	c.Flags().StringVar(&version, "version", "", "installed version to run")
	return c
}

func newPluginDisableCmd(cfg *config) *cobra.Command {
	var slugs string
	c := &cobra.Command{
		Use:   "disable SCENE --tenant SLUG[,SLUG]",
		Short: "Turn a scene off for congresses (their data is kept)",
		Long: `disable stops routing SCENE for each congress named: its routes answer 404 there
at once. The scene's documents, the version pin and the settings are kept, so
enabling it again brings everything back.`,
		Example: "  renda plugin disable local.roadworks --tenant haishu",
		Args:    exactArgs("SCENE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withHost(cmd, cfg, func(ctx context.Context, db *store.DB, host *pluginhost.Host) error {
				return eachTenant(ctx, db, slugs, func(ctx context.Context, t *tenants.Tenant) error {
					ts, err := host.Disable(ctx, args[0])
					if err != nil {
						return fmt.Errorf("disable %s: %w", args[0], err)
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%s is off for %s (pinned %s, data kept)\n", ts.SceneID, t.Slug, ts.Version)
					return nil
				})
			})
		},
	}
	c.Flags().StringVar(&slugs, "tenant", "", "congress slugs, comma-separated")
	return c
}
