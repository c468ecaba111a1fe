package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/knadh/koanf/parsers/yaml"
	"github.com/knadh/koanf/providers/env/v2"
	"github.com/knadh/koanf/providers/file"
	"github.com/knadh/koanf/providers/posflag"
	"github.com/knadh/koanf/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store"
)

// config is the configuration every subcommand shares, serve included. The
// root command fills it before any subcommand runs, from (highest first)
// flags, the environment, the YAML config file, and the defaults below.
type config struct {
	// DatabaseURL is where the application connects: postgres://... as the
	// role renda_app, or sqlite://PATH ("" for data/renda.db).
	DatabaseURL string `koanf:"database_url"`
	// MigrateDatabaseURL is where migrations run: on PostgreSQL, the schema
	// owner. It defaults to DatabaseURL.
	MigrateDatabaseURL string `koanf:"migrate_database_url"`
	// Addr is the host:port the server listens on.
	Addr string `koanf:"addr"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `koanf:"log_level"`
	// Dev relaxes what only matters in production (secure cookies, say).
	Dev bool `koanf:"dev"`
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration `koanf:"session_ttl"`
	// TrustedKeys are the publishers' ed25519 public keys that scene
	// bundles must be signed with: comma-separated base64 keys or files of
	// them, one a line.
	TrustedKeys string `koanf:"trusted_keys"`
}

// defaultConfigFile is read when --config is not given, if it exists.
const defaultConfigFile = "renda.yaml"

// setting is one configuration key: its name in the YAML file, its flag,
// its environment variable and its default. The flag and variable names are
// the operator's interface; keep them stable.
type setting struct {
	key, flag, env, usage string
	def                   any // string, bool or time.Duration: also the flag's type
}

// settings lists every configuration key.
func settings() []setting {
	return []setting{
		{"database_url", "database-url", "DATABASE_URL", "database URL: postgres://... (as role renda_app) or sqlite://PATH (empty: sqlite://data/renda.db)", ""},
		{"migrate_database_url", "migrate-database-url", "RENDA_MIGRATE_DATABASE_URL", "database URL for migrations (the schema owner); defaults to --database-url", ""},
		{"addr", "addr", "RENDA_ADDR", "address the server listens on", "127.0.0.1:8080"},
		{"log_level", "log-level", "RENDA_LOG_LEVEL", "log level: debug, info, warn or error", "info"},
		{"dev", "dev", "RENDA_DEV", "development mode", false},
		{"session_ttl", "session-ttl", "RENDA_SESSION_TTL", "how long a login lasts, e.g. 12h", 12 * time.Hour},
		{"trusted_keys", "trusted-keys", "RENDA_TRUSTED_KEYS", "publisher keys scene bundles must be signed with: comma-separated base64 ed25519 public keys or files of them", ""},
	}
}

// addConfigFlags declares --config and one flag per setting on fs, with the
// defaults shown in --help.
func addConfigFlags(fset *pflag.FlagSet) {
	fset.String("config", "", "YAML config file (default ./"+defaultConfigFile+" if present)")
	for _, s := range settings() {
		usage := s.usage + " ($" + s.env + ")"
		switch def := s.def.(type) {
		case bool:
			fset.Bool(s.flag, def, usage)
		case time.Duration:
			fset.Duration(s.flag, def, usage)
		default:
			fset.String(s.flag, def.(string), usage)
		}
	}
}

// loadConfig reads the configuration: defaults, then the config file, then
// the environment (environ, as os.Environ returns it), then the flags of
// fset that were set. Every error is about how renda was called or
// configured.
func loadConfig(fset *pflag.FlagSet, environ []string) (config, error) {
	k := koanf.New(".")
	byEnv, byFlag := map[string]string{}, map[string]string{}
	for _, s := range settings() {
		byEnv[s.env], byFlag[s.flag] = s.key, s.key
		if err := k.Set(s.key, s.def); err != nil {
			return config{}, fmt.Errorf("config defaults: %w", err)
		}
	}

	path, explicit := defaultConfigFile, false
	if f := fset.Lookup("config"); f != nil && f.Changed {
		path, explicit = f.Value.String(), true
	}
	if err := loadConfigFile(k, path, explicit); err != nil {
		return config{}, err
	}

	envp := env.Provider(".", env.Opt{
		EnvironFunc: func() []string { return environ },
		TransformFunc: func(name, value string) (string, any) {
			if value == "" {
				return "", nil // an empty variable is treated as unset
			}
			return byEnv[name], value
		},
	})
	if err := k.Load(envp, nil); err != nil {
		return config{}, fmt.Errorf("config from environment: %w", err)
	}

	flags := posflag.ProviderWithFlag(fset, ".", nil, func(f *pflag.Flag) (string, any) {
		key := byFlag[f.Name]
		if key == "" {
			return "", nil // a subcommand's own flag
		}
		return key, posflag.FlagVal(fset, f)
	})
	if err := k.Load(flags, nil); err != nil {
		return config{}, fmt.Errorf("config from flags: %w", err)
	}

	var cfg config
	if err := k.Unmarshal("", &cfg); err != nil {
		return config{}, fmt.Errorf("config: %w", err)
	}
	if cfg.MigrateDatabaseURL == "" {
		cfg.MigrateDatabaseURL = cfg.DatabaseURL
	}
	return cfg, cfg.validate()
}

// loadConfigFile merges the YAML file at path into k. A missing default
// file is fine; a missing explicit one is not. Unknown keys are refused, so
// a typo does not silently leave a setting at its default.
func loadConfigFile(k *koanf.Koanf, path string, explicit bool) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil
	}
	fk := koanf.New(".")
	if err := fk.Load(file.Provider(path), yaml.Parser()); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	var known []string
	for _, s := range settings() {
		known = append(known, s.key)
	}
	for _, key := range fk.Keys() {
		if !slices.Contains(known, key) {
			return fmt.Errorf("config file %s: unknown key %q (known: %s)", path, key, strings.Join(known, ", "))
		}
	}
	if err := k.Merge(fk); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// validate checks the values that no type check catches.
func (c config) validate() error {
	if _, err := parseLogLevel(c.LogLevel); err != nil {
		return err
	}
	if c.SessionTTL <= 0 {
		return fmt.Errorf("config: session_ttl must be positive, got %s", c.SessionTTL)
	}
	if c.Addr == "" {
		return errors.New("config: addr must not be empty")
	}
	return nil
}

// parseLogLevel maps a log_level setting to slog's level.
func parseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info", "":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("config: log_level %q: want debug, info, warn or error", s)
}

// logger returns a text logger at the configured level (validated by
// loadConfig).
func (c config) logger(w io.Writer) *slog.Logger {
	lvl, _ := parseLogLevel(c.LogLevel)
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lvl}))
}

// openStore connects to the database at url with the configured session
// lifetime, logging to w.
func (c config) openStore(ctx context.Context, url string, w io.Writer) (*store.DB, error) {
	db, err := store.Open(ctx, store.Config{URL: url, SessionTTL: c.SessionTTL, Logger: c.logger(w)})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// openApp connects to the application database (DatabaseURL) and checks
// that it is migrated, so that a forgotten `renda migrate up` is named as
// such rather than surfacing as a missing table.
func (c config) openApp(ctx context.Context, w io.Writer) (*store.DB, error) {
	db, err := c.openStore(ctx, c.DatabaseURL, w)
	if err != nil {
		return nil, err
	}
	current, err := db.Current(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("read the schema version (is the database migrated? run 'renda migrate up'): %w", err)
	}
	if !current {
		db.Close()
		return nil, errors.New("the database schema is older than this renda: run 'renda migrate up' first")
	}
	return db, nil
}

// asCLI returns ctx acting as the command line: audit entries of the
// changes made with it name "renda-cli" as their actor, not "system".
func asCLI(ctx context.Context) context.Context {
	return core.WithPrincipal(ctx, &core.Principal{UserID: "cli", Username: "renda-cli", Kind: core.KindService})
}

// withApp runs fn with the application database, as the CLI.
func withApp(cmd *cobra.Command, cfg *config, fn func(ctx context.Context, db *store.DB) error) error {
	ctx := asCLI(cmd.Context())
	db, err := cfg.openApp(ctx, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(ctx, db)
}
