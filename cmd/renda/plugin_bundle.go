package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/core/store"
)

func newPluginKeygenCmd() *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "keygen --out FILE",
		Short: "Make a publisher's ed25519 key pair for signing scene bundles",
		Long: `keygen writes a new ed25519 private key to FILE (mode 0600; keep it secret, it
signs scenes) and its public key to FILE.pub, each one line of base64. Give the
public key to the platform's operators: they add it to trusted_keys
(RENDA_TRUSTED_KEYS), a comma-separated list of keys or of files holding them.`,
		Example: "  renda plugin keygen --out ~/.renda/publisher",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("keygen needs --out FILE")
			}
			pub, priv, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return err
			}
			if err := writeNew(out, []byte(pluginhost.EncodeKey(priv)+"\n"), 0o600); err != nil {
				return err
			}
			if err := writeNew(out+".pub", []byte(pluginhost.EncodeKey(pub)+"\n"), 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (private: keep it secret) and %s.pub (key id %s)\npublic key: %s\n",
				out, out, pluginhost.KeyID(pub), pluginhost.EncodeKey(pub))
			return nil
		},
	}
	c.Flags().StringVarP(&out, "out", "o", "", "private key file; the public key goes to FILE.pub")
	return c
}

// writeNew creates the file at path with data, refusing to replace one.
func writeNew(path string, data []byte, mode fs.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

func newPluginBundleCmd() *cobra.Command {
	var keyFile, out string
	c := &cobra.Command{
		Use:   "bundle BINARY --key FILE [-o OUT]",
		Short: "Sign a scene binary into a bundle that platforms install",
		Long: `bundle starts the scene binary once to read its manifest, checks it, and writes
a bundle: a .tar.gz of the binary (scene), its manifest (manifest.json) and the
ed25519 signature of sha256(scene) || sha256(manifest.json) made with the private
key in FILE (signature). OUT defaults to ID-VERSION.bundle.`,
		Example: "  renda plugin bundle bin/renda-roadworks --key ~/.renda/publisher -o roadworks-0.1.0.bundle",
		Args:    exactArgs("BINARY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile == "" {
				return usagef("bundle needs --key FILE (make one with 'renda plugin keygen')")
			}
			return bundleScene(cmd.Context(), cmd.OutOrStdout(), args[0], keyFile, out)
		},
	}
	c.Flags().StringVar(&keyFile, "key", "", "the publisher's private key file (from 'renda plugin keygen')")
	c.Flags().StringVarP(&out, "out", "o", "", "bundle file to write (default ID-VERSION.bundle)")
	return c
}

// bundleScene signs the binary at path with the key in keyFile into a
// bundle at out.
func bundleScene(ctx context.Context, w io.Writer, path, keyFile, out string) error {
	raw, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("read key: %w", err)
	}
	key, err := pluginhost.ParsePrivateKey(string(raw))
	if err != nil {
		return fmt.Errorf("key %s: %w", keyFile, err)
	}
	p, err := pluginhost.Probe(ctx, path)
	if err != nil {
		return fmt.Errorf("bundle %s: %w", path, err)
	}
	m := p.Manifest
	if err := m.Validate(); err != nil {
		return &core.Error{Code: core.EINVALID, Msg: core.Msg("scene.manifest_invalid", err.Error()), Err: err}
	}
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if out == "" {
		out = m.ID + "-" + m.Version + ".bundle"
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".bundle-*")
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	err = pluginhost.WriteBundle(bw, path, manifest, key)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	pub := key.Public().(ed25519.PublicKey)
	fmt.Fprintf(w, "wrote %s: %s@%s, binary sha256 %s, signed by key %s\n", out, m.ID, m.Version, p.SHA256, pluginhost.KeyID(pub))
	return nil
}

func newPluginInstallCmd(cfg *config) *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "install BUNDLE",
		Short: "Install a signed scene bundle (or, with --dev, a bare binary) into the catalog",
		Long: `install verifies the bundle's signature with the trusted keys (trusted_keys,
RENDA_TRUSTED_KEYS), checks that the binary reports the manifest the bundle
carries, unpacks the binary to DIR/ID/VERSION/scene (--dir, by default
DATA/scenes where DATA is the embedded store's folder, ./data) and records the
release, with the binary's path and SHA-256, in the catalog. It turns the scene on nowhere: see
'renda plugin enable'.

Unsigned or untrusted bundles and bare binaries are refused unless development
mode is on (--dev, RENDA_DEV), which installs them with a warning.

A running server serves a release installed here after a restart (or install it
through POST /api/v1/platform/scenes).`,
		Example: `  renda plugin install roadworks-0.1.0.bundle
  renda plugin install bin/renda-roadworks --dev`,
		Args: exactArgs("BUNDLE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			trusted, err := trustedKeys(cfg.TrustedKeys)
			if err != nil {
				return err
			}
			if dir == "" {
				dir = filepath.Join(dataDir(cfg), "scenes")
			}
			return withHost(cmd, cfg, func(ctx context.Context, _ *store.DB, host *pluginhost.Host) error {
				rel, err := host.InstallFrom(ctx, pluginhost.Installer{Root: dir, Trusted: trusted, Dev: cfg.Dev, Warn: cmd.ErrOrStderr()}, args[0])
				if err != nil {
					return fmt.Errorf("install %s: %w", args[0], err)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "installed %s@%s from %s (sha256 %s)\n", rel.SceneID, rel.Version, rel.BinaryPath, rel.SHA256)
				return nil
			})
		},
	}
	c.Flags().StringVar(&dir, "dir", "", "folder the scene binaries live in (default DATA/scenes); the server must be able to run them from there")
	return c
}

// trustedKeys parses the trusted_keys setting: comma-separated entries,
// each a base64 ed25519 public key or a file of them, one a line ('#'
// starts a comment).
func trustedKeys(setting string) ([]ed25519.PublicKey, error) {
	var keys []ed25519.PublicKey
	for _, entry := range strings.Split(setting, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if k, err := pluginhost.ParsePublicKey(entry); err == nil {
			keys = append(keys, k)
			continue
		}
		raw, err := os.ReadFile(entry)
		if err != nil {
			return nil, fmt.Errorf("trusted_keys: %q is neither a base64 ed25519 public key nor a readable file: %w", entry, err)
		}
		for i, line := range strings.Split(string(raw), "\n") {
			line, _, _ = strings.Cut(line, "#")
			if strings.TrimSpace(line) == "" {
				continue
			}
			k, err := pluginhost.ParsePublicKey(line)
			if err != nil {
				return nil, fmt.Errorf("trusted_keys: %s:%d: %w", entry, i+1, err)
			}
			keys = append(keys, k)
		}
	}
	return keys, nil
}
