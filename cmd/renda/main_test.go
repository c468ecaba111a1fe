package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store/storetest"
)

// cli runs renda commands against one test database: the application
// role's URL as --database-url and the owner's as --migrate-database-url,
// with an empty environment so the machine's DATABASE_URL cannot leak in.
type cli struct {
	t  *testing.T
	db *storetest.DB
}

// result is what one command did.
type result struct {
	out, err string
	code     int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.err)
}

// run runs args with stdin as standard input.
func (c cli) run(stdin string, args ...string) result {
	c.t.Helper()
	full := append([]string{"--database-url", c.db.AppURL, "--migrate-database-url", c.db.OwnerURL}, args...)
	var out, errOut bytes.Buffer
	err := execute(context.Background(), full, nil, strings.NewReader(stdin), &out, &errOut)
	return result{out: out.String(), err: errOut.String(), code: exitCode(err)}
}

// ok runs args and fails the test unless they succeed.
func (c cli) ok(args ...string) string {
	c.t.Helper()
	r := c.run("", args...)
	if r.code != 0 {
		c.t.Fatalf("renda %s: %s", strings.Join(args, " "), r)
	}
	return r.out
}

// fails runs args and fails the test unless they exit with code.
func (c cli) fails(code int, args ...string) result {
	c.t.Helper()
	r := c.run("", args...)
	if r.code != code {
		c.t.Fatalf("renda %s: got exit %d, want %d\n%s", strings.Join(args, " "), r.code, code, r)
	}
	return r
}

// eachDialect runs fn once on a fresh, migrated database of every dialect.
func eachDialect(t *testing.T, fn func(t *testing.T, c cli)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, cli{t: t, db: storetest.Open(t, d)})
		})
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "needs a subcommand"},
		{"unknown command", []string{"bogus"}, `unknown command "bogus"`},
		{"unknown subcommand", []string{"tenant", "bogus"}, `unknown command "bogus" for "renda tenant"`},
		{"group alone", []string{"tenant"}, "renda tenant needs a subcommand: archive, create"},
		{"unknown flag", []string{"tenant", "list", "--bogus"}, "unknown flag: --bogus"},
		{"bad flag value", []string{"--session-ttl", "soon", "tenant", "list"}, `invalid argument "soon"`},
		{"missing argument", []string{"tenant", "suspend"}, "wants 1 argument(s) (SLUG), got 0"},
		{"extra argument", []string{"tenant", "list", "x"}, "takes no arguments"},
		{"delete without --yes", []string{"tenant", "delete", "haishu"}, "pass --yes"},
		{"bad log level", []string{"--log-level", "loud", "tenant", "list"}, `log_level "loud"`},
		{"missing config file", []string{"--config", "/nonexistent/renda.yaml", "tenant", "list"}, "/nonexistent/renda.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := execute(context.Background(), tt.args, nil, strings.NewReader(""), &out, &errOut)
			if got := exitCode(err); got != 2 {
				t.Fatalf("exit code: got %d, want 2 (err %v)", got, err)
			}
			if !strings.Contains(errOut.String(), tt.want) {
				t.Errorf("stderr: got %q, want it to contain %q", errOut.String(), tt.want)
			}
			if !strings.Contains(errOut.String(), "--help' for usage") {
				t.Errorf("stderr: got %q, want a pointer to --help", errOut.String())
			}
		})
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{errors.New("boom"), 1},
		{usagef("bad"), 2},
		{fmt.Errorf("create: %w", core.Errorf(core.EINVALID, "validation.failed")), 2},
		{fmt.Errorf("create: %w", core.Errorf(core.ECONFLICT, "tenant.taken")), 1},
		{core.Errorf(core.ENOTFOUND, "tenant.not_found"), 1},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v): got %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestDescribeRendersCoreErrors(t *testing.T) {
	err := fmt.Errorf("create tenant %q: %w", "x", &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"),
		Fields: []core.FieldError{{Path: "division_code", Msg: core.Msg("tenant.division_invalid")}}})
	got := describe(err)
	want := "create tenant \"x\": invalid input:\n  division_code: The division code must be 6 or 9 digits."
	if got != want {
		t.Errorf("describe: got %q, want %q", got, want)
	}
	if got, want := describe(fmt.Errorf("op: %w", core.Errorf(core.ECONFLICT, "tenant.taken"))), "op: The slug or division code is already in use."; got != want {
		t.Errorf("describe: got %q, want %q", got, want)
	}
}

func TestVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &out, &errOut); err != nil {
		t.Fatalf("version: %v\n%s", err, errOut.String())
	}
	for _, want := range []string{"renda dev", runtime.Version()} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("version: got %q, want it to contain %q", out.String(), want)
		}
	}
}
