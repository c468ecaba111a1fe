package livelihoodvoting_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

const tenant = "haishu"

type fixture struct {
	h        *scenetest.Harness
	staff    *scene.Principal
	staff2   *scene.Principal
	deputies []*scene.Principal
	round    string
	cands    []string
}

func (f *fixture) do(t *testing.T, p *scene.Principal, method, path string, body any) *scenetest.Result {
	t.Helper()
	req := f.h.Request(method, path).As(p).Tenant(tenant)
	if body != nil {
		req = req.JSON(body)
	}
	return req.Do()
}

func (f *fixture) must(t *testing.T, want int, p *scene.Principal, method, path string, body any) *scenetest.Result {
	t.Helper()
	res := f.do(t, p, method, path, body)
	if res.Status != want {
		t.Fatalf("%s %s: got %d, want %d: %s", method, path, res.Status, want, res)
	}
	return res
}

// newFixture makes a round in review with three shortlisted candidates and n seated deputies
// (plus one suspended, who is not seated).
func newFixture(t *testing.T, n int, secret bool, mode string, k int) *fixture {
	h := scenetest.New(t, livelihoodvoting.New("0.1.0"))
	f := &fixture{h: h, staff: h.Principal("staff", "吴敏"), staff2: h.Principal("staff", "陈静")}
	for i := range n {
		name := fmt.Sprintf("代表%03d", i)
		h.AddDeputy(tenant, scene.DirectoryEntry{ID: "deputy:" + name, Name: name, Attributes: map[string]string{"status": "active"}})
		f.deputies = append(f.deputies, h.Principal("deputy", name))
	}
	h.AddDeputy(tenant, scene.DirectoryEntry{ID: "deputy:suspended", Name: "停职", Attributes: map[string]string{"status": "suspended"}})
	var rd livelihoodvoting.RoundJSON
	f.must(t, http.StatusCreated, f.staff, http.MethodPost, "/rounds", map[string]any{"year": 2026, "title": "2026年海曙区民生实事项目"}).Decode(t, &rd)
	f.round = rd.ID
	base := "/rounds/" + rd.ID
	for i, title := range []string{"老旧小区加装电梯", "中小学食堂改造", "社区养老服务中心"} {
		var c livelihoodvoting.CandidateJSON
		f.must(t, http.StatusCreated, f.staff, http.MethodPost, base+"/candidates", map[string]any{"source": "department", "title": title,
			"description": "项目说明", "department": "区住建局", "budget": fmt.Sprintf("%d.50", 1000000*(i+1))}).Decode(t, &c)
		f.cands = append(f.cands, c.ID)
	}
	var idea struct{ ID string }
	f.must(t, http.StatusCreated, nil, http.MethodPost, "/public/rounds/"+rd.ID+"/ideas", map[string]any{"title": "加装电梯", "description": "我们小区也想装电梯"}).Decode(t, &idea)
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/candidates/"+idea.ID+"/merge", map[string]any{"into": f.cands[0]})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "review"})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/shortlist", map[string]any{"included": f.cands})
	f.must(t, http.StatusOK, f.staff, http.MethodPut, base+"/ballot", map[string]any{"mode": mode, "k": k, "secret": secret})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "voting"})
	return f
}

func (f *fixture) choices(a, b, c string) map[string]any {
	return map[string]any{"choices": map[string]string{f.cands[0]: a, f.cands[1]: b, f.cands[2]: c}}
}

func TestFullRound(t *testing.T) {
	f := newFixture(t, 9, true, "per_candidate", 2)
	base := "/rounds/" + f.round
	f.must(t, http.StatusConflict, f.deputies[0], http.MethodPost, base+"/ballot/cast", f.choices("approve", "approve", "oppose"))
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/open", nil)
	var receipts []string
	for i, d := range f.deputies[:6] {
		ch := f.choices("approve", "approve", "oppose")
		if i%2 == 1 {
			ch = f.choices("approve", "oppose", "abstain")
		}
		var c livelihoodvoting.CastJSON
		f.must(t, http.StatusCreated, d, http.MethodPost, base+"/ballot/cast", ch).Decode(t, &c)
		receipts = append(receipts, c.Receipt)
	}
	// Two deputies vote on paper: the roll first, then the anonymous papers, each keyed twice.
	for _, d := range f.deputies[6:8] {
		f.must(t, http.StatusCreated, f.staff, http.MethodPost, base+"/paper/voters", map[string]any{"deputy_id": d.DeputyID})
		var p livelihoodvoting.PaperJSON
		f.must(t, http.StatusCreated, f.staff, http.MethodPost, base+"/paper/ballots", f.choices("approve", "oppose", "oppose")).Decode(t, &p)
		// The second person sees which papers wait, not what was keyed.
		var pending struct{ Items []livelihoodvoting.PaperJSON }
		f.must(t, http.StatusOK, f.staff2, http.MethodGet, base+"/paper/ballots", nil).Decode(t, &pending)
		if p.Ballot != "" || len(pending.Items) != 1 || pending.Items[0].Ballot != "" {
			t.Errorf("a pending paper shows its first keying: %q, %+v", p.Ballot, pending.Items)
		}
		f.must(t, http.StatusForbidden, f.staff, http.MethodPost, base+"/paper/ballots/"+p.ID+"/confirm", f.choices("approve", "oppose", "oppose"))
		f.must(t, http.StatusConflict, f.staff2, http.MethodPost, base+"/paper/ballots/"+p.ID+"/confirm", f.choices("approve", "approve", "oppose"))
		f.must(t, http.StatusCreated, f.staff2, http.MethodPost, base+"/paper/ballots/"+p.ID+"/confirm", f.choices("approve", "oppose", "oppose"))
	}
	// A paper voter cannot vote online; no more papers than paper voters.
	f.must(t, http.StatusConflict, f.deputies[6], http.MethodPost, base+"/ballot/cast", f.choices("approve", "approve", "approve"))
	f.must(t, http.StatusConflict, f.staff, http.MethodPost, base+"/paper/ballots", f.choices("approve", "oppose", "oppose"))
	var to livelihoodvoting.Turnout
	f.must(t, http.StatusOK, f.deputies[0], http.MethodGet, base+"/ballot/turnout", nil).Decode(t, &to)
	if to.Seats != 9 || to.Voted != 8 || to.Online != 6 || to.PaperVoters != 2 || !to.YouVoted {
		t.Errorf("turnout = %+v, want 9 seats, 8 voted (6 online, 2 paper)", to)
	}
	f.must(t, http.StatusConflict, f.deputies[0], http.MethodGet, base+"/result", nil)
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/close", nil)
	f.must(t, http.StatusConflict, f.deputies[8], http.MethodPost, base+"/ballot/cast", f.choices("approve", "approve", "approve"))

	var res livelihoodvoting.Result
	f.must(t, http.StatusOK, f.deputies[0], http.MethodGet, base+"/result", nil).Decode(t, &res)
	got := map[string][3]int64{}
	for _, c := range res.Candidates {
		got[c.ID] = [3]int64{c.Approve, c.Oppose, c.Abstain}
	}
	want := map[string][3]int64{f.cands[0]: {8, 0, 0}, f.cands[1]: {3, 5, 0}, f.cands[2]: {0, 5, 3}}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("candidate %s: got %v, want %v", id, got[id], w)
		}
	}
	if res.Ballots != 8 || res.Threshold != 5 || !res.Candidates[0].Adopted || res.Candidates[1].Passed {
		t.Errorf("result = %+v", res)
	}
	var v livelihoodvoting.Verification
	f.must(t, http.StatusOK, f.deputies[1], http.MethodGet, base+"/ballot/verify", nil).Decode(t, &v)
	if !v.Verified || v.Head != res.Head || v.Ballots != 8 || v.Voters != 8 {
		t.Errorf("verify = %+v", v)
	}
	for _, r := range receipts {
		var inc struct{ Included bool }
		f.must(t, http.StatusOK, f.deputies[0], http.MethodPost, base+"/ballot/receipt", map[string]string{"receipt": r}).Decode(t, &inc)
		if !inc.Included {
			t.Errorf("receipt %s not included", r)
		}
	}
	// After the count the urn is empty and every voter has a duty entry.
	if n := len(f.h.Duties(tenant)); n != 8 {
		t.Errorf("%d duty entries, want 8 (one per voter)", n)
	}
	for _, a := range f.h.AuditLog(tenant) {
		if strings.Contains(fmt.Sprint(a), "approve") {
			t.Errorf("audit entry %v mentions a choice", a)
		}
	}

	// Delivery: the adopted project becomes a commitment.
	f.must(t, http.StatusConflict, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "evaluation"})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "delivery"})
	var ps struct {
		Items []livelihoodvoting.ProjectJSON
	}
	f.must(t, http.StatusOK, f.deputies[0], http.MethodGet, "/projects?round_id="+f.round, nil).Decode(t, &ps)
	if len(ps.Items) != 1 || ps.Items[0].ID != f.cands[0] || ps.Items[0].Budget.String() != "1000000.50" {
		t.Fatalf("projects = %+v, want the adopted lift project", ps.Items)
	}
	pid := "/projects/" + ps.Items[0].ID
	f.must(t, http.StatusOK, f.staff, http.MethodPut, pid+"/milestones", map[string]any{"milestones": []map[string]string{
		{"name": "完成设计", "planned": "2020-01-01"}, {"name": "竣工", "planned": "2099-12-31"}}})
	f.must(t, http.StatusCreated, f.staff, http.MethodPost, pid+"/reports", map[string]any{"percent": 40, "narrative": "已完成12台电梯安装"})
	f.must(t, http.StatusCreated, f.deputies[0], http.MethodPost, pid+"/inspections", map[string]any{"visited_on": "2026-06-01", "comment": "施工安全措施到位"})
	var pj struct{ Project livelihoodvoting.ProjectJSON }
	f.must(t, http.StatusOK, f.deputies[0], http.MethodGet, pid, nil).Decode(t, &pj)
	if !pj.Project.Delayed || pj.Project.Percent != 40 {
		t.Errorf("project = %+v, want 40%% and delayed (a milestone of 2020 not done)", pj.Project)
	}
	f.must(t, http.StatusConflict, f.deputies[0], http.MethodPost, pid+"/evaluation", map[string]any{"rating": "satisfied"})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "evaluation"})
	f.must(t, http.StatusCreated, f.deputies[0], http.MethodPost, pid+"/evaluation", map[string]any{"rating": "satisfied"})
	f.must(t, http.StatusCreated, f.deputies[1], http.MethodPost, pid+"/evaluation", map[string]any{"rating": "unsatisfied", "comment": "进度偏慢"})
	f.must(t, http.StatusConflict, f.deputies[1], http.MethodPost, pid+"/evaluation", map[string]any{"rating": "satisfied"})
	var ev struct{ Overall livelihoodvoting.Ratings }
	f.must(t, http.StatusOK, f.staff, http.MethodGet, base+"/evaluation", nil).Decode(t, &ev)
	if ev.Overall.Total != 2 || ev.Overall.SatisfactionPermille != 500 {
		t.Errorf("evaluation = %+v", ev.Overall)
	}
	// The inspection's and the evaluations' duty entries were stored with their writes, by
	// whoever acted.
	kinds := map[string]int{}
	for _, d := range f.h.Duties(tenant) {
		kinds[d.Kind]++
	}
	if kinds["voting.vote"] != 8 || kinds["voting.inspect"] != 1 || kinds["voting.evaluate"] != 2 {
		t.Errorf("duty kinds = %v", kinds)
	}
	// Each action's audit entry was stored with it, naming who acted: a paper entry names
	// the staff member who keyed it in, not the one whose request led its group.
	var audit []string
	for _, a := range f.h.AuditLog(tenant) {
		by := map[string]string{f.staff.UserID: "staff", f.staff2.UserID: "staff2"}[a.ActorID]
		if by == "" {
			by = a.ActorID
		}
		audit = append(audit, a.Action+" by "+by)
	}
	wantAudit := "round.create by staff, candidate.merge by staff, round.phase by staff, round.shortlist by staff, " +
		"ballot.configure by staff, round.phase by staff, ballot.open by staff, " +
		"ballot.paper_voter by staff, ballot.paper_entered by staff, ballot.paper_confirmed by staff2, " +
		"ballot.paper_voter by staff, ballot.paper_entered by staff, ballot.paper_confirmed by staff2, " +
		"ballot.close by staff, ballot.count by staff, round.phase by staff, project.milestones by staff, round.phase by staff"
	if got := strings.Join(audit, ", "); got != wantAudit {
		t.Errorf("audit log:\n got %s\nwant %s", got, wantAudit)
	}
}

// The ballot's timers follow from the rules' write, and a scheduled close's count from the
// close: none is set before the follow-up work is done, and none is lost if it fails.
func TestScheduledBallot(t *testing.T) {
	f := newFixture(t, 3, true, "per_candidate", 0)
	base := "/rounds/" + f.round
	opens, closes := time.Now().Add(-time.Minute).UTC(), time.Now().Add(time.Hour).UTC()
	f.must(t, http.StatusOK, f.staff, http.MethodPut, base+"/ballot", map[string]any{"mode": "per_candidate", "secret": true,
		"opens_at": opens, "closes_at": closes})
	keys := func() []string {
		var out []string
		for _, s := range f.h.Scheduled(tenant) {
			out = append(out, s.Key)
		}
		slices.Sort(out)
		return out
	}
	// The timers were stored with the rules.
	if got, want := keys(), []string{f.round + ".close", f.round + ".open"}; !slices.Equal(got, want) {
		t.Fatalf("scheduled %v, want %v", got, want)
	}
	job := map[string]string{"round_id": f.round}
	if err := f.h.RunJob(tenant, "ballot-open", job); err != nil {
		t.Fatal(err)
	}
	f.must(t, http.StatusCreated, f.deputies[0], http.MethodPost, base+"/ballot/cast", f.choices("approve", "oppose", "abstain"))
	if err := f.h.RunJob(tenant, "ballot-close", job); err != nil {
		t.Fatal(err)
	}
	if err := f.h.RunJob(tenant, "ballot-close", job); err != nil { // a retry finds it closed
		t.Fatal(err)
	}
	if got, want := keys(), []string{f.round + ".close", f.round + ".count", f.round + ".open"}; !slices.Equal(got, want) {
		t.Fatalf("scheduled %v, want %v", got, want)
	}
	if err := f.h.RunJob(tenant, "ballot-count", job); err != nil {
		t.Fatal(err)
	}
	var res livelihoodvoting.Result
	f.must(t, http.StatusOK, f.staff, http.MethodGet, base+"/result", nil).Decode(t, &res)
	if res.Ballots != 1 {
		t.Errorf("%d ballots counted, want 1", res.Ballots)
	}
	for _, a := range f.h.AuditLog(tenant) {
		if a.Action == "ballot.open" || a.Action == "ballot.close" || a.Action == "ballot.count" {
			if a.ActorID != "" {
				t.Errorf("%s by %q, want the scheduler (no actor)", a.Action, a.ActorID)
			}
		}
	}
}

// A close by hand counts in its request and stores the count job with the close, as a safety
// net should the request die first; the job finding the count done changes nothing.
func TestCloseByHandLeavesACountJob(t *testing.T) {
	f := newFixture(t, 3, true, "per_candidate", 0)
	base := "/rounds/" + f.round
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/open", nil)
	f.must(t, http.StatusCreated, f.deputies[0], http.MethodPost, base+"/ballot/cast", f.choices("approve", "oppose", "abstain"))
	f.must(t, http.StatusCreated, f.deputies[1], http.MethodPost, base+"/ballot/cast", f.choices("approve", "approve", "abstain"))
	closed := time.Now()
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/close", nil)
	var job scenetest.Scheduled
	for _, s := range f.h.Scheduled(tenant) {
		if s.Key == f.round+".count" {
			job = s
		}
	}
	if job.Key == "" || job.At.Before(closed.Add(20*time.Second)) {
		t.Fatalf("count job %+v, want one about 30 s after the close", job)
	}
	var before, after livelihoodvoting.Result
	f.must(t, http.StatusOK, f.staff, http.MethodGet, base+"/result", nil).Decode(t, &before)
	duties := len(f.h.Duties(tenant))
	if err := f.h.RunJob(tenant, job.Job, job.Payload); err != nil {
		t.Fatal(err)
	}
	f.must(t, http.StatusOK, f.staff, http.MethodGet, base+"/result", nil).Decode(t, &after)
	if before.Ballots != 2 || after.Ballots != before.Ballots || after.Head != before.Head || len(f.h.Duties(tenant)) != duties {
		t.Errorf("after the safety-net count: %d ballots (head %s), %d duty entries; before: %d (head %s), %d",
			after.Ballots, after.Head, len(f.h.Duties(tenant)), before.Ballots, before.Head, duties)
	}
}

// A timer cannot be cancelled: when staff remove a scheduled closing, or move it later and an
// old timer still fires (replayed, say), the ballot must stay open.
func TestRemovedOrMovedClosingDoesNotClose(t *testing.T) {
	first := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	later := first.Add(time.Hour)
	for _, tc := range []struct {
		name string
		then time.Time // the closing after the change; zero: removed
	}{{"removed", time.Time{}}, {"moved later", later}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 3, true, "per_candidate", 0)
			base := "/rounds/" + f.round
			configure := func(closes time.Time) {
				t.Helper()
				in := map[string]any{"mode": "per_candidate", "secret": true, "opens_at": time.Now().Add(-time.Minute).UTC()}
				if !closes.IsZero() {
					in["closes_at"] = closes
				}
				f.must(t, http.StatusOK, f.staff, http.MethodPut, base+"/ballot", in)
			}
			timer := func(key string) scenetest.Scheduled {
				t.Helper()
				for _, s := range f.h.Scheduled(tenant) {
					if s.Key == f.round+key {
						return s
					}
				}
				t.Fatalf("no timer %s", key)
				return scenetest.Scheduled{}
			}
			run := func(s scenetest.Scheduled) {
				t.Helper()
				if err := f.h.RunJob(tenant, s.Job, s.Payload); err != nil {
					t.Fatal(err)
				}
			}
			configure(first)
			old := timer(".close")
			configure(tc.then)
			run(timer(".open"))
			run(old)
			var rd livelihoodvoting.RoundJSON
			f.must(t, http.StatusOK, f.staff, http.MethodGet, base, nil).Decode(t, &rd)
			if rd.Ballot.State != livelihoodvoting.BallotOpen {
				t.Fatalf("after the old closing's timer fired the ballot is %s, want open", rd.Ballot.State)
			}
			f.must(t, http.StatusCreated, f.deputies[0], http.MethodPost, base+"/ballot/cast", f.choices("approve", "oppose", "abstain"))
			if !tc.then.IsZero() {
				if got := timer(".close").At; !got.Equal(later) {
					t.Errorf("the closing timer is at %s, want %s", got, later)
				}
			}
		})
	}
}

func TestConcurrentCastsBySameDeputy(t *testing.T) {
	f := newFixture(t, 3, true, "choose_k", 2)
	base := "/rounds/" + f.round
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/open", nil)
	var wg sync.WaitGroup
	codes := make([]int, 50)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = f.h.Request(http.MethodPost, base+"/ballot/cast").As(f.deputies[0]).Tenant(tenant).
				JSON(map[string]any{"selected": []string{f.cands[i%3]}}).Do().Status
		}()
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Errorf("status %d, want 201 or 409", c)
		}
	}
	if created != 1 {
		t.Fatalf("%d casts accepted, want exactly 1", created)
	}
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/close", nil)
	var res livelihoodvoting.Result
	f.must(t, http.StatusOK, f.staff, http.MethodGet, base+"/result", nil).Decode(t, &res)
	if res.Ballots != 1 {
		t.Errorf("%d ballots counted, want 1", res.Ballots)
	}
}

func TestBadInput(t *testing.T) {
	f := newFixture(t, 3, false, "both", 1)
	base := "/rounds/" + f.round
	outsider := f.h.Principal("deputy", "外区代表")
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/open", nil)
	cases := []struct {
		name string
		p    *scene.Principal
		path string
		body any
		want int
		key  string
	}{
		{"not seated", outsider, "/ballot/cast", f.choices("approve", "oppose", "oppose"), http.StatusForbidden, "ballot.not_seated"},
		{"more than K", f.deputies[0], "/ballot/cast", f.choices("approve", "approve", "oppose"), http.StatusBadRequest, "validation.failed"},
		{"unknown candidate", f.deputies[0], "/ballot/cast", map[string]any{"choices": map[string]string{"nope": "approve"}}, http.StatusBadRequest, "validation.failed"},
		{"wrong form", f.deputies[0], "/ballot/cast", map[string]any{"selected": []string{f.cands[0]}}, http.StatusBadRequest, "validation.failed"},
		{"bad choice", f.deputies[0], "/ballot/cast", f.choices("yes", "oppose", "oppose"), http.StatusBadRequest, "validation.failed"},
		{"ballot change after open", f.staff, "/ballot", map[string]any{"mode": "per_candidate"}, http.StatusConflict, "ballot.locked"},
		{"phase jump", f.staff, "/phase", map[string]any{"to": "evaluation"}, http.StatusConflict, "round.phase_skip"},
		{"unknown phase", f.staff, "/phase", map[string]any{"to": "done"}, http.StatusBadRequest, "validation.failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := http.MethodPost
			if c.path == "/ballot" {
				method = http.MethodPut
			}
			res := f.do(t, c.p, method, base+c.path, c.body)
			if res.Status != c.want || res.Problem == nil || res.Problem.Key != c.key {
				t.Fatalf("got %d %v, want %d %s", res.Status, res.Problem, c.want, c.key)
			}
			if res.Problem.Message.ZH == "" || res.Problem.Message.EN == "" {
				t.Errorf("problem not in both languages: %+v", res.Problem)
			}
		})
	}
	var to livelihoodvoting.Turnout
	f.must(t, http.StatusOK, f.staff, http.MethodGet, base+"/ballot/turnout", nil).Decode(t, &to)
	if to.Voted != 0 || to.Ballots != 0 {
		t.Errorf("bad input wrote something: turnout %+v", to)
	}
	f.must(t, http.StatusCreated, f.deputies[0], http.MethodPost, base+"/ballot/cast", f.choices("approve", "oppose", "abstain"))
	if r := f.do(t, f.deputies[0], http.MethodPost, base+"/ballot/cast", f.choices("approve", "oppose", "abstain")); r.Problem == nil || r.Problem.Key != "ballot.already_voted" {
		t.Errorf("second vote: %s", r)
	}
	// A paper ballot keyed in twice for a deputy: the second write fails, and records no
	// audit entry.
	paper := map[string]any{"deputy_id": f.deputies[2].DeputyID, "choices": f.choices("approve", "oppose", "abstain")["choices"]}
	f.must(t, http.StatusCreated, f.staff, http.MethodPost, base+"/paper/ballots", paper)
	if r := f.do(t, f.staff2, http.MethodPost, base+"/paper/ballots", paper); r.Problem == nil || r.Problem.Key != "paper.exists" {
		t.Errorf("a paper ballot keyed in twice: %s", r)
	}
	entered := 0
	for _, a := range f.h.AuditLog(tenant) {
		if a.Action == "ballot.paper_entered" {
			entered++
		}
	}
	if entered != 1 {
		t.Errorf("%d paper_entered audit entries, want 1 (the failed write's is not kept)", entered)
	}
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/close", nil)
	if r := f.do(t, f.deputies[1], http.MethodPost, base+"/ballot/cast", f.choices("approve", "oppose", "abstain")); r.Problem == nil || r.Problem.Key != "ballot.not_open" {
		t.Errorf("vote after close: %s", r)
	}
}

func TestMoneyAndCandidates(t *testing.T) {
	h := scenetest.New(t, livelihoodvoting.New("0.1.0"))
	staff := h.Principal("staff", "吴敏")
	var rd livelihoodvoting.RoundJSON
	res := h.Request(http.MethodPost, "/rounds").As(staff).Tenant(tenant).JSON(map[string]any{"year": 2026, "title": "2026年"}).Do()
	res.Decode(t, &rd)
	for _, budget := range []any{"1,000", "12.345", "-5", "1e6", 1000000.5, "", "01.5"} {
		r := h.Request(http.MethodPost, "/rounds/"+rd.ID+"/candidates").As(staff).Tenant(tenant).JSON(map[string]any{
			"source": "department", "title": "项目", "description": "说明", "department": "区民政局", "budget": budget}).Do()
		if r.Status != http.StatusBadRequest {
			t.Errorf("budget %v: got %d, want 400", budget, r.Status)
		}
	}
	docs, _, err := h.Store(tenant).Query(t.Context(), "candidates", scene.Query{})
	if err != nil || len(docs) != 0 {
		t.Errorf("bad budgets wrote %d candidates (%v)", len(docs), err)
	}
	for in, want := range map[string]string{"0": "0.00", "1250000.5": "1250000.50", "99999999999.99": "99999999999.99"} {
		y, err := livelihoodvoting.ParseYuan(in)
		if err != nil || y.String() != want {
			t.Errorf("ParseYuan(%q) = %s, %v; want %s", in, y, err, want)
		}
	}
}

func TestCrossTenant(t *testing.T) {
	f := newFixture(t, 3, true, "per_candidate", 0)
	base := "/rounds/" + f.round
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/open", nil)
	other := f.h.Principal("deputy", "代表000") // same deputy id, another congress
	for _, r := range []*scenetest.Result{
		f.h.Request(http.MethodGet, base).As(other).Tenant("jiangbei").Do(),
		f.h.Request(http.MethodPost, base+"/ballot/cast").As(other).Tenant("jiangbei").JSON(f.choices("approve", "approve", "approve")).Do(),
		f.h.Request(http.MethodGet, base+"/ballot/turnout").As(other).Tenant("jiangbei").Do(),
	} {
		if r.Status != http.StatusNotFound {
			t.Errorf("from another congress: %d, want 404", r.Status)
		}
	}
}
