package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPluginNewWritesTheLayout(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/ningbo-scenes\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := cli{t: t} // new needs no database
	r := c.runEnv(nil, "plugin", "new", "road-works", "--dir", dir, "--id", "ningbo.road-works")
	if r.code != 0 {
		t.Fatalf("new: %s", r)
	}
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct{ file, want string }{
		{"plugins/roadworks/roadworks.go", "package roadworks"},
		{"plugins/roadworks/roadworks.go", `const ID = "ningbo.road-works"`},
		{"plugins/roadworks/roadworks.go", "Capabilities: []string{scene.CapStore, scene.CapAudit}"},
		{"plugins/roadworks/roadworks_test.go", "package roadworks_test"},
		{"plugins/roadworks/roadworks_test.go", `"example.com/ningbo-scenes/plugins/roadworks"`},
		{"cmd/renda-road-works/main.go", "func main() { scene.Serve(roadworks.New(version)) }"},
	}
	for _, tt := range tests {
		if got := read(tt.file); !strings.Contains(got, tt.want) {
			t.Errorf("%s lacks %q:\n%s", tt.file, tt.want, got)
		}
	}
	// Never overwrite: a second run changes nothing.
	if err := os.WriteFile(filepath.Join(dir, "plugins/roadworks/roadworks.go"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := c.runEnv(nil, "plugin", "new", "road-works", "--dir", dir); r.code != 1 || !strings.Contains(r.err, "never overwrites") {
		t.Errorf("second new: %s", r)
	}
	if got := read("plugins/roadworks/roadworks.go"); got != "mine" {
		t.Errorf("new overwrote a file: %q", got)
	}
}

func TestPluginNewRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"upper case", []string{"Sample"}, "lowercase letters, digits and dashes"},
		{"leading digit", []string{"1sample"}, "starting with a letter"},
		{"trailing dash", []string{"sample-"}, "lowercase letters"},
		{"a Go keyword", []string{"func"}, `"func" cannot be a scene's package name`},
		{"the SDK's own folder", []string{"scene"}, "cannot be a scene's package name"},
		{"a bad id", []string{"sample", "--id", "Sample"}, `scene id "Sample"`},
		{"an id without a namespace", []string{"sample", "--id", "sample"}, "namespaced"},
		{"no go.mod", []string{"sample", "--dir", t.TempDir()}, "has no readable go.mod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cli{t: t}
			args := append([]string{"plugin", "new"}, tt.args...)
			if !strings.Contains(strings.Join(tt.args, " "), "--dir") {
				args = append(args, "--dir", dir)
			}
			r := c.runEnv(nil, args...)
			if r.code != 2 || !strings.Contains(r.err, tt.want) {
				t.Errorf("got %s\nwant exit 2 and %q", r, tt.want)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a refused new wrote files: %v", entries)
	}
}
