package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
)

// TestPublicDeputy: the deputy-code page shows an active deputy to anyone
// without their contacts, and nothing of suspended deputies or of another
// congress's deputies.
func TestPublicDeputy(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Tokens["haishu/tenant_admin"]
		in := map[string]string{"name": "陈静", "level": "district", "delegation": "鼓楼街道代表团", "constituency": "第三选区",
			"occupation": "社区医生", "phone": "13800138000", "email": "chen@example.cn"}
		r := e.Do(http.MethodPost, "/api/v1/t/haishu/deputies", admin, in)
		if r.Code != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Code, r.Body)
		}
		var d api.DeputyJSON
		r.JSON(t, &d)
		page := "/api/v1/t/haishu/public/deputies/" + d.ID

		r = e.Do(http.MethodGet, page, "", nil)
		if r.Code != http.StatusOK {
			t.Fatalf("public page: %d %s", r.Code, r.Body)
		}
		var p api.PublicDeputyJSON
		r.JSON(t, &p)
		if p.Name != "陈静" || p.Constituency != "第三选区" || p.Tenant.Slug != "haishu" || p.Tenant.NameZH == "" || p.HasPhoto || p.PhotoURL != "" || p.Contact == nil {
			t.Errorf("public page: %+v", p)
		}
		for _, secret := range []string{"13800138000", "chen@example.cn", "138", "example.cn"} {
			if strings.Contains(string(r.Body), secret) {
				t.Errorf("the public page shows %q: %s", secret, r.Body)
			}
		}
		if r := e.Do(http.MethodGet, page+"/photo", "", nil); r.Code != http.StatusNotFound {
			t.Errorf("photo of a deputy without one: %d, want 404", r.Code)
		}
		// Another congress's address does not reach haishu's deputy.
		if r := e.Do(http.MethodGet, "/api/v1/t/jiangbei/public/deputies/"+d.ID, "", nil); r.Code != http.StatusNotFound {
			t.Errorf("through jiangbei: %d, want 404", r.Code)
		}
		if r := e.Do(http.MethodGet, "/api/v1/t/haishu/public/deputies/not-an-id", "", nil); r.Code != http.StatusNotFound && r.Code != http.StatusBadRequest {
			t.Errorf("a malformed id: %d", r.Code)
		}
		// A suspended deputy has no public page.
		in["status"] = "suspended"
		if r := e.Do(http.MethodPut, "/api/v1/t/haishu/deputies/"+d.ID, admin, in); r.Code != http.StatusOK {
			t.Fatalf("suspend: %d %s", r.Code, r.Body)
		}
		for _, lang := range []string{"en", "zh-CN"} {
			r := e.Do(http.MethodGet, page, "", nil, "Accept-Language", lang)
			if r.Code != http.StatusNotFound {
				t.Fatalf("suspended deputy: %d, want 404", r.Code)
			}
			if p := problemOf(t, r); p.Detail != map[string]string{"en": "No such deputy.", "zh-CN": "找不到该代表。"}[lang] {
				t.Errorf("%s: %q", lang, p.Detail)
			}
		}
	})
}
