package pluginhost

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
)

// A scene bundle is how a scene release travels from its publisher to a
// platform: a gzip-compressed tar archive of exactly three regular files,
//
//	scene          the plugin binary
//	manifest.json  the manifest the binary reports, as JSON
//	signature      base64 of the publisher's ed25519 signature over
//	               sha256(scene) || sha256(manifest.json) (64 bytes)
//
// An operator installs a bundle only when one of the platform's trusted
// keys verifies its signature, and the binary, started once, reports the
// manifest the bundle carries: what was reviewed and signed is what runs.

// The names of the files in a bundle.
const (
	BundleBinary    = "scene"
	BundleManifest  = "manifest.json"
	BundleSignature = "signature"
)

const (
	maxBundleBinary = 512 << 20 // a scene binary is tens of MiB
	maxBundleSmall  = 1 << 20   // the manifest and the signature
)

// SignedMessage returns what a bundle's signature covers: the SHA-256 of
// the binary followed by the SHA-256 of manifest.json.
func SignedMessage(binarySHA256, manifestSHA256 [sha256.Size]byte) []byte {
	return append(binarySHA256[:], manifestSHA256[:]...)
}

// EncodeKey renders an ed25519 key (public or private) as one line of
// standard base64, the form of key files and of trusted_keys.
func EncodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

// ParsePublicKey reads a base64 ed25519 public key; surrounding space is
// ignored. It fails with EINVALID.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, bundleError(core.EINVALID, "scene.key_invalid", "不是有效的 ed25519 公钥（base64 编码的 32 字节）。",
			"not an ed25519 public key (32 bytes in base64)", err)
	}
	return ed25519.PublicKey(b), nil
}

// ParsePrivateKey reads a base64 ed25519 private key (64 bytes: seed and
// public key). It fails with EINVALID.
func ParsePrivateKey(s string) (ed25519.PrivateKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PrivateKeySize {
		return nil, bundleError(core.EINVALID, "scene.key_invalid", "不是有效的 ed25519 私钥（base64 编码的 64 字节）。",
			"not an ed25519 private key (64 bytes in base64)", err)
	}
	return ed25519.PrivateKey(b), nil
}

// KeyID is a short fingerprint of a public key, for logs and messages:
// the first 8 bytes of its SHA-256, in hex.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// bundleError is a classified error about a bundle or a key, with its
// bilingual message inline (like a scene's Problem).
func bundleError(code core.Code, key, zh, en string, cause error) error {
	return &core.Error{Code: code, Msg: core.Message{Key: key, ZH: zh, EN: en}, Err: cause}
}

// WriteBundle writes to w a bundle of the binary at binaryPath and its
// manifest (as JSON), signed with key.
func WriteBundle(w io.Writer, binaryPath string, manifestJSON []byte, key ed25519.PrivateKey) error {
	bin, err := os.Open(binaryPath)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	defer bin.Close()
	fi, err := bin.Stat()
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, bin); err != nil {
		return fmt.Errorf("bundle: hash %s: %w", binaryPath, err)
	}
	if _, err := bin.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	msg := SignedMessage([sha256.Size]byte(h.Sum(nil)), sha256.Sum256(manifestJSON))
	sig := []byte(base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg)) + "\n")

	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	mtime := time.Unix(0, 0)
	put := func(name string, mode, size int64, r io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: size, ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			return fmt.Errorf("bundle: %s: %w", name, err)
		}
		if _, err := io.Copy(tw, r); err != nil {
			return fmt.Errorf("bundle: %s: %w", name, err)
		}
		return nil
	}
	if err := put(BundleManifest, 0o644, int64(len(manifestJSON)), bytes.NewReader(manifestJSON)); err != nil {
		return err
	}
	if err := put(BundleSignature, 0o644, int64(len(sig)), bytes.NewReader(sig)); err != nil {
		return err
	}
	if err := put(BundleBinary, 0o755, fi.Size(), bin); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return zw.Close()
}

// FileSHA256 returns the SHA-256 of the file at path, in hex, as the
// catalog records it.
func FileSHA256(path string) (string, error) { return fileSHA256(path) }

// IsBundle reports whether the file at path looks like a bundle (it is
// gzip-compressed) rather than a bare binary.
func IsBundle(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	magic := make([]byte, 2)
	if _, err := io.ReadFull(f, magic); err != nil {
		return false, nil
	}
	return magic[0] == 0x1f && magic[1] == 0x8b, nil
}

// Unpacked is a bundle opened into a folder.
type Unpacked struct {
	// BinaryPath is the unpacked binary (mode 0755) and SHA256 its hash.
	BinaryPath string
	SHA256     string
	// ManifestJSON is manifest.json as bundled; Manifest is it parsed.
	ManifestJSON []byte
	Manifest     scene.Manifest
	signature    []byte
	binarySum    [sha256.Size]byte
}

// OpenBundle unpacks the bundle at path into dir (the binary becomes
// dir/scene). It checks the form only: exactly the three files, regular,
// within size limits, and a manifest that parses; call Verify before
// trusting any of it. A malformed bundle is EINVALID.
func OpenBundle(path, dir string) (*Unpacked, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	defer f.Close()
	malformed := func(cause error) error {
		return bundleError(core.EINVALID, "scene.bundle_malformed", "场景包格式不对："+cause.Error(),
			"the scene bundle is malformed: "+cause.Error(), cause)
	}
	zr, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, malformed(err)
	}
	tr := tar.NewReader(zr)
	u := &Unpacked{BinaryPath: filepath.Join(dir, BundleBinary)}
	seen := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, malformed(err)
		}
		name := hdr.Name
		if !slices.Contains([]string{BundleBinary, BundleManifest, BundleSignature}, name) {
			return nil, malformed(fmt.Errorf("unexpected entry %q (a bundle holds %s, %s and %s only)", name, BundleBinary, BundleManifest, BundleSignature))
		}
		if seen[name] {
			return nil, malformed(fmt.Errorf("%s appears twice", name))
		}
		seen[name] = true
		if hdr.Typeflag != tar.TypeReg {
			return nil, malformed(fmt.Errorf("%s is not a regular file", name))
		}
		switch name {
		case BundleBinary:
			if hdr.Size > maxBundleBinary {
				return nil, malformed(fmt.Errorf("%s is over %d MiB", name, maxBundleBinary>>20))
			}
			sum, err := writeBinary(u.BinaryPath, tr, hdr.Size)
			if err != nil {
				return nil, err
			}
			u.binarySum, u.SHA256 = sum, hex.EncodeToString(sum[:])
		default:
			if hdr.Size > maxBundleSmall {
				return nil, malformed(fmt.Errorf("%s is over %d KiB", name, maxBundleSmall>>10))
			}
			b, err := io.ReadAll(io.LimitReader(tr, maxBundleSmall))
			if err != nil {
				return nil, malformed(err)
			}
			if name == BundleManifest {
				u.ManifestJSON = b
			} else {
				u.signature = b
			}
		}
	}
	for _, name := range []string{BundleBinary, BundleManifest, BundleSignature} {
		if !seen[name] {
			return nil, malformed(fmt.Errorf("%s is missing", name))
		}
	}
	if err := json.Unmarshal(u.ManifestJSON, &u.Manifest); err != nil {
		return nil, malformed(fmt.Errorf("%s: %w", BundleManifest, err))
	}
	return u, nil
}

// writeBinary copies exactly size bytes of r to a new file at path, mode
// 0755, and returns their hash.
func writeBinary(path string, r io.Reader, size int64) ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return sum, fmt.Errorf("unpack bundle: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(r, size))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return sum, fmt.Errorf("unpack bundle: %s: %w", BundleBinary, err)
	}
	return [sha256.Size]byte(h.Sum(nil)), nil
}

// Verify checks the bundle's signature against the trusted keys and
// returns the key that made it. It fails with EFORBIDDEN when no trusted
// key verifies it (or none is trusted), and EINVALID when the signature is
// not a signature at all.
func (u *Unpacked) Verify(trusted []ed25519.PublicKey) (ed25519.PublicKey, error) {
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(u.signature)))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, bundleError(core.EINVALID, "scene.bundle_malformed", "场景包的签名文件不是 base64 编码的 ed25519 签名。",
			"the bundle's signature is not a base64 ed25519 signature", err)
	}
	if len(trusted) == 0 {
		return nil, bundleError(core.EFORBIDDEN, "scene.no_trusted_keys", "平台未配置受信任的发布者公钥（trusted_keys），无法核验场景包。",
			"no publisher key is trusted (set trusted_keys or RENDA_TRUSTED_KEYS), so the bundle cannot be verified", nil)
	}
	msg := SignedMessage(u.binarySum, sha256.Sum256(u.ManifestJSON))
	for _, k := range trusted {
		if ed25519.Verify(k, msg, sig) {
			return k, nil
		}
	}
	return nil, bundleError(core.EFORBIDDEN, "scene.signature_untrusted", "场景包的签名无法用任何受信任的公钥核验：发布者不受信任，或包已被改动。",
		"no trusted key verifies the bundle's signature: the publisher is not trusted, or the bundle was altered", nil)
}

// MatchesBinary checks that the unpacked binary, started once, reports the
// manifest the bundle carries. A mismatch is EINVALID.
func (u *Unpacked) MatchesBinary(ctx context.Context) error {
	m, err := ReadManifest(ctx, u.BinaryPath, u.SHA256)
	if err != nil {
		return err
	}
	got, _ := json.Marshal(m)
	want, _ := json.Marshal(u.Manifest)
	if !bytes.Equal(got, want) {
		return bundleError(core.EINVALID, "scene.bundle_mismatch", "场景包中的 manifest.json 与程序自身报告的清单不一致。",
			fmt.Sprintf("the bundle's manifest.json (%s@%s) differs from the manifest its binary reports (%s@%s)",
				u.Manifest.ID, u.Manifest.Version, m.ID, m.Version), nil)
	}
	return nil
}

// ProbeResult is what Probe learned of a scene binary.
type ProbeResult struct {
	SHA256   string
	Manifest scene.Manifest
	PID      int
	// StartTime runs from exec to a usable client: the handshake, mutual
	// TLS and the dispense of the scene.
	StartTime time.Duration
	// HealthErr is the answer of the Health RPC, HealthTime its latency.
	HealthErr  error
	HealthTime time.Duration
	// RSSBytes is the resident memory of the idle process (VmRSS), 0 when
	// the platform does not report it.
	RSSBytes int64
}

// probeSettle is how long Probe lets the process idle before reading its
// resident memory.
const probeSettle = 300 * time.Millisecond

// Probe starts the scene binary at path the way the host does (go-plugin
// handshake, checksum, mutual TLS, no host services), reads its manifest,
// calls Health, measures the cold start and the idle resident memory, and
// stops it. It fails with EINVALID when the binary does not start as a
// scene or does not report a manifest.
func Probe(ctx context.Context, path string) (*ProbeResult, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	sum, err := fileSHA256(abs)
	if err != nil {
		return nil, err
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sup := NewSupervisor(Config{Logger: quiet, LogOutput: io.Discard}, NewCapabilities(), nil)
	deny := HostServicesFor(nil, sup.caps, &core.SceneRelease{}, &scene.Manifest{}, quiet)
	start := time.Now()
	cl, conn, err := sup.launchBinary(abs, sum, "scene.probe", deny)
	if err != nil {
		if said := runByHand(ctx, abs); said != "" {
			err = fmt.Errorf("it fails the handshake, and run by hand it says: %s", said)
		}
		return nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("scene.not_a_scene", err.Error()), Err: err}
	}
	defer cl.Kill()
	res := &ProbeResult{SHA256: sum, StartTime: time.Since(start)}
	if rc := cl.ReattachConfig(); rc != nil {
		res.PID = rc.Pid
	}
	mctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if res.Manifest, err = conn.Manifest(mctx); err != nil {
		return nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("scene.not_a_scene", err.Error()), Err: err}
	}
	hstart := time.Now()
	res.HealthErr = conn.Health(mctx)
	res.HealthTime = time.Since(hstart)
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(probeSettle):
	}
	res.RSSBytes = residentBytes(res.PID)
	return res, nil
}

// runByHand runs a binary that failed the handshake without the magic
// cookie and returns the start of what it printed: a scene built with the
// SDK prints why its manifest is invalid, or that it is a plugin.
func runByHand(ctx context.Context, path string) string {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = []string{}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	out, _ := cmd.CombinedOutput()
	s := strings.Join(strings.Fields(string(out)), " ")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}

// residentBytes reads VmRSS of a process from /proc; 0 if unknown.
func residentBytes(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest) // "12345 kB"
		if len(f) == 2 && f[1] == "kB" {
			if kb, err := strconv.ParseInt(f[0], 10, 64); err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// Check outcomes.
const (
	CheckPass = "pass"
	CheckFail = "fail"
	CheckWarn = "warn" // worth a look; does not fail the suite
)

// Finding is the outcome of one conformance check.
type Finding struct {
	Check   string
	Outcome string
	Detail  string
}

// Conformance checks a probed scene against what the host expects of
// every scene: a valid manifest, routes that are public or guarded by a
// permission the manifest defines, a settings schema that compiles (and,
// short of a failure, accepts an empty object, which is what a tenant
// enabled without settings gets), and an answer to Health.
func Conformance(p *ProbeResult) []Finding {
	m := p.Manifest
	var out []Finding
	add := func(check string, problems []string, pass string) {
		if len(problems) == 0 {
			out = append(out, Finding{Check: check, Outcome: CheckPass, Detail: pass})
			return
		}
		out = append(out, Finding{Check: check, Outcome: CheckFail, Detail: strings.Join(problems, "; ")})
	}

	var problems []string
	if err := m.Validate(); err != nil {
		problems = append(problems, err.Error())
	}
	add("manifest", problems, fmt.Sprintf("%s@%s, protocol %d, capabilities [%s]", m.ID, m.Version, m.MinProtocol, strings.Join(m.Capabilities, ", ")))

	defined := map[string]bool{}
	for _, pd := range m.Permissions {
		defined[pd.Object+":"+pd.Action] = true
	}
	problems = nil
	used := map[string]bool{}
	public := 0
	for _, r := range m.Routes {
		switch {
		case r.Public && r.Permission != "":
			problems = append(problems, fmt.Sprintf("%s %s is public and names permission %q", r.Method, r.Path, r.Permission))
		case r.Public:
			public++
		case r.Permission == "":
			problems = append(problems, fmt.Sprintf("%s %s has no permission and is not public", r.Method, r.Path))
		}
		used[r.Permission] = true
	}
	add("routes", problems, fmt.Sprintf("%d routes, %d public, every other one guarded", len(m.Routes), public))

	problems = nil
	for _, r := range m.Routes {
		if r.Permission != "" && !defined[r.Permission] {
			problems = append(problems, fmt.Sprintf("%s %s needs %q, which the manifest does not define", r.Method, r.Path, r.Permission))
		}
	}
	add("permissions", problems, fmt.Sprintf("%d defined, every one a route needs is defined", len(m.Permissions)))
	for _, pd := range m.Permissions {
		if perm := pd.Object + ":" + pd.Action; !used[perm] {
			out = append(out, Finding{Check: "permissions", Outcome: CheckWarn,
				Detail: fmt.Sprintf("%s guards no route (fine if handlers check it with Principal.Can)", perm)})
		}
	}

	out = append(out, settingsFinding(m.Settings))

	if len(m.Collections) > 0 && !m.Has(scene.CapStore) {
		out = append(out, Finding{Check: "capabilities", Outcome: CheckWarn, Detail: "collections are declared but not the store capability"})
	}

	if p.HealthErr != nil {
		out = append(out, Finding{Check: "health", Outcome: CheckFail, Detail: p.HealthErr.Error()})
	} else {
		out = append(out, Finding{Check: "health", Outcome: CheckPass, Detail: "answered in " + p.HealthTime.Round(time.Microsecond).String()})
	}
	return out
}

// settingsFinding checks the settings schema compiles and accepts {}.
func settingsFinding(schema string) Finding {
	if schema == "" {
		return Finding{Check: "settings", Outcome: CheckPass, Detail: "no settings"}
	}
	sch, err := compileSchema(schema)
	if err != nil {
		return Finding{Check: "settings", Outcome: CheckFail, Detail: "the JSON Schema does not compile: " + err.Error()}
	}
	if err := sch.Validate(map[string]any{}); err != nil {
		return Finding{Check: "settings", Outcome: CheckWarn, Detail: "the schema refuses {}, so a tenant must be enabled with --settings: " + err.Error()}
	}
	return Finding{Check: "settings", Outcome: CheckPass, Detail: "the JSON Schema compiles and accepts {}"}
}

// Failed reports whether any finding failed.
func Failed(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Outcome == CheckFail })
}
