package store_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store/storetest"
)

// Authenticate reads a credential and its user in one statement; each way
// a credential stops being good must still end it.
func TestAuthenticateCredentials(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *storetest.DB) {
		tr := makeTree(t, db)
		ctx := home(tr.haishu)
		now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		db.SetClock(func() time.Time { return now })
		u, err := db.CreateUser(ctx, core.UserCreate{Username: "wang", DisplayName: "王建国", Password: "Renda@2026test"})
		if err != nil {
			t.Fatal(err)
		}
		login := func() *core.Session {
			t.Helper()
			s, _, err := db.Login(ctx, core.Credentials{Username: "wang", Password: "Renda@2026test"})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		good := func(what, token string) *core.Principal {
			t.Helper()
			p, err := db.Authenticate(ctx, token)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			return p
		}
		bad := func(what, token string) {
			t.Helper()
			if p, err := db.Authenticate(ctx, token); core.ErrorCode(err) != core.EUNAUTHORIZED {
				t.Fatalf("%s: %+v, %v; want auth.bad_token", what, p, err)
			}
		}

		s := login()
		p := good("a fresh session", s.Token)
		if p.UserID != u.ID || p.TenantID != tr.haishu.ID || p.SessionID != s.ID || p.DisplayName != "王建国" || p.Kind != core.KindHuman {
			t.Fatalf("principal %+v", p)
		}
		bad("a made-up token", s.Token[:len(s.Token)-4]+"AAAA")
		if _, err := db.Authenticate(home(tr.jiangbei), s.Token); core.ErrorCode(err) != core.EUNAUTHORIZED {
			t.Fatalf("haishu's session in jiangbei: %v", err)
		}
		now = s.ExpiresAt.Add(time.Second)
		bad("an expired session", s.Token)

		s = login()
		if strings.HasPrefix(db.OwnerURL, "postgres") {
			// A session that outlived its user's status (UpdateUser ends them too, so
			// this is set behind the store's back).
			raw, err := sql.Open("pgx", db.OwnerURL)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`UPDATE users SET status = 'disabled' WHERE id = $1`, u.ID); err != nil {
				t.Fatal(err)
			}
			bad("a session whose user is disabled", s.Token)
			if _, err := raw.Exec(`UPDATE users SET status = 'active' WHERE id = $1`, u.ID); err != nil {
				t.Fatal(err)
			}
			good("the same session once the user is active again", s.Token)
		}
		disabled := core.UserDisabled
		if _, err := db.UpdateUser(ctx, u.ID, core.UserUpdate{Status: &disabled}); err != nil {
			t.Fatal(err)
		}
		bad("the session of a disabled user", s.Token)

		svc, err := db.CreateServiceAccount(ctx, core.ServiceAccountCreate{Username: "grid-bridge", DisplayName: "网格对接"})
		if err != nil {
			t.Fatal(err)
		}
		k, err := db.CreateAPIKey(ctx, svc.ID, "bridge", nil)
		if err != nil {
			t.Fatal(err)
		}
		if p := good("an API key", k.Secret); p.UserID != svc.ID || p.APIKeyID != k.ID || p.SessionID != "" {
			t.Fatalf("principal %+v", p)
		}
		now = now.Add(2 * time.Minute)
		good("an API key used again", k.Secret)
		keys, err := db.ListAPIKeys(ctx, svc.ID)
		if err != nil || len(keys) != 1 || keys[0].LastUsedAt == nil || !keys[0].LastUsedAt.Equal(now) {
			t.Fatalf("last used after a use two minutes on: %+v %v", keys, err)
		}
		if err := db.RevokeAPIKey(ctx, svc.ID, k.ID); err != nil {
			t.Fatal(err)
		}
		bad("a revoked API key", k.Secret)
		until := now.Add(time.Hour)
		k, err = db.CreateAPIKey(ctx, svc.ID, "short", &until)
		if err != nil {
			t.Fatal(err)
		}
		good("a key before it expires", k.Secret)
		now = until
		bad("an expired API key", k.Secret)
	})
}
