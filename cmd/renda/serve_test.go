package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostKilledTakesScenesWithIt runs the real server as its own process
// with the notice board, starts the scene, kills the server with SIGKILL,
// and checks no scene process survives it.
func TestHostKilledTakesScenesWithIt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs binaries")
	}
	dir := t.TempDir()
	for _, b := range [][]string{{"-o", filepath.Join(dir, "renda"), "."}, {"-o", filepath.Join(dir, "nb"), "../renda-noticeboard"}} {
		if out, err := exec.Command("go", append([]string{"build"}, b...)...).CombinedOutput(); err != nil {
			t.Fatalf("go build %v: %v\n%s", b, err, out)
		}
	}
	addr := freeAddr(t)
	data := filepath.Join(dir, "data")
	srv := exec.Command(filepath.Join(dir, "renda"), "serve", "--demo", "--dev", "--addr", addr,
		"--database-url", "sqlite://"+filepath.Join(data, "renda.db"), "--scene", filepath.Join(dir, "nb"))
	var logs bytes.Buffer
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	base := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := http.Get(base + "/readyz")
		if err == nil && r.StatusCode == http.StatusOK {
			r.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	body := strings.NewReader(`{"username":"haishu-staff","password":"Renda@2026demo"}`)
	r, err := http.Post(base+"/api/v1/t/haishu/auth/login", "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	_ = json.NewDecoder(r.Body).Decode(&login)
	r.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/t/haishu/scenes/renda.notice-board/notices", nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	r, err = http.DefaultClient.Do(req)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("scene call: %v %v\n%s", err, r, logs.String())
	}
	r.Body.Close()
	pids, _ := filepath.Glob(filepath.Join(data, "run", "*.pid"))
	if len(pids) != 1 {
		t.Fatalf("pid files %v, want one scene process", pids)
	}
	pid, _ := strconv.Atoi(strings.TrimSuffix(filepath.Base(pids[0]), ".pid"))
	if !alive(pid) {
		t.Fatalf("scene process %d is not running", pid)
	}
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.Wait()
	for end := time.Now().Add(5 * time.Second); alive(pid) && time.Now().Before(end); {
		time.Sleep(50 * time.Millisecond)
	}
	if alive(pid) {
		t.Errorf("scene process %d survived the host's SIGKILL", pid)
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && len(s) > i+2 && s[i+2] != 'Z'
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
