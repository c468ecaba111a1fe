package scene_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/renda-platform/renda/plugins/scene"
)

// pagedManifest returns a valid manifest with one page of each kind.
func pagedManifest() scene.Manifest {
	m := goodManifest()
	m.Routes = append(m.Routes,
		scene.RouteDef{Method: "GET", Path: "/notices/{id}", Permission: "notices:read"},
		scene.RouteDef{Method: "POST", Path: "/notices", Permission: "notices:write"},
		scene.RouteDef{Method: "POST", Path: "/photos", Permission: "notices:write"},
		scene.RouteDef{Method: "GET", Path: "/stats", Permission: "notices:read"},
	)
	confirm := scene.L("确定？", "Sure?")
	m.Pages = []scene.Page{
		{ID: "notices", Title: scene.L("公告", "Notices"), Kind: scene.PageList, Permission: "notices:read", Menu: true,
			Audience: []string{scene.AudienceStaff},
			List: &scene.ListPage{Source: "GET /notices?sort=due", Search: "q",
				Columns: []scene.Column{{Field: "title", Title: scene.L("标题", "Title"), Type: scene.TypeText, Link: "notice"}},
				Filters: []scene.ListFilter{{Param: "status", Title: scene.L("状态", "Status"), Type: scene.FilterSelect,
					Options: []scene.Option{{Value: "draft", Title: scene.L("草稿", "Draft")}}}},
				Actions:    []scene.Action{{ID: "new", Title: scene.L("新建", "New"), Page: "new"}},
				RowActions: []scene.Action{{ID: "edit", Title: scene.L("改", "Edit"), Call: "PUT /notices/{id}", Confirm: &confirm}},
			}},
		{ID: "notice", Title: scene.L("公告", "Notice"), Kind: scene.PageDetail,
			Detail: &scene.DetailPage{Source: "GET /notices/{id}", TitleField: "title",
				Fields:      []scene.DetailField{{Field: "grid.status", Title: scene.L("状态", "Status"), Type: scene.TypeStatus}},
				Timeline:    &scene.Timeline{Field: "timeline", At: "at", Actor: "actor_name", State: "to", Note: "note"},
				Attachments: []scene.Attachments{{Field: "photos", Title: scene.L("报告照片", "Photos reported"), Tenant: "tenant"}, {Field: "after_photos"}},
				Map:         &scene.MapPoint{Lat: "lat", Lng: "lng", Label: "address"},
				Tables: []scene.Table{{Field: "lines", Title: scene.L("明细", "Lines"),
					Columns: []scene.Column{{Field: "approve", Title: scene.L("赞成", "Approve"), Type: scene.TypeNumber}}}},
				Actions: []scene.Action{{ID: "publish", Title: scene.L("发布", "Publish"), Call: "PUT /notices/{id}",
					Body: map[string]any{"publish": true}, VisibleIf: &scene.Condition{Field: "status", In: []any{"draft"}},
					Form: &scene.ActionForm{Schema: json.RawMessage(`{"type":"object","properties":{"note":{"type":"string"}}}`),
						UI: map[string]scene.Widget{"note": {Widget: scene.WidgetTextarea}}}},
					{ID: "vote", Title: scene.L("投票", "Vote"), Call: "PUT /notices/{id}", Confirm: &confirm, Params: map[string]string{"id": "notice.id"},
						Form: &scene.ActionForm{Source: "GET /notices/{id}",
							Schema: json.RawMessage(`{"type":"object","properties":{"choices":{"type":"object","additionalProperties":{"enum":["yes","no"]}},` +
								`"selected":{"type":"array","items":{"type":"string"}},"rows":{"type":"array","items":{"type":"object","properties":{"who":{"type":"string"}}}}}}`),
							UI: map[string]scene.Widget{
								"choices": {Widget: scene.WidgetChoices,
									Items:     &scene.Items{Source: "GET /notices", Label: "title", In: "ballot.candidates"},
									VisibleIf: &scene.Condition{Field: "rules.mode", In: []any{"per_item"}}},
								"selected": {Widget: scene.WidgetChecklist, Max: "rules.k",
									Items: &scene.Items{Source: "GET /notices", If: &scene.Condition{Field: "status", In: []any{"open"}}}},
								"rows": {Properties: map[string]scene.Widget{"who": {Widget: scene.WidgetSelect, Items: &scene.Items{Source: "GET /notices"}}}},
							}},
						Result: &scene.ActionResult{Title: scene.L("回执", "Receipt"), Note: &confirm,
							Fields: []scene.DetailField{{Field: "receipt", Title: scene.L("回执", "Receipt"), Type: scene.TypeText}}}}},
			}},
		{ID: "new", Title: scene.L("新建", "New"), Kind: scene.PageForm, Permission: "notices:write",
			Form: &scene.FormPage{Submit: "POST /notices", Then: "notice",
				Schema: json.RawMessage(`{"type":"object","properties":{"title":{"type":"string"},"photos":{"type":"array"}}}`),
				UI:     map[string]scene.Widget{"photos": {Widget: scene.WidgetPhotos, Upload: "POST /photos"}}}},
		{ID: "overview", Title: scene.L("概况", "Overview"), Kind: scene.PageDashboard, Menu: true,
			Dashboard: &scene.DashboardPage{
				Cards:  []scene.Card{{Title: scene.L("总数", "Total"), Source: "GET /stats", Field: "on_time.rate", Format: scene.FormatPercent}},
				Charts: []scene.Chart{{Title: scene.L("按状态", "By state"), Source: "GET /stats", Type: scene.ChartBar, Items: "by_state", X: "name", Y: "count"}},
			}},
	}
	return m
}

func TestPagesValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(m *scene.Manifest)
		want   string // in the error; "" for valid pages
	}{
		{"good", func(*scene.Manifest) {}, ""},
		{"duplicate id", func(m *scene.Manifest) { m.Pages[1].ID = "notices" }, "page notices: declared twice"},
		{"bad id", func(m *scene.Manifest) { m.Pages[0].ID = "My Notices" }, `page "My Notices": lowercase id`},
		{"no English title", func(m *scene.Manifest) { m.Pages[0].Title.EN = "" }, "page notices: title: both zh and en"},
		{"unknown kind", func(m *scene.Manifest) { m.Pages[0].Kind = "table" }, `unknown kind "table"`},
		{"kind and body disagree", func(m *scene.Manifest) { m.Pages[0].Kind = scene.PageDetail }, "a detail page sets detail and nothing else"},
		{"undefined permission", func(m *scene.Manifest) { m.Pages[0].Permission = "notices:delete" }, `page notices: permission "notices:delete" is not defined`},
		{"unknown audience", func(m *scene.Manifest) { m.Pages[0].Audience = []string{"public"} }, `unknown audience "public"`},
		{"source not a route", func(m *scene.Manifest) { m.Pages[0].List.Source = "GET /items" }, `source: "GET /items" is not a route of this scene`},
		{"source not a GET", func(m *scene.Manifest) { m.Pages[0].List.Source = "POST /notices" }, `source: "POST /notices": want GET`},
		{"source malformed", func(m *scene.Manifest) { m.Pages[0].List.Source = "/notices" }, `want "METHOD /path"`},
		{"submit a GET", func(m *scene.Manifest) { m.Pages[2].Form.Submit = "GET /notices" }, "want POST, PUT, PATCH or DELETE"},
		{"no columns", func(m *scene.Manifest) { m.Pages[0].List.Columns = nil }, "a list needs columns"},
		{"unknown column type", func(m *scene.Manifest) { m.Pages[0].List.Columns[0].Type = "html" }, `unknown type "html"`},
		{"link to a form", func(m *scene.Manifest) { m.Pages[0].List.Columns[0].Link = "new" }, `link "new" is not a detail page`},
		{"bad field", func(m *scene.Manifest) { m.Pages[0].List.Columns[0].Field = "a b" }, `"a b": want a field name`},
		{"select without options", func(m *scene.Manifest) { m.Pages[0].List.Filters[0].Options = nil }, "a select needs options"},
		{"option without English", func(m *scene.Manifest) { m.Pages[0].List.Filters[0].Options[0].Title.EN = "" }, "option draft: both zh and en"},
		{"action both call and page", func(m *scene.Manifest) { m.Pages[0].List.Actions[0].Call = "POST /notices" }, "either calls a route or opens a page"},
		{"action opens no page", func(m *scene.Manifest) { m.Pages[0].List.Actions[0].Page = "gone" }, `page "gone" is not a page`},
		{"action calls an unknown route", func(m *scene.Manifest) { m.Pages[0].List.RowActions[0].Call = "POST /notices/{id}/x" }, "is not a route of this scene"},
		{"action without Chinese confirm", func(m *scene.Manifest) { m.Pages[0].List.RowActions[0].Confirm = &scene.Label{EN: "Sure?"} }, "confirm: both zh and en"},
		{"duplicate action", func(m *scene.Manifest) {
			m.Pages[0].List.RowActions = append(m.Pages[0].List.RowActions, m.Pages[0].List.RowActions[0])
		}, "action edit: declared twice"},
		{"visible_if without values", func(m *scene.Manifest) { m.Pages[1].Detail.Actions[0].VisibleIf.In = nil }, "visible_if needs values"},
		{"visible_if with an object", func(m *scene.Manifest) { m.Pages[1].Detail.Actions[0].VisibleIf.In = []any{map[string]any{}} }, "visible_if values are"},
		{"action form not an object schema", func(m *scene.Manifest) { m.Pages[1].Detail.Actions[0].Form.Schema = json.RawMessage(`[]`) }, "schema must be a JSON Schema object"},
		{"ui for no property", func(m *scene.Manifest) {
			m.Pages[2].Form.UI["body"] = scene.Widget{Widget: scene.WidgetTextarea}
		}, "ui body: not a property of the schema"},
		{"unknown widget", func(m *scene.Manifest) { m.Pages[2].Form.UI["photos"] = scene.Widget{Widget: "camera"} }, `unknown widget "camera"`},
		{"photos without upload", func(m *scene.Manifest) { m.Pages[2].Form.UI["photos"] = scene.Widget{Widget: scene.WidgetPhotos} }, `upload: "": want "METHOD /path"`},
		{"then to no page", func(m *scene.Manifest) { m.Pages[2].Form.Then = "gone" }, `then "gone" is not a page`},
		{"empty dashboard", func(m *scene.Manifest) { m.Pages[3].Dashboard = &scene.DashboardPage{} }, "a dashboard needs cards or charts"},
		{"unknown format", func(m *scene.Manifest) { m.Pages[3].Dashboard.Cards[0].Format = "yuan" }, `unknown format "yuan"`},
		{"unknown chart", func(m *scene.Manifest) { m.Pages[3].Dashboard.Charts[0].Type = "radar" }, `unknown type "radar"`},
		{"chart without y", func(m *scene.Manifest) { m.Pages[3].Dashboard.Charts[0].Y = "" }, `chart 1: y: "": want a field name`},
		{"detail without fields", func(m *scene.Manifest) { m.Pages[1].Detail.Fields = nil }, "a detail page needs fields"},
		{"table without columns", func(m *scene.Manifest) { m.Pages[1].Detail.Tables[0].Columns = nil }, "table lines: a table needs columns"},
		{"table column untyped", func(m *scene.Manifest) { m.Pages[1].Detail.Tables[0].Columns[0].Type = "" }, `column approve: unknown type ""`},
		{"form source a write", func(m *scene.Manifest) { m.Pages[1].Detail.Actions[1].Form.Source = "PUT /notices/{id}" }, `form source: "PUT /notices/{id}": want GET`},
		{"result without fields", func(m *scene.Manifest) { m.Pages[1].Detail.Actions[1].Result.Fields = nil }, "a result needs fields"},
		{"result without English", func(m *scene.Manifest) { m.Pages[1].Detail.Actions[1].Result.Title.EN = "" }, "result title: both zh and en"},
		{"choices on an array", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["selected"] = scene.Widget{Widget: scene.WidgetChoices, Items: &scene.Items{Source: "GET /notices"}}
		}, "a choices widget is for an object property"},
		{"checklist on an object", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["choices"] = scene.Widget{Widget: scene.WidgetChecklist}
		}, "a checklist widget is for an array property"},
		{"choices without items", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["choices"] = scene.Widget{Widget: scene.WidgetChoices}
		}, "a choices widget needs items"},
		{"items from no route", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["selected"].Items.Source = "GET /ballots"
		}, `items source: "GET /ballots" is not a route`},
		{"items on a textarea", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["selected"] = scene.Widget{Widget: scene.WidgetTextarea, Items: &scene.Items{Source: "GET /notices"}}
		}, "items are for the select, radio, choices and checklist widgets"},
		{"items if without values", func(m *scene.Manifest) { m.Pages[1].Detail.Actions[1].Form.UI["selected"].Items.If.In = nil }, "items if needs values"},
		{"max on a select", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["selected"] = scene.Widget{Widget: scene.WidgetSelect, Max: "k"}
		}, "max is for the checklist widget"},
		{"params with a bad field", func(m *scene.Manifest) { m.Pages[1].Detail.Actions[1].Params = map[string]string{"id": "a b"} }, `params id: "a b": want a field name`},
		{"widget visible_if with an object", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["choices"].VisibleIf.In = []any{[]int{1}}
		}, "ui choices: visible_if values are"},
		{"nested hint for no property", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["rows"].Properties["whom"] = scene.Widget{}
		}, "ui rows: ui whom: not a property of the schema"},
		{"nested unknown widget", func(m *scene.Manifest) {
			m.Pages[1].Detail.Actions[1].Form.UI["rows"].Properties["who"] = scene.Widget{Widget: "dial"}
		}, `ui who: unknown widget "dial"`},
		{"attachments with a bad field", func(m *scene.Manifest) { m.Pages[1].Detail.Attachments[1].Field = "" },
			`page notice: attachments : field: "": want a field name`},
		{"attachments with a bad tenant key", func(m *scene.Manifest) { m.Pages[1].Detail.Attachments[0].Tenant = "the tenant" },
			`page notice: attachments photos: tenant: "the tenant": want a field name`},
		{"attachments with half a title", func(m *scene.Manifest) { m.Pages[1].Detail.Attachments[1].Title = scene.L("办结照片", "") },
			"page notice: attachments after_photos: title: both zh and en are required"},
		{"attachments from an unknown route", func(m *scene.Manifest) { m.Pages[1].Detail.Attachments[1].Source = "GET /files/{id}" },
			`page notice: attachments after_photos: source: "GET /files/{id}" is not a route of this scene`},
	}
	// A valid public page, for the cases below to break.
	public := func(m *scene.Manifest) {
		m.Routes = append(m.Routes,
			scene.RouteDef{Method: "GET", Path: "/public/notices/{id}", Public: true},
			scene.RouteDef{Method: "GET", Path: "/public/photos/{id}", Public: true})
		d := m.Pages[1].Detail
		m.Pages[1].Public, d.Source, d.Actions = true, "GET /public/notices/{id}", nil
		for i := range d.Attachments {
			d.Attachments[i].Source = "GET /public/photos/{id}"
		}
	}
	cases = append(cases, []struct {
		name   string
		change func(m *scene.Manifest)
		want   string
	}{
		{"public page", public, ""},
		{"public page reading a signed-in route", func(m *scene.Manifest) {
			public(m)
			m.Pages[1].Detail.Source = "GET /notices/{id}"
		}, `page notice: source: "GET /notices/{id}": a public page names only routes registered with Public`},
		{"public page with a permission", func(m *scene.Manifest) {
			public(m)
			m.Pages[1].Permission = "notices:read"
		}, "page notice: a public page needs no permission"},
		{"public page calling a signed-in route", func(m *scene.Manifest) {
			public(m)
			m.Pages[1].Detail.Actions = []scene.Action{{ID: "edit", Title: scene.L("改", "Edit"), Call: "PUT /notices/{id}"}}
		}, `action edit: call: "PUT /notices/{id}": a public page names only routes registered with Public`},
		{"public page opening a signed-in page", func(m *scene.Manifest) {
			public(m)
			m.Pages[1].Detail.Actions = []scene.Action{{ID: "new", Title: scene.L("新建", "New"), Page: "new"}}
		}, `action new: page: "new": a public page links only to public pages`},
		{"public page action with a permission", func(m *scene.Manifest) {
			public(m)
			m.Pages[1].Detail.Actions = []scene.Action{{ID: "open", Title: scene.L("打开", "Open"), Page: "notice", Permission: "notices:read"}}
		}, "action open: an action of a public page needs no permission"},
		{"public page linking to a signed-in page", func(m *scene.Manifest) {
			public(m)
			m.Pages[1].Detail.Tables[0].Columns[0].Link = "notice"
			m.Pages[1].Public = false
			m.Pages[0].Public, m.Pages[0].Permission = true, ""
			m.Pages[0].List.Source, m.Pages[0].List.Actions, m.Pages[0].List.RowActions = "GET /public/notices/{id}", nil, nil
		}, `column title: link: "notice": a public page links only to public pages`},
		{"public page showing host files", func(m *scene.Manifest) {
			public(m)
			m.Pages[1].Detail.Attachments[1].Source = ""
		}, "page notice: attachments after_photos: a public page serves files from a public source"},
		{"public page showing files from a signed-in route", func(m *scene.Manifest) {
			public(m)
			m.Pages[1].Detail.Attachments[0].Source = "GET /notices/{id}"
		}, `attachments photos: source: "GET /notices/{id}": a public page names only routes registered with Public`},
	}...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := pagedManifest()
			tc.change(&m)
			err := m.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tc.want != "" && err == nil:
				t.Fatalf("Validate accepted it, want an error with %q", tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Fatalf("Validate: %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// TestPagesJSON pins the shape the console reads: bilingual text as
// {"zh","en"}, defaults filled, absent arrays as [].
func TestPagesJSON(t *testing.T) {
	s := scene.New(scene.Manifest{Pages: []scene.Page{{ID: "a", Title: scene.L("甲", "A"), Kind: scene.PageList,
		List: &scene.ListPage{Source: "GET /a", Columns: []scene.Column{{Field: "x", Title: scene.L("乙", "B"), Type: scene.TypeText}}}}}})
	b, err := json.Marshal(s.Manifest().Pages)
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"id":"a","title":{"zh":"甲","en":"A"},"kind":"list","menu":false,"audience":[],` +
		`"list":{"source":"GET /a","items":"items","cursor":"next_cursor","columns":[{"field":"x","title":{"zh":"乙","en":"B"},"type":"text"}],` +
		`"filters":[],"actions":[],"row_actions":[]}}]`
	if string(b) != want {
		t.Errorf("pages JSON:\n got %s\nwant %s", b, want)
	}
}

// TestDetailAttachmentsJSON: attachments go out as a list of groups (a
// group without a title has none in JSON) and come in as a list or as the
// one object scenes built with an earlier SDK send.
func TestDetailAttachmentsJSON(t *testing.T) {
	d := scene.DetailPage{Source: "GET /a/{id}", Attachments: []scene.Attachments{
		{Field: "photos", Title: scene.L("报告照片", "Photos reported"), Tenant: "tenant"}, {Field: "after_photos", Source: "GET /f/{id}"}}}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `"attachments":[{"field":"photos","title":{"zh":"报告照片","en":"Photos reported"},"tenant":"tenant"},{"field":"after_photos","source":"GET /f/{id}"}]`
	if !strings.Contains(string(b), want) {
		t.Errorf("detail JSON:\n got %s\nwant it to contain %s", b, want)
	}
	cases := []struct {
		name string
		in   string
		want []scene.Attachments
	}{
		{"list", string(b), d.Attachments},
		{"one object", `{"source":"GET /a/{id}","attachments":{"field":"photos","source":"GET /f/{id}"}}`,
			[]scene.Attachments{{Field: "photos", Source: "GET /f/{id}"}}},
		{"none", `{"source":"GET /a/{id}"}`, nil},
		{"null", `{"source":"GET /a/{id}","attachments":null}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got scene.DetailPage
			if err := json.Unmarshal([]byte(tc.in), &got); err != nil {
				t.Fatal(err)
			}
			if got.Source != "GET /a/{id}" {
				t.Errorf("source %q, want GET /a/{id}", got.Source)
			}
			if g, w := fmt.Sprint(got.Attachments), fmt.Sprint(tc.want); g != w || (got.Attachments == nil) != (tc.want == nil) {
				t.Errorf("attachments %s, want %s", g, w)
			}
		})
	}
	var bad scene.DetailPage
	if err := json.Unmarshal([]byte(`{"attachments":"photos"}`), &bad); err == nil {
		t.Error("attachments as a string: no error")
	}
}

func TestRouteRef(t *testing.T) {
	cases := []struct{ ref, method, path, query string }{
		{"GET /issues", "GET", "/issues", ""},
		{"GET /issues?sort=due&overdue=true", "GET", "/issues", "sort=due&overdue=true"},
		{"POST /issues/{id}/actions", "POST", "/issues/{id}/actions", ""},
	}
	for _, tc := range cases {
		m, p, q, ok := scene.RouteRef(tc.ref)
		if !ok || m != tc.method || p != tc.path || q != tc.query {
			t.Errorf("RouteRef(%q) = %q %q %q %v", tc.ref, m, p, q, ok)
		}
	}
	for _, bad := range []string{"", "GET", "get /issues", "GET issues", "GET /a b", "FETCH /a"} {
		if _, _, _, ok := scene.RouteRef(bad); ok {
			t.Errorf("RouteRef(%q) accepted", bad)
		}
	}
}
