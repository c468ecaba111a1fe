package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
)

// TestCongresses: anyone lists the active congresses with their public
// fields only; a suspended one drops out and comes back when resumed.
func TestCongresses(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		list := func() (api.CongressListJSON, []map[string]any) {
			res := e.Do(http.MethodGet, "/api/v1/congresses", "", nil)
			if res.Code != http.StatusOK {
				t.Fatalf("list: %d %s", res.Code, res.Body)
			}
			var out api.CongressListJSON
			res.JSON(t, &out)
			var raw struct {
				Items []map[string]any `json:"items"`
			}
			if err := json.Unmarshal(res.Body, &raw); err != nil {
				t.Fatal(err)
			}
			return out, raw.Items
		}
		got, raw := list()
		want := []api.CongressJSON{
			{Slug: "ningbo", NameZH: "宁波市人大常委会", NameEN: "Ningbo", Level: "city"},
			{Slug: "haishu", NameZH: "海曙区人大常委会", NameEN: "Haishu", Level: "district", Parent: "ningbo"},
			{Slug: "gulou", NameZH: "鼓楼街道人大工委", NameEN: "Gulou", Level: "township", Parent: "haishu"},
			{Slug: "jiangbei", NameZH: "江北区人大常委会", NameEN: "Jiangbei", Level: "district", Parent: "ningbo"},
		}
		for _, w := range want {
			if !slices.Contains(got.Items, w) {
				t.Errorf("missing %+v in %+v", w, got.Items)
			}
		}
		if len(got.Items) != len(want) {
			t.Errorf("%d congresses, want %d", len(got.Items), len(want))
		}
		for _, item := range raw {
			for k := range item {
				if !slices.Contains([]string{"slug", "name_zh", "name_en", "level", "parent"}, k) {
					t.Errorf("a congress shows %q to anyone", k)
				}
			}
		}
		admin := e.Tokens["ningbo/platform_admin"]
		if res := e.Do(http.MethodPost, "/api/v1/platform/tenants/jiangbei/suspend", admin, nil); res.Code != http.StatusOK {
			t.Fatalf("suspend: %d %s", res.Code, res.Body)
		}
		if got, _ := list(); slices.ContainsFunc(got.Items, func(c api.CongressJSON) bool { return c.Slug == "jiangbei" }) {
			t.Errorf("suspended jiangbei is listed")
		}
		e.Do(http.MethodPost, "/api/v1/platform/tenants/jiangbei/resume", admin, nil)
		if got, _ := list(); !slices.ContainsFunc(got.Items, func(c api.CongressJSON) bool { return c.Slug == "jiangbei" }) {
			t.Errorf("resumed jiangbei is not listed")
		}
	})
}
