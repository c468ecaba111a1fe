package scenetest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

// TestBatchWithTimersAndDuties: a batch's timers and duty entries are
// recorded with its writes, as Schedule and RecordDuty record them, or not
// at all.
func TestBatchWithTimersAndDuties(t *testing.T) {
	ctx := context.Background()
	h := scenetest.New(t, testScene(), scenetest.WithClock(func() time.Time { return t0 }))
	dep := h.AddDeputy("a", scene.DirectoryEntry{Name: "李明"})
	st := h.Host("a").Store()
	if _, err := st.Create(ctx, "items", "old", item{}); err != nil {
		t.Fatal(err)
	}
	timer := scene.TimerDraft{Job: "remind", At: t0.Add(time.Hour), Key: "item-1", Payload: map[string]string{"id": "item-1"}}
	duty := scene.DutyActivity{DeputyID: dep, Kind: "item.review", Ref: "item-1", Title: "审阅议案", OccurredAt: t0}
	write := scene.Write{Op: "create", Collection: "items", ID: "item-1", Data: item{}}
	nothing := func(t *testing.T) {
		t.Helper()
		if _, err := h.Store("a").Get(ctx, "items", "item-1"); err == nil {
			t.Error("the batch's write was kept")
		}
		if got := h.Scheduled("a"); len(got) != 0 {
			t.Errorf("scheduled = %+v, want none", got)
		}
		if got := h.Duties("a"); len(got) != 0 {
			t.Errorf("duties = %+v, want none", got)
		}
		if got := h.AuditLog("a"); len(got) != 0 {
			t.Errorf("audit log = %+v, want none", got)
		}
	}

	failed := []struct {
		name      string
		writes    []scene.Write
		extras    []scene.BatchExtra
		code, key string
	}{
		{"stale write", []scene.Write{write, {Op: "update", Collection: "items", ID: "old", Version: 7, Data: item{}}},
			[]scene.BatchExtra{timer, duty, scene.AuditDraft{Action: "item.create"}}, scene.CodeConflict, "document.stale"},
		{"unknown deputy", []scene.Write{write},
			[]scene.BatchExtra{timer, scene.DutyActivity{DeputyID: "nobody", Kind: "item.review", Title: "审阅", OccurredAt: t0}},
			scene.CodeNotFound, "deputy.not_found"},
		{"duty without title", []scene.Write{write}, []scene.BatchExtra{timer, scene.DutyActivity{DeputyID: dep, Kind: "item.review", OccurredAt: t0}},
			scene.CodeInvalid, "validation.failed"},
		{"undeclared job", []scene.Write{write}, []scene.BatchExtra{duty, scene.TimerDraft{Job: "nightly", At: t0}},
			scene.CodeInvalid, "validation.failed"},
		{"undeclared duty kind", []scene.Write{write}, []scene.BatchExtra{timer, scene.DutyActivity{DeputyID: dep, Kind: "item.other", Title: "x", OccurredAt: t0}},
			scene.CodeInvalid, "validation.failed"},
		{"empty", nil, []scene.BatchExtra{(*scene.TimerDraft)(nil), nil}, scene.CodeInvalid, "validation.failed"},
	}
	for _, c := range failed {
		t.Run(c.name, func(t *testing.T) {
			_, err := st.BatchWith(ctx, c.writes, nil, c.extras...)
			wantProblem(t, err, c.code, c.key)
			nothing(t)
		})
	}

	t.Run("stored together", func(t *testing.T) {
		docs, err := st.BatchWith(ctx, []scene.Write{write}, nil, timer, &duty, (*scene.AuditDraft)(nil))
		if err != nil || len(docs) != 1 || docs[0].ID != "item-1" {
			t.Fatalf("batch = %+v, %v", docs, err)
		}
		if got := h.Scheduled("a"); len(got) != 1 || got[0].Job != "remind" || got[0].Key != "item-1" ||
			!got[0].At.Equal(t0.Add(time.Hour)) || string(got[0].Payload) != `{"id":"item-1"}` {
			t.Errorf("scheduled = %+v, want the batch's timer", got)
		}
		if got := h.Duties("a"); len(got) != 1 || got[0].DeputyID != dep || got[0].Ref != "item-1" || got[0].ID == "" {
			t.Errorf("duties = %+v, want the batch's entry", got)
		}
	})

	t.Run("as Schedule and RecordDuty", func(t *testing.T) {
		later := timer
		later.At = t0.Add(2 * time.Hour)
		if _, err := st.BatchWith(ctx, nil, nil, later, duty); err != nil {
			t.Fatalf("a batch of a timer and a duty entry only: %v", err)
		}
		if got := h.Scheduled("a"); len(got) != 1 || !got[0].At.Equal(t0.Add(2*time.Hour)) {
			t.Errorf("scheduled = %+v, want one (the same key replaces)", got)
		}
		first := h.Duties("a")[0].ID
		if id, err := h.Host("a").RecordDuty(ctx, duty); err != nil || id != first {
			t.Errorf("RecordDuty after the batch = %q, %v; want the batch's entry %q", id, err, first)
		}
		if got := h.Duties("a"); len(got) != 1 {
			t.Errorf("duties = %+v, want one (the same deputy, kind and ref is recorded once)", got)
		}
		if got := h.Scheduled("b"); len(got) != 0 {
			t.Errorf("tenant b has a's timers: %+v", got)
		}
	})
}

// TestBatchWithCapabilities: timers need the scheduler capability and duty
// entries the duty capability, in a batch as alone; a refused batch writes
// nothing.
func TestBatchWithCapabilities(t *testing.T) {
	ctx := context.Background()
	s := scene.New(scene.Manifest{ID: "renda.store-only", Version: "1.0.0", Title: scene.T("仅存储", "Store only"),
		Collections:  []scene.Collection{{Name: "things"}},
		DutyKinds:    []scene.DutyKind{{Kind: "thing.made", Title: scene.T("制作", "Made")}},
		Capabilities: []string{scene.CapStore}})
	s.OnJob("remind", "", func(context.Context, *scene.Job) error { return nil })
	s.Public(http.MethodGet, "/", scene.T("空", "Nothing"), func(context.Context, *scene.Request) (*scene.Response, error) {
		return scene.NoContent()
	})
	h := scenetest.New(t, s)
	dep := h.AddDeputy("a", scene.DirectoryEntry{Name: "李明"})
	st := h.Host("a").Store()
	write := scene.Write{Op: "create", Collection: "things", ID: "t1", Data: map[string]int{"n": 1}}
	for _, c := range []struct {
		name  string
		extra scene.BatchExtra
	}{
		{"scheduler", scene.TimerDraft{Job: "remind", At: t0}},
		{"duty", scene.DutyActivity{DeputyID: dep, Kind: "thing.made", Title: "制作", OccurredAt: t0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := st.BatchWith(ctx, []scene.Write{write}, nil, c.extra)
			wantProblem(t, err, scene.CodeForbidden, "capability.undeclared")
			if _, err := h.Store("a").Get(ctx, "things", "t1"); err == nil {
				t.Error("a refused batch kept its write")
			}
		})
	}
	if _, err := st.BatchWith(ctx, []scene.Write{write}, nil); err != nil {
		t.Errorf("a batch without extras needs only the store: %v", err)
	}
}
