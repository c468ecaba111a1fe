package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/renda-platform/renda/api/apitest"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/store"
)

// TestEveryRouteDeclaresAccess walks fiber's own route table: a handler
// registered around the route table (and so without a declared permission)
// fails here.
func TestEveryRouteDeclaresAccess(t *testing.T) {
	e := apitest.New(t, store.SQLite)
	declared := map[string]string{}
	for _, r := range e.Server.Routes() {
		if r.Access.String() == "unset" {
			t.Errorf("%s %s: no access declared", r.Method, r.Path)
		}
		declared[r.Method+" /api/v1"+r.Path] = r.Access.String()
	}
	undocumented := map[string]bool{"GET /": true, "GET /healthz": true, "GET /readyz": true, "GET /api/v1/openapi.json": true}
	for _, fr := range e.Server.App().GetRoutes(true) {
		method := fr.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		key := method + " " + fr.Path
		if undocumented[key] {
			continue
		}
		if _, ok := declared[key]; !ok {
			t.Errorf("route %s is registered without a declared access", key)
		}
	}
}

// TestOpenAPIDescribesEveryRoute fails when a registered route is missing
// from /api/v1/openapi.json.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	e := apitest.New(t, store.SQLite)
	res := e.Do(http.MethodGet, "/api/v1/openapi.json", "", nil)
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	res.JSON(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	for _, fr := range e.Server.App().GetRoutes(true) {
		p, ok := strings.CutPrefix(fr.Path, "/api/v1")
		if !ok || p == "/openapi.json" || fr.Method == http.MethodHead {
			continue
		}
		oa := pathParamRE.ReplaceAllString(p, "{$1}")
		op, ok := doc.Paths[oa][strings.ToLower(fr.Method)]
		if !ok {
			t.Errorf("%s %s is missing from the OpenAPI document", fr.Method, oa)
			continue
		}
		if op["summary"] == "" || op["responses"] == nil {
			t.Errorf("%s %s: incomplete operation %v", fr.Method, oa, op)
		}
	}
}

// TestAuthorizationMatrix checks role × route → allowed/denied, with the
// expectation computed from each route's declared permission and each
// built-in role's grants.
func TestAuthorizationMatrix(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		roles, err := e.Authz.Roles(t.Context(), e.Tenants["haishu"])
		if err != nil {
			t.Fatal(err)
		}
		grants := map[string][]core.Permission{"norole": nil}
		for _, r := range roles {
			grants[r.Name] = r.Grants
		}
		checked := 0
		for _, r := range e.Server.Routes() {
			if strings.HasSuffix(r.Path, "/auth/login") {
				continue
			}
			path := "/api/v1" + fill(r.Path, "haishu")
			for _, role := range []string{"tenant_admin", "staff", "deputy", "norole"} {
				var want bool
				switch a := r.Access.String(); {
				case a == "public":
					want = true
				case a == "signed-in":
					if r.Method != http.MethodGet {
						continue // logout and password change end the session; tested on their own
					}
					want = true
				case strings.HasPrefix(a, "platform:"):
					want = false
				default:
					obj, act, _ := strings.Cut(a, ":")
					want = allows(grants[role], obj, act)
				}
				checked++
				res := e.Do(r.Method, path, e.Tokens["haishu/"+role], "{}")
				got := res.Code != http.StatusForbidden && res.Code != http.StatusUnauthorized
				if got != want {
					t.Errorf("%s %s as %s: status %d, allowed=%v, want allowed=%v (%s)", r.Method, r.Path, role, res.Code, got, want, res.Body)
				}
				if res.Code >= 500 {
					t.Errorf("%s %s as %s: %d %s", r.Method, r.Path, role, res.Code, res.Body)
				}
			}
			if r.Access.String() != "public" {
				if res := e.Do(r.Method, path, "", "{}"); res.Code != http.StatusUnauthorized {
					t.Errorf("%s %s without credentials: %d, want 401", r.Method, r.Path, res.Code)
				}
			}
		}
		if checked < 100 {
			t.Errorf("checked only %d role × route pairs", checked)
		}
		// Platform routes: only the platform administrator.
		for _, r := range e.Server.Routes() {
			if !strings.HasPrefix(r.Access.String(), "platform:") || r.Method != http.MethodGet {
				continue
			}
			path := "/api/v1" + fill(r.Path, "haishu")
			if res := e.Do(r.Method, path, e.Tokens["ningbo/platform_admin"], nil); res.Code == http.StatusForbidden {
				t.Errorf("%s %s as platform admin: 403", r.Method, r.Path)
			}
			if res := e.Do(r.Method, path, e.Tokens["ningbo/tenant_admin"], nil); res.Code != http.StatusForbidden {
				t.Errorf("%s %s as city tenant admin: %d, want 403", r.Method, r.Path, res.Code)
			}
		}
	})
}

func allows(grants []core.Permission, obj, act string) bool {
	for _, g := range grants {
		if (g.Object == "*" || g.Object == obj) && (g.Action == "*" || g.Action == act) {
			return true
		}
	}
	return false
}

// fill substitutes route parameters with values that exist nowhere.
func fill(path, tenant string) string {
	r := strings.NewReplacer(":tenant", tenant, ":slug", "nosuch", ":id", "0190b6a0-0000-7000-8000-000000000000",
		":key", "0190b6a0-0000-7000-8000-000000000001", ":name", "inspector")
	return r.Replace(path)
}
