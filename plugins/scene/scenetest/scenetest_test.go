package scenetest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// ticking is a clock that moves a second on every reading.
func ticking() func() time.Time {
	now := t0
	return func() time.Time { now = now.Add(time.Second); return now }
}

type item struct {
	Kind string  `json:"kind,omitempty"`
	N    float64 `json:"n"`
	Done bool    `json:"done"`
	At   string  `json:"at,omitempty"`
}

// testScene declares every capability, and one route that uses each part
// of the manifest the harness enforces.
func testScene() *scene.Scene {
	s := scene.New(scene.Manifest{
		ID: "renda.test-scene", Version: "1.0.0", Title: scene.T("测试", "Test"),
		Permissions: []scene.PermissionDef{
			{Object: "items", Action: "read", Title: scene.T("查看", "Read"), DefaultRoles: []string{"staff", "deputy"}},
			{Object: "items", Action: "write", Title: scene.T("编写", "Write"), DefaultRoles: []string{"staff"}},
		},
		Publishes: []string{"item.created"},
		Collections: []scene.Collection{{Name: "items", Indexes: []scene.IndexedField{
			{Field: "kind", Type: "string"}, {Field: "n", Type: "number"}, {Field: "done", Type: "bool"}, {Field: "at", Type: "time"},
		}}},
		DutyKinds: []scene.DutyKind{{Kind: "item.review", Title: scene.T("审阅", "Review")}},
		Capabilities: []string{scene.CapStore, scene.CapEvents, scene.CapDirectory, scene.CapDuty, scene.CapAudit,
			scene.CapNotifications, scene.CapScheduler},
	})
	create := func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		var in item
		if err := r.Bind(&in); err != nil {
			return nil, err
		}
		d, err := r.Host.Store().Create(ctx, "items", "", in)
		if err != nil {
			return nil, err
		}
		if _, err := r.Host.Publish(ctx, "item.created", map[string]string{"id": d.ID}); err != nil {
			return nil, err
		}
		if err := r.Host.Audit(ctx, "item.create", "item", d.ID, nil, in); err != nil {
			return nil, err
		}
		return scene.JSON(http.StatusCreated, map[string]any{"id": d.ID, "version": d.Version, "tenant": r.Tenant.Slug})
	}
	get := func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		d, err := r.Host.Store().Get(ctx, "items", r.Param("id"))
		if err != nil {
			return nil, err
		}
		return &scene.Response{Status: http.StatusOK, Body: d.Data, ContentType: "application/json"}, nil
	}
	s.Handle(http.MethodPost, "/items", "items:write", scene.T("新建", "Create"), create)
	s.Handle(http.MethodGet, "/items/{id}", "items:read", scene.T("查看", "Get"), get)
	s.Public(http.MethodGet, "/public/touch", scene.T("写入", "Write"), create)
	s.Public(http.MethodPost, "/public/items", scene.T("新建", "Create"), create)
	s.OnEvent("item.created", func(ctx context.Context, e *scene.Event) error {
		_, err := e.Host.Store().Create(ctx, "items", "seen-"+e.ID, item{Kind: "event"})
		return err
	})
	s.OnJob("remind", "0 9 * * *", func(ctx context.Context, j *scene.Job) error {
		return j.Host.Notify(ctx, []string{"u1"}, scene.T("提醒", "Reminder"), scene.T("内容", "Body"), "/items")
	})
	return s
}

// wantProblem fails unless err is a Problem with code and key.
func wantProblem(t *testing.T, err error, code, key string) {
	t.Helper()
	p, ok := scene.AsProblem(err)
	if !ok {
		t.Fatalf("err = %v, want a %s Problem %s", err, code, key)
	}
	if p.Code != code || p.Key != key {
		t.Fatalf("problem = %s %s, want %s %s", p.Code, p.Key, code, key)
	}
	if p.Message.ZH == "" || p.Message.EN == "" {
		t.Errorf("problem %s has message %+v, want both languages", p.Key, p.Message)
	}
}

func TestStoreVersions(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene(), scenetest.WithClock(ticking()))
	st := h.Host("a").Store()

	d, err := st.Create(ctx, "items", "x1", item{Kind: "a"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Version != 1 || d.ID != "x1" || d.Collection != "items" || !d.CreatedAt.Equal(d.UpdatedAt) {
		t.Fatalf("created = %+v, want version 1, id x1, created = updated", d)
	}
	d2, err := st.Update(ctx, "items", "x1", 1, item{Kind: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if d2.Version != 2 || !d2.CreatedAt.Equal(d.CreatedAt) || !d2.UpdatedAt.After(d.UpdatedAt) {
		t.Fatalf("updated = %+v, want version 2, same created_at, later updated_at", d2)
	}
	got, err := st.Get(ctx, "items", "x1")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Data) != `{"kind":"b","n":0,"done":false}` || got.Version != 2 {
		t.Fatalf("get = %s v%d, want the update at version 2", got.Data, got.Version)
	}
	made, err := st.Create(ctx, "items", "", map[string]int{"n": 1})
	if err != nil || made.ID == "" {
		t.Fatalf("create without id = %+v, %v; want a made-up id", made, err)
	}

	cases := []struct {
		name      string
		err       error
		code, key string
	}{
		{"stale update", func() error { _, err := st.Update(ctx, "items", "x1", 1, item{}); return err }(), scene.CodeConflict, "document.stale"},
		{"taken id", func() error { _, err := st.Create(ctx, "items", "x1", item{}); return err }(), scene.CodeConflict, "document.exists"},
		{"get missing", func() error { _, err := st.Get(ctx, "items", "nope"); return err }(), scene.CodeNotFound, "document.not_found"},
		{"update missing", func() error { _, err := st.Update(ctx, "items", "nope", 1, item{}); return err }(), scene.CodeNotFound, "document.not_found"},
		{"delete missing", st.Delete(ctx, "items", "nope", 0), scene.CodeNotFound, "document.not_found"},
		{"stale delete", st.Delete(ctx, "items", "x1", 1), scene.CodeConflict, "document.stale"},
		{"bad id", func() error { _, err := st.Create(ctx, "items", "a b", item{}); return err }(), scene.CodeInvalid, "validation.failed"},
		{"not an object", func() error { _, err := st.Create(ctx, "items", "", []int{1}); return err }(), scene.CodeInvalid, "validation.failed"},
		{"nil data", func() error { _, err := st.Create(ctx, "items", "", nil); return err }(), scene.CodeInvalid, "validation.failed"},
		{"undeclared collection", func() error { _, err := st.Get(ctx, "other", "x1"); return err }(), scene.CodeNotFound, "collection.undeclared"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantProblem(t, c.err, c.code, c.key) })
	}

	if err := st.Delete(ctx, "items", "x1", 2); err != nil {
		t.Fatalf("delete at the current version: %v", err)
	}
	if _, err := st.Get(ctx, "items", "x1"); err == nil {
		t.Fatal("get after delete succeeded, want not_found")
	}
	if err := st.Delete(ctx, "items", made.ID, 0); err != nil {
		t.Fatalf("delete at any version: %v", err)
	}
}

func TestStoreReturnsCopies(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene())
	st := h.Store("a")
	d, err := st.Create(ctx, "items", "x", json.RawMessage(`{"kind": "a"}`))
	if err != nil {
		t.Fatal(err)
	}
	d.Data[2] = 'X'
	got, err := st.Get(ctx, "items", "x")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Data) != `{"kind":"a"}` {
		t.Errorf("data = %s, want the stored (compacted) document untouched", got.Data)
	}
}

func TestQueryPagination(t *testing.T) {
	ctx := context.Background()
	for _, clock := range []struct {
		name string
		now  func() time.Time
	}{
		{"fixed clock, ties broken by id", func() time.Time { return t0 }},
		{"ticking clock", ticking()},
	} {
		t.Run(clock.name, func(t *testing.T) {
			h := scenetest.New(t, testScene(), scenetest.WithClock(clock.now))
			st := h.Store("a")
			var ids []string
			for i := range 120 {
				d, err := st.Create(ctx, "items", "", item{N: float64(i % 7)})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, d.ID)
			}
			slices.Reverse(ids) // -created_at, then -id

			var got []string
			var sizes []int
			cursor := ""
			for {
				docs, next, err := st.Query(ctx, "items", scene.Query{Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(docs))
				for _, d := range docs {
					got = append(got, d.ID)
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if !slices.Equal(sizes, []int{50, 50, 20}) {
				t.Errorf("page sizes = %v, want [50 50 20] (default limit 50)", sizes)
			}
			if !slices.Equal(got, ids) {
				t.Errorf("ids over pages = %v, want every document once, newest first", got)
			}

			// Sorting by a number field with ties pages through every document in order.
			var ns []float64
			seen := map[string]bool{}
			cursor = ""
			for {
				docs, next, err := st.Query(ctx, "items", scene.Query{Sort: "n", Limit: 13, Cursor: cursor})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range docs {
					var it item
					if err := d.Decode(&it); err != nil {
						t.Fatal(err)
					}
					ns, seen[d.ID] = append(ns, it.N), true
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if len(seen) != 120 || len(ns) != 120 || !slices.IsSorted(ns) {
				t.Errorf("sort by n: %d documents (%d distinct), sorted %v; want 120 distinct in order", len(ns), len(seen), slices.IsSorted(ns))
			}

			docs, _, err := st.Query(ctx, "items", scene.Query{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != 120 {
				t.Errorf("limit 1000 gave %d documents, want 120 (clamped to 200)", len(docs))
			}
			many, next, err := st.Query(ctx, "items", scene.Query{Limit: 1000, Sort: "created_at"})
			if err != nil || len(many) != 120 || next != "" {
				t.Errorf("ascending, limit 1000 = %d documents, next %q, %v", len(many), next, err)
			}
		})
	}
}

func TestQueryCursorInvalid(t *testing.T) {
	h := scenetest.New(t, testScene())
	for _, c := range []string{"!!", "bm9wZQ", "WzEsMl0"} { // not base64, "nope", [1,2]
		_, _, err := h.Store("a").Query(context.Background(), "items", scene.Query{Cursor: c})
		wantProblem(t, err, scene.CodeInvalid, "validation.failed")
	}
}

func TestQueryFilters(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene(), scenetest.WithClock(ticking()))
	st := h.Store("a")
	seed := []struct {
		id   string
		data string
	}{
		{"a", `{"kind":"motion","n":1,"done":true,"at":"2026-01-01T00:00:00Z"}`},
		{"b", `{"kind":"motion-late","n":5,"done":false,"at":"2026-02-01T00:00:00Z"}`},
		{"c", `{"kind":"suggestion","n":10,"done":true}`},
		{"d", `{"n":2.5}`},
		{"e", `{"kind":null,"n":"7"}`},
	}
	for _, s := range seed {
		if _, err := st.Create(ctx, "items", s.id, json.RawMessage(s.data)); err != nil {
			t.Fatal(err)
		}
	}
	f := func(field, op string, values ...string) scene.Filter {
		return scene.Filter{Field: field, Op: op, Values: values}
	}
	cases := []struct {
		name    string
		filters []scene.Filter
		want    []string // ids, sorted by id
		key     string   // problem key when refused
	}{
		{"eq", []scene.Filter{scene.Eq("kind", "motion")}, []string{"a"}, ""},
		{"ne skips missing and null", []scene.Filter{f("kind", "ne", "motion")}, []string{"b", "c"}, ""},
		{"number lt", []scene.Filter{f("n", "lt", "5")}, []string{"a", "d"}, ""},
		{"number lte", []scene.Filter{f("n", "lte", "5")}, []string{"a", "b", "d"}, ""},
		{"number gt compares numerically", []scene.Filter{f("n", "gt", "2")}, []string{"b", "c", "d", "e"}, ""},
		{"number gte", []scene.Filter{f("n", "gte", "10")}, []string{"c"}, ""},
		{"in", []scene.Filter{f("kind", "in", "motion", "suggestion")}, []string{"a", "c"}, ""},
		{"prefix", []scene.Filter{f("kind", "prefix", "motion")}, []string{"a", "b"}, ""},
		{"bool", []scene.Filter{scene.Eq("done", "true")}, []string{"a", "c"}, ""},
		{"time range", []scene.Filter{f("at", "gte", "2026-01-15T00:00:00Z")}, []string{"b"}, ""},
		{"every filter", []scene.Filter{scene.Eq("done", "true"), f("n", "gt", "1")}, []string{"c"}, ""},
		{"field not indexed", []scene.Filter{scene.Eq("title", "x")}, nil, "validation.failed"},
		{"unknown op", []scene.Filter{f("kind", "like", "x")}, nil, "validation.failed"},
		{"prefix on a number", []scene.Filter{f("n", "prefix", "1")}, nil, "validation.failed"},
		{"number value not a number", []scene.Filter{f("n", "eq", "one")}, nil, "validation.failed"},
		{"two values for eq", []scene.Filter{f("kind", "eq", "a", "b")}, nil, "validation.failed"},
		{"no values", []scene.Filter{f("kind", "in")}, nil, "validation.failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs, _, err := st.Query(ctx, "items", scene.Query{Filters: c.filters, Sort: "kind"})
			if c.key != "" {
				wantProblem(t, err, scene.CodeInvalid, c.key)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range docs {
				got = append(got, d.ID)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}

	if _, _, err := st.Query(ctx, "items", scene.Query{Sort: "-title"}); err == nil {
		t.Error("sort by a field that is not indexed succeeded, want invalid")
	}
	docs, _, err := st.Query(ctx, "items", scene.Query{Sort: "-n"})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, d := range docs {
		order = append(order, d.ID)
	}
	if want := []string{"c", "e", "b", "d", "a"}; !slices.Equal(order, want) {
		t.Errorf("sort -n = %v, want %v", order, want)
	}
}

func TestAggregate(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene())
	st := h.Store("a")
	for i, s := range []string{`{"kind":"x","n":1}`, `{"kind":"x","n":2.5}`, `{"kind":"y","n":4}`, `{"n":8}`, `{"kind":"y"}`} {
		if _, err := st.Create(ctx, "items", strconv.Itoa(i), json.RawMessage(s)); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name           string
		filters        []scene.Filter
		groupBy, sum   string
		want           []scene.Group
		wantProblemKey string
	}{
		{name: "count all", want: []scene.Group{{Key: "", Count: 5}}},
		{name: "count and sum", sum: "n", want: []scene.Group{{Key: "", Count: 5, Sum: 15.5}}},
		{name: "grouped, missing as empty key", groupBy: "kind", sum: "n",
			want: []scene.Group{{Key: "", Count: 1, Sum: 8}, {Key: "x", Count: 2, Sum: 3.5}, {Key: "y", Count: 2, Sum: 4}}},
		{name: "filtered", filters: []scene.Filter{scene.Eq("kind", "y")}, groupBy: "kind", want: []scene.Group{{Key: "y", Count: 2}}},
		{name: "nothing matches, no groups", filters: []scene.Filter{scene.Eq("kind", "z")}, groupBy: "kind", want: []scene.Group{}},
		{name: "nothing matches, one zero row", filters: []scene.Filter{scene.Eq("kind", "z")}, want: []scene.Group{{Key: "", Count: 0}}},
		{name: "sum of a string field", sum: "kind", wantProblemKey: "validation.failed"},
		{name: "group by an unindexed field", groupBy: "title", wantProblemKey: "validation.failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := st.Aggregate(ctx, "items", c.filters, c.groupBy, c.sum)
			if c.wantProblemKey != "" {
				wantProblem(t, err, scene.CodeInvalid, c.wantProblemKey)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestBatchIsAtomic(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene())
	st := h.Host("a").Store()
	if _, err := st.Create(ctx, "items", "old", item{}); err != nil {
		t.Fatal(err)
	}
	audit := scene.AuditDraft{Action: "item.create", TargetType: "item", TargetID: "new", After: item{N: 1}}
	_, err := st.Batch(ctx, []scene.Write{
		{Op: "create", Collection: "items", ID: "new", Data: item{}},
		{Op: "update", Collection: "items", ID: "old", Version: 7, Data: item{}},
	}, []scene.EventDraft{{Type: "item.created"}}, audit)
	wantProblem(t, err, scene.CodeConflict, "document.stale")
	if _, err := st.Get(ctx, "items", "new"); err == nil {
		t.Error("a failed batch kept its first write")
	}
	if n := len(h.Events("a")); n != 0 {
		t.Errorf("a failed batch published %d events, want 0", n)
	}
	if n := len(h.AuditLog("a")); n != 0 {
		t.Errorf("a failed batch recorded %d audit entries, want 0", n)
	}

	docs, err := st.Batch(ctx, []scene.Write{
		{Op: "create", Collection: "items", ID: "new", Data: item{}},
		{Op: "delete", Collection: "items", ID: "old"},
	}, []scene.EventDraft{{Type: "item.created", Payload: map[string]string{"id": "new"}}}, audit)
	if err != nil {
		t.Fatal(err)
	}
	if a := h.AuditLog("a"); len(a) != 1 || a[0].Action != "item.create" || a[0].Before != nil || string(a[0].After) != `{"n":1,"done":false}` {
		t.Errorf("audit log = %+v, want the batch's entry", a)
	}
	if len(docs) != 2 || docs[0].ID != "new" || docs[1] == nil || docs[1].ID != "" {
		t.Errorf("batch result = %+v, want the created document and an empty one for the delete", docs)
	}
	if ev := h.Events("a"); len(ev) != 1 || string(ev[0].Payload) != `{"id":"new"}` {
		t.Errorf("events = %+v, want item.created with the payload", ev)
	}
	_, err = st.Batch(ctx, nil, nil)
	wantProblem(t, err, scene.CodeInvalid, "validation.failed")

	_, err = st.Batch(ctx, []scene.Write{{Op: "create", Collection: "items", ID: "late", Data: item{}}},
		[]scene.EventDraft{{Type: "item.vanished"}})
	wantProblem(t, err, scene.CodeInvalid, "validation.failed")
	if _, err := st.Get(ctx, "items", "late"); err == nil {
		t.Error("a batch with an undeclared event type kept its write")
	}
	docs, err = st.Batch(ctx, nil, []scene.EventDraft{{Type: "item.created"}})
	if err != nil || len(docs) != 0 {
		t.Errorf("events-only batch = %v, %v; want no documents and no error", docs, err)
	}
	if n := len(h.Events("a")); n != 2 {
		t.Errorf("events = %d, want 2", n)
	}
}

func TestTenantIsolation(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene())
	writer := h.Principal("staff", "王芳")
	res := h.Request(http.MethodPost, "/items").Tenant("haishu").As(writer).JSON(item{Kind: "a"}).Do()
	if res.Status != http.StatusCreated {
		t.Fatalf("create in haishu: %s", res)
	}
	var made struct {
		ID     string `json:"id"`
		Tenant string `json:"tenant"`
	}
	res.Decode(t, &made)
	if made.Tenant != "haishu" {
		t.Errorf("the scene saw tenant %q, want haishu", made.Tenant)
	}

	if res := h.Request(http.MethodGet, "/items/"+made.ID).Tenant("jiangbei").As(writer).Do(); res.Key() != "document.not_found" {
		t.Errorf("read haishu's document as jiangbei: %s, want document.not_found", res)
	}
	if res := h.Request(http.MethodGet, "/items/"+made.ID).Tenant("haishu").As(writer).Do(); res.Status != http.StatusOK {
		t.Errorf("read it in haishu: %s", res)
	}
	docs, _, err := h.Store("jiangbei").Query(ctx, "items", scene.Query{})
	if err != nil || len(docs) != 0 {
		t.Errorf("jiangbei's store = %d documents, %v; want none", len(docs), err)
	}
	if n := len(h.AuditLog("jiangbei")); n != 0 {
		t.Errorf("jiangbei's audit log has %d entries, want 0", n)
	}
	if got := h.AuditLog("haishu"); len(got) != 1 || got[0].Action != "item.create" || got[0].ActorID != writer.UserID || got[0].Before != nil {
		t.Errorf("haishu's audit log = %+v, want one item.create by %s", got, writer.UserID)
	}
}

func TestRoutesEnforceTheManifest(t *testing.T) {
	h := scenetest.New(t, testScene())
	cases := []struct {
		name       string
		req        *scenetest.Request
		wantStatus int
		wantKey    string
	}{
		{"undeclared route", h.Request(http.MethodGet, "/nowhere"), http.StatusNotFound, "http.not_found"},
		{"wrong method", h.Request(http.MethodDelete, "/items"), http.StatusNotFound, "http.not_found"},
		{"no id", h.Request(http.MethodGet, "/items/"), http.StatusNotFound, "http.not_found"},
		{"anonymous", h.Request(http.MethodPost, "/items").JSON(item{}), http.StatusUnauthorized, "auth.required"},
		{"without the permission", h.Request(http.MethodPost, "/items").As(h.Principal("deputy", "李明")).JSON(item{}), http.StatusForbidden, "auth.forbidden"},
		{"with the permission", h.Request(http.MethodPost, "/items").As(scenetest.Staff("王芳", "items:write")).JSON(item{}), http.StatusCreated, ""},
		{"bad body", h.Request(http.MethodPost, "/items").As(scenetest.Staff("王芳", "items:write")).JSON(`{"kind":1}`), http.StatusBadRequest, "validation.failed"},
		{"public, anonymous", h.Request(http.MethodPost, "/public/items").JSON(item{}), http.StatusCreated, ""},
		{"anonymous GET is read-only", h.Request(http.MethodGet, "/public/touch").JSON(item{}), http.StatusForbidden, "tenant.read_only"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := c.req.Do()
			if res.Status != c.wantStatus || res.Key() != c.wantKey {
				t.Errorf("got %s, want %d %q", res, c.wantStatus, c.wantKey)
			}
		})
	}
}

func TestCapabilities(t *testing.T) {
	ctx := context.Background()
	var kept scene.Host
	s := scene.New(scene.Manifest{ID: "renda.bare", Version: "1.0.0", Title: scene.T("空", "Bare"),
		Collections: []scene.Collection{{Name: "things"}}})
	s.Public(http.MethodGet, "/keep", scene.T("留", "Keep"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		kept = r.Host
		return scene.NoContent()
	})
	h := scenetest.New(t, s)
	host := h.Host("a")
	refused := []struct {
		name string
		err  error
	}{
		{"store", func() error { _, err := host.Store().Get(ctx, "things", "x"); return err }()},
		{"events", func() error { _, err := host.Publish(ctx, "thing.made", nil); return err }()},
		{"directory", func() error { _, _, err := host.Deputies(ctx, "", 0, ""); return err }()},
		{"duty", func() error { _, err := host.RecordDuty(ctx, scene.DutyActivity{}); return err }()},
		{"audit", host.Audit(ctx, "x", "y", "z", nil, nil)},
		{"notifications", host.Notify(ctx, nil, scene.Text{}, scene.Text{}, "")},
		{"scheduler", host.Schedule(ctx, "x", t0, "", nil)},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) { wantProblem(t, c.err, scene.CodeForbidden, "capability.undeclared") })
	}

	if res := h.Request(http.MethodGet, "/keep").Do(); res.Status != http.StatusNoContent {
		t.Fatalf("keep: %s", res)
	}
	_, err := kept.Store().Get(ctx, "things", "x")
	wantProblem(t, err, scene.CodeForbidden, "capability.invalid")
}

func TestRecordedServices(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene(), scenetest.WithClock(func() time.Time { return t0 }))
	host := h.Host("a")
	dep := h.AddDeputy("a", scene.DirectoryEntry{Name: "李明", Attributes: map[string]string{"delegation": "海曙代表团"}})
	h.AddDeputy("a", scene.DirectoryEntry{ID: "d2", Name: "张伟"})
	h.AddUser("a", scene.DirectoryEntry{ID: "u1", Name: "王芳"})

	t.Run("directory", func(t *testing.T) {
		got, _, err := host.Deputies(ctx, "海曙", 0, "")
		if err != nil || len(got) != 1 || got[0].ID != dep || got[0].Kind != "deputy" {
			t.Errorf("deputies matching 海曙 = %+v, %v; want 李明", got, err)
		}
		first, next, err := host.Deputies(ctx, "", 1, "")
		if err != nil || len(first) != 1 || next == "" {
			t.Fatalf("first page = %+v, next %q, %v", first, next, err)
		}
		second, next, err := host.Deputies(ctx, "", 1, next)
		if err != nil || len(second) != 1 || second[0].ID != "d2" || next != "" {
			t.Errorf("second page = %+v, next %q, %v; want 张伟 and no more", second, next, err)
		}
		users, _, err := host.Users(ctx, "", 0, "")
		if err != nil || len(users) != 1 || users[0].Kind != "human" {
			t.Errorf("users = %+v, %v", users, err)
		}
		if got, _, _ := h.Host("b").Deputies(ctx, "", 0, ""); len(got) != 0 {
			t.Errorf("tenant b sees %d deputies of a, want 0", len(got))
		}
	})

	t.Run("duty", func(t *testing.T) {
		a := scene.DutyActivity{DeputyID: dep, Kind: "item.review", Ref: "item-1", Title: "审阅议案", OccurredAt: t0}
		id, err := host.RecordDuty(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		again, err := host.RecordDuty(ctx, a)
		if err != nil || again != id {
			t.Errorf("recording again = %q, %v; want the first id %q", again, err, id)
		}
		if got := h.Duties("a"); len(got) != 1 || got[0].ID != id || got[0].DeputyID != dep {
			t.Errorf("duties = %+v, want one", got)
		}
		bad := a
		bad.Kind = "item.other"
		_, err = host.RecordDuty(ctx, bad)
		wantProblem(t, err, scene.CodeInvalid, "validation.failed")
		bad = a
		bad.DeputyID = "nobody"
		_, err = host.RecordDuty(ctx, bad)
		wantProblem(t, err, scene.CodeNotFound, "deputy.not_found")
		bad = a
		bad.OccurredAt = t0.Add(48 * time.Hour)
		_, err = host.RecordDuty(ctx, bad)
		wantProblem(t, err, scene.CodeInvalid, "validation.failed")
		_, err = h.Host("b").RecordDuty(ctx, a)
		wantProblem(t, err, scene.CodeNotFound, "deputy.not_found")
	})

	t.Run("events", func(t *testing.T) {
		id, err := host.Publish(ctx, "item.created", map[string]int{"n": 1})
		if err != nil || id == "" {
			t.Fatalf("publish = %q, %v", id, err)
		}
		_, err = host.Publish(ctx, "item.deleted", nil)
		wantProblem(t, err, scene.CodeInvalid, "validation.failed")
		got := h.Events("a")
		if len(got) != 1 || got[0].ID != id || got[0].Type != "item.created" || !got[0].At.Equal(t0) {
			t.Errorf("events = %+v, want the one published", got)
		}
	})

	t.Run("deliver", func(t *testing.T) {
		if err := h.Deliver("a", scene.Event{ID: "ev1", Type: "item.created"}); err != nil {
			t.Fatal(err)
		}
		if _, err := h.Store("a").Get(ctx, "items", "seen-ev1"); err != nil {
			t.Errorf("the event handler's write: %v", err)
		}
	})

	t.Run("job and notifications", func(t *testing.T) {
		if err := h.RunJob("a", "remind", nil); err != nil {
			t.Fatal(err)
		}
		got := h.Notifications("a")
		if len(got) != 1 || !slices.Equal(got[0].UserIDs, []string{"u1"}) || got[0].Link != "/items" {
			t.Errorf("notifications = %+v", got)
		}
	})

	t.Run("schedule", func(t *testing.T) {
		for _, at := range []time.Time{t0.Add(time.Hour), t0.Add(2 * time.Hour)} {
			if err := host.Schedule(ctx, "remind", at, "daily", nil); err != nil {
				t.Fatal(err)
			}
		}
		if got := h.Scheduled("a"); len(got) != 1 || !got[0].At.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("scheduled = %+v, want one (same key replaces)", got)
		}
		err := host.Schedule(ctx, "nightly", t0, "", nil)
		wantProblem(t, err, scene.CodeInvalid, "validation.failed")
	})
}

// TestDeliverPublished: the scene's own events reach it once each; one
// whose handler fails is delivered again by the next call, as the host
// retries.
func TestDeliverPublished(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene())
	id, err := h.Host("a").Publish(ctx, "item.created", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The handler creates seen-<id>: taken, it fails.
	if _, err := h.Store("a").Create(ctx, "items", "seen-"+id, item{Kind: "taken"}); err != nil {
		t.Fatal(err)
	}
	if err := h.DeliverPublished("a"); err == nil {
		t.Fatal("a failing handler: DeliverPublished = nil, want its error")
	}
	if err := h.Store("a").Delete(ctx, "items", "seen-"+id, 0); err != nil {
		t.Fatal(err)
	}
	if err := h.DeliverPublished("a"); err != nil {
		t.Fatalf("the second attempt: %v", err)
	}
	d, err := h.Store("a").Get(ctx, "items", "seen-"+id)
	var got item
	if err == nil {
		err = d.Decode(&got)
	}
	if err != nil || got.Kind != "event" {
		t.Errorf("the handler's write = %+v, %v; want kind event", got, err)
	}
	// Delivered again, the handler would fail on its own write.
	if err := h.DeliverPublished("a"); err != nil {
		t.Errorf("a delivered event was delivered again: %v", err)
	}
	if err := h.DeliverPublished("b"); err != nil {
		t.Errorf("tenant b got a's event: %v", err)
	}
}

// TestLocalEventsAreNotAddressed: the fake refuses To on a local event type,
// as the host does, and the batch writes nothing; DeliverPublished hands the
// scene its own local events as any other (the fake runs one scene only).
func TestLocalEventsAreNotAddressed(t *testing.T) {
	ctx := context.Background()
	s := scene.New(scene.Manifest{ID: "renda.local", Version: "1.0.0", Title: scene.T("本地", "Local"),
		Publishes: []string{"item.note"}, Local: []string{"item.note"}, Capabilities: []string{scene.CapStore, scene.CapEvents},
		Collections: []scene.Collection{{Name: "items"}}})
	s.OnEvent("item.note", func(ctx context.Context, e *scene.Event) error {
		_, err := e.Host.Store().Create(ctx, "items", "seen-"+e.ID, item{Kind: "event"})
		return err
	})
	h := scenetest.New(t, s)
	st := h.Host("a").Store()
	_, err := st.Batch(ctx, []scene.Write{{Op: "create", Collection: "items", ID: "x", Data: item{}}},
		[]scene.EventDraft{{Type: "item.note", To: []string{"b"}}})
	wantProblem(t, err, scene.CodeInvalid, "validation.failed")
	if p, _ := scene.AsProblem(err); len(p.Fields) != 1 || p.Fields[0].Path != "to" {
		t.Errorf("fields = %+v, want to", p.Fields)
	}
	if _, err := st.Get(ctx, "items", "x"); err == nil {
		t.Error("a refused batch kept its write")
	}
	if _, err := st.Batch(ctx, []scene.Write{{Op: "create", Collection: "items", ID: "x", Data: item{}}},
		[]scene.EventDraft{{Type: "item.note"}}); err != nil {
		t.Fatal(err)
	}
	if err := h.DeliverPublished("a"); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Aggregate(ctx, "items", nil, "", ""); err != nil || len(got) != 1 || got[0].Count != 2 {
		t.Errorf("items = %+v, %v; want the write and the handler's", got, err)
	}
}
