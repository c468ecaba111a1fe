package pluginhost

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/renda-platform/renda/core"
)

// Installer is where and how scenes are installed: verified bundles only,
// unless Dev lets unsigned bundles and bare binaries in.
type Installer struct {
	Root    string // DATA/scenes: each release's binary lands in Root/ID/VERSION/scene
	Trusted []ed25519.PublicKey
	Dev     bool      // install unverified bundles and bare binaries
	Warn    io.Writer // told what was verified, and what dev mode let through
}

// InstallFrom verifies the bundle (or, in dev mode, takes the bare
// binary) at path, places its binary at Root/ID/VERSION/scene and records
// the release in the catalog.
func (h *Host) InstallFrom(ctx context.Context, in Installer, path string) (*Release, error) {
	if in.Warn == nil {
		in.Warn = io.Discard
	}
	isBundle, err := IsBundle(path)
	if err != nil {
		return nil, err
	}
	if !isBundle && !in.Dev {
		return nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("scene.unsigned")}
	}
	if err := os.MkdirAll(in.Root, 0o755); err != nil {
		return nil, err
	}
	staging, err := os.MkdirTemp(in.Root, ".incoming-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(staging)

	var binary, sum, id, version string
	if isBundle {
		u, err := OpenBundle(path, staging)
		if err != nil {
			return nil, err
		}
		signer, err := u.Verify(in.Trusted)
		switch {
		case err != nil && !in.Dev:
			return nil, err
		case err != nil:
			fmt.Fprintf(in.Warn, "warning: dev mode: installing %s@%s unverified: %v\n", u.Manifest.ID, u.Manifest.Version, err)
		default:
			fmt.Fprintf(in.Warn, "signature of %s@%s verified with trusted key %s\n", u.Manifest.ID, u.Manifest.Version, KeyID(signer))
		}
		if err := u.Manifest.Validate(); err != nil {
			return nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("scene.manifest_invalid", err.Error()), Err: err}
		}
		if err := u.MatchesBinary(ctx); err != nil {
			return nil, err
		}
		binary, sum, id, version = u.BinaryPath, u.SHA256, u.Manifest.ID, u.Manifest.Version
	} else {
		fmt.Fprintf(in.Warn, "warning: dev mode: installing the unsigned binary %s\n", path)
		binary = filepath.Join(staging, BundleBinary)
		if sum, err = copyBinary(path, binary); err != nil {
			return nil, err
		}
		m, err := ReadManifest(ctx, binary, sum)
		if err != nil {
			return nil, err
		}
		if err := m.Validate(); err != nil {
			return nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("scene.manifest_invalid", err.Error()), Err: err}
		}
		id, version = m.ID, m.Version
	}

	if prev, err := h.Release(id, version); err == nil && prev.SHA256 != sum {
		return nil, core.Errorf(core.ECONFLICT, "scene.version_taken", id, version)
	}
	dest, err := place(in.Root, id, version, binary, sum)
	if err != nil {
		return nil, err
	}
	return h.register(ctx, dest)
}

// place moves the binary to root/id/version/scene, or keeps the one
// already there if it is the same binary. Another binary there is a
// conflict: a release is never replaced under a running process.
func place(root, id, version, binary, sum string) (string, error) {
	dir := filepath.Join(root, id, version)
	if rel, err := filepath.Rel(root, dir); err != nil || rel != id+string(filepath.Separator)+version {
		return "", fmt.Errorf("scene %q version %q does not make a safe folder name", id, version)
	}
	dest := filepath.Join(dir, BundleBinary)
	if _, err := os.Stat(dest); err == nil {
		have, err := FileSHA256(dest)
		if err != nil {
			return "", err
		}
		if have != sum {
			return "", core.Errorf(core.ECONFLICT, "scene.version_taken", id, version)
		}
		return dest, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(binary, dest); err != nil {
		return "", fmt.Errorf("place the scene binary: %w", err)
	}
	return dest, nil
}

// copyBinary copies the file at from to a new executable file at to and
// returns its SHA-256 in hex.
func copyBinary(from, to string) (string, error) {
	src, err := os.Open(from)
	if err != nil {
		return "", err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return "", fmt.Errorf("copy %s: %w", from, err)
	}
	if err := dst.Close(); err != nil {
		return "", err
	}
	return FileSHA256(to)
}

// Install installs the bundle or binary at path with the host's installer
// (Config.Install).
func (h *Host) Install(ctx context.Context, path string) (*Release, error) {
	return h.InstallFrom(ctx, h.installer, path)
}
