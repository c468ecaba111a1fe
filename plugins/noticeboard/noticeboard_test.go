package noticeboard_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/renda-platform/renda/plugins/noticeboard"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

const version = "1.2.0"

// board returns a harness and its three kinds of caller, with the
// permissions the manifest gives each built-in role by default.
func board(t *testing.T) (h *scenetest.Harness, staff, deputy *scene.Principal) {
	h = scenetest.New(t, noticeboard.New(version))
	return h, h.Principal("staff", "王芳"), h.Principal("deputy", "李明")
}

// post creates a notice as staff and returns it.
func post(t *testing.T, h *scenetest.Harness, staff *scene.Principal, in noticeboard.NoticeInput) noticeboard.NoticeJSON {
	t.Helper()
	res := h.Request(http.MethodPost, "/notices").As(staff).JSON(in).Do()
	if res.Status != http.StatusCreated {
		t.Fatalf("post %q: %s", in.Title, res)
	}
	var n noticeboard.NoticeJSON
	res.Decode(t, &n)
	return n
}

func list(t *testing.T, h *scenetest.Harness, req *scenetest.Request) noticeboard.ListJSON {
	t.Helper()
	res := req.Do()
	if res.Status != http.StatusOK {
		t.Fatalf("list: %s", res)
	}
	var l noticeboard.ListJSON
	res.Decode(t, &l)
	return l
}

func titles(l noticeboard.ListJSON) []string {
	var out []string
	for _, n := range l.Items {
		out = append(out, n.Title)
	}
	return out
}

func TestCreateAndRead(t *testing.T) {
	h, staff, deputy := board(t)
	n := post(t, h, staff, noticeboard.NoticeInput{Title: "关于召开常委会会议的通知", Body: "定于三月五日召开。"})
	if n.ID == "" || n.Version != 1 || n.Status != "draft" || n.Author != "王芳" || !n.PublishedAt.IsZero() {
		t.Errorf("created = %+v, want a version 1 draft by 王芳, not published", n)
	}

	res := h.Request(http.MethodGet, "/notices/"+n.ID).As(deputy).Do()
	if res.Status != http.StatusOK {
		t.Fatalf("deputy reads it: %s", res)
	}
	var got noticeboard.NoticeJSON
	res.Decode(t, &got)
	if got != n {
		t.Errorf("read = %+v, want %+v", got, n)
	}

	audit := h.AuditLog(scenetest.DefaultTenant)
	if len(audit) != 1 || audit[0].Action != "notice.create" || audit[0].TargetID != n.ID || audit[0].ActorID != staff.UserID {
		t.Errorf("audit = %+v, want one notice.create of %s by %s", audit, n.ID, staff.UserID)
	}
}

func TestPublish(t *testing.T) {
	h, staff, _ := board(t)
	now := post(t, h, staff, noticeboard.NoticeInput{Title: "立即发布", Publish: true})
	if now.Status != "published" || now.PublishedAt.IsZero() {
		t.Errorf("posted with publish = %+v, want published with a time", now)
	}

	draft := post(t, h, staff, noticeboard.NoticeInput{Title: "草稿"})
	res := h.Request(http.MethodPut, "/notices/"+draft.ID).As(staff).
		JSON(noticeboard.NoticeInput{Title: "草稿（定稿）", Publish: true, Version: draft.Version}).Do()
	if res.Status != http.StatusOK {
		t.Fatalf("publish the draft: %s", res)
	}
	var pub noticeboard.NoticeJSON
	res.Decode(t, &pub)
	if pub.Status != "published" || pub.Version != 2 || pub.Title != "草稿（定稿）" || pub.PublishedAt.IsZero() {
		t.Errorf("published = %+v, want version 2, published, retitled", pub)
	}
	if got := h.AuditLog(scenetest.DefaultTenant); len(got) != 3 || got[2].Action != "notice.update" || got[2].Before == nil || got[2].After == nil {
		t.Errorf("audit = %+v, want a notice.update with before and after last", got)
	}

	res = h.Request(http.MethodPut, "/notices/"+draft.ID).As(staff).
		JSON(noticeboard.NoticeInput{Title: "过时的修改", Publish: true, Version: draft.Version}).Do()
	if res.Status != http.StatusConflict || res.Key() != "document.stale" {
		t.Errorf("edit from version 1 after version 2: %s, want 409 document.stale", res)
	}
	// The refused edit's audit entry went with its failed batch.
	if got := h.AuditLog(scenetest.DefaultTenant); len(got) != 3 || got[2].ActorID != staff.UserID {
		t.Errorf("audit after a stale edit = %+v, want the three entries before it, the last by %s", got, staff.UserID)
	}
	if res := h.Request(http.MethodPut, "/notices/"+now.ID).As(staff).JSON(noticeboard.NoticeInput{Title: "再发布", Publish: true}).Do(); res.Status != http.StatusOK {
		t.Errorf("edit a published notice: %s", res)
	}

	// One notice.published per notice, when it is published.
	var got []noticeboard.PublishedEvent
	for _, e := range h.Events(scenetest.DefaultTenant) {
		if e.Type != noticeboard.EventPublished {
			t.Errorf("event type %q, want %q", e.Type, noticeboard.EventPublished)
		}
		var p noticeboard.PublishedEvent
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatal(err)
		}
		got = append(got, p)
	}
	want := []noticeboard.PublishedEvent{{ID: now.ID, Title: "立即发布"}, {ID: draft.ID, Title: "草稿（定稿）"}}
	if !slices.Equal(got, want) {
		t.Errorf("published events = %+v, want %+v", got, want)
	}
}

func TestList(t *testing.T) {
	h, staff, deputy := board(t)
	for i := range 25 {
		post(t, h, staff, noticeboard.NoticeInput{Title: "通知" + string(rune('A'+i)), Publish: i%5 == 0})
	}

	first := list(t, h, h.Request(http.MethodGet, "/notices").As(deputy))
	if len(first.Items) != 20 || first.NextCursor == "" || first.SceneVersion != version {
		t.Fatalf("first page: %d items, cursor %q, version %q; want 20, a cursor, %s", len(first.Items), first.NextCursor, first.SceneVersion, version)
	}
	if first.Items[0].Title != "通知Y" {
		t.Errorf("first item = %q, want the newest, 通知Y", first.Items[0].Title)
	}
	second := list(t, h, h.Request(http.MethodGet, "/notices").Query("cursor", first.NextCursor).As(deputy))
	if len(second.Items) != 5 || second.NextCursor != "" {
		t.Errorf("second page: %d items, cursor %q; want the last 5", len(second.Items), second.NextCursor)
	}
	if all := slices.Concat(titles(first), titles(second)); len(slices.Compact(slices.Sorted(slices.Values(all)))) != 25 {
		t.Errorf("pages hold %d distinct notices, want 25", len(all))
	}

	published := list(t, h, h.Request(http.MethodGet, "/notices?status=published").As(deputy))
	if want := []string{"通知U", "通知P", "通知K", "通知F", "通知A"}; !slices.Equal(titles(published), want) {
		t.Errorf("status=published: %v, want %v", titles(published), want)
	}
	drafts := list(t, h, h.Request(http.MethodGet, "/notices?status=draft").As(deputy))
	if len(drafts.Items) != 20 || drafts.NextCursor != "" {
		t.Errorf("status=draft: %d items, cursor %q; want 20 and no more", len(drafts.Items), drafts.NextCursor)
	}
}

func TestPublicList(t *testing.T) {
	h, staff, _ := board(t)
	post(t, h, staff, noticeboard.NoticeInput{Title: "内部草稿"})
	post(t, h, staff, noticeboard.NoticeInput{Title: "公开通知", Publish: true})

	l := list(t, h, h.Request(http.MethodGet, "/public/notices"))
	if !slices.Equal(titles(l), []string{"公开通知"}) {
		t.Errorf("public list = %v, want only the published notice", titles(l))
	}
	if res := h.Request(http.MethodGet, "/notices").Do(); res.Status != http.StatusUnauthorized || res.Key() != "auth.required" {
		t.Errorf("anonymous full list: %s, want 401 auth.required", res)
	}
}

func TestPinnedLimit(t *testing.T) {
	cases := []struct {
		name     string
		settings any // nil: the tenant set none
		allowed  int
	}{
		{"default", nil, 3},
		{"from settings", noticeboard.Settings{MaxPinned: 1}, 1},
		{"none allowed", noticeboard.Settings{MaxPinned: 0}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, staff, _ := board(t)
			if c.settings != nil {
				h.SetSettings(scenetest.DefaultTenant, c.settings)
			}
			var pinned []noticeboard.NoticeJSON
			for range c.allowed {
				pinned = append(pinned, post(t, h, staff, noticeboard.NoticeInput{Title: "置顶", Pinned: true}))
			}
			res := h.Request(http.MethodPost, "/notices").As(staff).JSON(noticeboard.NoticeInput{Title: "再置顶", Pinned: true}).Do()
			if res.Status != http.StatusBadRequest || res.Problem == nil || len(res.Problem.Fields) != 1 || res.Problem.Fields[0].Path != "pinned" {
				t.Errorf("pin one more than %d: %s, want 400 on pinned", c.allowed, res)
			}
			post(t, h, staff, noticeboard.NoticeInput{Title: "不置顶"})
			if len(pinned) > 0 {
				n := pinned[0]
				res := h.Request(http.MethodPut, "/notices/"+n.ID).As(staff).JSON(noticeboard.NoticeInput{Title: "仍置顶", Pinned: true}).Do()
				if res.Status != http.StatusOK {
					t.Errorf("edit a notice already pinned at the limit: %s, want 200", res)
				}
			}
		})
	}

	// A tenant's setting is its own.
	h, staff, _ := board(t)
	h.SetSettings("jiangbei", noticeboard.Settings{MaxPinned: 0})
	post(t, h, staff, noticeboard.NoticeInput{Title: "海曙置顶", Pinned: true})
	if res := h.Request(http.MethodPost, "/notices").Tenant("jiangbei").As(staff).JSON(noticeboard.NoticeInput{Title: "江北置顶", Pinned: true}).Do(); res.Status != http.StatusBadRequest {
		t.Errorf("pin in jiangbei (max 0): %s, want 400", res)
	}
}

func TestValidation(t *testing.T) {
	h, staff, _ := board(t)
	cases := []struct {
		name string
		body any
		path string // the field the problem names
	}{
		{"no title", noticeboard.NoticeInput{Body: "正文"}, "title"},
		{"blank title", noticeboard.NoticeInput{Title: "   "}, "title"},
		{"title too long", noticeboard.NoticeInput{Title: strings.Repeat("长", 101)}, "title"},
		{"body too long", noticeboard.NoticeInput{Title: "标题", Body: strings.Repeat("字", 5001)}, "body"},
		{"unknown field", `{"title":"标题","colour":"red"}`, "colour"},
		{"wrong type", `{"title":"标题","pinned":"yes"}`, "pinned"},
		{"empty body", ``, "$"},
		{"not JSON", `{"title":`, "$"},
		{"trailing data", `{"title":"标题"} {}`, "$"},
		{"not UTF-8", []byte("{\"title\":\"\xff\"}"), "$"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := h.Request(http.MethodPost, "/notices").As(staff).JSON(c.body).Do()
			if res.Status != http.StatusBadRequest || res.Key() != "validation.failed" {
				t.Fatalf("got %s, want 400 validation.failed", res)
			}
			f := res.Problem.Fields
			if len(f) == 0 || f[0].Path != c.path || f[0].Message.ZH == "" || f[0].Message.EN == "" {
				t.Errorf("fields = %+v, want a bilingual problem on %s", f, c.path)
			}
		})
	}
	if n := len(h.AuditLog(scenetest.DefaultTenant)); n != 0 {
		t.Errorf("refused input left %d audit entries, want 0", n)
	}
}

func TestWhoMayWrite(t *testing.T) {
	h, staff, deputy := board(t)
	n := post(t, h, staff, noticeboard.NoticeInput{Title: "通知"})
	in := noticeboard.NoticeInput{Title: "改"}
	cases := []struct {
		name    string
		req     *scenetest.Request
		status  int
		wantKey string
	}{
		{"deputy posts", h.Request(http.MethodPost, "/notices").As(deputy).JSON(in), http.StatusForbidden, "auth.forbidden"},
		{"deputy edits", h.Request(http.MethodPut, "/notices/"+n.ID).As(deputy).JSON(in), http.StatusForbidden, "auth.forbidden"},
		{"deputy deletes", h.Request(http.MethodDelete, "/notices/"+n.ID).As(deputy), http.StatusForbidden, "auth.forbidden"},
		{"anonymous posts", h.Request(http.MethodPost, "/notices").JSON(in), http.StatusUnauthorized, "auth.required"},
		{"admin posts", h.Request(http.MethodPost, "/notices").As(h.Principal("tenant_admin", "管理员")).JSON(in), http.StatusCreated, ""},
		{"deputy reads stats", h.Request(http.MethodGet, "/stats").As(deputy), http.StatusOK, ""},
		{"signed in, no scene permission", h.Request(http.MethodGet, "/notices").As(scenetest.Staff("访客")), http.StatusForbidden, "auth.forbidden"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if res := c.req.Do(); res.Status != c.status || res.Key() != c.wantKey {
				t.Errorf("got %s, want %d %q", res, c.status, c.wantKey)
			}
		})
	}
	res := h.Request(http.MethodGet, "/notices/"+n.ID).As(deputy).Do()
	var got noticeboard.NoticeJSON
	res.Decode(t, &got)
	if got.Title != "通知" || got.Version != 1 {
		t.Errorf("after refused writes the notice is %+v, want it unchanged", got)
	}
}

func TestDelete(t *testing.T) {
	h, staff, _ := board(t)
	n := post(t, h, staff, noticeboard.NoticeInput{Title: "将删除"})
	if res := h.Request(http.MethodDelete, "/notices/"+n.ID).As(staff).Do(); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %s", res)
	}
	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		if res := h.Request(method, "/notices/"+n.ID).As(staff).Do(); res.Status != http.StatusNotFound || res.Key() != "notice.not_found" {
			t.Errorf("%s after delete: %s, want 404 notice.not_found", method, res)
		}
	}
	res := h.Request(http.MethodPut, "/notices/"+n.ID).As(staff).JSON(noticeboard.NoticeInput{Title: "x"}).Do()
	if res.Key() != "notice.not_found" {
		t.Errorf("PUT after delete: %s, want notice.not_found", res)
	}
	audit := h.AuditLog(scenetest.DefaultTenant)
	if len(audit) != 2 || audit[1].Action != "notice.delete" || audit[1].TargetID != n.ID {
		t.Errorf("audit = %+v, want notice.delete last", audit)
	}
}

func TestStats(t *testing.T) {
	h, staff, deputy := board(t)
	for i := range 5 {
		post(t, h, staff, noticeboard.NoticeInput{Title: "通知", Publish: i < 2})
	}
	res := h.Request(http.MethodGet, "/stats").As(deputy).Do()
	var s noticeboard.StatsJSON
	res.Decode(t, &s)
	if len(s.ByStatus) != 2 || s.ByStatus["published"] != 2 || s.ByStatus["draft"] != 3 {
		t.Errorf("stats = %v, want 2 published and 3 drafts", s.ByStatus)
	}

	res = h.Request(http.MethodGet, "/stats").Tenant("jiangbei").As(deputy).Do()
	s = noticeboard.StatsJSON{}
	res.Decode(t, &s)
	if len(s.ByStatus) != 2 || s.ByStatus["published"] != 0 || s.ByStatus["draft"] != 0 {
		t.Errorf("jiangbei's stats = %v, want 0 of each", s.ByStatus)
	}
}

func TestTenantIsolation(t *testing.T) {
	h, staff, _ := board(t)
	n := post(t, h, staff, noticeboard.NoticeInput{Title: "海曙的通知", Publish: true})
	for _, req := range []*scenetest.Request{
		h.Request(http.MethodGet, "/notices/"+n.ID).As(staff),
		h.Request(http.MethodPut, "/notices/"+n.ID).As(staff).JSON(noticeboard.NoticeInput{Title: "篡改"}),
		h.Request(http.MethodDelete, "/notices/"+n.ID).As(staff),
	} {
		if res := req.Tenant("jiangbei").Do(); res.Status != http.StatusNotFound || res.Key() != "notice.not_found" {
			t.Errorf("another tenant's notice: %s, want 404 notice.not_found", res)
		}
	}
	if l := list(t, h, h.Request(http.MethodGet, "/notices").Tenant("jiangbei").As(staff)); len(l.Items) != 0 {
		t.Errorf("jiangbei lists %v, want nothing", titles(l))
	}
	if l := list(t, h, h.Request(http.MethodGet, "/public/notices").Tenant("jiangbei")); len(l.Items) != 0 {
		t.Errorf("jiangbei's public list shows %v, want nothing", titles(l))
	}
	if l := list(t, h, h.Request(http.MethodGet, "/public/notices")); !slices.Equal(titles(l), []string{"海曙的通知"}) {
		t.Errorf("haishu's public list = %v, want its notice untouched", titles(l))
	}
}
