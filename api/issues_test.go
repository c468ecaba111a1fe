package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/tenants"
)

// startGridsim runs the stand-in grassroots governance platform as its own
// process and returns its base URL.
func startGridsim(t *testing.T, args ...string) string {
	t.Helper()
	dir := sceneBinaries(t)
	addr := freeAddr(t)
	cmd := exec.Command(filepath.Join(dir, "gridsim"), append([]string{"--addr", addr, "--api-key", "grid-key"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := "http://" + addr
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if r, err := http.Get(base + "/services.json"); err == nil {
			r.Body.Close()
			return base
		}
	}
	t.Fatal("gridsim did not start")
	return ""
}

// deputyToken links the tenant's deputy account to a deputy record and
// returns its token and deputy id.
func deputyToken(t *testing.T, e *apitest.Env, slug, name string) (string, string) {
	t.Helper()
	r := e.Do(http.MethodPost, "/api/v1/t/"+slug+"/deputies", e.Tokens[slug+"/tenant_admin"], map[string]any{"name": name, "level": "district"})
	var d api.DeputyJSON
	r.JSON(t, &d)
	u := e.Users[slug+"/deputy"]
	if r := e.Do(http.MethodPatch, "/api/v1/t/"+slug+"/users/"+u.ID, e.Tokens[slug+"/tenant_admin"], map[string]any{"deputy_id": d.ID}); r.Code != http.StatusOK {
		t.Fatalf("link deputy: %d %s", r.Code, r.Body)
	}
	return e.Tokens[slug+"/deputy"], d.ID
}

// TestTyphoonStory runs the story end to end through real processes: a
// deputy reports fallen trees after a typhoon; the issue scene routes it
// to the grassroots governance platform (gridsim, over Open311), which
// dispatches the nearest grid worker and closes it; the deputy sees each
// step and the answer, and confirms.
func TestTyphoonStory(t *testing.T) {
	grid := startGridsim(t, "--accept-after", "200ms", "--resolve-after", "300ms")
	e := sceneEnv(t, "postgres", "issues")
	admin := e.Tokens["haishu/tenant_admin"]
	host := strings.TrimPrefix(grid, "http://")
	enable(t, e, issuesupervision.ID, "0.1.0", "haishu")
	r := e.Do(http.MethodPut, "/api/v1/t/haishu/scenes/"+issuesupervision.ID, admin, map[string]any{"enabled": true, "allowed_hosts": []string{host},
		"settings": map[string]any{"grid": map[string]any{"endpoint": grid, "api_key": "grid-key"}, "poll_seconds": 1}})
	if r.Code != http.StatusOK {
		t.Fatalf("configure: %d %s", r.Code, r.Body)
	}
	deputy, deputyID := deputyToken(t, e, "haishu", "王建国")
	base := "/api/v1/t/haishu/scenes/" + issuesupervision.ID
	r = e.Do(http.MethodPost, base+"/issues", deputy, map[string]any{"category": "tree", "description": "台风“烟花”过后，鼓楼街道中山西路多棵行道树倒伏，阻断非机动车道",
		"lat": 29.8710, "lng": 121.5478, "address": "海曙区鼓楼街道中山西路"})
	if r.Code != http.StatusCreated {
		t.Fatalf("report: %d %s", r.Code, r.Body)
	}
	var iss issuesupervision.IssueJSON
	r.JSON(t, &iss)
	deadline := time.Now().Add(30 * time.Second)
	for iss.State != issuesupervision.Answered && time.Now().Before(deadline) {
		time.Sleep(200 * time.Millisecond)
		e.Do(http.MethodGet, base+"/issues/"+iss.ID, deputy, nil).JSON(t, &iss)
	}
	if iss.State != issuesupervision.Answered {
		t.Fatalf("the issue stopped at %s: %+v", iss.State, iss)
	}
	var states []string
	for _, s := range iss.Timeline {
		states = append(states, fmt.Sprintf("%s>%s", s.Action, s.To))
	}
	want := "report>submitted route>routed deliver>routed accept>accepted dispatch>dispatched handle>handled answer>answered"
	if got := strings.Join(states, " "); got != want {
		t.Errorf("timeline:\n got %s\nwant %s", got, want)
	}
	if !strings.Contains(iss.Worker, "网格员") || iss.Grid == nil || iss.Grid.RequestID == "" || !strings.Contains(iss.Answer, "已办结") {
		t.Errorf("worker %q, grid %+v, answer %q", iss.Worker, iss.Grid, iss.Answer)
	}
	// The deputy confirms; the duty archive has both acts, each stored with
	// its write; the inbox has the answer, follow-up work the host delivers
	// after the write.
	r = e.Do(http.MethodPost, base+"/issues/"+iss.ID+"/actions", deputy, map[string]any{"action": "confirm"})
	if r.Code != http.StatusOK {
		t.Fatalf("confirm: %d %s", r.Code, r.Body)
	}
	var duty api.PageJSON[api.DutyActivityJSON]
	var inbox api.PageJSON[api.NotificationJSON]
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end) && (len(duty.Items) < 2 || len(inbox.Items) == 0); time.Sleep(100 * time.Millisecond) {
		e.Do(http.MethodGet, "/api/v1/t/haishu/deputies/"+deputyID+"/activities", admin, nil).JSON(t, &duty)
		e.Do(http.MethodGet, "/api/v1/t/haishu/inbox", deputy, nil).JSON(t, &inbox)
	}
	if len(duty.Items) != 2 || duty.Items[0].Scene != issuesupervision.ID {
		t.Errorf("duty archive: %+v", duty.Items)
	}
	if len(inbox.Items) == 0 {
		t.Error("no answer in the deputy's inbox")
	}
	// The confirmation's audit entry was stored with it, as the deputy.
	var audit api.PageJSON[api.AuditEntryJSON]
	e.Do(http.MethodGet, "/api/v1/t/haishu/audit?action="+issuesupervision.ID+".issue.confirm", admin, nil).JSON(t, &audit)
	if len(audit.Items) != 1 || audit.Items[0].TargetID != iss.ID || audit.Items[0].ActorID == "" || audit.Items[0].ActorID == "system" ||
		!strings.HasPrefix(audit.Items[0].Source, issuesupervision.ID+"@") {
		t.Errorf("the confirmation's audit entries: %+v", audit.Items)
	}
	if v := e.Do(http.MethodGet, "/api/v1/t/haishu/audit/verify", admin, nil); v.Code != http.StatusOK || !strings.Contains(string(v.Body), `"ok":true`) {
		t.Errorf("audit chain after the scene's batches: %d %s", v.Code, v.Body)
	}
	// Another district never sees it; the city reads it, never writes.
	enable(t, e, issuesupervision.ID, "0.1.0", "jiangbei")
	if r := e.Do(http.MethodGet, "/api/v1/t/jiangbei/scenes/"+issuesupervision.ID+"/issues/"+iss.ID, e.Tokens["jiangbei/staff"], nil); r.Code != http.StatusNotFound {
		t.Errorf("jiangbei reads haishu's issue: %d", r.Code)
	}
	if r := e.Do(http.MethodGet, base+"/issues/"+iss.ID, e.Tokens["ningbo/tenant_admin"], nil); r.Code != http.StatusOK {
		t.Errorf("the city reads haishu's issue: %d %s", r.Code, r.Body)
	}
	if r := e.Do(http.MethodPost, base+"/issues/"+iss.ID+"/actions", e.Tokens["ningbo/tenant_admin"], map[string]any{"action": "route"}); r.Code != http.StatusForbidden {
		t.Errorf("the city acts on haishu's issue: %d", r.Code)
	}
}

// TestGridsimDown: the platform refuses deliveries for a while; the issue
// waits (and says so), is delivered once the platform is back, and the
// platform holds it exactly once.
func TestGridsimDown(t *testing.T) {
	grid := startGridsim(t, "--fail", "2", "--accept-after", "100ms", "--resolve-after", "100ms")
	e := sceneEnv(t, "postgres", "issues")
	admin := e.Tokens["haishu/tenant_admin"]
	enable(t, e, issuesupervision.ID, "0.1.0", "haishu")
	r := e.Do(http.MethodPut, "/api/v1/t/haishu/scenes/"+issuesupervision.ID, admin, map[string]any{"enabled": true,
		"allowed_hosts": []string{strings.TrimPrefix(grid, "http://")},
		"settings":      map[string]any{"grid": map[string]any{"endpoint": grid, "api_key": "grid-key", "retry_seconds": 1}, "poll_seconds": 1}})
	if r.Code != http.StatusOK {
		t.Fatalf("configure: %d %s", r.Code, r.Body)
	}
	deputy, _ := deputyToken(t, e, "haishu", "李秀英")
	base := "/api/v1/t/haishu/scenes/" + issuesupervision.ID
	var iss issuesupervision.IssueJSON
	e.Do(http.MethodPost, base+"/issues", deputy, map[string]any{"category": "manhole", "description": "解放南路井盖缺失",
		"lat": 29.8652, "lng": 121.5500, "address": "海曙区鼓楼街道解放南路"}).JSON(t, &iss)
	sawError := false
	for end := time.Now().Add(40 * time.Second); time.Now().Before(end) && iss.State != issuesupervision.Answered; time.Sleep(200 * time.Millisecond) {
		e.Do(http.MethodGet, base+"/issues/"+iss.ID, e.Tokens["haishu/staff"], nil).JSON(t, &iss)
		sawError = sawError || (iss.Grid != nil && iss.Grid.LastError != "")
	}
	if iss.State != issuesupervision.Answered || iss.Grid.Attempts != 3 || !sawError {
		t.Fatalf("after the outage: state %s, grid %+v, saw the error %v", iss.State, iss.Grid, sawError)
	}
	resp, err := http.Get(grid + "/requests.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reqs []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&reqs); err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 1 {
		t.Errorf("the platform holds %d requests, want exactly 1", len(reqs))
	}
}

// TestCityWideIssueStats: the city's staff see statistics across every
// district that runs the scene (?scope=descendants); a district sees its own.
func TestCityWideIssueStats(t *testing.T) {
	e := sceneEnv(t, "postgres", "issues")
	enable(t, e, issuesupervision.ID, "0.1.0", "ningbo", "haishu", "jiangbei")
	for _, slug := range []string{"haishu", "jiangbei"} {
		dep, _ := deputyToken(t, e, slug, "代表"+slug)
		r := e.Do(http.MethodPost, "/api/v1/t/"+slug+"/scenes/"+issuesupervision.ID+"/issues", dep, map[string]any{"category": "drainage",
			"description": "暴雨后道路积水", "lat": 29.87, "lng": 121.55, "address": "宁波市" + slug})
		if r.Code != http.StatusCreated {
			t.Fatalf("report in %s: %d %s", slug, r.Code, r.Body)
		}
	}
	stats := func(slug, token, query string) (int, issuesupervision.StatsJSON) {
		r := e.Do(http.MethodGet, "/api/v1/t/"+slug+"/scenes/"+issuesupervision.ID+"/stats"+query, token, nil)
		var s issuesupervision.StatsJSON
		if r.Code == http.StatusOK {
			r.JSON(t, &s)
		}
		return r.Code, s
	}
	if code, s := stats("ningbo", e.Tokens["ningbo/staff"], "?scope=descendants"); code != http.StatusOK || s.Total != 2 ||
		len(s.Tenants) != 2 || s.Tenants[0].Tenant != "haishu" || s.Tenants[1].Total != 1 {
		t.Errorf("city-wide stats: %d, total %d, per congress %+v; want 2, haishu and jiangbei", code, s.Total, s.Tenants)
	}
	if _, s := stats("ningbo", e.Tokens["ningbo/staff"], ""); s.Total != 0 {
		t.Errorf("the city's own stats: total %d, want 0", s.Total)
	}
	// An issue read city-wide names its district, whose files its photos
	// are (the console fetches them from /t/{district}/scene-files/…); so
	// does one the city reads at its district's address (read-only).
	var list struct{ Items []issuesupervision.IssueJSON }
	e.Do(http.MethodGet, "/api/v1/t/ningbo/scenes/"+issuesupervision.ID+"/issues?scope=descendants", e.Tokens["ningbo/staff"], nil).JSON(t, &list)
	var tenantsOf []string
	for _, iss := range list.Items {
		tenantsOf = append(tenantsOf, iss.Tenant)
	}
	slices.Sort(tenantsOf)
	if !slices.Equal(tenantsOf, []string{"haishu", "jiangbei"}) {
		t.Errorf("city-wide issues belong to %v, want [haishu jiangbei]", tenantsOf)
	}
	for _, iss := range list.Items {
		r := e.Do(http.MethodGet, "/api/v1/t/"+iss.Tenant+"/scenes/"+issuesupervision.ID+"/issues/"+iss.ID, e.Tokens["ningbo/staff"], nil)
		if r.Code != http.StatusOK {
			t.Errorf("the city reads %s's issue: %d %s", iss.Tenant, r.Code, r.Body)
			continue
		}
		var one issuesupervision.IssueJSON
		r.JSON(t, &one)
		if one.Tenant != iss.Tenant {
			t.Errorf("the city reads %s's issue: tenant %q, want %q", iss.Tenant, one.Tenant, iss.Tenant)
		}
	}
	if _, s := stats("haishu", e.Tokens["haishu/staff"], ""); s.Total != 1 {
		t.Errorf("haishu's stats: total %d, want 1", s.Total)
	}
	// Issues an older version wrote (here: straight into the store) in a
	// congress whose figures were never counted: the hourly "figures" job
	// counts them (the host's durable timer runs it; brought to now here).
	gulou := tenants.WithScope(t.Context(), tenants.Home(e.Tenants["gulou"]))
	for i := range 3 {
		doc, _ := json.Marshal(benchIssue(i, "deputy-x"))
		if _, err := e.DB.CreateDocument(gulou, issuesupervision.ID, "issues", fmt.Sprintf("iss-old-%d", i), doc); err != nil {
			t.Fatal(err)
		}
	}
	enable(t, e, issuesupervision.ID, "0.1.0", "gulou")
	if _, s := stats("ningbo", e.Tokens["ningbo/staff"], "?scope=descendants"); s.Total != 2 {
		t.Errorf("city-wide before the township was counted: total %d, want 2", s.Total)
	}
	// The city reading the township's own page (read-only) gets a count
	// made for it, not stored.
	if code, s := stats("gulou", e.Tokens["ningbo/staff"], ""); code != http.StatusOK || s.Total != 3 {
		t.Errorf("the city reads the township's figures: %d, total %d, want 200, 3", code, s.Total)
	}
	if err := e.DB.PutTimer(gulou, core.Timer{SceneID: issuesupervision.ID, Key: "cron:figures", Job: "figures", DueAt: time.Now()}, false); err != nil {
		t.Fatal(err)
	}
	var s issuesupervision.StatsJSON
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end) && s.Total != 5; time.Sleep(200 * time.Millisecond) {
		_, s = stats("ningbo", e.Tokens["ningbo/staff"], "?scope=descendants")
	}
	if s.Total != 5 || len(s.Tenants) != 3 {
		t.Errorf("city-wide after the township's figures job: total %d over %d congresses, want 5 over 3", s.Total, len(s.Tenants))
	}
}

// TestOverdueEscalation: when an issue passes its deadline in a district,
// the overdue notice reaches the city congress, whose staff see it.
func TestOverdueEscalation(t *testing.T) {
	e := sceneEnv(t, "postgres", "issues")
	enable(t, e, issuesupervision.ID, "0.1.0", "ningbo", "haishu", "jiangbei")
	dep, depID := deputyToken(t, e, "haishu", "王建国")
	base := "/api/v1/t/haishu/scenes/" + issuesupervision.ID
	var iss issuesupervision.IssueJSON
	e.Do(http.MethodPost, base+"/issues", dep, map[string]any{"category": "housing", "description": "住房补贴申请三个月无答复",
		"lat": 29.87, "lng": 121.55, "address": "海曙区鼓楼街道"}).JSON(t, &iss)
	// The deadline timer and the report's duty entry are stored with the
	// report, the entry recorded by the deputy who reported: both there as
	// soon as the request returns, so bringing the timer to now is not
	// undone.
	var duty api.PageJSON[api.DutyActivityJSON]
	e.Do(http.MethodGet, "/api/v1/t/haishu/deputies/"+depID+"/activities", e.Tokens["haishu/tenant_admin"], nil).JSON(t, &duty)
	if len(duty.Items) != 1 || duty.Items[0].Kind != "issue.report" || duty.Items[0].Ref != iss.ID ||
		duty.Items[0].RecordedBy != e.Users["haishu/deputy"].ID {
		t.Fatalf("the report's duty entry: %+v, want it recorded by %s", duty.Items, e.Users["haishu/deputy"].ID)
	}
	// Bring the deadline to now: the host's durable timer fires it.
	haishu := tenants.WithScope(t.Context(), tenants.Home(e.Tenants["haishu"]))
	payload, _ := json.Marshal(map[string]string{"ID": iss.ID})
	if err := e.DB.PutTimer(haishu, core.Timer{SceneID: issuesupervision.ID, Key: "t:deadline:" + iss.ID, Job: "deadline", DueAt: time.Now(), Payload: payload}, false); err != nil {
		t.Fatal(err)
	}
	var list struct{ Items []issuesupervision.Escalation }
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end) && len(list.Items) == 0; time.Sleep(200 * time.Millisecond) {
		e.Do(http.MethodGet, "/api/v1/t/ningbo/scenes/"+issuesupervision.ID+"/escalations", e.Tokens["ningbo/staff"], nil).JSON(t, &list)
	}
	if len(list.Items) != 1 || list.Items[0].Origin != "haishu" || list.Items[0].IssueID != iss.ID {
		t.Fatalf("the city's escalations: %+v", list.Items)
	}
	// The sibling district hears nothing.
	var sib struct{ Items []issuesupervision.Escalation }
	e.Do(http.MethodGet, "/api/v1/t/jiangbei/scenes/"+issuesupervision.ID+"/escalations", e.Tokens["jiangbei/staff"], nil).JSON(t, &sib)
	if len(sib.Items) != 0 {
		t.Errorf("jiangbei received %d escalations", len(sib.Items))
	}
	var got issuesupervision.IssueJSON
	e.Do(http.MethodGet, base+"/issues/"+iss.ID, dep, nil).JSON(t, &got)
	if !got.Overdue {
		t.Error("the issue is not flagged overdue in haishu")
	}
}

// TestJointSupervisionAcrossCongresses runs joint supervision (联合督事)
// through real processes: Haishu invites the city above and the township
// below; the host carries the invitation to each (never to the sibling
// district); the city accepts naming a deputy of its own, whose duty
// archive the city writes; the answer comes back to Haishu.
func TestJointSupervisionAcrossCongresses(t *testing.T) {
	e := sceneEnv(t, "postgres", "issues")
	enable(t, e, issuesupervision.ID, "0.1.0", "ningbo", "haishu", "jiangbei", "gulou")
	_, haishuDeputy := deputyToken(t, e, "haishu", "王建国")
	_, cityDeputy := deputyToken(t, e, "ningbo", "周海")
	scene := func(slug string) string { return "/api/v1/t/" + slug + "/scenes/" + issuesupervision.ID }
	staff := e.Tokens["haishu/staff"]

	var line struct{ Items []map[string]string }
	e.Do(http.MethodGet, scene("haishu")+"/joint/congresses", staff, nil).JSON(t, &line)
	var slugs []string
	for _, c := range line.Items {
		slugs = append(slugs, c["slug"]+":"+c["relation"])
	}
	if strings.Join(slugs, ",") != "ningbo:ancestor,gulou:descendant" {
		t.Errorf("Haishu's line: %v", slugs)
	}
	if r := e.Do(http.MethodPost, scene("haishu")+"/joint", staff, map[string]any{"title": "督事", "congresses": []string{"jiangbei"}}); r.Code != http.StatusBadRequest {
		t.Errorf("inviting the sibling district: %d %s", r.Code, r.Body)
	}
	r := e.Do(http.MethodPost, scene("haishu")+"/joint", staff, map[string]any{"title": "月湖片区内涝联合督事",
		"deputies": []map[string]string{{"id": haishuDeputy, "name": "王建国"}}, "congresses": []string{"ningbo", "gulou"}})
	if r.Code != http.StatusCreated {
		t.Fatalf("open: %d %s", r.Code, r.Body)
	}
	var a issuesupervision.ActivityJSON
	r.JSON(t, &a)

	invites := func(slug string) []issuesupervision.InvitationJSON {
		var out struct {
			Items []issuesupervision.InvitationJSON
		}
		for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			e.Do(http.MethodGet, scene(slug)+"/joint-invites", e.Tokens[slug+"/staff"], nil).JSON(t, &out)
			if len(out.Items) > 0 {
				break
			}
		}
		return out.Items
	}
	city := invites("ningbo")
	if len(city) != 1 || city[0].Origin != "haishu" || city[0].Title != "月湖片区内涝联合督事" {
		t.Fatalf("the city's invitations: %+v", city)
	}
	if got := invites("gulou"); len(got) != 1 {
		t.Errorf("the township's invitations: %+v", got)
	}
	var sib struct {
		Items []issuesupervision.InvitationJSON
	}
	e.Do(http.MethodGet, scene("jiangbei")+"/joint-invites", e.Tokens["jiangbei/staff"], nil).JSON(t, &sib)
	if len(sib.Items) != 0 {
		t.Errorf("the sibling district received %d invitations", len(sib.Items))
	}

	r = e.Do(http.MethodPost, scene("ningbo")+"/joint-invites/"+city[0].ID+"/answer", e.Tokens["ningbo/staff"],
		map[string]any{"accept": true, "deputies": []map[string]string{{"id": cityDeputy, "name": "周海"}}})
	if r.Code != http.StatusOK {
		t.Fatalf("answer: %d %s", r.Code, r.Body)
	}
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		e.Do(http.MethodGet, scene("haishu")+"/joint/"+a.ID, staff, nil).JSON(t, &a)
		if a.Congresses[0].Status != "invited" {
			break
		}
	}
	if c := a.Congresses[0]; c.Slug != "ningbo" || c.Status != "accepted" || len(c.Deputies) != 1 || c.Deputies[0] != "周海" {
		t.Errorf("Haishu's view of the city's answer: %+v", c)
	}
	var duty struct{ Items []core.DutyActivity }
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end) && len(duty.Items) == 0; time.Sleep(100 * time.Millisecond) {
		e.Do(http.MethodGet, "/api/v1/t/ningbo/deputies/"+cityDeputy+"/activities", e.Tokens["ningbo/staff"], nil).JSON(t, &duty)
	}
	if len(duty.Items) != 1 || duty.Items[0].Kind != "joint.participate" || duty.Items[0].Scene != issuesupervision.ID {
		t.Errorf("the city deputy's duty archive: %+v", duty.Items)
	}
}
