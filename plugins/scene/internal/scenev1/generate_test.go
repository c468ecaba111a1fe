package scenev1_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestGeneratedCodeIsFresh regenerates the code from scene.proto with the
// tools pinned in go.mod and fails if it differs from what is committed,
// so a change to the proto cannot ship without its generated code. The
// first run builds buf, which can take a minute and a half.
func TestGeneratedCodeIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the protocol code builds buf; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to run buf: %v", err)
	}
	// Read the inputs here too: go test caches a result by the files the
	// test itself opens, and buf opens these in another process.
	for _, in := range []string{"scene.proto", "buf.yaml", "buf.gen.yaml", "../../../../go.mod"} {
		if _, err := os.ReadFile(in); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), gobin, "tool", "buf", "generate", "--template", "buf.gen.yaml", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go tool buf generate: %v\n%s", err, b)
	}

	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var generated []string
	for _, e := range entries {
		generated = append(generated, e.Name())
	}
	if want := []string{"scene.pb.go", "scene_grpc.pb.go"}; !slices.Equal(generated, want) {
		t.Fatalf("buf generated %v, want %v; update this test with the template", generated, want)
	}
	for _, name := range generated {
		fresh, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("%s is generated but not committed: run `go generate ./...`", name)
		}
		if !bytes.Equal(fresh, committed) {
			t.Errorf("%s is stale (it differs from what scene.proto generates): run `go generate ./...` and commit the result", name)
		}
	}
}
