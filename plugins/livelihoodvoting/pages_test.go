package livelihoodvoting_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

// TestPages reads every page as staff and as a deputy twice: while a
// recorded ballot is open with a paper ballot waiting for its second
// entry, and after the count, in the evaluation of the adopted projects,
// with milestones, a progress report, an inspection and a rating. Each
// column, field, table, timeline key and card names what the routes
// answer.
func TestPages(t *testing.T) {
	h := scenetest.New(t, livelihoodvoting.New("0.1.0"))
	f := &fixture{h: h, staff: h.Principal("staff", "吴敏"), staff2: h.Principal("staff", "陈静")}
	for _, name := range []string{"王建国", "李秀英", "张海军"} {
		h.AddDeputy(tenant, scene.DirectoryEntry{ID: "deputy:" + name, Name: name, Attributes: map[string]string{"status": "active"}})
		f.deputies = append(f.deputies, h.Principal("deputy", name))
	}
	var rd livelihoodvoting.RoundJSON
	f.must(t, http.StatusCreated, f.staff, http.MethodPost, "/rounds", map[string]any{"year": 2026, "title": "2026年海曙区民生实事项目",
		"plan": map[string]string{"session_date": "2026-01-10", "deliver_by": "2099-12-31"}}).Decode(t, &rd)
	base := "/rounds/" + rd.ID
	for _, title := range []string{"老旧小区加装电梯", "中小学食堂改造"} {
		var c livelihoodvoting.CandidateJSON
		f.must(t, http.StatusCreated, f.staff, http.MethodPost, base+"/candidates", map[string]any{"source": "department", "title": title,
			"description": "项目说明", "department": "区住建局", "budget": "1200000.50", "outcome": "惠及三千户", "location": "鼓楼街道"}).Decode(t, &c)
		f.cands = append(f.cands, c.ID)
	}
	var mine livelihoodvoting.CandidateJSON
	f.must(t, http.StatusCreated, f.deputies[0], http.MethodPost, base+"/candidates", map[string]any{"source": "deputy", "title": "社区食堂",
		"description": "老年助餐", "department": "区民政局", "budget": "300000"}).Decode(t, &mine)
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "review", "note": "征集结束"})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/shortlist", map[string]any{"included": f.cands,
		"excluded": []map[string]string{{"id": mine.ID, "reason": "已列入部门年度计划"}}})
	closes := time.Now().Add(time.Hour).UTC()
	f.must(t, http.StatusOK, f.staff, http.MethodPut, base+"/ballot", map[string]any{"mode": "per_candidate", "k": 0, "closes_at": closes})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "voting"})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/open", nil)
	both := map[string]any{"choices": map[string]string{f.cands[0]: "approve", f.cands[1]: "approve"}}
	for _, d := range f.deputies[:2] {
		f.must(t, http.StatusCreated, d, http.MethodPost, base+"/ballot/cast", both)
	}
	var paper livelihoodvoting.PaperJSON
	f.must(t, http.StatusCreated, f.staff, http.MethodPost, base+"/paper/ballots",
		map[string]any{"deputy_id": f.deputies[2].DeputyID, "choices": both["choices"]}).Decode(t, &paper)

	open := map[string]string{"candidates": rd.ID, "turnout": rd.ID, "paper": rd.ID}
	t.Run("open/staff", func(t *testing.T) { h.CheckPages(t, f.staff, open) })
	t.Run("open/deputy", func(t *testing.T) { h.CheckPages(t, f.deputies[0], open) })

	f.must(t, http.StatusCreated, f.staff2, http.MethodPost, base+"/paper/ballots/"+paper.ID+"/confirm", both)
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/ballot/close", nil)
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/result/publish", map[string]bool{"public": true})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "delivery"})
	project := "/projects/" + f.cands[0]
	f.must(t, http.StatusOK, f.staff, http.MethodPut, project+"/milestones", map[string]any{"milestones": []map[string]string{
		{"name": "设计", "planned": "2026-03-01", "done": "2026-02-20"}}})
	f.must(t, http.StatusCreated, f.staff, http.MethodPost, project+"/reports", map[string]any{"percent": 40, "narrative": "已开工"})
	f.must(t, http.StatusCreated, f.deputies[1], http.MethodPost, project+"/inspections", map[string]any{"visited_on": "2026-05-06", "comment": "进度正常"})
	f.must(t, http.StatusOK, f.staff, http.MethodPost, base+"/phase", map[string]any{"to": "evaluation"})
	f.must(t, http.StatusCreated, f.deputies[1], http.MethodPost, project+"/evaluation", map[string]any{"rating": "satisfied"})

	done := map[string]string{"round": rd.ID, "candidates": rd.ID, "turnout": rd.ID, "paper": rd.ID, "result": rd.ID, "verify": rd.ID,
		"public-result": rd.ID, "project": f.cands[0], "evaluation": rd.ID}
	t.Run("counted/staff", func(t *testing.T) { h.CheckPages(t, f.staff, done) })
	t.Run("counted/deputy", func(t *testing.T) { h.CheckPages(t, f.deputies[0], done) })

	want := map[string]string{"ballots": "list", "calls": "list", "rounds": "list", "new-round": "form", "round": "detail",
		"candidates": "list", "turnout": "dashboard", "paper": "list", "result": "detail", "verify": "detail", "public-result": "detail",
		"projects": "list", "project": "detail", "evaluation": "dashboard", "history": "list"}
	m := livelihoodvoting.New("0.1.0").Manifest()
	if len(m.Pages) != len(want) {
		t.Errorf("%d pages, want %d", len(m.Pages), len(want))
	}
	for _, p := range m.Pages {
		if want[p.ID] != p.Kind {
			t.Errorf("page %s is a %s, want %q", p.ID, p.Kind, want[p.ID])
		}
	}
}
