package issuesupervision_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	is "github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

// lastEvent is the last event of type typ the scene published in tenant.
func lastEvent(h *scenetest.Harness, tenant, typ string) scenetest.Published {
	var out scenetest.Published
	for _, ev := range h.Events(tenant) {
		if ev.Type == typ {
			out = ev
		}
	}
	return out
}

// jointLine is a city with two districts, one with a township, and the
// deputies and a department of Haishu.
func jointLine(t *testing.T) (*scenetest.Harness, *scene.Principal, *scene.Principal, string) {
	h, deputy, staff := harness(t)
	h.SetParent("haishu", "ningbo")
	h.SetParent("jiangbei", "ningbo")
	h.SetParent("gulou", "haishu")
	h.AddDeputy("haishu", scene.DirectoryEntry{ID: "dep-liu", Name: "刘海燕", Kind: "deputy"})
	h.AddDepartment("haishu", scene.DirectoryEntry{ID: "dept-water", Name: "区水利局", Kind: "department"})
	lat, lng := 29.8683, 121.5440
	var iss is.IssueJSON
	h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "drainage", Description: "月湖片区每逢台风必涝",
		Lat: &lat, Lng: &lng, Address: "海曙区月湖街道"}).Do().Decode(t, &iss)
	return h, deputy, staff, iss.ID
}

// duties lists the deputies with a duty entry of kind in tenant: stored
// with the write that gave them their part, so there as soon as it
// returns.
func duties(h *scenetest.Harness, tenant, kind string) []string {
	var out []string
	for _, d := range h.Duties(tenant) {
		if d.Kind == kind {
			out = append(out, d.DeputyID)
		}
	}
	slices.Sort(out)
	return out
}

// A hard issue gets a joint supervision activity: Haishu invites its own
// deputies and a department, the city above and the township below (the
// host carries the invitation; Deliver stands in for it here). The city
// accepts naming a deputy of its own, the activity records a visit and
// concludes, and each deputy's part is in their own congress's archive.
func TestJointSupervision(t *testing.T) {
	h, deputy, staff, issueID := jointLine(t)
	var cs struct {
		Items []map[string]string `json:"items"`
	}
	h.Request(http.MethodGet, "/joint/congresses").As(staff).Do().Decode(t, &cs)
	var line []string
	for _, c := range cs.Items {
		line = append(line, c["slug"]+":"+c["relation"])
	}
	if !slices.Equal(line, []string{"gulou:descendant", "ningbo:ancestor"}) {
		t.Errorf("congresses of Haishu's line = %v, want the township below and the city above, not Jiangbei", line)
	}

	in := is.JointInput{Title: "月湖片区内涝联合督事", Description: "多年未解决的内涝", IssueID: issueID,
		Deputies:    []is.PersonRef{{ID: deputy.DeputyID, Name: "王建国"}, {ID: "dep-liu", Name: "刘海燕"}},
		Departments: []string{"dept-water"}, Congresses: []string{"ningbo", "gulou"}}
	r := h.Request(http.MethodPost, "/joint").As(staff).JSON(in).Do()
	if r.Status != http.StatusCreated {
		t.Fatalf("open: %s", r)
	}
	var a is.ActivityJSON
	r.Decode(t, &a)
	if a.Status != "open" || len(a.Deputies) != 2 || a.Departments[0].Name != "区水利局" || len(a.Congresses) != 2 || a.Congresses[0].Status != "invited" {
		t.Errorf("opened: %+v", a.Activity)
	}
	inv := lastEvent(h, "haishu", is.EventJointInvited)
	if inv.Type != is.EventJointInvited || !slices.Equal(inv.To, []string{"ningbo", "gulou"}) {
		t.Fatalf("invitation event %s to %v", inv.Type, inv.To)
	}
	if got := duties(h, "haishu", "joint.participate"); !slices.Equal(got, slices.Sorted(slices.Values([]string{deputy.DeputyID, "dep-liu"}))) {
		t.Errorf("participation duties %v", got)
	}
	var issue is.IssueJSON
	h.Request(http.MethodGet, "/issues/"+issueID).As(staff).Do().Decode(t, &issue)
	if last := issue.Timeline[len(issue.Timeline)-1]; last.Action != "joint" || !strings.Contains(last.Note, in.Title) {
		t.Errorf("the issue's timeline ends with %+v, want the activity", last)
	}

	// Another scene publishing an event of the same type is not this
	// scene: its "invitation" is ignored.
	if err := h.Deliver("ningbo", scene.Event{Type: inv.Type, Payload: inv.Payload, Origin: "haishu", Source: "test.other"}); err != nil {
		t.Fatal(err)
	}
	// The city receives it (twice: delivered again, recorded once).
	for range 2 {
		if err := h.Deliver("ningbo", scene.Event{Type: inv.Type, Payload: inv.Payload, Origin: "haishu", Source: is.ID}); err != nil {
			t.Fatal(err)
		}
	}
	var invites struct {
		Items []is.InvitationJSON `json:"items"`
	}
	h.Request(http.MethodGet, "/joint-invites").As(staff).Tenant("ningbo").Do().Decode(t, &invites)
	if len(invites.Items) != 1 || invites.Items[0].Origin != "haishu" || invites.Items[0].Title != in.Title || !strings.Contains(invites.Items[0].IssueSummary, "排水防涝") {
		t.Fatalf("the city's invitations: %+v", invites.Items)
	}
	cityDeputy := h.AddDeputy("ningbo", scene.DirectoryEntry{Name: "王建国", Kind: "deputy"})
	answer := func(body is.AnswerInput) *scenetest.Result {
		return h.Request(http.MethodPost, "/joint-invites/"+invites.Items[0].ID+"/answer").As(staff).Tenant("ningbo").JSON(body).Do()
	}
	yes := true
	if r := answer(is.AnswerInput{Accept: &yes, Deputies: []is.PersonRef{{ID: "dep-liu", Name: "刘海燕"}}}); r.Status != http.StatusBadRequest {
		t.Errorf("the city names a Haishu deputy: %s", r)
	}
	if r := answer(is.AnswerInput{Accept: &yes, Deputies: []is.PersonRef{{ID: cityDeputy, Name: "王建国"}}, Note: "市人大代表参加"}); r.Status != http.StatusOK {
		t.Fatalf("answer: %s", r)
	}
	if r := answer(is.AnswerInput{Accept: &yes, Deputies: []is.PersonRef{{ID: cityDeputy, Name: "王建国"}}}); r.Status != http.StatusConflict {
		t.Errorf("answered twice: %s", r)
	}
	if got := duties(h, "ningbo", "joint.participate"); !slices.Equal(got, []string{cityDeputy}) {
		t.Errorf("the city's participation duties %v", got)
	}
	ans := lastEvent(h, "ningbo", is.EventJointAnswered)
	if ans.Type != is.EventJointAnswered || !slices.Equal(ans.To, []string{"haishu"}) {
		t.Fatalf("answer event %s to %v", ans.Type, ans.To)
	}
	// Jiangbei was not invited: its "answer" changes nothing.
	if err := h.Deliver("haishu", scene.Event{Type: ans.Type, Payload: ans.Payload, Origin: "jiangbei", Source: is.ID}); err != nil {
		t.Fatal(err)
	}
	if err := h.Deliver("haishu", scene.Event{Type: ans.Type, Payload: ans.Payload, Origin: "ningbo", Source: is.ID}); err != nil {
		t.Fatal(err)
	}
	h.Request(http.MethodGet, "/joint/"+a.ID).As(staff).Do().Decode(t, &a)
	if c := a.Congresses[0]; c.Slug != "ningbo" || c.Status != "accepted" || !slices.Equal(c.Deputies, []string{"王建国"}) || a.Congresses[1].Status != "invited" {
		t.Errorf("congresses after the answers: %+v", a.Congresses)
	}

	visit := is.RecordInput{Kind: "visit", Title: "实地查看月湖排涝泵站", Place: "月湖街道", Deputies: []string{"dep-liu"}, Departments: []string{"dept-water"}}
	if r := h.Request(http.MethodPost, "/joint/"+a.ID+"/records").As(staff).JSON(visit).Do(); r.Status != http.StatusCreated {
		t.Fatalf("record: %s", r)
	}
	if got := duties(h, "haishu", "joint.visit"); !slices.Equal(got, []string{"dep-liu"}) {
		t.Errorf("visit duties %v", got)
	}
	// The deputy taking part sees it; another does not.
	if r := h.Request(http.MethodGet, "/joint/"+a.ID).As(deputy).Do(); r.Status != http.StatusOK {
		t.Errorf("a participating deputy reads the activity: %s", r)
	}
	other := h.Principal("deputy", "张伟")
	if r := h.Request(http.MethodGet, "/joint/"+a.ID).As(other).Do(); r.Status != http.StatusNotFound {
		t.Errorf("another deputy reads the activity: %s", r)
	}
	var mine struct {
		Items []is.ActivityJSON `json:"items"`
	}
	h.Request(http.MethodGet, "/joint").As(other).Do().Decode(t, &mine)
	if len(mine.Items) != 0 {
		t.Errorf("another deputy lists %d activities", len(mine.Items))
	}

	if r := h.Request(http.MethodPost, "/joint/"+a.ID+"/conclude").As(staff).JSON(is.ConcludeInput{Conclusion: "泵站扩容列入明年计划"}).Do(); r.Status != http.StatusOK {
		t.Fatalf("conclude: %s", r)
	}
	if done := lastEvent(h, "haishu", is.EventJointConcluded); done.Type != is.EventJointConcluded || !slices.Equal(done.To, []string{"ningbo", "gulou"}) {
		t.Errorf("conclusion event %s to %v, want the city (accepted) and the township (yet to answer)", done.Type, done.To)
	} else if err := h.Deliver("ningbo", scene.Event{Type: done.Type, Payload: done.Payload, Origin: "haishu", Source: is.ID}); err != nil {
		t.Fatal(err)
	}
	var got is.InvitationJSON
	h.Request(http.MethodGet, "/joint-invites/"+invites.Items[0].ID).As(staff).Tenant("ningbo").Do().Decode(t, &got)
	if got.Status != "accepted" || got.Conclusion != "泵站扩容列入明年计划" {
		t.Errorf("the city's invitation after the conclusion: %+v", got.Invitation)
	}
	if r := h.Request(http.MethodPost, "/joint/"+a.ID+"/records").As(staff).JSON(visit).Do(); r.Status != http.StatusConflict {
		t.Errorf("a record after the conclusion: %s", r)
	}
	// The township never answered: it hears the activity is over, and can
	// no longer accept.
	done := lastEvent(h, "haishu", is.EventJointConcluded)
	for _, ev := range []scenetest.Published{inv, done} {
		if err := h.Deliver("gulou", scene.Event{Type: ev.Type, Payload: ev.Payload, Origin: "haishu", Source: is.ID}); err != nil {
			t.Fatal(err)
		}
	}
	h.Request(http.MethodGet, "/joint-invites").As(staff).Tenant("gulou").Do().Decode(t, &invites)
	townDeputy := h.AddDeputy("gulou", scene.DirectoryEntry{Name: "陈静", Kind: "deputy"})
	r = h.Request(http.MethodPost, "/joint-invites/"+invites.Items[0].ID+"/answer").As(staff).Tenant("gulou").
		JSON(is.AnswerInput{Accept: &yes, Deputies: []is.PersonRef{{ID: townDeputy, Name: "陈静"}}}).Do()
	if r.Status != http.StatusConflict || len(duties(h, "gulou", "joint.participate")) != 0 {
		t.Errorf("the township accepts a concluded activity: %s", r)
	}
	// Inviting changes no title.
	if r := h.Request(http.MethodPost, "/joint/"+a.ID+"/participants").As(staff).JSON(is.JointInput{Title: "新名称"}).Do(); r.Status != http.StatusConflict {
		t.Errorf("inviting to a concluded activity: %s", r)
	}
}

// Bad input is refused with the field at fault, and writes nothing.
func TestJointBadInput(t *testing.T) {
	h, deputy, staff, _ := jointLine(t)
	before := len(h.Events("haishu"))
	for _, c := range []struct {
		name  string
		in    is.JointInput
		field string
	}{
		{"no title", is.JointInput{Title: " "}, "title"},
		{"a sibling congress", is.JointInput{Title: "督事", Congresses: []string{"jiangbei"}}, "congresses[0]"},
		{"an unknown congress", is.JointInput{Title: "督事", Congresses: []string{"nowhere"}}, "congresses[0]"},
		{"a deputy of no congress here", is.JointInput{Title: "督事", Deputies: []is.PersonRef{{ID: "dep-x", Name: "刘海燕"}}}, "deputies[0]"},
		{"an unknown department", is.JointInput{Title: "督事", Departments: []string{"dept-x"}}, "departments[0]"},
		{"an unknown issue", is.JointInput{Title: "督事", IssueID: "iss-x"}, "issue_id"},
		{"a congress twice", is.JointInput{Title: "督事", Congresses: []string{"ningbo", "ningbo"}}, "congresses[1]"},
		{"a department twice", is.JointInput{Title: "督事", Departments: []string{"dept-water", "dept-water"}}, "departments[1]"},
		// Each deputy's part is a duty entry stored with the write, at most
		// 100 to a batch.
		{"too many deputies", is.JointInput{Title: "督事", Deputies: make([]is.PersonRef, 101)}, "deputies"},
	} {
		r := h.Request(http.MethodPost, "/joint").As(staff).Locale("en").JSON(c.in).Do()
		if r.Status != http.StatusBadRequest || r.Problem == nil || len(r.Problem.Fields) == 0 || r.Problem.Fields[0].Path != c.field || r.Problem.Fields[0].Message.ZH == "" {
			t.Errorf("%s: %s, want 400 on %s", c.name, r, c.field)
		}
	}
	if r := h.Request(http.MethodPost, "/joint").As(deputy).JSON(is.JointInput{Title: "督事"}).Do(); r.Status != http.StatusForbidden {
		t.Errorf("a deputy opens an activity: %s", r)
	}
	var list struct {
		Items []is.ActivityJSON `json:"items"`
	}
	h.Request(http.MethodGet, "/joint").As(staff).Do().Decode(t, &list)
	if len(list.Items) != 0 || len(h.Events("haishu")) != before {
		t.Errorf("refused input left %d activities and %d events", len(list.Items), len(h.Events("haishu"))-before)
	}
	var a is.ActivityJSON
	h.Request(http.MethodPost, "/joint").As(staff).JSON(is.JointInput{Title: "督事"}).Do().Decode(t, &a)
	for _, rec := range []is.RecordInput{
		{Kind: "party", Title: "x"},
		{Kind: "visit", Title: ""},
		{Kind: "visit", Title: "x", Deputies: []string{deputy.DeputyID}}, // not invited
		{Kind: "visit", Title: "x", Photos: []string{"file-x"}},
		{Kind: "visit", Title: "x", Deputies: make([]string, 101)},
	} {
		if r := h.Request(http.MethodPost, "/joint/"+a.ID+"/records").As(staff).JSON(rec).Do(); r.Status != http.StatusBadRequest {
			t.Errorf("record %+v: %s", rec, r)
		}
	}
}

// auditBy lists the actions of a tenant's audit log as "action target by
// actor".
func auditBy(h *scenetest.Harness, tenant string) []string {
	var out []string
	for _, a := range h.AuditLog(tenant) {
		out = append(out, a.Action+" "+a.TargetID+" by "+a.ActorID)
	}
	return out
}

// Opening (with and without an issue), answering and concluding an
// activity are each audited with the write, as the staff member who acted;
// a refused conclusion leaves no entry.
func TestJointAudited(t *testing.T) {
	h, _, staff, issueID := jointLine(t)
	before := len(h.AuditLog("haishu")) // the report's actions
	var withIssue, alone is.ActivityJSON
	h.Request(http.MethodPost, "/joint").As(staff).JSON(is.JointInput{Title: "内涝督事", IssueID: issueID, Congresses: []string{"ningbo"}}).Do().Decode(t, &withIssue)
	h.Request(http.MethodPost, "/joint").As(staff).JSON(is.JointInput{Title: "河道督事"}).Do().Decode(t, &alone)
	inv := lastEvent(h, "haishu", is.EventJointInvited)
	if err := h.Deliver("ningbo", scene.Event{Type: inv.Type, Payload: inv.Payload, Origin: "haishu", Source: is.ID}); err != nil {
		t.Fatal(err)
	}
	var invites struct {
		Items []is.InvitationJSON `json:"items"`
	}
	h.Request(http.MethodGet, "/joint-invites").As(staff).Tenant("ningbo").Do().Decode(t, &invites)
	no := false
	if r := h.Request(http.MethodPost, "/joint-invites/"+invites.Items[0].ID+"/answer").As(staff).Tenant("ningbo").JSON(is.AnswerInput{Accept: &no}).Do(); r.Status != http.StatusOK {
		t.Fatalf("answer: %s", r)
	}
	for i, want := range []int{http.StatusOK, http.StatusConflict} {
		if r := h.Request(http.MethodPost, "/joint/"+alone.ID+"/conclude").As(staff).JSON(is.ConcludeInput{Conclusion: "已整治"}).Do(); r.Status != want {
			t.Fatalf("conclude #%d: %s, want %d", i+1, r, want)
		}
	}
	got := auditBy(h, "haishu")[before:]
	want := []string{"joint.open " + withIssue.ID + " by " + staff.UserID, "joint.open " + alone.ID + " by " + staff.UserID,
		"joint.conclude " + alone.ID + " by " + staff.UserID}
	if !slices.Equal(got, want) {
		t.Errorf("Haishu's audit entries = %q, want %q", got, want)
	}
	if got, want := auditBy(h, "ningbo"), []string{"joint.answer " + invites.Items[0].ID + " by " + staff.UserID}; !slices.Equal(got, want) {
		t.Errorf("the city's audit entries = %q, want %q", got, want)
	}
}
