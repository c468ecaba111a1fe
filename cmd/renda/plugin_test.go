package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/core/store/storetest"
)

// runEnv runs args as c.run does, with environ as the process environment;
// without a database (c.db nil) it passes no database flags.
func (c cli) runEnv(environ []string, args ...string) result {
	c.t.Helper()
	full := args
	if c.db != nil {
		full = append([]string{"--database-url", c.db.AppURL, "--migrate-database-url", c.db.OwnerURL}, args...)
	}
	var out, errOut bytes.Buffer
	err := execute(context.Background(), full, environ, strings.NewReader(""), &out, &errOut)
	return result{out: out.String(), err: errOut.String(), code: exitCode(err)}
}

// sceneModule makes a Go module outside the repository that builds against
// this checkout of renda through a replace directive, as a scene author's
// own module does. It starts from the repository's go.sum, so the go
// command needs no checksum it does not have.
func sceneModule(t *testing.T) string {
	t.Helper()
	f := strings.Fields(goRun(t, ".", "list", "-m", "-f", "{{.Dir}} {{.GoVersion}}"))
	if len(f) != 2 {
		t.Fatalf("go list -m: got %q", f)
	}
	root, goVersion := f[0], f[1]
	dir := t.TempDir()
	gomod := fmt.Sprintf("module example.com/scenes\n\ngo %s\n\nrequire github.com/renda-platform/renda v0.0.0-00010101000000-000000000000\n\nreplace github.com/renda-platform/renda => %s\n", goVersion, root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// goRun runs the go command in dir and returns its standard output. -mod=mod
// lets it record in the scene module's go.mod what the scene needs.
func goRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s (in %s): %v\n%s%s", strings.Join(args, " "), dir, err, out.String(), errOut.String())
	}
	return out.String()
}

var (
	noticeBoardOnce sync.Once
	noticeBoardDir  string
	noticeBoardErr  error
)

// TestMain removes the scene binaries the tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if noticeBoardDir != "" {
		os.RemoveAll(noticeBoardDir)
	}
	os.Exit(code)
}

// noticeBoard builds the notice-board scene at 1.0.0 and 1.1.0 once per
// test binary and returns the binary of version.
func noticeBoard(t *testing.T, version string) string {
	t.Helper()
	noticeBoardOnce.Do(func() {
		noticeBoardDir, noticeBoardErr = os.MkdirTemp("", "renda-plugin-test-")
		for _, v := range []string{"1.0.0", "1.1.0"} {
			if noticeBoardErr != nil {
				return
			}
			out, err := exec.Command("go", "build", "-ldflags", "-X main.version="+v, "-o", filepath.Join(noticeBoardDir, v), "../renda-noticeboard").CombinedOutput()
			if err != nil {
				noticeBoardErr = fmt.Errorf("go build: %v\n%s", err, out)
			}
		}
	})
	if noticeBoardErr != nil {
		t.Fatal(noticeBoardErr)
	}
	return filepath.Join(noticeBoardDir, version)
}

// catalogRow returns the TENANTS column of scene@version in `plugin list`.
func catalogRow(c cli, sceneID, version string) string {
	c.t.Helper()
	out := c.ok("plugin", "list")
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 6 && f[0] == sceneID && f[1] == version {
			return f[5]
		}
	}
	c.t.Fatalf("plugin list has no row for %s@%s:\n%s", sceneID, version, out)
	return ""
}

// TestPluginGuide walks plugins/README.md on SQLite: new → build → check →
// keygen → bundle → install → enable → list → call it over HTTP → pin →
// disable, with a server running from the enable on.
func TestPluginGuide(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a scene module and two plugin binaries")
	}
	c := cli{t: t, db: storetest.Open(t, store.SQLite)}
	c.ok("seed", "demo")
	work := t.TempDir()

	// 1. Write the scene, test it with scenetest, build it at two versions.
	mod := sceneModule(t)
	out := c.ok("plugin", "new", "sample", "--dir", mod)
	for _, f := range []string{"plugins/sample/sample.go", "plugins/sample/sample_test.go", "cmd/renda-sample/main.go"} {
		if !strings.Contains(out, "wrote "+f) {
			t.Errorf("new: %q not reported:\n%s", f, out)
		}
	}
	goRun(t, mod, "vet", "./...")
	if got := goRun(t, mod, "test", "-count=1", "./..."); !strings.Contains(got, "ok  \texample.com/scenes/plugins/sample") {
		t.Errorf("the generated tests:\n%s", got)
	}
	bin1, bin2 := filepath.Join(work, "sample-0.1.0"), filepath.Join(work, "sample-0.2.0")
	goRun(t, mod, "build", "-o", bin1, "./cmd/renda-sample")
	goRun(t, mod, "build", "-ldflags", "-X main.version=0.2.0", "-o", bin2, "./cmd/renda-sample")

	// 2. The conformance suite.
	out = c.ok("plugin", "check", bin1)
	for _, want := range []string{"PASS  handshake", "PASS  routes", "PASS  settings", "PASS  health", "idle RSS", "local.sample@0.1.0 conforms"} {
		if !strings.Contains(out, want) {
			t.Errorf("check lacks %q:\n%s", want, out)
		}
	}

	// 3. Sign: a key pair, then one bundle per version.
	key := filepath.Join(work, "publisher")
	c.ok("plugin", "keygen", "--out", key)
	b1, b2 := filepath.Join(work, "sample-0.1.0.bundle"), filepath.Join(work, "sample-0.2.0.bundle")
	c.ok("plugin", "bundle", bin1, "--key", key, "-o", b1)
	c.ok("plugin", "bundle", bin2, "--key", key, "-o", b2)

	// 4. Install: refused unsigned or untrusted, accepted with the key trusted.
	if r := c.fails(2, "plugin", "install", bin1); !strings.Contains(r.err, "bare binary") || !strings.Contains(r.err, "--dev") {
		t.Errorf("bare binary: %s", r)
	}
	if r := c.fails(1, "plugin", "install", b1); !strings.Contains(r.err, "no publisher key is trusted") {
		t.Errorf("no trusted keys: %s", r)
	}
	trust := []string{"RENDA_TRUSTED_KEYS=" + key + ".pub"}
	for _, b := range []string{b1, b2} {
		if r := c.runEnv(trust, "plugin", "install", b); r.code != 0 || !strings.Contains(r.err, "verified with trusted key") {
			t.Fatalf("install %s: %s", b, r)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(strings.TrimPrefix(c.db.AppURL, "sqlite://")), "scenes", "local.sample", "0.2.0", "scene")); err != nil {
		t.Errorf("the binary is not in DATA/scenes/ID/VERSION: %v", err)
	}

	// 5. The pilot district turns it on; the catalog shows who runs what.
	c.ok("plugin", "enable", "local.sample", "--tenant", "haishu", "--version", "0.1.0")
	if got := catalogRow(c, "local.sample", "0.1.0"); got != "haishu" {
		t.Errorf("0.1.0 runs in %q, want haishu", got)
	}

	// 6. Call it over HTTP: haishu runs it, jiangbei does not.
	srv := startServer(t, c)
	staff := srv.login(t, "haishu", "haishu-staff")
	items := "/api/v1/t/haishu/scenes/local.sample/items"
	if code, body := srv.do(t, http.MethodPost, items, staff, `{"title":"代表接待日安排"}`); code != http.StatusCreated {
		t.Fatalf("create an item: %d %s", code, body)
	}
	if code, body := srv.do(t, http.MethodGet, items, staff, ""); code != http.StatusOK || !strings.Contains(body, "代表接待日安排") {
		t.Errorf("list in haishu: %d %s", code, body)
	}
	other := srv.login(t, "jiangbei", "jiangbei-staff")
	if code, body := srv.do(t, http.MethodGet, "/api/v1/t/jiangbei/scenes/local.sample/items", other, ""); code != http.StatusNotFound {
		t.Errorf("jiangbei: %d %s, want 404", code, body)
	}

	// 7. Pin haishu to 0.2.0 while the server runs: it serves the new
	// version at once, over the same data.
	if out := c.ok("plugin", "pin", "local.sample", "--tenant", "haishu", "--version", "0.2.0"); !strings.Contains(out, "pinned to 0.2.0 for haishu (was 0.1.0)") {
		t.Errorf("pin: %s", out)
	}
	if got := catalogRow(c, "local.sample", "0.2.0"); got != "haishu" {
		t.Errorf("0.2.0 runs in %q, want haishu", got)
	}
	if code, body := srv.do(t, http.MethodGet, items, staff, ""); code != http.StatusOK || !strings.Contains(body, "代表接待日安排") {
		t.Errorf("list after the pin: %d %s", code, body)
	}

	// 8. Disable: 404 at once, data kept.
	c.ok("plugin", "disable", "local.sample", "--tenant", "haishu")
	if code, _ := srv.do(t, http.MethodGet, items, staff, ""); code != http.StatusNotFound {
		t.Errorf("disabled: %d, want 404", code)
	}
	if got := catalogRow(c, "local.sample", "0.2.0"); got != "haishu(off)" {
		t.Errorf("0.2.0 after disable: %q, want haishu(off)", got)
	}
	c.ok("plugin", "enable", "local.sample", "--tenant", "haishu")
	if code, body := srv.do(t, http.MethodGet, items, staff, ""); code != http.StatusOK || !strings.Contains(body, "代表接待日安排") {
		t.Errorf("enabled again: %d %s", code, body)
	}
}

// server is `renda serve` running in the test.
type server struct {
	base string
}

// startServer runs `renda serve` on c's database at a free port until the
// test ends.
func startServer(t *testing.T, c cli) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan result, 1)
	go func() {
		full := []string{"--database-url", c.db.AppURL, "--addr", addr, "--dev", "--log-level", "error", "serve"}
		var out, errOut bytes.Buffer
		err := execute(ctx, full, nil, strings.NewReader(""), &out, &errOut)
		done <- result{out: out.String(), err: errOut.String(), code: exitCode(err)}
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case r := <-done:
			if r.code != 0 {
				t.Errorf("serve: %s", r)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	s := &server{base: "http://" + addr}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case r := <-done:
			t.Fatalf("serve stopped: %s", r)
		default:
		}
		if resp, err := http.Get(s.base + "/"); err == nil {
			resp.Body.Close()
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("serve did not start listening")
	return nil
}

// login signs in to a demo account and returns its token.
func (s *server) login(t *testing.T, tenant, username string) string {
	t.Helper()
	code, body := s.do(t, http.MethodPost, "/api/v1/t/"+tenant+"/auth/login", "",
		fmt.Sprintf(`{"username":%q,"password":%q}`, username, demoPassword))
	var r struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal([]byte(body), &r); code != http.StatusOK || err != nil || r.Token == "" {
		t.Fatalf("login %s/%s: %d %s", tenant, username, code, body)
	}
	return r.Token
}

// do sends a request, as curl does in the guide, and returns the status
// and body.
func (s *server) do(t *testing.T, method, path, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// TestPluginRollout enables, pins and disables the notice board per
// congress on both stores; what one congress runs, another does not.
func TestPluginRollout(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		c.ok("seed", "demo")
		scenes := t.TempDir()
		for _, v := range []string{"1.0.0", "1.1.0"} {
			c.ok("--dev", "plugin", "install", noticeBoard(t, v), "--dir", scenes)
		}
		const nb = "renda.notice-board"
		// Without --version a congress gets the newest release.
		if out := c.ok("plugin", "enable", nb, "--tenant", "haishu"); !strings.Contains(out, nb+" 1.1.0 is on for haishu") {
			t.Errorf("enable: %s", out)
		}
		c.ok("plugin", "enable", nb, "--tenant", "jiangbei,yinzhou", "--version", "1.0.0", "--settings", `{"max_pinned": 2}`)
		if got := catalogRow(c, nb, "1.0.0"); got != "jiangbei,yinzhou" {
			t.Errorf("1.0.0 runs in %q", got)
		}
		if got := catalogRow(c, nb, "1.1.0"); got != "haishu" {
			t.Errorf("1.1.0 runs in %q", got)
		}
		c.ok("plugin", "pin", nb, "--tenant", "haishu", "--version", "1.0.0")
		c.ok("plugin", "disable", nb, "--tenant", "yinzhou")
		if got := catalogRow(c, nb, "1.0.0"); got != "haishu,jiangbei,yinzhou(off)" {
			t.Errorf("after pin and disable, 1.0.0 runs in %q", got)
		}
		// Enabling again keeps the pinned version and the settings.
		if out := c.ok("plugin", "enable", nb, "--tenant", "yinzhou"); !strings.Contains(out, `1.0.0 is on for yinzhou (settings {"max_pinned": 2})`) {
			t.Errorf("enable again: %s", out)
		}

		tests := []struct {
			name string
			code int
			args []string
			want string
		}{
			{"settings the schema refuses", 2, []string{"enable", nb, "--tenant", "haishu", "--settings", `{"max_pinned": 99}`}, "settings.max_pinned"},
			{"a version not installed", 1, []string{"enable", nb, "--tenant", "haishu", "--version", "9.9.9"}, "Version 9.9.9 of scene renda.notice-board is not installed"},
			{"a scene not installed", 1, []string{"enable", "local.nothing", "--tenant", "haishu"}, "Scene local.nothing is not installed"},
			{"an unknown congress", 1, []string{"enable", nb, "--tenant", "nowhere"}, `congress "nowhere"`},
			{"no congress", 2, []string{"enable", nb}, "--tenant needs at least one congress slug"},
			{"pin where it is not on", 1, []string{"pin", nb, "--tenant", "gulou", "--version", "1.0.0"}, "turn it on with 'renda plugin enable' first"},
			{"pin without a version", 2, []string{"pin", nb, "--tenant", "haishu"}, "pin needs --version"},
			{"disable where it is not on", 1, []string{"disable", nb, "--tenant", "gulou"}, "has not enabled this scene"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := c.fails(tt.code, append([]string{"plugin"}, tt.args...)...)
				if !strings.Contains(r.err, tt.want) {
					t.Errorf("got %s\nwant %q", r, tt.want)
				}
			})
		}
		if got := catalogRow(c, nb, "1.1.0"); got != "-" {
			t.Errorf("the refusals changed who runs 1.1.0: %q", got)
		}
	})
}
