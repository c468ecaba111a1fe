package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// parseConfig loads the configuration from args (flags only) and environ.
func parseConfig(t *testing.T, args, environ []string) (config, error) {
	t.Helper()
	fs := pflag.NewFlagSet("renda", pflag.ContinueOnError)
	addConfigFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse %q: %v", args, err)
	}
	return loadConfig(fs, environ)
}

func writeFile(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "renda.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigPrecedence(t *testing.T) {
	file := writeFile(t, `
database_url: sqlite://from-file.db
addr: 0.0.0.0:9000
log_level: warn
session_ttl: 2h
dev: true
`)
	tests := []struct {
		name    string
		args    []string
		environ []string
		want    config
	}{{
		name: "defaults",
		want: config{Addr: "127.0.0.1:8080", LogLevel: "info", SessionTTL: 12 * time.Hour},
	}, {
		name: "file over defaults",
		args: []string{"--config", file},
		want: config{DatabaseURL: "sqlite://from-file.db", MigrateDatabaseURL: "sqlite://from-file.db",
			Addr: "0.0.0.0:9000", LogLevel: "warn", Dev: true, SessionTTL: 2 * time.Hour},
	}, {
		name:    "environment over file",
		args:    []string{"--config", file},
		environ: []string{"DATABASE_URL=postgres://env/db", "RENDA_MIGRATE_DATABASE_URL=postgres://owner/db", "RENDA_ADDR=:7000", "RENDA_DEV=false", "RENDA_SESSION_TTL=30m", "RENDA_UNRELATED=x", "RENDA_LOG_LEVEL="},
		want: config{DatabaseURL: "postgres://env/db", MigrateDatabaseURL: "postgres://owner/db",
			Addr: ":7000", LogLevel: "warn", SessionTTL: 30 * time.Minute},
	}, {
		name:    "flags over environment",
		args:    []string{"--config", file, "--database-url", "sqlite://flag.db", "--addr", ":6000", "--dev", "--session-ttl", "1h", "--log-level", "debug"},
		environ: []string{"DATABASE_URL=postgres://env/db", "RENDA_ADDR=:7000", "RENDA_DEV=false"},
		want: config{DatabaseURL: "sqlite://flag.db", MigrateDatabaseURL: "sqlite://flag.db",
			Addr: ":6000", LogLevel: "debug", Dev: true, SessionTTL: time.Hour},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseConfig(t, tt.args, tt.environ)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		environ []string
		want    string
	}{
		{"unknown key in file", []string{"--config", writeFile(t, "databse_url: x\n")}, nil, `unknown key "databse_url"`},
		{"malformed file", []string{"--config", writeFile(t, "addr: [\n")}, nil, "config file"},
		{"bad duration in environment", nil, []string{"RENDA_SESSION_TTL=soon"}, "session_ttl"},
		{"bad bool in environment", nil, []string{"RENDA_DEV=maybe"}, "dev"},
		{"bad log level", nil, []string{"RENDA_LOG_LEVEL=loud"}, `log_level "loud"`},
		{"non-positive session ttl", []string{"--session-ttl", "0s"}, nil, "session_ttl must be positive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig(t, tt.args, tt.environ)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestConfigDefaultFile(t *testing.T) {
	t.Chdir(t.TempDir())
	got, err := parseConfig(t, nil, nil)
	if err != nil {
		t.Fatalf("without ./%s: %v", defaultConfigFile, err)
	}
	if got.Addr != "127.0.0.1:8080" {
		t.Errorf("addr without a file: got %q", got.Addr)
	}
	if err := os.WriteFile(defaultConfigFile, []byte("addr: :5555\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = parseConfig(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Addr != ":5555" {
		t.Errorf("addr from ./%s: got %q, want :5555", defaultConfigFile, got.Addr)
	}
}
