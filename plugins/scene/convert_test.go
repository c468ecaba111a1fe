package scene

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"google.golang.org/grpc"
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
			Publishes:   []string{"notice.published", "notice.expired", "notice.sent", "notice.followups"},
			Subscribes:  []string{"deputy.created", "deputy.retired", "notice.followups"},
			Escalates:   []string{"notice.expired"},
			Relays:      []string{"notice.sent"},
			Local:       []string{"notice.followups"},
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

// batchClient hands a StoreBatch request through its encoding to the host
// side, as gRPC does; batchHost keeps what the host side received.
type batchClient struct {
	pb.HostClient
	t      *testing.T
	server *hostServer
}

func (c batchClient) StoreBatch(ctx context.Context, in *pb.StoreBatchRequest, _ ...grpc.CallOption) (*pb.StoreBatchResponse, error) {
	return c.server.StoreBatch(ctx, wire(c.t, in, &pb.StoreBatchRequest{}))
}

type batchHost struct {
	HostServices
	audits []AuditDraft
	timers []TimerDraft
	duties []DutyActivity
}

func (h *batchHost) StoreBatch(_ context.Context, _ string, _ []Write, _ []EventDraft, audits []AuditDraft, timers []TimerDraft, duties []DutyActivity) ([]*Document, error) {
	h.audits, h.timers, h.duties = audits, timers, duties
	return nil, nil
}

// TestBatchExtrasRoundTrip: a batch's extras, as values or pointers, reach
// the host with their times and payloads; nil ones add nothing.
func TestBatchExtrasRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.FixedZone("CST", 8*3600))
	h := &batchHost{}
	st := &remoteStore{h: &remoteHost{c: batchClient{t: t, server: &hostServer{h: h}}, cap: "tok"}}
	duty := DutyActivity{DeputyID: "d1", Kind: "issue.report", Ref: "i1", Title: "反映问题", OccurredAt: at}
	_, err := st.BatchWith(context.Background(), nil, nil,
		TimerDraft{Job: "deadline", At: at, Key: "deadline-i1", Payload: map[string]string{"id": "i1"}},
		&duty, (*AuditDraft)(nil), nil, AuditDraft{Action: "issue.accept", TargetType: "issue", TargetID: "i1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.timers) != 1 || h.timers[0].Job != "deadline" || h.timers[0].Key != "deadline-i1" || !h.timers[0].At.Equal(at) ||
		string(h.timers[0].Payload.(json.RawMessage)) != `{"id":"i1"}` {
		t.Errorf("timers = %+v", h.timers)
	}
	if len(h.duties) != 1 || h.duties[0].DeputyID != "d1" || h.duties[0].Kind != "issue.report" || h.duties[0].Ref != "i1" ||
		h.duties[0].Title != duty.Title || !h.duties[0].OccurredAt.Equal(at) {
		t.Errorf("duties = %+v, want %+v", h.duties, duty)
	}
	if len(h.audits) != 1 || h.audits[0].Action != "issue.accept" {
		t.Errorf("audits = %+v, want the one that is not nil", h.audits)
	}
	if _, err := st.Batch(context.Background(), nil, nil); err != nil || len(h.timers)+len(h.duties)+len(h.audits) != 0 {
		t.Errorf("Batch without extras = %v; the host got %+v %+v %+v", err, h.audits, h.timers, h.duties)
	}
}
