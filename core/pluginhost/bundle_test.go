package pluginhost_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/plugins/scene"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// TestMain removes the scene binary the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// noticeBoard builds the notice-board scene once per test binary.
func noticeBoard(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "renda-bundle-test-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "renda-noticeboard")
		if out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/renda-noticeboard").CombinedOutput(); err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func newKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

// entry is one file of a hand-made bundle.
type entry struct {
	name string
	body []byte
	typ  byte // tar.TypeReg unless set
}

// writeTar writes entries as a .tar.gz at path.
func writeTar(t *testing.T, path string, entries []entry) {
	t.Helper()
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.name, Mode: 0o755, Size: int64(len(e.body)), Typeflag: typ}
		if typ == tar.TypeSymlink {
			hdr.Size, hdr.Linkname = 0, "/bin/sh"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write(e.body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// signed returns the three entries of a bundle of binary and manifest,
// signed with key.
func signed(binary, manifest []byte, key ed25519.PrivateKey) []entry {
	sig := ed25519.Sign(key, pluginhost.SignedMessage(sha256.Sum256(binary), sha256.Sum256(manifest)))
	return []entry{
		{name: pluginhost.BundleBinary, body: binary},
		{name: pluginhost.BundleManifest, body: manifest},
		{name: pluginhost.BundleSignature, body: []byte(base64.StdEncoding.EncodeToString(sig))},
	}
}

// manifestOf reads the notice board's manifest as `renda plugin bundle` does.
func manifestOf(t *testing.T, bin string) []byte {
	t.Helper()
	p, err := pluginhost.Probe(context.Background(), bin)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(p.Manifest, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func codeOf(err error) core.Code { return core.ErrorCode(err) }

func TestBundleRoundTrip(t *testing.T) {
	bin := noticeBoard(t)
	pub, priv := newKey(t)
	other, _ := newKey(t)
	manifest := manifestOf(t, bin)
	path := filepath.Join(t.TempDir(), "nb.bundle")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := pluginhost.WriteBundle(f, bin, manifest, priv); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, err := pluginhost.IsBundle(path); !ok || err != nil {
		t.Errorf("IsBundle(bundle): got %v, %v", ok, err)
	}
	if ok, err := pluginhost.IsBundle(bin); ok || err != nil {
		t.Errorf("IsBundle(binary): got %v, %v", ok, err)
	}

	u, err := pluginhost.OpenBundle(path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want, err := pluginhost.FileSHA256(bin)
	if err != nil {
		t.Fatal(err)
	}
	if u.SHA256 != want || u.Manifest.ID != "renda.notice-board" || !bytes.Equal(u.ManifestJSON, manifest) {
		t.Errorf("unpacked: sha %s (want %s), manifest %s", u.SHA256, want, u.Manifest.ID)
	}
	if fi, err := os.Stat(u.BinaryPath); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("unpacked binary: %v %v", fi, err)
	}
	signer, err := u.Verify([]ed25519.PublicKey{other, pub})
	if err != nil || !signer.Equal(pub) {
		t.Fatalf("verify: got %v, %v; want key %s", signer, err, pluginhost.KeyID(pub))
	}
	if err := u.MatchesBinary(context.Background()); err != nil {
		t.Errorf("matches binary: %v", err)
	}
}

func TestBundleVerifyRefuses(t *testing.T) {
	// Verify reads no binary: small stand-ins keep the table quick.
	raw, manifest := []byte("\x7fELF a scene"), []byte(`{"ID":"local.x","Version":"0.1.0"}`)
	pub, priv := newKey(t)
	stranger, _ := newKey(t)
	tests := []struct {
		name    string
		entries []entry
		trusted []ed25519.PublicKey
		code    core.Code
		key     string
	}{
		{"no key is trusted", signed(raw, manifest, priv), nil, core.EFORBIDDEN, "scene.no_trusted_keys"},
		{"signed by a stranger", signed(raw, manifest, priv), []ed25519.PublicKey{stranger}, core.EFORBIDDEN, "scene.signature_untrusted"},
		{"the binary altered after signing", func() []entry {
			es := signed(raw, manifest, priv)
			es[0].body = append(bytes.Clone(raw), 0)
			return es
		}(), []ed25519.PublicKey{pub}, core.EFORBIDDEN, "scene.signature_untrusted"},
		{"the manifest altered after signing", func() []entry {
			es := signed(raw, manifest, priv)
			es[1].body = bytes.Replace(manifest, []byte("0.1.0"), []byte("0.1.1"), 1)
			return es
		}(), []ed25519.PublicKey{pub}, core.EFORBIDDEN, "scene.signature_untrusted"},
		{"a signature that is not one", func() []entry {
			es := signed(raw, manifest, priv)
			es[2].body = []byte("not base64!")
			return es
		}(), []ed25519.PublicKey{pub}, core.EINVALID, "scene.bundle_malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.bundle")
			writeTar(t, path, tt.entries)
			u, err := pluginhost.OpenBundle(path, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			_, err = u.Verify(tt.trusted)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != tt.code || ce.Msg.Key != tt.key {
				t.Errorf("verify: got %v, want %s %s", err, tt.code, tt.key)
			}
		})
	}
}

// TestBundleManifestMustMatchTheBinary signs a manifest the binary does not
// report: the signature holds, the install must not.
func TestBundleManifestMustMatchTheBinary(t *testing.T) {
	bin := noticeBoard(t)
	raw, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var m scene.Manifest
	if err := json.Unmarshal(manifestOf(t, bin), &m); err != nil {
		t.Fatal(err)
	}
	m.Capabilities = append(m.Capabilities, scene.CapHTTP)
	lie, _ := json.Marshal(m)
	pub, priv := newKey(t)
	path := filepath.Join(t.TempDir(), "x.bundle")
	writeTar(t, path, signed(raw, lie, priv))
	u, err := pluginhost.OpenBundle(path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.Verify([]ed25519.PublicKey{pub}); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := u.MatchesBinary(context.Background()); codeOf(err) != core.EINVALID {
		t.Errorf("matches binary: got %v, want EINVALID", err)
	}
}

func TestOpenBundleRefusesMalformed(t *testing.T) {
	_, priv := newKey(t)
	bin, manifest := []byte("\x7fELF not really"), []byte(`{"ID":"local.x","Version":"0.1.0"}`)
	good := signed(bin, manifest, priv)
	tests := []struct {
		name    string
		entries []entry
		raw     []byte // written as is instead of entries
		want    string
	}{
		{"not gzip", nil, []byte("#!/bin/sh\n"), "gzip"},
		{"an extra file", append(good, entry{name: "README"}), nil, `unexpected entry "README"`},
		{"a path out of the folder", []entry{{name: "../scene", body: bin}, good[1], good[2]}, nil, `unexpected entry "../scene"`},
		{"no signature", good[:2], nil, "signature is missing"},
		{"the manifest twice", append(good, good[1]), nil, "manifest.json appears twice"},
		{"a symlink for the binary", []entry{{name: "scene", typ: tar.TypeSymlink}, good[1], good[2]}, nil, "scene is not a regular file"},
		{"a manifest that is not JSON", signed(bin, []byte("{"), priv), nil, "manifest.json"},
		{"an oversized manifest", signed(bin, bytes.Repeat([]byte(" "), 2<<20), priv), nil, "manifest.json is over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.bundle")
			if tt.raw != nil {
				if err := os.WriteFile(path, tt.raw, 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				writeTar(t, path, tt.entries)
			}
			dir := t.TempDir()
			_, err := pluginhost.OpenBundle(path, dir)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != core.EINVALID || !strings.Contains(ce.Msg.EN, tt.want) {
				t.Errorf("got %v, want EINVALID mentioning %q", err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(dir), "scene")); err == nil {
				t.Error("a file was written outside the folder")
			}
		})
	}
}

func TestParseKeys(t *testing.T) {
	pub, priv := newKey(t)
	if got, err := pluginhost.ParsePublicKey(" " + pluginhost.EncodeKey(pub) + "\n"); err != nil || !got.Equal(pub) {
		t.Errorf("public key round trip: %v", err)
	}
	if got, err := pluginhost.ParsePrivateKey(pluginhost.EncodeKey(priv)); err != nil || !got.Equal(priv) {
		t.Errorf("private key round trip: %v", err)
	}
	for _, bad := range []string{"", "not base64", pluginhost.EncodeKey(priv), pluginhost.EncodeKey(pub[:31])} {
		if _, err := pluginhost.ParsePublicKey(bad); codeOf(err) != core.EINVALID {
			t.Errorf("ParsePublicKey(%q): got %v, want EINVALID", bad, err)
		}
	}
	if _, err := pluginhost.ParsePrivateKey(pluginhost.EncodeKey(pub)); codeOf(err) != core.EINVALID {
		t.Errorf("ParsePrivateKey(a public key): got %v, want EINVALID", err)
	}
	if id := pluginhost.KeyID(pub); len(id) != 16 {
		t.Errorf("key id %q: want 16 hex digits", id)
	}
}

func TestProbe(t *testing.T) {
	p, err := pluginhost.Probe(context.Background(), noticeBoard(t))
	if err != nil {
		t.Fatal(err)
	}
	if p.Manifest.ID != "renda.notice-board" || p.PID <= 0 || p.StartTime <= 0 || p.HealthErr != nil {
		t.Errorf("probe: %+v", p)
	}
	if p.RSSBytes < 1<<20 || p.RSSBytes > 1<<30 {
		t.Errorf("idle RSS: got %d bytes, want a few MiB", p.RSSBytes)
	}
	for _, f := range pluginhost.Conformance(p) {
		if f.Outcome != pluginhost.CheckPass {
			t.Errorf("the notice board: %s %s: %s", f.Outcome, f.Check, f.Detail)
		}
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(p.PID)); err == nil {
		t.Errorf("the probed process %d is still running", p.PID)
	}
}

func TestProbeRefusesANonScene(t *testing.T) {
	script := filepath.Join(t.TempDir(), "not-a-scene")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'manifest local.x: version \"x\": want semver' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := pluginhost.Probe(context.Background(), script)
	if codeOf(err) != core.EINVALID || !strings.Contains(err.Error(), `run by hand it says: manifest local.x: version "x": want semver`) {
		t.Errorf("got %v", err)
	}
}

func TestConformance(t *testing.T) {
	base := func() *pluginhost.ProbeResult {
		return &pluginhost.ProbeResult{Manifest: scene.Manifest{
			ID: "local.x", Version: "0.1.0", Title: scene.T("样例", "Sample"), MinProtocol: 1,
			Permissions: []scene.PermissionDef{{Object: "items", Action: "read", DefaultRoles: []string{"staff"}}},
			Routes: []scene.RouteDef{
				{Method: "GET", Path: "/items", Permission: "items:read"},
				{Method: "GET", Path: "/public", Public: true},
			},
			Collections:  []scene.Collection{{Name: "items"}},
			Capabilities: []string{scene.CapStore},
			Settings:     `{"type": "object"}`,
		}}
	}
	tests := []struct {
		name    string
		mutate  func(p *pluginhost.ProbeResult)
		check   string
		outcome string
		detail  string
	}{
		{"a conforming scene", func(*pluginhost.ProbeResult) {}, "", "", ""},
		{"a route with neither", func(p *pluginhost.ProbeResult) {
			p.Manifest.Routes = append(p.Manifest.Routes, scene.RouteDef{Method: "POST", Path: "/items"})
		}, "routes", pluginhost.CheckFail, "POST /items has no permission and is not public"},
		{"a public route naming a permission", func(p *pluginhost.ProbeResult) { p.Manifest.Routes[1].Permission = "items:read" },
			"routes", pluginhost.CheckFail, "GET /public is public and names permission"},
		{"an undefined permission", func(p *pluginhost.ProbeResult) { p.Manifest.Routes[0].Permission = "items:write" },
			"permissions", pluginhost.CheckFail, `needs "items:write", which the manifest does not define`},
		{"an invalid manifest", func(p *pluginhost.ProbeResult) { p.Manifest.Version = "one" },
			"manifest", pluginhost.CheckFail, `version "one"`},
		{"a schema that does not compile", func(p *pluginhost.ProbeResult) { p.Manifest.Settings = `{"type": 5}` },
			"settings", pluginhost.CheckFail, "does not compile"},
		{"a schema that refuses {}", func(p *pluginhost.ProbeResult) { p.Manifest.Settings = `{"type": "object", "required": ["x"]}` },
			"settings", pluginhost.CheckWarn, "refuses {}"},
		{"an unhealthy scene", func(p *pluginhost.ProbeResult) { p.HealthErr = errors.New("database gone") },
			"health", pluginhost.CheckFail, "database gone"},
		{"a permission no route needs", func(p *pluginhost.ProbeResult) {
			p.Manifest.Permissions = append(p.Manifest.Permissions, scene.PermissionDef{Object: "items", Action: "export"})
		}, "permissions", pluginhost.CheckWarn, "items:export guards no route"},
		{"collections without the store", func(p *pluginhost.ProbeResult) { p.Manifest.Capabilities = nil },
			"capabilities", pluginhost.CheckWarn, "store capability"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.mutate(p)
			fs := pluginhost.Conformance(p)
			if tt.check == "" {
				for _, f := range fs {
					if f.Outcome != pluginhost.CheckPass {
						t.Errorf("%s %s: %s", f.Outcome, f.Check, f.Detail)
					}
				}
				return
			}
			found := false
			for _, f := range fs {
				found = found || f.Check == tt.check && f.Outcome == tt.outcome && strings.Contains(f.Detail, tt.detail)
			}
			if !found {
				t.Errorf("no %s %s mentioning %q in %+v", tt.outcome, tt.check, tt.detail, fs)
			}
			if got, want := pluginhost.Failed(fs), tt.outcome == pluginhost.CheckFail; got != want {
				t.Errorf("Failed: got %v, want %v", got, want)
			}
		})
	}
}
