package issuesupervision_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	is "github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

func harness(t *testing.T) (*scenetest.Harness, *scene.Principal, *scene.Principal) {
	h := scenetest.New(t, is.New("1.0.0"))
	deputy := h.Principal("deputy", "王建国")
	staff := h.Principal("staff", "吴敏")
	h.AddDeputy("haishu", scene.DirectoryEntry{ID: deputy.DeputyID, Name: "王建国", Kind: "deputy"})
	return h, deputy, staff
}

// deliver delivers the scene's own events in Haishu, as the host does at
// once, failing the test if a handler fails.
func deliver(t *testing.T, h *scenetest.Harness) {
	t.Helper()
	if err := h.DeliverPublished("haishu"); err != nil {
		t.Fatal(err)
	}
}

// report files an issue as deputy in Haishu.
func report(t *testing.T, h *scenetest.Harness, deputy *scene.Principal, in is.ReportInput) is.IssueJSON {
	t.Helper()
	r := h.Request(http.MethodPost, "/issues").As(deputy).JSON(in).Do()
	if r.Status != http.StatusCreated {
		t.Fatalf("report: %s", r)
	}
	var out is.IssueJSON
	r.Decode(t, &out)
	return out
}

// The typhoon story, by the rules: fallen trees are reported, routed to the
// grassroots governance platform at once, accepted, dispatched, handled,
// answered and confirmed, each step on the timeline.
func TestIssueLifecycle(t *testing.T) {
	h, deputy, staff := harness(t)
	lat, lng := 29.8683, 121.5440
	res := h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "tree", Description: "台风过后中山西路多棵行道树倒伏，阻断非机动车道",
		Lat: &lat, Lng: &lng, Address: "海曙区中山西路 100 号"}).Do()
	if res.Status != http.StatusCreated {
		t.Fatalf("report: %s", res)
	}
	var iss is.IssueJSON
	res.Decode(t, &iss)
	if iss.State != is.Routed || iss.Destination != "grid" || len(iss.Timeline) != 2 {
		t.Fatalf("after report: %+v", iss)
	}
	// The timers and the duty entry are stored with the report: there as
	// soon as it returns, and its only event is issue.reported.
	if !iss.DueAt.After(time.Now().Add(48*time.Hour)) || len(h.Scheduled("haishu")) != 3 || len(h.Duties("haishu")) != 1 || len(h.Events("haishu")) != 1 {
		t.Errorf("deadline %v, scheduled %d, duties %d, events %d", iss.DueAt, len(h.Scheduled("haishu")), len(h.Duties("haishu")), len(h.Events("haishu")))
	}
	step := func(who *scene.Principal, in is.ActionInput, want int) is.IssueJSON {
		t.Helper()
		r := h.Request(http.MethodPost, "/issues/"+iss.ID+"/actions").As(who).JSON(in).Do()
		if r.Status != want {
			t.Fatalf("%s: %s", in.Action, r)
		}
		var out is.IssueJSON
		if want == http.StatusOK {
			r.Decode(t, &out)
		}
		return out
	}
	step(deputy, is.ActionInput{Action: is.ActAccept}, http.StatusForbidden) // deputies do not accept
	step(staff, is.ActionInput{Action: is.ActHandle}, http.StatusConflict)   // not dispatched yet
	step(staff, is.ActionInput{Action: is.ActReject}, http.StatusBadRequest) // a rejection needs a reason
	step(staff, is.ActionInput{Action: is.ActAccept}, http.StatusOK)
	step(staff, is.ActionInput{Action: is.ActDispatch, Worker: "网格员 张海军"}, http.StatusOK)
	step(staff, is.ActionInput{Action: is.ActHandle, Note: "已清理倒伏树木"}, http.StatusOK)
	step(staff, is.ActionInput{Action: is.ActAnswer}, http.StatusBadRequest) // an answer needs text
	step(staff, is.ActionInput{Action: is.ActAnswer, Note: "倒伏树木已清理，道路恢复通行。"}, http.StatusOK)
	step(staff, is.ActionInput{Action: is.ActConfirm}, http.StatusForbidden) // only the reporter confirms
	got := step(deputy, is.ActionInput{Action: is.ActConfirm}, http.StatusOK)
	if got.State != is.Closed || len(got.Timeline) != 7 || got.Worker != "网格员 张海军" || got.Satisfied == nil || !*got.Satisfied {
		t.Errorf("closed issue: %+v", got)
	}
	step(deputy, is.ActionInput{Action: is.ActReopen}, http.StatusConflict) // closed is closed
	deliver(t, h)
	if n := len(h.Notifications("haishu")); n != 1 {
		t.Errorf("%d notifications, want 1 (the answer)", n)
	}
	if d := h.Duties("haishu"); len(d) != 2 || d[1].Kind != "issue.confirm" || d[1].Ref != iss.ID {
		t.Errorf("duties = %+v, want the report and the confirmation", d)
	}
	// Each action taken is audited with it, as whoever took it; a refused
	// one leaves no entry.
	audit := h.AuditLog("haishu")
	var actions []string
	for _, a := range audit {
		actions = append(actions, a.Action)
	}
	if want := "issue.accept issue.dispatch issue.handle issue.answer issue.confirm"; strings.Join(actions, " ") != want {
		t.Errorf("audit actions = %v, want %s", actions, want)
	}
	if last := audit[len(audit)-1]; last.ActorID != deputy.UserID || last.TargetID != iss.ID || string(last.After) != `{"status":"closed"}` {
		t.Errorf("the confirmation's audit entry = %+v, want the deputy closing the issue", last)
	}
}

func TestReopenLimitAndVisibility(t *testing.T) {
	h, deputy, staff := harness(t)
	other := h.Principal("deputy", "李秀英")
	lat, lng := 29.87, 121.55
	var iss is.IssueJSON
	h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "housing", Description: "住房补贴申请进度询问",
		Lat: &lat, Lng: &lng, Address: "海曙区鼓楼街道"}).Do().Decode(t, &iss)
	act := func(who *scene.Principal, a is.Action, note string) int {
		return h.Request(http.MethodPost, "/issues/"+iss.ID+"/actions").As(who).JSON(is.ActionInput{Action: a, Note: note}).Do().Status
	}
	act(staff, is.ActAccept, "")
	for i := range is.MaxReopens {
		if c := act(staff, is.ActAnswer, "答复"); c != http.StatusOK {
			t.Fatalf("answer %d: %d", i, c)
		}
		if c := act(deputy, is.ActReopen, "不满意"); c != http.StatusOK {
			t.Fatalf("reopen %d: %d", i, c)
		}
		act(staff, is.ActRoute, "")
		act(staff, is.ActAccept, "")
	}
	act(staff, is.ActAnswer, "再次答复")
	if c := act(deputy, is.ActReopen, "仍不满意"); c != http.StatusConflict {
		t.Errorf("reopen past the limit: %d, want 409", c)
	}
	// Another deputy sees neither the issue nor its list entry.
	if r := h.Request(http.MethodGet, "/issues/"+iss.ID).As(other).Do(); r.Status != http.StatusNotFound {
		t.Errorf("another deputy reads it: %s", r)
	}
	var list struct{ Items []is.IssueJSON }
	h.Request(http.MethodGet, "/issues").As(other).Do().Decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("another deputy lists %d issues", len(list.Items))
	}
	h.Request(http.MethodGet, "/issues").As(staff).Do().Decode(t, &list)
	if len(list.Items) != 1 {
		t.Errorf("staff list %d issues, want 1", len(list.Items))
	}
}

func TestReportBadInput(t *testing.T) {
	h, deputy, staff := harness(t)
	lat, lng, far := 29.87, 121.55, 200.0
	for name, in := range map[string]is.ReportInput{
		"unknown category": {Category: "ufo", Description: "x", Lat: &lat, Lng: &lng, Address: "x"},
		"no coordinates":   {Category: "tree", Description: "x", Address: "x"},
		"out of range":     {Category: "tree", Description: "x", Lat: &lat, Lng: &far, Address: "x"},
		"no description":   {Category: "tree", Lat: &lat, Lng: &lng, Address: "x"},
		"missing photo":    {Category: "tree", Description: "x", Lat: &lat, Lng: &lng, Address: "x", Photos: []string{"nope"}},
	} {
		if r := h.Request(http.MethodPost, "/issues").As(deputy).JSON(in).Do(); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %s", name, r)
		}
	}
	if r := h.Request(http.MethodPost, "/issues").As(staff).JSON(is.ReportInput{}).Do(); r.Status != http.StatusForbidden {
		t.Errorf("staff reporting: %s", r)
	}
	if r := h.Request(http.MethodPost, "/photos").As(deputy).Body("text/plain", []byte("not an image")).Do(); r.Status != http.StatusBadRequest {
		t.Errorf("text photo: %s", r)
	}
	if n := len(h.Events("haishu")); n != 0 {
		t.Errorf("bad input published %d events", n)
	}
}

func TestDuplicatesAndDeadline(t *testing.T) {
	h, deputy, _ := harness(t)
	lat, lng := 29.8683, 121.5440
	near := lng + 0.0003 // about 30 m east
	var first, second is.IssueJSON
	h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "manhole", Description: "井盖缺失", Lat: &lat, Lng: &lng, Address: "海曙区解放南路"}).Do().Decode(t, &first)
	h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "manhole", Description: "同一处井盖缺失", Lat: &lat, Lng: &near, Address: "海曙区解放南路"}).Do().Decode(t, &second)
	if len(second.Duplicates) != 1 || second.Duplicates[0] != first.ID {
		t.Errorf("duplicates offered: %v, want [%s]", second.Duplicates, first.ID)
	}
	// The deadline job flags an open issue overdue and tells the reporter,
	// in follow-up work stored with the flag.
	if err := h.RunJob("haishu", "deadline", map[string]string{"ID": first.ID}); err != nil {
		t.Fatal(err)
	}
	if n := len(h.Notifications("haishu")); n != 0 {
		t.Errorf("%d messages before the follow-up work is done, want 0", n)
	}
	deliver(t, h)
	if err := h.RunJob("haishu", "deadline", map[string]string{"ID": first.ID}); err != nil { // run again, as a retry
		t.Fatal(err)
	}
	deliver(t, h)
	if n := h.Notifications("haishu"); len(n) != 1 || n[0].Title.EN != "An issue is overdue" {
		t.Errorf("messages = %+v, want the reporter told once", n)
	}
	var got is.IssueJSON
	h.Request(http.MethodGet, "/issues/"+first.ID).As(deputy).Do().Decode(t, &got)
	if !got.Overdue {
		t.Error("issue not flagged overdue")
	}
	var list struct{ Items []is.IssueJSON }
	h.Request(http.MethodGet, "/issues?overdue=true").As(deputy).Do().Decode(t, &list)
	if len(list.Items) != 1 {
		t.Errorf("overdue list: %d", len(list.Items))
	}
}

// A report linked to an offered duplicate is not sent on again, and gets
// the primary's answer when the primary is answered.
func TestLinkedIssuesShareOutcome(t *testing.T) {
	h, deputy, staff := harness(t)
	lat, lng := 29.8683, 121.5440
	var primary, linked is.IssueJSON
	h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "drainage", Description: "路口积水", Lat: &lat, Lng: &lng, Address: "海曙区药行街"}).Do().Decode(t, &primary)
	r := h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "drainage", Description: "同一路口积水", Lat: &lat, Lng: &lng,
		Address: "海曙区药行街", LinkTo: primary.ID}).Do()
	if r.Status != http.StatusCreated {
		t.Fatalf("linked report: %s", r)
	}
	r.Decode(t, &linked)
	if linked.DuplicateOf != primary.ID || linked.Grid != nil {
		t.Errorf("linked issue: %+v", linked)
	}
	bad := h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "tree", Description: "x", Lat: &lat, Lng: &lng, Address: "x", LinkTo: primary.ID}).Do()
	if bad.Status != http.StatusBadRequest {
		t.Errorf("link across categories: %s", bad)
	}
	for _, a := range []is.ActionInput{{Action: is.ActAccept}, {Action: is.ActAnswer, Note: "已疏通排水口。"}} {
		if r := h.Request(http.MethodPost, "/issues/"+primary.ID+"/actions").As(staff).JSON(a).Do(); r.Status != http.StatusOK {
			t.Fatalf("%s: %s", a.Action, r)
		}
	}
	deliver(t, h) // the answer's follow-up work shares it
	deliver(t, h) // the linked issue's own work tells its reporter
	var got is.IssueJSON
	h.Request(http.MethodGet, "/issues/"+linked.ID).As(deputy).Do().Decode(t, &got)
	if got.State != is.Answered || got.Answer != "已疏通排水口。" {
		t.Errorf("linked after the primary's answer: %s %q", got.State, got.Answer)
	}
	if n := len(h.Notifications("haishu")); n != 2 {
		t.Errorf("%d notifications, want 2 (each reporter's answer)", n)
	}
	// The reminder job warns before the deadline.
	if err := h.RunJob("haishu", "remind", map[string]string{"ID": linked.ID}); err != nil {
		t.Fatal(err)
	}
}

// The reporting deputy follows an issue up: a timeline note and a duty
// archive entry each time; no state changes; nobody else may.
func TestFollowUp(t *testing.T) {
	h, deputy, staff := harness(t)
	lat, lng := 29.87, 121.55
	var iss is.IssueJSON
	h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "road", Description: "路面塌陷", Lat: &lat, Lng: &lng, Address: "海曙区"}).Do().Decode(t, &iss)
	for range 2 {
		r := h.Request(http.MethodPost, "/issues/"+iss.ID+"/actions").As(deputy).JSON(is.ActionInput{Action: is.ActFollowUp, Note: "请加快处理"}).Do()
		if r.Status != http.StatusOK {
			t.Fatalf("follow up: %s", r)
		}
	}
	if r := h.Request(http.MethodPost, "/issues/"+iss.ID+"/actions").As(staff).JSON(is.ActionInput{Action: is.ActFollowUp, Note: "x"}).Do(); r.Status != http.StatusForbidden {
		t.Errorf("staff following up: %s", r)
	}
	if r := h.Request(http.MethodPost, "/issues/"+iss.ID+"/actions").As(deputy).JSON(is.ActionInput{Action: is.ActFollowUp}).Do(); r.Status != http.StatusBadRequest {
		t.Errorf("empty follow-up: %s", r)
	}
	var got is.IssueJSON
	h.Request(http.MethodGet, "/issues/"+iss.ID).As(deputy).Do().Decode(t, &got)
	if got.State != is.Routed || len(got.Timeline) != 4 {
		t.Errorf("after two follow-ups: %s, %d steps", got.State, len(got.Timeline))
	}
	if n := len(h.Duties("haishu")); n != 3 {
		t.Errorf("%d duty entries, want 3 (report + 2 follow-ups)", n)
	}
}

// Every open issue says who it waits on, as the deputy's list shows it.
func TestWaitingOn(t *testing.T) {
	h, deputy, staff := harness(t)
	lat, lng := 29.8683, 121.5440
	var iss is.IssueJSON
	h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "tree", Description: "行道树倒伏",
		Lat: &lat, Lng: &lng, Address: "海曙区中山西路 100 号"}).Do().Decode(t, &iss)
	want := func(who string) {
		t.Helper()
		var list struct{ Items []is.IssueJSON }
		h.Request(http.MethodGet, "/issues").As(deputy).Do().Decode(t, &list)
		got := list.Items[0].WaitingOn
		switch {
		case who == "" && got != nil:
			t.Errorf("%s: waits on %+v, want nobody", list.Items[0].State, got)
		case who != "" && (got == nil || got.Who != who || got.Name.ZH == "" || got.Name.EN == ""):
			t.Errorf("%s: waits on %+v, want %s", list.Items[0].State, got, who)
		}
	}
	act := func(who *scene.Principal, in is.ActionInput) {
		t.Helper()
		if r := h.Request(http.MethodPost, "/issues/"+iss.ID+"/actions").As(who).JSON(in).Do(); r.Status != http.StatusOK {
			t.Fatalf("%s: %s", in.Action, r)
		}
	}
	want("platform") // routed to the grid
	for _, in := range []is.ActionInput{{Action: is.ActAccept}, {Action: is.ActDispatch, Worker: "网格员 张海军"}} {
		act(staff, in)
	}
	want("platform")
	act(staff, is.ActionInput{Action: is.ActHandle})
	act(staff, is.ActionInput{Action: is.ActAnswer, Note: "已清理"})
	want("deputy")
	act(deputy, is.ActionInput{Action: is.ActReopen, Note: "没清理干净"})
	want("staff")
	act(staff, is.ActionInput{Action: is.ActRoute, Destination: "department:water"})
	want("department")
	act(deputy, is.ActionInput{Action: is.ActWithdraw})
	want("")
}

// followUpsOf returns the follow-up events the scene published in Haishu.
func followUpsOf(h *scenetest.Harness) []scenetest.Published {
	var out []scenetest.Published
	for _, e := range h.Events("haishu") {
		if e.Type == is.EventFollowUps {
			out = append(out, e)
		}
	}
	return out
}

// An answer's follow-up event delivered twice, as the host may, answers a
// linked issue once; the reports' timers and duty entries were stored with
// them and are not in any event.
func TestFollowUpsDeliveredTwice(t *testing.T) {
	h, deputy, staff := harness(t)
	lat, lng := 29.8683, 121.5440
	primary := report(t, h, deputy, is.ReportInput{Category: "drainage", Description: "路口积水", Lat: &lat, Lng: &lng, Address: "海曙区药行街"})
	linked := report(t, h, deputy, is.ReportInput{Category: "drainage", Description: "同一路口积水", Lat: &lat, Lng: &lng,
		Address: "海曙区药行街", LinkTo: primary.ID})
	for _, a := range []is.ActionInput{{Action: is.ActAccept}, {Action: is.ActAnswer, Note: "已疏通排水口。"}} {
		if r := h.Request(http.MethodPost, "/issues/"+primary.ID+"/actions").As(staff).JSON(a).Do(); r.Status != http.StatusOK {
			t.Fatalf("%s: %s", a.Action, r)
		}
	}
	if got := len(h.Scheduled("haishu")); got != 5 {
		t.Errorf("scheduled %d, want 5 (each report's deadline and reminder, the primary's delivery)", got)
	}
	if got := len(h.Duties("haishu")); got != 2 {
		t.Errorf("%d duty entries, want 2 (the reports)", got)
	}
	events := followUpsOf(h)
	if len(events) != 1 {
		t.Fatalf("%d follow-up events, want 1 (the answer)", len(events))
	}
	for range 2 {
		if err := h.Deliver("haishu", scene.Event{ID: events[0].ID, Type: events[0].Type, Source: is.ID, Payload: events[0].Payload}); err != nil {
			t.Fatal(err)
		}
	}
	var got is.IssueJSON
	h.Request(http.MethodGet, "/issues/"+linked.ID).As(deputy).Do().Decode(t, &got)
	if got.State != is.Answered || len(got.Timeline) != 4 {
		t.Errorf("linked issue: %s with %d steps, want answered once (4 steps)", got.State, len(got.Timeline))
	}
	if n := len(followUpsOf(h)); n != 2 {
		t.Errorf("%d follow-up events, want 2 (the answer, the linked issue's answer once)", n)
	}
	// The same type from another scene, or relayed from another congress,
	// is not this congress's work.
	for _, e := range []scene.Event{{Type: is.EventFollowUps, Source: "acme.other", Payload: events[0].Payload},
		{Type: is.EventFollowUps, Source: is.ID, Origin: "ningbo", Payload: events[0].Payload}} {
		h2, _, _ := harness(t)
		if err := h2.Deliver("haishu", e); err != nil {
			t.Fatal(err)
		}
		if n := len(h2.Notifications("haishu")); n != 0 {
			t.Errorf("source %s, origin %q: %d messages; want none", e.Source, e.Origin, n)
		}
	}
}

// A write whose batch fails stores none of its timers and duty entries: a
// report for a deputy the directory does not know is refused as a whole
// (the duty entry names them), and stored with all of them once the
// deputy is known.
func TestFailedWriteStoresNoFollowUps(t *testing.T) {
	h := scenetest.New(t, is.New("1.0.0"))
	deputy := h.Principal("deputy", "王建国")
	staff := h.Principal("staff", "吴敏")
	lat, lng := 29.8683, 121.5440
	in := is.ReportInput{Category: "tree", Description: "行道树倒伏", Lat: &lat, Lng: &lng, Address: "海曙区中山西路"}
	if r := h.Request(http.MethodPost, "/issues").As(deputy).JSON(in).Do(); r.Status != http.StatusNotFound {
		t.Fatalf("report for an unknown deputy: %s, want 404", r)
	}
	var list struct{ Items []is.IssueJSON }
	h.Request(http.MethodGet, "/issues").As(staff).Do().Decode(t, &list)
	if n, d, e := len(h.Scheduled("haishu")), len(h.Duties("haishu")), len(h.Events("haishu")); len(list.Items) != 0 || n != 0 || d != 0 || e != 0 {
		t.Errorf("after the refused report: %d issues, scheduled %d, duties %d, events %d; want nothing", len(list.Items), n, d, e)
	}
	h.AddDeputy("haishu", scene.DirectoryEntry{ID: deputy.DeputyID, Name: "王建国", Kind: "deputy"})
	iss := report(t, h, deputy, in)
	if d := h.Duties("haishu"); len(d) != 1 || d[0].Kind != "issue.report" || d[0].Ref != iss.ID || d[0].DeputyID != deputy.DeputyID {
		t.Errorf("duties = %+v, want the report", d)
	}
	if n := len(h.Scheduled("haishu")); n != 3 {
		t.Errorf("scheduled %d, want 3 (deadline, reminder, delivery)", n)
	}
}

// Staff send an issue not yet delivered again: the reset is stored with
// its delivery timer, which replaces the report's.
func TestRedeliver(t *testing.T) {
	h, deputy, staff := harness(t)
	lat, lng := 29.8683, 121.5440
	iss := report(t, h, deputy, is.ReportInput{Category: "tree", Description: "行道树倒伏", Lat: &lat, Lng: &lng, Address: "海曙区中山西路"})
	deliverAt := func() []time.Time {
		var out []time.Time
		for _, s := range h.Scheduled("haishu") {
			if s.Job == "deliver" && s.Key == "deliver:"+iss.ID {
				out = append(out, s.At)
			}
		}
		return out
	}
	first := deliverAt()
	if len(first) != 1 {
		t.Fatalf("%d delivery timers after the report, want 1", len(first))
	}
	if r := h.Request(http.MethodPost, "/issues/"+iss.ID+"/actions").As(staff).JSON(is.ActionInput{Action: is.ActRedeliver}).Do(); r.Status != http.StatusOK {
		t.Fatalf("redeliver: %s", r)
	}
	if got := deliverAt(); len(got) != 1 || got[0].Before(first[0]) {
		t.Errorf("delivery timers after redeliver at %v, want one (the report's, replaced) not before %v", got, first[0])
	}
	if n := len(followUpsOf(h)); n != 0 {
		t.Errorf("%d follow-up events, want none (the timer is stored with the reset)", n)
	}
}
