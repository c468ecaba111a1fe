package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
)

// countDeputies counts haishu's deputies through the API, page by page.
func countDeputies(t *testing.T, e *apitest.Env) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies?limit=200&cursor="+cursor, e.Tokens["haishu/staff"], nil)
		if r.Code != http.StatusOK {
			t.Fatalf("count deputies: %d %s", r.Code, r.Body)
		}
		var page api.PageJSON[api.DeputyJSON]
		r.JSON(t, &page)
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		cursor = page.NextCursor
	}
}

// roundTrip checks that a created deputy's name comes back verbatim, from
// the create response and from a fresh read.
func roundTrip(name string) func(t *testing.T, e *apitest.Env, r *apitest.Response) {
	return func(t *testing.T, e *apitest.Env, r *apitest.Response) {
		var d api.DeputyJSON
		r.JSON(t, &d)
		if d.Name != name {
			t.Errorf("created name %q, want %q", d.Name, name)
		}
		got := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies/"+d.ID, e.Tokens["haishu/staff"], nil)
		var again api.DeputyJSON
		got.JSON(t, &again)
		if got.Code != http.StatusOK || again.Name != name {
			t.Errorf("read back: %d name %q, want 200 %q", got.Code, again.Name, name)
		}
	}
}

// TestBadInput sends hostile and broken requests to the deputy endpoints:
// each must be refused with a 4xx problem and write nothing; the two
// hostile-looking but valid names must be stored and returned verbatim.
func TestBadInput(t *testing.T) {
	const path = "/api/v1/t/haishu/deputies"
	valid := `{"name":"王建国","level":"district"}`
	sqlName := "'; DROP TABLE deputies; --"
	scriptName := "<script>alert(1)</script>"
	tests := []struct {
		name   string
		method string                                    // default POST
		path   string                                    // default path
		token  string                                    // "slug/role" in e.Tokens, a literal token, or ""
		mint   func(t *testing.T, e *apitest.Env) string // makes the token instead
		body   any
		header []string
		before func(t *testing.T, e *apitest.Env)
		status int
		code   string // problem code; "" for a success
		check  func(t *testing.T, e *apitest.Env, r *apitest.Response)
	}{
		{name: "malformed json", token: "haishu/staff", body: `{"name":"王建国",`, status: 400, code: "body.malformed"},
		{name: "not json at all", token: "haishu/staff", body: `name=王建国`, status: 400, code: "body.malformed"},
		{name: "empty body", token: "haishu/staff", body: ` `, status: 400, code: "body.empty"},
		{name: "null", token: "haishu/staff", body: `null`, status: 400, code: "validation.failed"},
		{name: "array", token: "haishu/staff", body: `[]`, status: 400, code: "validation.failed"},
		{name: "trailing data", token: "haishu/staff", body: valid + ` {}`, status: 400, code: "body.trailing"},
		{name: "number for name", token: "haishu/staff", body: `{"name":123,"level":"district"}`, status: 400, code: "validation.failed"},
		{name: "object for level", token: "haishu/staff", body: `{"name":"王建国","level":{"x":1}}`, status: 400, code: "validation.failed"},
		{name: "nested 20000 deep", token: "haishu/staff", body: `{"name":` + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + `}`, status: 400, code: "body.malformed"},
		{name: "unknown field", token: "haishu/staff", body: `{"name":"王建国","level":"district","salary":1}`, status: 400, code: "validation.failed"},
		{name: "oversize body", token: "haishu/staff", body: `{"name":"` + strings.Repeat("x", 300<<10) + `","level":"district"}`, status: 413, code: "body.too_large"},
		{name: "invalid utf-8", token: "haishu/staff", body: []byte("{\"name\":\"\xff\xfe\",\"level\":\"district\"}"), status: 400, code: "body.invalid_utf8"},
		{name: "10000-char name", token: "haishu/staff", body: map[string]string{"name": strings.Repeat("王", 10_000), "level": "district"}, status: 400, code: "validation.failed"},
		{name: "nul in name", token: "haishu/staff", body: map[string]string{"name": "王\x00建国", "level": "district"}, status: 400, code: "validation.failed"},
		{name: "bad idempotency key", token: "haishu/staff", body: valid, header: []string{"Idempotency-Key", "has space"}, status: 400, code: "idempotency.key_invalid"},
		{name: "unknown tenant", path: "/api/v1/t/nosuch/deputies", token: "haishu/staff", body: valid, status: 404, code: "tenant.not_found"},
		{name: "forged short token", token: "rs1." + strings.Repeat("0", 32) + ".forged", body: valid, status: 401, code: "auth.bad_token"},
		{name: "forged token of unknown tenant", token: "rs1." + strings.Repeat("ab", 16) + "." + strings.Repeat("A", 43), body: valid, status: 401, code: "auth.bad_token"},
		{name: "forged token of this tenant", body: valid, status: 401, code: "auth.bad_token",
			mint: func(t *testing.T, e *apitest.Env) string {
				return "rs1." + strings.ReplaceAll(e.Tenants["haishu"].ID, "-", "") + "." + strings.Repeat("A", 43)
			}},
		{name: "expired session", body: valid, status: 401, code: "auth.bad_token",
			mint: func(t *testing.T, e *apitest.Env) string {
				e.DB.SetClock(func() time.Time { return time.Now().Add(-13 * time.Hour) })
				defer e.DB.SetClock(time.Now)
				return e.Login("haishu", "haishu-staff", apitest.Password)
			}},
		{name: "another tenant's token", token: "jiangbei/staff", body: valid, status: 403, code: "auth.wrong_tenant"},
		{name: "missing permission", token: "haishu/deputy", body: valid, status: 403, code: "auth.forbidden"},
		{name: "missing token", body: valid, status: 401, code: "auth.required"},
		{name: "bad cursor", method: http.MethodGet, path: path + "?cursor=!!!", token: "haishu/staff", status: 400, code: "validation.failed"},
		{name: "limit 0", method: http.MethodGet, path: path + "?limit=0", token: "haishu/staff", status: 400, code: "validation.failed"},
		{name: "limit 1000", method: http.MethodGet, path: path + "?limit=1000", token: "haishu/staff", status: 400, code: "validation.failed"},
		{name: "sql-looking name is just a name", token: "haishu/staff", body: map[string]string{"name": sqlName, "level": "district"},
			status: 201, check: roundTrip(sqlName)},
		{name: "script name is stored verbatim and escaped", token: "haishu/staff", body: map[string]string{"name": scriptName, "level": "district"},
			status: 201, check: func(t *testing.T, e *apitest.Env, r *apitest.Response) {
				if bytes.Contains(r.Body, []byte("<script>")) || !bytes.Contains(r.Body, []byte(`\u003cscript\u003e`)) {
					t.Errorf("response body %s: want <script> escaped as \\u003cscript\\u003e", r.Body)
				}
				roundTrip(scriptName)(t, e, r)
			}},
		// Last: suspending jiangbei would change the answer to its tokens above.
		{name: "suspended tenant", path: "/api/v1/t/jiangbei/deputies", token: "jiangbei/staff", body: valid, status: 403, code: "tenant.suspended",
			before: func(t *testing.T, e *apitest.Env) {
				r := e.Do(http.MethodPost, "/api/v1/platform/tenants/jiangbei/suspend", e.Tokens["ningbo/platform_admin"], nil)
				if r.Code != http.StatusOK {
					t.Fatalf("suspend jiangbei: %d %s", r.Code, r.Body)
				}
			}},
	}
	eachDialect(t, func(t *testing.T, env *apitest.Env) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				e := *env
				e.T = t
				if tc.before != nil {
					tc.before(t, &e)
				}
				method, p, tok := tc.method, tc.path, tc.token
				if method == "" {
					method = http.MethodPost
				}
				if p == "" {
					p = path
				}
				if v, ok := e.Tokens[tok]; ok {
					tok = v
				}
				if tc.mint != nil {
					tok = tc.mint(t, &e)
				}
				before := countDeputies(t, &e)
				r := e.Do(method, p, tok, tc.body, tc.header...)
				if r.Code != tc.status {
					t.Fatalf("status %d, want %d; body %.300s", r.Code, tc.status, r.Body)
				}
				wantDelta := 0
				if tc.code != "" {
					if p := problemOf(t, r); p.Code != tc.code {
						t.Errorf("problem code %q, want %q (%s)", p.Code, tc.code, p.Detail)
					}
				} else {
					wantDelta = 1
					tc.check(t, &e, r)
				}
				if after := countDeputies(t, &e); after != before+wantDelta {
					t.Errorf("deputies of haishu: %d before, %d after; want %d after", before, after, before+wantDelta)
				}
			})
		}
	})
}
