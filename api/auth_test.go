package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
)

func TestLoginLockoutAndSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		login := func(pw string) *apitest.Response {
			return e.Do(http.MethodPost, "/api/v1/t/haishu/auth/login", "", map[string]string{"username": "haishu-deputy", "password": pw}, "Accept-Language", "en")
		}
		for i := range 5 {
			if r := login("wrong-password"); r.Code != http.StatusUnauthorized {
				t.Fatalf("attempt %d: %d, want 401", i+1, r.Code)
			}
		}
		r := login(apitest.Password)
		if r.Code != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Fatalf("after 5 failures, right password: %d (Retry-After %q), want 429 with Retry-After", r.Code, r.Header.Get("Retry-After"))
		}
		if p := problemOf(t, r); !strings.Contains(p.Detail, "try again in") {
			t.Errorf("lockout detail %q", p.Detail)
		}
		// An admin reset unlocks the account and ends its sessions.
		old := e.Tokens["haishu/deputy"]
		if r := e.Do(http.MethodPost, "/api/v1/t/haishu/users/"+e.Users["haishu/deputy"].ID+"/reset-password", e.Tokens["haishu/tenant_admin"], map[string]string{"password": "Reset-Pass-2026"}); r.Code != http.StatusNoContent {
			t.Fatalf("reset: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/auth/me", old, nil); r.Code != http.StatusUnauthorized {
			t.Errorf("session after reset: %d, want 401", r.Code)
		}
		tok := e.Login("haishu", "haishu-deputy", "Reset-Pass-2026")
		second := e.Login("haishu", "haishu-deputy", "Reset-Pass-2026")
		// Changing the password keeps this session and ends the others.
		r = e.Do(http.MethodPut, "/api/v1/t/haishu/auth/password", tok, map[string]string{"current_password": "Reset-Pass-2026", "new_password": "Changed-Pass-2026"})
		if r.Code != http.StatusNoContent {
			t.Fatalf("change password: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/auth/me", tok, nil); r.Code != http.StatusOK {
			t.Errorf("own session after password change: %d", r.Code)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/auth/me", second, nil); r.Code != http.StatusUnauthorized {
			t.Errorf("other session after password change: %d, want 401", r.Code)
		}
		wrong := e.Do(http.MethodPut, "/api/v1/t/haishu/auth/password", tok, map[string]string{"current_password": "nope-nope-nope", "new_password": "Whatever-2026"})
		if wrong.Code != http.StatusBadRequest {
			t.Errorf("wrong current password: %d, want 400", wrong.Code)
		}
		// Revoke-all ends every session; logout ends one.
		third := e.Login("haishu", "haishu-deputy", "Changed-Pass-2026")
		r = e.Do(http.MethodPost, "/api/v1/t/haishu/auth/logout-all", tok, nil)
		var rev api.RevokedJSON
		r.JSON(t, &rev)
		if rev.Revoked != 2 {
			t.Errorf("revoked %d sessions, want 2", rev.Revoked)
		}
		for _, s := range []string{tok, third} {
			if r := e.Do(http.MethodGet, "/api/v1/t/haishu/auth/me", s, nil); r.Code != http.StatusUnauthorized {
				t.Errorf("session after logout-all: %d", r.Code)
			}
		}
		fourth := e.Login("haishu", "haishu-deputy", "Changed-Pass-2026")
		if r := e.Do(http.MethodPost, "/api/v1/t/haishu/auth/logout", fourth, nil); r.Code != http.StatusNoContent {
			t.Errorf("logout: %d", r.Code)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/auth/me", fourth, nil); r.Code != http.StatusUnauthorized {
			t.Errorf("session after logout: %d", r.Code)
		}
	})
}

func TestCookieSession(t *testing.T) {
	e := apitest.New(t, "sqlite")
	r := e.Do(http.MethodPost, "/api/v1/t/haishu/auth/login", "", map[string]string{"username": "haishu-staff", "password": apitest.Password})
	c := r.Header.Get("Set-Cookie")
	for _, want := range []string{"renda_session=rs1.", "HttpOnly", "SameSite=Strict", "path=/"} {
		if !strings.Contains(c, want) {
			t.Errorf("Set-Cookie %q lacks %q", c, want)
		}
	}
	cookie := strings.SplitN(c, ";", 2)[0]
	if r := e.Do(http.MethodGet, "/api/v1/t/haishu/auth/me", "", nil, "Cookie", cookie); r.Code != http.StatusOK {
		t.Errorf("me with cookie: %d %s", r.Code, r.Body)
	}
}

func TestServiceAccountAPIKey(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Tokens["haishu/tenant_admin"]
		r := e.Do(http.MethodPost, "/api/v1/t/haishu/service-accounts", admin, map[string]any{"username": "grid-sync", "display_name": "四个平台同步", "roles": []string{"staff"}})
		var sa api.UserJSON
		r.JSON(t, &sa)
		r = e.Do(http.MethodPost, "/api/v1/t/haishu/service-accounts/"+sa.ID+"/keys", admin, map[string]any{"name": "production"})
		var key api.APIKeyJSON
		r.JSON(t, &key)
		if !strings.HasPrefix(key.Secret, "rk1.") {
			t.Fatalf("key secret %q", key.Secret)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies", key.Secret, nil); r.Code != http.StatusOK {
			t.Errorf("list with api key: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/jiangbei/deputies", key.Secret, nil); r.Code != http.StatusForbidden {
			t.Errorf("api key on another tenant: %d, want 403", r.Code)
		}
		list := e.Do(http.MethodGet, "/api/v1/t/haishu/service-accounts/"+sa.ID+"/keys", admin, nil)
		if strings.Contains(string(list.Body), key.Secret) {
			t.Error("key list shows the secret")
		}
		if r := e.Do(http.MethodDelete, "/api/v1/t/haishu/service-accounts/"+sa.ID+"/keys/"+key.ID, admin, nil); r.Code != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies", key.Secret, nil); r.Code != http.StatusUnauthorized {
			t.Errorf("revoked key: %d, want 401", r.Code)
		}
	})
}

// TestRoleEditsTakeEffect: a tenant admin grants a custom role, assigns it,
// and the grant works on the next request, without a restart.
func TestRoleEditsTakeEffect(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		admin, user := e.Tokens["haishu/tenant_admin"], e.Tokens["haishu/norole"]
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies", user, nil); r.Code != http.StatusForbidden {
			t.Fatalf("before grant: %d", r.Code)
		}
		r := e.Do(http.MethodPut, "/api/v1/t/haishu/roles/inspector", admin, map[string]any{"grants": []map[string]string{{"object": "deputies", "action": "read"}}})
		if r.Code != http.StatusOK {
			t.Fatalf("put role: %d %s", r.Code, r.Body)
		}
		bad := e.Do(http.MethodPut, "/api/v1/t/haishu/roles/inspector", admin, map[string]any{"grants": []map[string]string{{"object": "nuclear", "action": "launch"}}})
		if bad.Code != http.StatusBadRequest {
			t.Errorf("unknown permission: %d, want 400", bad.Code)
		}
		uid := e.Users["haishu/norole"].ID
		if r := e.Do(http.MethodPut, "/api/v1/t/haishu/users/"+uid+"/roles", admin, map[string]any{"roles": []string{"inspector"}}); r.Code != http.StatusOK {
			t.Fatalf("assign: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies", user, nil); r.Code != http.StatusOK {
			t.Errorf("after grant: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodPost, "/api/v1/t/haishu/deputies", user, map[string]any{"name": "x", "level": "district"}); r.Code != http.StatusForbidden {
			t.Errorf("write with read grant: %d, want 403", r.Code)
		}
		// The other district does not have the role.
		if r := e.Do(http.MethodPut, "/api/v1/t/jiangbei/users/"+e.Users["jiangbei/norole"].ID+"/roles", e.Tokens["jiangbei/tenant_admin"], map[string]any{"roles": []string{"inspector"}}); r.Code != http.StatusBadRequest {
			t.Errorf("assigning haishu's role in jiangbei: %d, want 400", r.Code)
		}
		if r := e.Do(http.MethodDelete, "/api/v1/t/haishu/roles/inspector", admin, nil); r.Code != http.StatusNoContent {
			t.Fatalf("delete role: %d", r.Code)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies", user, nil); r.Code != http.StatusForbidden {
			t.Errorf("after role deleted: %d, want 403", r.Code)
		}
		if r := e.Do(http.MethodDelete, "/api/v1/t/haishu/roles/staff", admin, nil); r.Code != http.StatusConflict {
			t.Errorf("delete built-in: %d, want 409", r.Code)
		}
		audit := e.Do(http.MethodGet, "/api/v1/t/haishu/audit?action=role.put", admin, nil)
		if !strings.Contains(string(audit.Body), "inspector") {
			t.Errorf("role edit not audited: %s", audit.Body)
		}
	})
}

func TestTenantExportDelete(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		pa := e.Tokens["ningbo/platform_admin"]
		if r := e.Do(http.MethodDelete, "/api/v1/platform/tenants/gulou", pa, nil); r.Code != http.StatusConflict {
			t.Errorf("delete active: %d, want 409", r.Code)
		}
		if r := e.Do(http.MethodPost, "/api/v1/platform/tenants/gulou/archive", pa, nil); r.Code != http.StatusOK {
			t.Fatalf("archive: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodDelete, "/api/v1/platform/tenants/gulou", pa, nil); r.Code != http.StatusConflict {
			t.Errorf("delete unexported: %d, want 409", r.Code)
		}
		exp := e.Do(http.MethodGet, "/api/v1/platform/tenants/gulou/export", pa, nil)
		if exp.Code != http.StatusOK || !strings.Contains(string(exp.Body), `"table":"users"`) || strings.Contains(string(exp.Body), "argon2id") {
			t.Fatalf("export: %d %.300s", exp.Code, exp.Body)
		}
		if r := e.Do(http.MethodPost, "/api/v1/platform/tenants/gulou/resume", pa, nil); r.Code != http.StatusConflict {
			t.Errorf("resume archived: %d, want 409", r.Code)
		}
		if r := e.Do(http.MethodDelete, "/api/v1/platform/tenants/gulou", pa, nil); r.Code != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodGet, "/api/v1/platform/tenants/gulou", pa, nil); r.Code != http.StatusNotFound {
			t.Errorf("after delete: %d", r.Code)
		}
		// The parent's chain records the deletion and still verifies.
		v := e.Do(http.MethodGet, "/api/v1/t/haishu/audit/verify", e.Tokens["haishu/tenant_admin"], nil)
		var res api.AuditVerificationJSON
		v.JSON(t, &res)
		if !res.OK {
			t.Errorf("haishu chain after child deletion: %+v", res)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/audit?action=tenant.delete", e.Tokens["haishu/tenant_admin"], nil); !strings.Contains(string(r.Body), "tenant.delete") {
			t.Errorf("deletion not in parent's audit: %s", r.Body)
		}
	})
}
