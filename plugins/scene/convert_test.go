package scene

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	pb "github.com/renda-platform/renda/plugins/scene/internal/scenev1"
)

// wire sends a message through its encoding, as gRPC does.
func wire[M proto.Message](t *testing.T, in M, out M) M {
	t.Helper()
	b, err := proto.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestManifestRoundTrip(t *testing.T) {
	cases := map[string]Manifest{
		"empty": {},
		"full": {
			ID: "renda.notice-board", Version: "1.2.3", Title: T("公告栏", "Notice board"), Description: T("通知", "Notices"),
			MinProtocol: 1,
			Routes: []RouteDef{
				{Method: "GET", Path: "/notices", Permission: "notices:read", Summary: T("列表", "List")},
				{Method: "GET", Path: "/public/notices", Public: true, Summary: T("公开", "Public")},
			},
			Permissions: []PermissionDef{{Object: "notices", Action: "read", Title: T("查看", "Read"), DefaultRoles: []string{"staff", "deputy"}}},
			Publishes:   []string{"notice.published"},
			Subscribes:  []string{"deputy.created", "deputy.retired"},
			Collections: []Collection{
				{Name: "notices", Indexes: []IndexedField{{Field: "status", Type: "string"}, {Field: "votes", Type: "number"}}},
				{Name: "drafts"},
			},
			Settings:     `{"type":"object"}`,
			DutyKinds:    []DutyKind{{Kind: "notice.read", Title: T("阅读", "Read")}},
			Jobs:         []JobDef{{Name: "expire", Cron: "0 3 * * *"}, {Name: "remind"}},
			Capabilities: []string{CapStore, CapAudit},
			Pages: normalizePages([]Page{
				{ID: "notices", Title: L("公告", "Notices"), Kind: PageList, Permission: "notices:read", Menu: true,
					List: &ListPage{Source: "GET /notices", Columns: []Column{{Field: "title", Title: L("标题", "Title"), Type: TypeText}}}},
				{ID: "new", Title: L("新建", "New"), Kind: PageForm, Form: &FormPage{Submit: "POST /notices", Schema: []byte(`{"type":"object"}`),
					UI: map[string]Widget{"title": {Widget: WidgetTextarea, Order: 1}}}},
			}),
		},
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			in, err := manifestPB(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := manifestOf(wire(t, in, &pb.Manifest{}))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, m) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, m)
			}
		})
	}
}

func TestProblemRoundTrip(t *testing.T) {
	full := &Problem{Code: CodeInvalid, Key: "validation.failed", Message: T("有误", "Invalid"),
		Fields: []FieldProblem{Field("title", T("必填", "Required")), Field("items[2].name", T("太长", "Too long"))}}
	cases := []struct {
		name string
		err  error
		want *Problem
	}{
		{"invalid with fields", full, full},
		{"wrapped", fmt.Errorf("update notice: %w", full), full},
		{"not found", NotFound("notice.not_found", T("找不到", "Not found")), NotFound("notice.not_found", T("找不到", "Not found"))},
		{"conflict", Conflict("document.stale", T("已修改", "Stale")), Conflict("document.stale", T("已修改", "Stale"))},
		{"forbidden", Forbidden("capability.undeclared", T("拒绝", "Refused")), Forbidden("capability.undeclared", T("拒绝", "Refused"))},
		{"unknown code", &Problem{Code: "gone", Key: "x.gone"}, &Problem{Code: "gone", Key: "x.gone"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := statusOf(c.err)
			if s, _ := status.FromError(st); s.Code() == codes.Internal || s.Code() == codes.OK {
				t.Errorf("status code = %v, want a problem's code", s.Code())
			}
			got, ok := AsProblem(errorOf(st))
			if !ok {
				t.Fatalf("errorOf(statusOf(p)) = %v, want a *Problem", errorOf(st))
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, c.want)
			}
		})
	}

	t.Run("in a response", func(t *testing.T) {
		got := problemOf(wire(t, problemPB(full), &pb.Problem{}))
		if !reflect.DeepEqual(got, full) {
			t.Errorf("problemOf(problemPB(p)) = %+v, want %+v", got, full)
		}
	})
}

func TestErrorsThatAreNotProblems(t *testing.T) {
	if statusOf(nil) != nil || errorOf(nil) != nil {
		t.Error("nil did not stay nil")
	}
	err := errorOf(statusOf(errors.New("disk on fire")))
	if _, ok := AsProblem(err); ok || err == nil || err.Error() != "Internal: disk on fire" {
		t.Errorf("plain error came back as %v, want a non-Problem Internal error", err)
	}
	unavailable := status.Error(codes.Unavailable, "connection refused")
	if got := statusOf(unavailable); status.Code(got) != codes.Unavailable {
		t.Errorf("a gRPC status became %v, want it kept", got)
	}
	if _, ok := AsProblem(errorOf(status.Error(codes.NotFound, "not json"))); ok {
		t.Error("a NotFound status without a problem became a Problem")
	}
}

func TestDocumentRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.FixedZone("CST", 8*3600))
	d := &Document{Collection: "notices", ID: "n1", Version: 3, Data: []byte(`{"title":"通知"}`), CreatedAt: at, UpdatedAt: at.Add(time.Minute)}
	got := documentOf(wire(t, documentPB(d), &pb.Document{}))
	if got.Collection != d.Collection || got.ID != d.ID || got.Version != d.Version || string(got.Data) != string(d.Data) ||
		!got.CreatedAt.Equal(d.CreatedAt) || !got.UpdatedAt.Equal(d.UpdatedAt) || got.CreatedAt.Location() != time.UTC {
		t.Errorf("round trip = %+v, want %+v (in UTC)", got, d)
	}
	if documentPB(nil) != nil || documentOf(nil) != nil {
		t.Error("a nil document did not stay nil")
	}
}
