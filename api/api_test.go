package api_test

import (
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/core/store/storetest"
)

// eachDialect runs fn against a fresh API on every store.
func eachDialect(t *testing.T, fn func(t *testing.T, e *apitest.Env)) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, apitest.New(t, d))
		})
	}
}

func problemOf(t *testing.T, r *apitest.Response) api.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body)
	}
	var p api.Problem
	r.JSON(t, &p)
	if p.Status != r.Code || p.Type == "" || p.Title == "" || p.Detail == "" || p.Code == "" {
		t.Fatalf("incomplete problem %+v for status %d", p, r.Code)
	}
	return p
}

func TestDeputyLifecycle(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		tok := e.Tokens["haishu/staff"]
		res := e.Do(http.MethodPost, "/api/v1/t/haishu/deputies", tok, map[string]any{
			"name": "王建国", "level": "district", "delegation": "海曙区代表团", "phone": "13805741234", "email": "wjg@example.cn"})
		if res.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Code, res.Body)
		}
		var d api.DeputyJSON
		res.JSON(t, &d)
		list := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies?q=建国", tok, nil)
		var page api.PageJSON[api.DeputyJSON]
		list.JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].Phone != "138****1234" || page.Items[0].Email != "w***@example.cn" {
			t.Fatalf("list: got %+v, want one deputy with masked contacts", page.Items)
		}
		one := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies/"+d.ID, tok, nil)
		var got api.DeputyJSON
		one.JSON(t, &got)
		if got.Phone != "13805741234" {
			t.Errorf("detail phone = %q, want full number", got.Phone)
		}
		// English problem for bad input, nothing written.
		bad := e.Do(http.MethodPost, "/api/v1/t/haishu/deputies", tok, map[string]any{"name": "", "level": "galaxy"}, "Accept-Language", "en")
		p := problemOf(t, bad)
		if bad.Code != http.StatusBadRequest || len(p.Errors) != 2 || !strings.Contains(p.Errors[0].Detail, "required") {
			t.Errorf("bad input: %d %+v", bad.Code, p)
		}
		zh := e.Do(http.MethodPost, "/api/v1/t/haishu/deputies", tok, map[string]any{"name": "", "level": "district"})
		if p := problemOf(t, zh); p.Errors[0].Detail != "此项必填。" {
			t.Errorf("zh detail = %q", p.Errors[0].Detail)
		}
	})
}

func TestSuspendCutsSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		tok := e.Tokens["haishu/staff"]
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies", tok, nil); r.Code != http.StatusOK {
			t.Fatalf("before: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodPost, "/api/v1/platform/tenants/haishu/suspend", e.Tokens["ningbo/platform_admin"], nil); r.Code != http.StatusOK {
			t.Fatalf("suspend: %d %s", r.Code, r.Body)
		}
		r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies", tok, nil)
		if p := problemOf(t, r); r.Code != http.StatusForbidden || p.Code != "tenant.suspended" {
			t.Fatalf("after suspend: %d %+v", r.Code, p)
		}
		login := e.Do(http.MethodPost, "/api/v1/t/haishu/auth/login", "", map[string]string{"username": "haishu-staff", "password": apitest.Password})
		if login.Code != http.StatusForbidden {
			t.Errorf("login while suspended: %d", login.Code)
		}
		if r := e.Do(http.MethodPost, "/api/v1/platform/tenants/haishu/resume", e.Tokens["ningbo/platform_admin"], nil); r.Code != http.StatusOK {
			t.Fatalf("resume: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies", tok, nil); r.Code != http.StatusUnauthorized {
			t.Errorf("old session after resume: %d, want 401 (sessions were revoked)", r.Code)
		}
	})
}

var pathParamRE = regexp.MustCompile(`:([a-zA-Z_]+)`)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func storeDialect(d string) store.Dialect { return store.Dialect(d) }

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
