package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"image"
	"image/png"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the raw application-role connection

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/core/store/storetest"
	"github.com/renda-platform/renda/tenants"
)

// tinyPNG returns a valid 1×1 PNG image.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fillTenant writes at least one row of every tenant-owned table through
// the store; audit rows and the audit head come with the writes.
func fillTenant(t *testing.T, db *storetest.DB, tn *tenants.Tenant) {
	t.Helper()
	ctx := home(tn)
	d, err := db.CreateDeputy(ctx, core.DeputyInput{Name: "李秀英", Level: "district", Status: core.DeputyActive})
	if err != nil {
		t.Fatalf("%s: create deputy: %v", tn.Slug, err)
	}
	if err := db.SetDeputyPhoto(ctx, d.ID, core.Photo{Data: tinyPNG(t)}); err != nil {
		t.Fatalf("%s: set photo: %v", tn.Slug, err)
	}
	if _, err := db.RecordActivity(ctx, core.DutyActivityInput{DeputyID: d.ID, Kind: "meeting.attend", Scene: "core",
		Ref: "m-1", Title: "常委会第十次会议", OccurredAt: time.Now().Add(-time.Hour)}); err != nil {
		t.Fatalf("%s: record activity: %v", tn.Slug, err)
	}
	const pw = "Correct-Horse-42"
	u, err := db.CreateUser(ctx, core.UserCreate{Username: "clerk", DisplayName: "书记员", Password: pw, DeputyID: d.ID})
	if err != nil {
		t.Fatalf("%s: create user: %v", tn.Slug, err)
	}
	if _, _, err := db.Login(ctx, core.Credentials{Username: "clerk", Password: pw}); err != nil {
		t.Fatalf("%s: login: %v", tn.Slug, err)
	}
	sa, err := db.CreateServiceAccount(ctx, core.ServiceAccountCreate{Username: "sync-bot", DisplayName: "同步"})
	if err != nil {
		t.Fatalf("%s: create service account: %v", tn.Slug, err)
	}
	if _, err := db.CreateAPIKey(ctx, sa.ID, "ci", nil); err != nil {
		t.Fatalf("%s: create api key: %v", tn.Slug, err)
	}
	if _, err := db.ClaimIdempotencyKey(ctx, u.ID, "key-1", "fingerprint"); err != nil {
		t.Fatalf("%s: claim idempotency key: %v", tn.Slug, err)
	}
	const scene = "cn.renda.noticeboard"
	if _, err := db.PutTenantScene(ctx, core.TenantScene{SceneID: scene, Version: "1.0.0", Enabled: true}); err != nil {
		t.Fatalf("%s: enable scene: %v", tn.Slug, err)
	}
	if _, err := db.CreateDocument(ctx, scene, "notices", "", []byte(`{"title":"代表接待日"}`)); err != nil {
		t.Fatalf("%s: create document: %v", tn.Slug, err)
	}
	if _, err := db.PublishEvent(ctx, scene, "notice.published", []byte(`{"id":"n-1"}`), []string{"cn.renda.ledger"}); err != nil {
		t.Fatalf("%s: publish event: %v", tn.Slug, err)
	}
	if err := db.PutTimer(ctx, core.Timer{SceneID: scene, Key: "t:1", Job: "remind", DueAt: time.Now().Add(time.Hour)}, false); err != nil {
		t.Fatalf("%s: put timer: %v", tn.Slug, err)
	}
	users, err := db.ListUsers(ctx, core.UserFilter{})
	if err != nil || len(users.Items) == 0 {
		t.Fatalf("%s: list users: %v", tn.Slug, err)
	}
	if _, err := db.PutFile(ctx, scene, "photo.png", []byte("\x89PNG\r\n\x1a\n0000")); err != nil {
		t.Fatalf("%s: put file: %v", tn.Slug, err)
	}
	if _, err := db.CreateDepartment(ctx, core.DepartmentInput{Code: "zjj", NameZH: "住建局", Active: true}); err != nil {
		t.Fatalf("%s: create department: %v", tn.Slug, err)
	}
	n := core.Notification{Source: scene, TitleZH: "提醒", TitleEN: "Reminder"}
	if err := db.Notify(ctx, n, []string{users.Items[0].ID}); err != nil {
		t.Fatalf("%s: notify: %v", tn.Slug, err)
	}
}

// count runs a count query and fails the test on error.
func count(t *testing.T, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, query string, args ...any) int {
	t.Helper()
	var n int
	if err := q.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestRLSHoldsOnItsOwn checks PostgreSQL's row-level security without the
// store's WHERE clauses: raw SQL as the application role sees only the
// tenants set for the transaction, and nothing when none is set.
func TestRLSHoldsOnItsOwn(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, store.Postgres)
	ctx := context.Background()
	mk := func(slug, code string) *tenants.Tenant {
		tn, err := db.CreateTenant(ctx, core.TenantCreate{Slug: slug, Level: tenants.LevelCity, DivisionCode: code, NameZH: slug + "人大", NameEN: slug})
		if err != nil {
			t.Fatalf("create %s: %v", slug, err)
		}
		return tn
	}
	a, b := mk("ningbo", "330200"), mk("wenzhou", "330300")
	fillTenant(t, db, a)
	fillTenant(t, db, b)

	owner, err := sql.Open("pgx", db.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	want := map[string]map[string]int{a.ID: {}, b.ID: {}}
	for _, table := range store.TenantTables() {
		for id := range want {
			n := count(t, owner, "SELECT count(*) FROM "+table+" WHERE tenant_id = $1", id)
			if n == 0 {
				t.Fatalf("%s has no row of tenant %s: the test would prove nothing", table, id)
			}
			want[id][table] = n
		}
	}

	app, err := sql.Open("pgx", db.AppURL)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	// begin starts a transaction as the application role with the given
	// settings (none if write and read are both nil).
	begin := func(t *testing.T, write, read *string) *sql.Tx {
		t.Helper()
		tx, err := app.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tx.Rollback() })
		if write != nil {
			if _, err := tx.Exec(`SELECT set_config('app.tenant_id', $1, true), set_config('app.read_tenants', $2, true)`, *write, *read); err != nil {
				t.Fatal(err)
			}
		}
		return tx
	}
	ptr := func(s string) *string { return &s }

	t.Run("tenant sees only itself", func(t *testing.T) {
		tx := begin(t, ptr(a.ID), ptr(a.ID))
		for _, table := range store.TenantTables() {
			if got := count(t, tx, "SELECT count(*) FROM "+table+" WHERE tenant_id <> $1", a.ID); got != 0 {
				t.Errorf("%s: %d rows of another tenant visible, want 0", table, got)
			}
			if got := count(t, tx, "SELECT count(*) FROM "+table); got != want[a.ID][table] {
				t.Errorf("%s without WHERE: got %d rows, want A's %d", table, got, want[a.ID][table])
			}
		}
	})
	t.Run("no tenant set sees nothing", func(t *testing.T) {
		tx := begin(t, nil, nil)
		for _, table := range store.TenantTables() {
			if got := count(t, tx, "SELECT count(*) FROM "+table); got != 0 {
				t.Errorf("%s with no tenant set: got %d rows, want 0", table, got)
			}
		}
	})
	t.Run("write into another tenant fails", func(t *testing.T) {
		tx := begin(t, ptr(a.ID), ptr(a.ID))
		for _, stmt := range []string{"UPDATE deputies SET name = 'x' WHERE tenant_id = $1", "DELETE FROM deputies WHERE tenant_id = $1"} {
			res, err := tx.Exec(stmt, b.ID)
			if err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
			if n, _ := res.RowsAffected(); n != 0 {
				t.Errorf("%s as A touched %d rows of B, want 0", stmt, n)
			}
		}
		_, err := tx.Exec(`INSERT INTO deputies (tenant_id, id, name, level, status, created_at, updated_at)
			VALUES ($1, gen_random_uuid(), 'x', 'district', 'active', now(), now())`, b.ID)
		if err == nil || !strings.Contains(err.Error(), "row-level security") {
			t.Errorf("insert of B's row as A: got %v, want a row-level security violation", err)
		}
	})
	t.Run("read-only scope reads but cannot write", func(t *testing.T) {
		tx := begin(t, ptr(""), ptr(b.ID))
		if got := count(t, tx, "SELECT count(*) FROM deputies"); got != want[b.ID]["deputies"] {
			t.Errorf("read-only deputies: got %d, want B's %d", got, want[b.ID]["deputies"])
		}
		if got := count(t, tx, "SELECT count(*) FROM deputies WHERE tenant_id <> $1", b.ID); got != 0 {
			t.Errorf("read-only scope sees %d rows of other tenants, want 0", got)
		}
		res, err := tx.Exec("UPDATE deputies SET name = 'x'")
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 0 {
			t.Errorf("update in read-only scope affected %d rows, want 0", n)
		}
		_, err = tx.Exec(`INSERT INTO deputies (tenant_id, id, name, level, status, created_at, updated_at)
			VALUES ($1, gen_random_uuid(), 'x', 'district', 'active', now(), now())`, b.ID)
		if err == nil {
			t.Error("insert in read-only scope succeeded, want a row-level security violation")
		}
	})
	t.Run("setting is transaction-local", func(t *testing.T) {
		conn, err := app.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`SELECT set_config('app.tenant_id', $1, true), set_config('app.read_tenants', $1, true)`, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"app.tenant_id", "app.read_tenants"} {
			var got sql.NullString
			if err := conn.QueryRowContext(ctx, "SELECT current_setting($1, true)", name).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got.Valid && got.String != "" {
				t.Errorf("after commit %s = %q on the same connection, want empty", name, got.String)
			}
		}
		if got := count(t, conn, "SELECT count(*) FROM deputies"); got != 0 {
			t.Errorf("after commit the connection still sees %d deputies, want 0", got)
		}
	})
	t.Run("catalog", func(t *testing.T) {
		var names []string
		rows, err := owner.Query(`SELECT table_name FROM information_schema.columns
			WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		rows.Close()
		listed := store.TenantTables()
		slices.Sort(listed)
		if !slices.Equal(names, listed) {
			t.Errorf("tables with tenant_id %v, TenantTables() %v: every tenant-owned table must be listed", names, listed)
		}
		for _, table := range store.TenantTables() {
			var rls, force bool
			if err := owner.QueryRow(`SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass`, table).Scan(&rls, &force); err != nil {
				t.Fatal(err)
			}
			if !rls || !force {
				t.Errorf("%s: relrowsecurity=%v relforcerowsecurity=%v, want both true", table, rls, force)
			}
			// The tenant functions must be called in a subquery (an
			// InitPlan, evaluated once per query), not once per row.
			pols, err := owner.Query(`SELECT policyname, COALESCE(qual, ''), COALESCE(with_check, '') FROM pg_policies WHERE tablename = $1`, table)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for pols.Next() {
				var name, qual, check string
				if err := pols.Scan(&name, &qual, &check); err != nil {
					t.Fatal(err)
				}
				n++
				for _, expr := range []string{qual, check} {
					calls := strings.Count(expr, "renda_read_tenants()") + strings.Count(expr, "renda_write_tenant()")
					if len(subqueryCall.FindAllString(expr, -1)) != calls {
						t.Errorf("%s: policy %s calls a tenant function per row: %s", table, name, expr)
					}
				}
			}
			pols.Close()
			if n != 2 {
				t.Errorf("%s: %d policies, want tenant_read and tenant_write", table, n)
			}
		}
		var super, bypass bool
		if err := owner.QueryRow(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'renda_app'`).Scan(&super, &bypass); err != nil {
			t.Fatal(err)
		}
		if super || bypass {
			t.Errorf("renda_app: superuser=%v bypassrls=%v, want neither", super, bypass)
		}
		if n := count(t, owner, `SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = 'renda_app'`); n != 0 {
			t.Errorf("renda_app owns %d relations, want 0", n)
		}
		var who string
		if err := app.QueryRow("SELECT current_user").Scan(&who); err != nil || who != "renda_app" {
			t.Errorf("app connection runs as %q (%v), want renda_app", who, err)
		}
	})
}

// subqueryCall is a tenant function called in a scalar subquery.
var subqueryCall = regexp.MustCompile(`\(\s*SELECT renda_(read_tenants|write_tenant)\(\)`)

// TestAuditTamper alters and truncates a tenant's audit chain behind the
// store's back, as the schema owner, and expects VerifyAudit to notice.
func TestAuditTamper(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *storetest.DB) {
		ctx := context.Background()
		owner, err := store.Open(ctx, store.Config{URL: db.OwnerURL})
		if err != nil {
			t.Fatal(err)
		}
		defer owner.Close()
		raw := owner.SQL()
		pg := db.Dialect() == store.Postgres
		rebind := func(q string) string {
			if pg {
				return q
			}
			return strings.ReplaceAll(q, "$1", "?")
		}
		// tamper runs stmt as the owner, lifting the append-only guard where
		// one would stop it (SQLite guards only against updates).
		tamper := func(t *testing.T, stmt string, args ...any) {
			t.Helper()
			var off, on string
			switch {
			case pg:
				off = "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"
				on = "ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"
			case strings.HasPrefix(stmt, "UPDATE"):
				// As in migrations/sqlite/00001_platform.sql.
				off = "DROP TRIGGER audit_log_no_update"
				on = "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
			}
			if off != "" {
				if _, err := raw.ExecContext(ctx, off); err != nil {
					t.Fatalf("%s: %v", off, err)
				}
				defer func() {
					if _, err := raw.ExecContext(ctx, on); err != nil {
						t.Fatalf("%s: %v", on, err)
					}
				}()
			}
			if _, err := raw.ExecContext(ctx, rebind(stmt), args...); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		mk := func(slug, code string) *tenants.Tenant {
			tn, err := db.CreateTenant(ctx, core.TenantCreate{Slug: slug, Level: tenants.LevelCity, DivisionCode: code, NameZH: slug, NameEN: slug})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"张伟", "王芳", "刘洋"} {
				if _, err := db.CreateDeputy(home(tn), core.DeputyInput{Name: name, Level: "city", Status: core.DeputyActive}); err != nil {
					t.Fatal(err)
				}
			}
			v, err := db.VerifyAudit(home(tn), tn.ID)
			if err != nil || !v.OK || v.Entries != 4 {
				t.Fatalf("fresh chain: %+v, %v; want OK with 4 entries", v, err)
			}
			return tn
		}
		altered, truncated, bystander := mk("ningbo", "330200"), mk("wenzhou", "330300"), mk("jiaxing", "330400")

		if _, err := db.SQL().ExecContext(ctx, rebind("UPDATE audit_log SET actor_name = 'x' WHERE tenant_id = $1"), altered.ID); err == nil {
			t.Error("the application updated audit_log; want it refused (no UPDATE grant on PostgreSQL, trigger on SQLite)")
		}

		tamper(t, "UPDATE audit_log SET actor_name = 'mallory' WHERE tenant_id = $1 AND seq = 2", altered.ID)
		v, err := db.VerifyAudit(home(altered), altered.ID)
		if err != nil || v.OK || v.FirstBad != 2 {
			t.Errorf("altered entry 2: got %+v, %v; want not OK, first bad 2", v, err)
		}

		tamper(t, "DELETE FROM audit_log WHERE tenant_id = $1 AND seq = 4", truncated.ID)
		v, err = db.VerifyAudit(home(truncated), truncated.ID)
		if err != nil || v.OK || v.FirstBad != 4 {
			t.Errorf("deleted last entry: got %+v, %v; want not OK, first bad 4", v, err)
		}

		if v, err := db.VerifyAudit(home(bystander), bystander.ID); err != nil || !v.OK {
			t.Errorf("untouched tenant: got %+v, %v; want OK", v, err)
		}
	})
}
