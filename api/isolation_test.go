package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
)

// resources creates one of everything in tenant slug as its admin and
// returns the values for each route parameter.
func resources(t *testing.T, e *apitest.Env, slug string) map[string]string {
	t.Helper()
	tok := e.Tokens[slug+"/tenant_admin"]
	post := func(path string, body any) map[string]any {
		res := e.Do(http.MethodPost, "/api/v1/t/"+slug+path, tok, body)
		if res.Code != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", path, res.Code, res.Body)
		}
		var m map[string]any
		res.JSON(t, &m)
		return m
	}
	dep := post("/deputies", map[string]any{"name": "李秀英", "level": "district", "phone": "13900000000"})
	post(fmt.Sprintf("/deputies/%s/activities", dep["id"]), map[string]any{"kind": "meeting.attend", "title": "列席常委会会议", "occurred_at": "2026-07-25T09:30:00+08:00"})
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	if res := e.Do(http.MethodPut, fmt.Sprintf("/api/v1/t/%s/deputies/%s/photo", slug, dep["id"]), tok, png); res.Code != http.StatusNoContent {
		t.Fatalf("photo: %d %s", res.Code, res.Body)
	}
	sa := post("/service-accounts", map[string]any{"username": slug + "-grid", "display_name": "四个平台对接"})
	key := post(fmt.Sprintf("/service-accounts/%s/keys", sa["id"]), map[string]any{"name": "grid"})
	if res := e.Do(http.MethodPut, "/api/v1/t/"+slug+"/roles/inspector", tok, map[string]any{"grants": []map[string]string{{"object": "deputies", "action": "read"}}}); res.Code != http.StatusOK {
		t.Fatalf("put role: %d %s", res.Code, res.Body)
	}
	dept := post("/departments", map[string]any{"code": "zjj", "name_zh": "住房和城乡建设局", "name_en": "Housing and Urban-Rural Development Bureau"})
	return map[string]string{"department": dept["id"].(string), "deputy": dep["id"].(string), "user": e.Users[slug+"/staff"].ID, "sa": sa["id"].(string), "key": key["id"].(string)}
}

// TestCrossTenant: for every tenant-scoped route, what tenant A made is
// invisible (404) and immutable from tenant B, even with A's real ids; B's
// credentials on A's address are refused; a city reads its districts but
// never writes them; a district never reads its sibling or its parent.
func TestCrossTenant(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		ids := resources(t, e, "haishu")
		before := e.Do(http.MethodGet, "/api/v1/t/haishu/audit?limit=200", e.Tokens["haishu/tenant_admin"], nil)
		var auditBefore api.PageJSON[api.AuditEntryJSON]
		before.JSON(t, &auditBefore)
		bodies := map[string]any{
			"/t/:tenant/deputies/:id":                   map[string]any{"name": "改名", "level": "district"},
			"/t/:tenant/deputies/:id/activities":        map[string]any{"kind": "x", "title": "x", "occurred_at": "2026-07-25T09:30:00+08:00"},
			"/t/:tenant/users/:id":                      map[string]any{"display_name": "改名"},
			"/t/:tenant/users/:id/reset-password":       map[string]any{"password": "Another-Pass-99"},
			"/t/:tenant/users/:id/roles":                map[string]any{"roles": []string{"staff"}},
			"/t/:tenant/service-accounts/:id/keys":      map[string]any{"name": "stolen"},
			"/t/:tenant/deputies/:id/photo":             []byte("\x89PNG\r\n\x1a\n0000"),
			"/t/:tenant/service-accounts/:id/keys/:key": nil,
			"/t/:tenant/departments/:id":                map[string]any{"code": "cgj", "name_zh": "城管局"},
		}
		checked := 0
		for _, r := range e.Server.Routes() {
			if !strings.Contains(r.Path, ":id") || !strings.HasPrefix(r.Path, "/t/") {
				continue
			}
			id := ids["deputy"]
			switch {
			case strings.HasPrefix(r.Path, "/t/:tenant/users"):
				id = ids["user"]
			case strings.HasPrefix(r.Path, "/t/:tenant/service-accounts"):
				id = ids["sa"]
			case strings.HasPrefix(r.Path, "/t/:tenant/departments"):
				id = ids["department"]
			}
			path := strings.NewReplacer(":id", id, ":key", ids["key"]).Replace(r.Path)
			body := bodies[r.Path]
			// B addressing its own tenant with A's ids: not found.
			res := e.Do(r.Method, "/api/v1"+strings.Replace(path, ":tenant", "jiangbei", 1), e.Tokens["jiangbei/tenant_admin"], body)
			if res.Code != http.StatusNotFound {
				t.Errorf("%s %s from jiangbei with haishu's id: %d, want 404 (%s)", r.Method, r.Path, res.Code, res.Body)
			}
			// B addressing A: refused (a public route ignores B's credentials
			// and answers as to anyone).
			res = e.Do(r.Method, "/api/v1"+strings.Replace(path, ":tenant", "haishu", 1), e.Tokens["jiangbei/tenant_admin"], body)
			if res.Code != http.StatusForbidden && r.Access.String() != "public" {
				t.Errorf("%s %s on haishu with jiangbei's token: %d, want 403", r.Method, r.Path, res.Code)
			}
			// The parent city: reads allowed, writes refused.
			res = e.Do(r.Method, "/api/v1"+strings.Replace(path, ":tenant", "haishu", 1), e.Tokens["ningbo/tenant_admin"], body)
			// (Scene files need a scene the congress runs: TestSceneFiles.)
			if r.Method == http.MethodGet && res.Code != http.StatusOK && !strings.Contains(r.Path, ":scene") {
				t.Errorf("city admin GET %s on haishu: %d, want 200 (%s)", r.Path, res.Code, res.Body)
			}
			if r.Method != http.MethodGet && res.Code != http.StatusForbidden {
				t.Errorf("city admin %s %s on haishu: %d, want 403", r.Method, r.Path, res.Code)
			}
			checked++
		}
		if checked < 10 {
			t.Fatalf("only %d routes with ids checked", checked)
		}
		// Lists never show another tenant's rows.
		for _, list := range []string{"/deputies", "/users", "/service-accounts", "/audit", "/roles", "/departments"} {
			res := e.Do(http.MethodGet, "/api/v1/t/jiangbei"+list, e.Tokens["jiangbei/tenant_admin"], nil)
			for _, v := range ids {
				if strings.Contains(string(res.Body), v) {
					t.Errorf("jiangbei %s shows haishu's %s", list, v)
				}
			}
		}
		// Upwards and sideways reads are refused; downwards reads work.
		for _, c := range []struct {
			token, path string
			want        int
		}{
			{"haishu/staff", "/api/v1/t/ningbo/deputies", http.StatusForbidden},
			{"haishu/staff", "/api/v1/t/jiangbei/deputies", http.StatusForbidden},
			{"haishu/staff", "/api/v1/t/gulou/deputies", http.StatusOK},
			{"jiangbei/staff", "/api/v1/t/gulou/deputies", http.StatusForbidden},
			{"ningbo/staff", "/api/v1/t/gulou/deputies", http.StatusOK},
			{"ningbo/deputy", "/api/v1/t/haishu/deputies", http.StatusForbidden},
		} {
			if res := e.Do(http.MethodGet, c.path, e.Tokens[c.token], nil); res.Code != c.want {
				t.Errorf("%s GET %s: %d, want %d", c.token, c.path, res.Code, c.want)
			}
		}
		// The city-wide list includes the district's deputy.
		res := e.Do(http.MethodGet, "/api/v1/t/ningbo/deputies?scope=descendants", e.Tokens["ningbo/staff"], nil)
		if !strings.Contains(string(res.Body), ids["deputy"]) {
			t.Errorf("city-wide list lacks haishu's deputy: %d %s", res.Code, res.Body)
		}
		if res := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies?scope=descendants", e.Tokens["haishu/deputy"], nil); res.Code != http.StatusForbidden {
			t.Errorf("deputy widening to descendants: %d, want 403", res.Code)
		}
		// Nothing of haishu changed: its deputy keeps its name, its audit
		// log has no new entry.
		got := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies/"+ids["deputy"], e.Tokens["haishu/staff"], nil)
		var d api.DeputyJSON
		got.JSON(t, &d)
		if d.Name != "李秀英" {
			t.Errorf("haishu's deputy was renamed to %q", d.Name)
		}
		after := e.Do(http.MethodGet, "/api/v1/t/haishu/audit?limit=200", e.Tokens["haishu/tenant_admin"], nil)
		var auditAfter api.PageJSON[api.AuditEntryJSON]
		after.JSON(t, &auditAfter)
		if len(auditAfter.Items) != len(auditBefore.Items) {
			t.Errorf("haishu's audit log grew from %d to %d entries", len(auditBefore.Items), len(auditAfter.Items))
		}
	})
}

// TestIdempotentPOST: ten concurrent POSTs with one Idempotency-Key create
// exactly one row, and all ten get the same answer.
func TestIdempotentPOST(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		tok := e.Tokens["haishu/staff"]
		body := map[string]any{"name": "陈海燕", "level": "district"}
		var wg sync.WaitGroup
		ids := make([]string, 10)
		codes := make([]int, 10)
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := e.Do(http.MethodPost, "/api/v1/t/haishu/deputies", tok, body, "Idempotency-Key", "phone-retry-1")
				codes[i] = res.Code
				var d api.DeputyJSON
				_ = jsonUnmarshal(res.Body, &d)
				ids[i] = d.ID
			}()
		}
		wg.Wait()
		for i := range 10 {
			if codes[i] != http.StatusCreated || ids[i] == "" || ids[i] != ids[0] {
				t.Errorf("request %d: %d id %q, want 201 with id %q", i, codes[i], ids[i], ids[0])
			}
		}
		res := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies?q=陈海燕", tok, nil)
		var page api.PageJSON[api.DeputyJSON]
		res.JSON(t, &page)
		if len(page.Items) != 1 {
			t.Errorf("got %d deputies, want exactly 1", len(page.Items))
		}
		// The same key with another body is refused, and writes nothing.
		other := e.Do(http.MethodPost, "/api/v1/t/haishu/deputies", tok, map[string]any{"name": "别人", "level": "district"}, "Idempotency-Key", "phone-retry-1")
		if other.Code != http.StatusUnprocessableEntity {
			t.Errorf("reused key with another body: %d, want 422", other.Code)
		}
		// A secret is never replayed.
		sa := e.Do(http.MethodPost, "/api/v1/t/haishu/service-accounts", e.Tokens["haishu/tenant_admin"], map[string]any{"username": "grid-sync", "display_name": "grid"})
		var u api.UserJSON
		sa.JSON(t, &u)
		k1 := e.Do(http.MethodPost, "/api/v1/t/haishu/service-accounts/"+u.ID+"/keys", e.Tokens["haishu/tenant_admin"], map[string]any{"name": "k"}, "Idempotency-Key", "key-1")
		k2 := e.Do(http.MethodPost, "/api/v1/t/haishu/service-accounts/"+u.ID+"/keys", e.Tokens["haishu/tenant_admin"], map[string]any{"name": "k"}, "Idempotency-Key", "key-1")
		if k1.Code != http.StatusCreated || k2.Code != http.StatusConflict {
			t.Errorf("api key with retried key: %d then %d, want 201 then 409", k1.Code, k2.Code)
		}
	})
}
