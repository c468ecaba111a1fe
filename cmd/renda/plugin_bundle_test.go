package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/renda-platform/renda/core/pluginhost"
)

func TestTrustedKeys(t *testing.T) {
	c := cli{t: t}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	c.runEnv(nil, "plugin", "keygen", "--out", a)
	c.runEnv(nil, "plugin", "keygen", "--out", b)
	pubA, err := os.ReadFile(a + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	pubB, err := os.ReadFile(b + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(dir, "trusted")
	if err := os.WriteFile(list, []byte("# the city's publishers\n"+string(pubA)+"\n"+strings.TrimSpace(string(pubB))+" # vendor B\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		setting string
		want    int
		err     string
	}{
		{"none", "", 0, ""},
		{"an inline key", strings.TrimSpace(string(pubA)), 1, ""},
		{"a key file and an inline key", a + ".pub, " + strings.TrimSpace(string(pubB)), 2, ""},
		{"a list file with comments", list, 2, ""},
		{"a missing file", filepath.Join(dir, "nope"), 0, "neither a base64 ed25519 public key nor a readable file"},
		{"a private key file", a, 0, "not an ed25519 public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := trustedKeys(tt.setting)
			if tt.err != "" {
				if err == nil || !strings.Contains(describe(err), tt.err) {
					t.Fatalf("got %v, want an error with %q", err, tt.err)
				}
				return
			}
			if err != nil || len(keys) != tt.want {
				t.Fatalf("got %d keys, %v; want %d", len(keys), err, tt.want)
			}
		})
	}
}

func TestPluginKeygen(t *testing.T) {
	c := cli{t: t}
	key := filepath.Join(t.TempDir(), "publisher")
	r := c.runEnv(nil, "plugin", "keygen", "--out", key)
	if r.code != 0 || !strings.Contains(r.out, "public key: ") {
		t.Fatalf("keygen: %s", r)
	}
	fi, err := os.Stat(key)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("private key: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	raw, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pluginhost.ParsePublicKey(string(raw)); err != nil {
		t.Errorf("public key: %v", err)
	}
	if r := c.runEnv(nil, "plugin", "keygen", "--out", key); r.code != 1 || !strings.Contains(r.err, "file exists") {
		t.Errorf("keygen over an existing key: %s", r)
	}
	if r := c.runEnv(nil, "plugin", "keygen"); r.code != 2 {
		t.Errorf("keygen without --out: %s", r)
	}
}

func TestPluginCheckRefusesANonScene(t *testing.T) {
	script := filepath.Join(t.TempDir(), "not-a-scene")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'manifest local.x: title: both zh-CN and en are required' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	r := cli{t: t}.runEnv(nil, "plugin", "check", script)
	if r.code != 1 || !strings.Contains(r.out, "FAIL  handshake") || !strings.Contains(r.out, "run by hand it says: manifest local.x: title") {
		t.Errorf("check: %s", r)
	}
}

// TestPluginInstall installs the notice board: signed bundles need a
// trusted key; development mode lets unsigned ones and bare binaries in;
// a version is never replaced by another binary.
func TestPluginInstall(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		dir := t.TempDir()
		scenes := filepath.Join(dir, "scenes")
		bin := noticeBoard(t, "1.0.0")
		for _, k := range []string{"a", "b"} {
			c.ok("plugin", "keygen", "--out", filepath.Join(dir, k))
		}
		bundle := filepath.Join(dir, "nb.bundle")
		c.ok("plugin", "bundle", bin, "--key", filepath.Join(dir, "a"), "-o", bundle)

		if r := c.fails(1, "--trusted-keys", filepath.Join(dir, "b.pub"), "plugin", "install", bundle, "--dir", scenes); !strings.Contains(r.err, "no trusted key verifies") {
			t.Errorf("untrusted bundle: %s", r)
		}
		r := c.run("", "--dev", "plugin", "install", bundle, "--dir", scenes)
		if r.code != 0 || !strings.Contains(r.err, "warning: dev mode: installing renda.notice-board@1.0.0 unverified") {
			t.Fatalf("dev install of an unverified bundle: %s", r)
		}
		// The same binary again, bare, in development mode: nothing changes.
		if r := c.run("", "plugin", "install", bin, "--dir", scenes, "--dev"); r.code != 0 || !strings.Contains(r.out, filepath.Join(scenes, "renda.notice-board", "1.0.0", "scene")) {
			t.Errorf("reinstall: %s", r)
		}
		// Another binary claiming the same version is refused.
		other := filepath.Join(dir, "other")
		raw, err := os.ReadFile(bin)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(other, append(raw, 0), 0o755); err != nil {
			t.Fatal(err)
		}
		if r := c.fails(1, "--dev", "plugin", "install", other, "--dir", scenes); !strings.Contains(r.err, "already installed from a different binary") {
			t.Errorf("a different binary at a taken version: %s", r)
		}
		c.ok("--trusted-keys", filepath.Join(dir, "a.pub"), "plugin", "install", bundle, "--dir", scenes)
		if got := catalogRow(c, "renda.notice-board", "1.0.0"); got != "-" {
			t.Errorf("installing enables it for %q", got)
		}
	})
}
