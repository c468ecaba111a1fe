package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// createCity makes the congress ningbo and its district haishu.
func createCity(c cli) {
	c.t.Helper()
	c.ok("tenant", "create", "--slug", "ningbo", "--level", "city", "--division-code", "330200",
		"--name-zh", "宁波市人大常委会", "--name-en", "Ningbo Municipal People's Congress Standing Committee")
	c.ok("tenant", "create", "--slug", "haishu", "--level", "district", "--parent", "ningbo", "--division-code", "330203",
		"--name-zh", "海曙区人大常委会", "--name-en", "Haishu District People's Congress Standing Committee")
}

// listRow returns the fields of slug's row in `tenant list`.
func listRow(c cli, slug string) []string {
	c.t.Helper()
	for _, line := range strings.Split(c.ok("tenant", "list"), "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == slug {
			return f
		}
	}
	c.t.Fatalf("tenant list has no row for %s", slug)
	return nil
}

func TestTenantLifecycle(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		createCity(c)
		list := c.ok("tenant", "list")
		if !strings.HasPrefix(list, "SLUG") || !strings.Contains(list, "宁波市人大常委会") {
			t.Errorf("list:\n%s", list)
		}
		if got, want := strings.Join(listRow(c, "haishu")[:5], " "), "haishu district ningbo 330203 active"; got != want {
			t.Errorf("haishu row: got %q, want %q", got, want)
		}

		c.ok("tenant", "suspend", "haishu")
		if got := listRow(c, "haishu")[4]; got != "suspended" {
			t.Errorf("status after suspend: got %q", got)
		}
		c.ok("tenant", "resume", "haishu")
		if got := listRow(c, "haishu")[4]; got != "active" {
			t.Errorf("status after resume: got %q", got)
		}

		// Delete needs archive, then export, then --yes.
		c.fails(1, "tenant", "delete", "haishu", "--yes")
		c.ok("tenant", "archive", "haishu")
		if r := c.fails(1, "tenant", "resume", "haishu"); !strings.Contains(r.err, "Cannot move from archived to active") {
			t.Errorf("resume archived: %s", r)
		}
		if r := c.fails(1, "tenant", "delete", "haishu", "--yes"); !strings.Contains(r.err, "Export") {
			t.Errorf("delete before export: %s", r)
		}
		file := filepath.Join(t.TempDir(), "haishu.jsonl")
		c.ok("tenant", "export", "haishu", "-o", file)
		checkExport(t, file)
		c.ok("tenant", "delete", "haishu", "--yes")
		if strings.Contains(c.ok("tenant", "list"), "haishu") {
			t.Error("haishu still listed after delete")
		}
		if got := c.ok("audit", "verify"); !strings.Contains(got, "OK      ningbo") {
			t.Errorf("audit of the parent after the delete:\n%s", got)
		}
	})
}

// checkExport checks that the export is JSON lines naming their tables,
// starting with the tenant, and readable by its owner only.
func checkExport(t *testing.T, file string) {
	t.Helper()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("export mode: got %v, want 0600", fi.Mode().Perm())
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	var tables []string
	for sc.Scan() {
		var line struct{ Table string }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		tables = append(tables, line.Table)
	}
	if len(tables) == 0 || tables[0] != "tenants" {
		t.Errorf("export tables: got %v, want the tenant first", tables)
	}
}

func TestTenantExportToStdout(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		createCity(c)
		out := c.ok("tenant", "export", "ningbo")
		first, _, _ := strings.Cut(out, "\n")
		var line struct{ Table string }
		if err := json.Unmarshal([]byte(first), &line); err != nil || line.Table != "tenants" {
			t.Errorf("export to stdout: first line %q (%v), want the tenant as JSON", first, err)
		}
	})
}

func TestTenantBadInput(t *testing.T) {
	eachDialect(t, func(t *testing.T, c cli) {
		createCity(c)
		tests := []struct {
			name string
			code int
			args []string
			want string
		}{
			{"invalid fields", 2, []string{"tenant", "create", "--slug", "X", "--level", "town", "--division-code", "12", "--name-zh", "x", "--name-en", "x"},
				"slug: The slug must be"},
			{"city with a parent", 2, []string{"tenant", "create", "--slug", "hangzhou", "--level", "city", "--parent", "ningbo", "--division-code", "330100", "--name-zh", "x", "--name-en", "x"},
				"parent: A city congress has no parent."},
			{"taken slug", 1, []string{"tenant", "create", "--slug", "haishu", "--level", "district", "--parent", "ningbo", "--division-code", "330299", "--name-zh", "x", "--name-en", "x"},
				"already in use"},
			{"unknown parent", 1, []string{"tenant", "create", "--slug", "beilun", "--level", "district", "--parent", "nosuch", "--division-code", "330206", "--name-zh", "x", "--name-en", "x"},
				"The parent congress does not exist."},
			{"unknown tenant", 1, []string{"tenant", "suspend", "nosuch"}, "No such congress"},
		}
		for _, tt := range tests {
			r := c.fails(tt.code, tt.args...)
			if !strings.Contains(r.err, tt.want) {
				t.Errorf("%s: stderr %q, want it to contain %q", tt.name, r.err, tt.want)
			}
		}
	})
}
