package issuesupervision_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	is "github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

// cst reads "2006-01-02 15:04" as a time in China.
func cst(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, workdays.Location())
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// stepTo is where each action leads, as lifecycle.go has it.
var stepTo = map[is.Action]is.State{
	is.ActRoute: is.Routed, is.ActAccept: is.Accepted, is.ActDispatch: is.Dispatched, is.ActHandle: is.Handled,
	is.ActAnswer: is.Answered, is.ActConfirm: is.Closed, is.ActReopen: is.Reopened, is.ActReject: is.Rejected,
	is.ActWithdraw: is.Withdrawn,
}

// seeder stores issues with known timelines as the scene would have
// written them, with the host's clock at each report time.
type seeder struct {
	t      testing.TB
	h      *scenetest.Harness
	clock  *time.Time
	cal    *workdays.Calendar
	deputy string // the reporting deputy's name
}

func newSeeder(t testing.TB) *seeder {
	clock := time.Now()
	s := &seeder{t: t, clock: &clock, cal: workdays.New(), deputy: "王建国"}
	s.h = scenetest.New(t, is.New("1.0.0"), scenetest.WithClock(func() time.Time { return *s.clock }))
	return s
}

// issue stores an issue reported at reported; each step is
// "<action> <2006-01-02 15:04>" in China time.
func (s *seeder) issue(tenant, id, cat, address, reported string, overdue bool, steps ...string) {
	s.t.Helper()
	created := cst(s.t, reported)
	var deadline int
	for _, c := range is.Categories {
		if c.Code == cat {
			deadline = c.Deadline
		}
	}
	iss := is.Issue{Category: cat, Description: "问题描述", Lat: 29.87, Lng: 121.55, Address: address, State: is.Submitted,
		DeputyID: "deputy:" + s.deputy, ReporterID: "user:" + s.deputy, Reporter: s.deputy, Destination: "grid",
		DueAt: s.cal.AddWorkdays(created, deadline), Overdue: overdue, CreatedAt: created.UTC(), UpdatedAt: created.UTC(),
		Timeline: []is.Step{{Action: "report", To: is.Submitted, Actor: "user:" + s.deputy, Name: s.deputy, At: created.UTC()}}}
	for _, st := range append([]string{"route " + reported}, steps...) {
		a, when, _ := strings.Cut(st, " ")
		at := cst(s.t, when).UTC()
		act := is.Action(a)
		to, ok := stepTo[act]
		if !ok {
			s.t.Fatalf("seed %s: unknown action %q", id, a)
		}
		switch act {
		case is.ActAnswer:
			iss.Answer = "已办理"
		case is.ActConfirm, is.ActReopen:
			yes := act == is.ActConfirm
			iss.Satisfied = &yes
			if !yes {
				iss.Reopens++
			}
		case is.ActDispatch:
			iss.Worker = "网格员 张海军"
		}
		iss.Timeline = append(iss.Timeline, is.Step{Action: act, From: iss.State, To: to, Actor: "user:吴敏", Name: "吴敏", At: at})
		iss.State, iss.UpdatedAt = to, at
	}
	*s.clock = created
	if _, err := s.h.Store(tenant).Create(s.t.Context(), "issues", id, iss); err != nil {
		s.t.Fatalf("seed %s: %v", id, err)
	}
}

// seedHaishu stores the issues the figures below are worked out from.
// March 2026 has no holidays; the 7th, 8th, 14th and 15th are weekends.
//
//	A tree, 海曙区鼓楼街道: reported Fri 6 10:00, answered Mon 9 (1 working day, due Wed 11), confirmed: closed
//	B road, 海曙区鼓楼街道: Thu 5 09:00, answered Fri 13 (6, due Thu 12: late, overdue), reopened, answered, confirmed: closed
//	C manhole, 象山县石浦镇: Fri 6 17:00, answered Tue 10 (2, due Wed 11): answered
//	D drainage, 镇海区招宝山街道: Mon 2, accepted, overdue
//	E environment, 宁波市镇海区庄市街道: Tue 3, rejected
//	F housing, 海曙区南门街道: Mon 2 09:30, answered Wed 4 (2, due Mon 9), reopened
//	G tree, 海曙区中山西: today through the routes, accepted and answered at once (0 working days): answered
func seedHaishu(t *testing.T) (*seeder, *scene.Principal, *scene.Principal, string) {
	s := newSeeder(t)
	s.issue("haishu", "iss-a", "tree", "海曙区鼓楼街道公园路 1 号", "2026-03-06 10:00", false,
		"accept 2026-03-06 11:00", "answer 2026-03-09 15:00", "confirm 2026-03-10 09:00")
	s.issue("haishu", "iss-b", "road", "海曙区 鼓楼街道 中山西路", "2026-03-05 09:00", true,
		"accept 2026-03-05 10:00", "answer 2026-03-13 10:00", "reopen 2026-03-14 09:00", "route 2026-03-16 09:00",
		"accept 2026-03-16 10:00", "answer 2026-03-17 10:00", "confirm 2026-03-17 12:00")
	s.issue("haishu", "iss-c", "manhole", "象山县石浦镇渔港路", "2026-03-06 17:00", false,
		"accept 2026-03-09 09:00", "dispatch 2026-03-09 10:00", "handle 2026-03-09 16:00", "answer 2026-03-10 10:00")
	s.issue("haishu", "iss-d", "drainage", "镇海区招宝山街道后大街", "2026-03-02 09:00", true, "accept 2026-03-02 10:00")
	s.issue("haishu", "iss-e", "environment", "宁波市镇海区庄市街道", "2026-03-03 09:00", false, "reject 2026-03-03 11:00")
	s.issue("haishu", "iss-f", "housing", "海曙区南门街道尹江路", "2026-03-02 09:30", false,
		"accept 2026-03-02 10:00", "answer 2026-03-04 11:00", "reopen 2026-03-05 09:00")
	*s.clock = time.Now()
	deputy, staff := s.h.Principal("deputy", "王建国"), s.h.Principal("staff", "吴敏")
	s.h.AddDeputy("haishu", scene.DirectoryEntry{ID: deputy.DeputyID, Name: "王建国", Kind: "deputy"})
	lat, lng := 29.8683, 121.5440
	var g is.IssueJSON
	s.h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: "tree", Description: "行道树倒伏",
		Lat: &lat, Lng: &lng, Address: "海曙区中山西路 100 号"}).Do().Decode(t, &g)
	for _, in := range []is.ActionInput{{Action: is.ActAccept}, {Action: is.ActAnswer, Note: "已清理。"}} {
		if r := s.h.Request(http.MethodPost, "/issues/"+g.ID+"/actions").As(staff).JSON(in).Do(); r.Status != http.StatusOK {
			t.Fatalf("%s: %s", in.Action, r)
		}
	}
	return s, deputy, staff, g.ID
}

func counts(items []is.CountJSON) map[string]int64 {
	out := map[string]int64{}
	for _, c := range items {
		if c.Count != 0 {
			out[c.Key] = c.Count
		}
	}
	return out
}

func equalCounts(t *testing.T, what string, got []is.CountJSON, want map[string]int64) {
	t.Helper()
	g := counts(got)
	if len(g) != len(want) {
		t.Errorf("%s = %v, want %v", what, g, want)
		return
	}
	for k, n := range want {
		if g[k] != n {
			t.Errorf("%s = %v, want %v", what, g, want)
			return
		}
	}
}

func rateOf(t *testing.T, what string, got is.RateJSON, n, of int64, want float64) {
	t.Helper()
	if got.Count != n || got.Of != of || got.Rate == nil || *got.Rate != want {
		t.Errorf("%s = %d of %d (rate %v), want %d of %d (%v)", what, got.Count, got.Of, got.Rate, n, of, want)
	}
}

func TestStats(t *testing.T) {
	s, deputy, staff, _ := seedHaishu(t)
	var st is.StatsJSON
	s.h.Request(http.MethodGet, "/stats").As(staff).Do().Decode(t, &st)
	if st.Tenant != "haishu" || st.Total != 7 {
		t.Errorf("tenant %q, total %d, want haishu, 7", st.Tenant, st.Total)
	}
	equalCounts(t, "by state", st.ByState, map[string]int64{"closed": 2, "answered": 2, "accepted": 1, "rejected": 1, "reopened": 1})
	if st.ByState[0].Key != "submitted" || st.ByState[7].Name.ZH != "已办结" || len(st.ByState) != 10 {
		t.Errorf("by state is not every state in lifecycle order with names: %+v", st.ByState)
	}
	equalCounts(t, "by category", st.ByCategory, map[string]int64{"tree": 2, "road": 1, "manhole": 1, "drainage": 1, "environment": 1, "housing": 1})
	equalCounts(t, "by area", st.ByArea, map[string]int64{"海曙区鼓楼街道": 2, "象山县石浦镇": 1, "镇海区招宝山街道": 1,
		"宁波市镇海区庄市街道": 1, "海曙区南门街道": 1, "海曙区中山西": 1})
	if st.ByArea[0].Key != "海曙区鼓楼街道" {
		t.Errorf("by area starts with %q, want the largest, 海曙区鼓楼街道", st.ByArea[0].Key)
	}
	rateOf(t, "on time", st.OnTime, 3, 4, 0.75) // A, C, G of A, B, C, G
	if st.OverdueOpen != 1 {
		t.Errorf("overdue open = %d, want 1 (D; B is overdue but closed)", st.OverdueOpen)
	}
	// In working days 1, 6, 2, 2 and G's 0 (or 1 across midnight): 2.
	// Counted in calendar days (3, 8, 4, 2, 0) it would be 3.
	if st.MedianWorkdays == nil || *st.MedianWorkdays != 2 || st.Answered != 5 {
		t.Errorf("median %v working days of %d answered, want 2 of 5", st.MedianWorkdays, st.Answered)
	}
	rateOf(t, "satisfaction", st.Satisfaction, 2, 4, 0.5) // A, B confirmed; B, F reopened
	if r := s.h.Request(http.MethodGet, "/stats").As(deputy).Do(); r.Status != http.StatusForbidden {
		t.Errorf("a deputy reads the figures: %s", r)
	}
}

// Another tenant sees only its own issues, counted with its own calendar.
func TestStatsOtherTenantAndCalendar(t *testing.T) {
	s, _, staff, _ := seedHaishu(t)
	s.issue("jiangbei", "iss-j1", "tree", "江北区甬江街道", "2026-03-06 10:00", false, "accept 2026-03-06 11:00", "answer 2026-03-09 15:00")
	s.issue("jiangbei", "iss-j2", "road", "江北区慈城镇", "2026-03-05 09:00", false, "accept 2026-03-05 10:00", "answer 2026-03-13 10:00")
	var st is.StatsJSON
	s.h.Request(http.MethodGet, "/stats").As(staff).Tenant("jiangbei").Do().Decode(t, &st)
	if st.Total != 2 || st.MedianWorkdays == nil || *st.MedianWorkdays != 3.5 {
		t.Errorf("jiangbei: total %d, median %v, want 2, 3.5 (1 and 6 working days)", st.Total, st.MedianWorkdays)
	}
	if st.Satisfaction.Of != 0 || st.Satisfaction.Rate != nil {
		t.Errorf("satisfaction without decisions = %+v, want 0 of 0 and no rate", st.Satisfaction)
	}
	// A typhoon closes Monday the 9th: J1 took 0 working days, J2 5.
	cal := map[string]any{"days": map[string]any{"2026-03-09": map[string]string{"kind": "holiday", "name": "台风停工"}}}
	if r := s.h.Request(http.MethodPut, "/calendar").As(staff).Tenant("jiangbei").JSON(cal).Do(); r.Status != http.StatusOK {
		t.Fatalf("calendar: %s", r)
	}
	s.h.Request(http.MethodGet, "/stats").As(staff).Tenant("jiangbei").Do().Decode(t, &st)
	if st.MedianWorkdays == nil || *st.MedianWorkdays != 2.5 {
		t.Errorf("median with the typhoon day off = %v, want 2.5", st.MedianWorkdays)
	}
	s.h.Request(http.MethodGet, "/stats").As(staff).Do().Decode(t, &st)
	if st.Total != 7 || *st.MedianWorkdays != 2 {
		t.Errorf("haishu after jiangbei's edits: total %d, median %v, want 7, 2", st.Total, *st.MedianWorkdays)
	}
	// The edit and a recount are audited with their writes, as the staff
	// member; reading the figures is not audited.
	if r := s.h.Request(http.MethodPost, "/stats/recount").As(staff).Tenant("jiangbei").Do(); r.Status != http.StatusOK {
		t.Fatalf("recount: %s", r)
	}
	var audit []string
	for _, a := range s.h.AuditLog("jiangbei") {
		audit = append(audit, a.Action+" by "+a.ActorID+" "+string(a.After))
	}
	if want := []string{"calendar.update by " + staff.UserID + ` {"days":{"2026-03-09":{"kind":"holiday","name":"台风停工"}}}`,
		"stats.recount by " + staff.UserID + ` {"total":2}`}; !slices.Equal(audit, want) {
		t.Errorf("jiangbei's audit entries = %q, want %q", audit, want)
	}
}

var exportHeader = []string{"编号", "报告时间", "类别", "状态", "地址", "代表编号", "去向", "处置人员", "答复期限", "首次答复时间", "是否超期", "是否满意"}

func readCSV(t *testing.T, body []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(body, []byte("\xEF\xBB\xBF"))
	if !ok {
		t.Fatalf("no UTF-8 byte order mark: % x", body[:min(len(body), 8)])
	}
	rows, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	return rows
}

func ids(rows [][]string) []string {
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[0])
	}
	return out
}

func TestExportCSV(t *testing.T) {
	s, deputy, staff, g := seedHaishu(t)
	res := s.h.Request(http.MethodGet, "/export.csv").As(staff).Do()
	if res.Status != http.StatusOK || res.ContentType != "text/csv; charset=utf-8" {
		t.Fatalf("export: %d %s", res.Status, res.ContentType)
	}
	if cd := res.Headers["Content-Disposition"]; !regexp.MustCompile(`^attachment; filename="issues-haishu-\d{8}\.csv"$`).MatchString(cd) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	rows := readCSV(t, res.Body)
	if !slices.Equal(rows[0], exportHeader) {
		t.Errorf("header = %v, want %v", rows[0], exportHeader)
	}
	// Oldest report first.
	if got, want := ids(rows), []string{"iss-d", "iss-f", "iss-e", "iss-b", "iss-a", "iss-c", g}; !slices.Equal(got, want) {
		t.Errorf("rows = %v, want %v", got, want)
	}
	wantA := []string{"iss-a", "2026-03-06 10:00", "树木倒伏", "已办结", "海曙区鼓楼街道公园路 1 号", "deputy:王建国", "基层治理四平台", "",
		"2026-03-11 23:59", "2026-03-09 15:00", "否", "满意"}
	if !slices.Equal(rows[5], wantA) {
		t.Errorf("row A =\n %q\nwant\n %q", rows[5], wantA)
	}
	if b := rows[4]; b[9] != "2026-03-13 10:00" || b[10] != "是" || b[11] != "满意" {
		t.Errorf("row B answered %q overdue %q satisfied %q, want the first answer, 是, 满意", b[9], b[10], b[11])
	}
	if c := rows[6]; c[7] != "网格员 张海军" || c[11] != "" {
		t.Errorf("row C worker %q satisfied %q, want 网格员 张海军 and blank", c[7], c[11])
	}

	for _, c := range []struct {
		query string
		want  []string
	}{
		{"status=closed", []string{"iss-b", "iss-a"}},
		{"category=tree", []string{"iss-a", g}},
		{"from=2026-03-05&to=2026-03-06", []string{"iss-b", "iss-a", "iss-c"}},
		{"from=2026-03-02&to=2026-03-02&category=housing", []string{"iss-f"}},
		{"status=answered&from=2026-03-06", []string{"iss-c", g}},
	} {
		t.Run(c.query, func(t *testing.T) {
			res := s.h.Request(http.MethodGet, "/export.csv?"+c.query).As(staff).Do()
			if res.Status != http.StatusOK {
				t.Fatalf("%s", res)
			}
			if got := ids(readCSV(t, res.Body)); !slices.Equal(got, c.want) {
				t.Errorf("rows = %v, want %v", got, c.want)
			}
		})
	}
	for _, q := range []string{"status=lost", "category=ufo", "from=2026-13-01", "from=2026-03-06&to=2026-03-05"} {
		if r := s.h.Request(http.MethodGet, "/export.csv?"+q).As(staff).Do(); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %s, want 400", q, r)
		}
	}
	en := readCSV(t, s.h.Request(http.MethodGet, "/export.csv?category=tree").As(staff).Locale("en").Do().Body)
	if en[0][0] != "ID" || en[1][2] != "Fallen trees" || en[1][3] != "closed" {
		t.Errorf("English export: %q", en[:2])
	}
	if r := s.h.Request(http.MethodGet, "/export.csv").As(deputy).Do(); r.Status != http.StatusForbidden {
		t.Errorf("a deputy exports: %s", r)
	}
	s.issue("jiangbei", "iss-j1", "tree", "江北区甬江街道", "2026-03-06 10:00", false)
	if got := ids(readCSV(t, s.h.Request(http.MethodGet, "/export.csv").As(staff).Tenant("jiangbei").Do().Body)); !slices.Equal(got, []string{"iss-j1"}) {
		t.Errorf("jiangbei exports %v, want only its own issue", got)
	}
}

func TestExportXLSX(t *testing.T) {
	s, deputy, staff, _ := seedHaishu(t)
	res := s.h.Request(http.MethodGet, "/export.xlsx").As(staff).Do()
	if res.Status != http.StatusOK || res.ContentType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("export: %s", res)
	}
	if cd := res.Headers["Content-Disposition"]; !regexp.MustCompile(`^attachment; filename="issues-haishu-\d{8}\.xlsx"$`).MatchString(cd) {
		t.Errorf("Content-Disposition = %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"督事事项"}) {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows("督事事项")
	if err != nil {
		t.Fatal(err)
	}
	csvRows := readCSV(t, s.h.Request(http.MethodGet, "/export.csv").As(staff).Do().Body)
	if len(rows) != 8 || !slices.Equal(rows[0], exportHeader) {
		t.Fatalf("%d rows, header %v; want 8 and %v", len(rows), rows[0], exportHeader)
	}
	for i := range rows {
		// GetRows drops trailing empty cells.
		if want := csvRows[i][:len(rows[i])]; !slices.Equal(rows[i], want) || slices.ContainsFunc(csvRows[i][len(rows[i]):], func(c string) bool { return c != "" }) {
			t.Errorf("row %d = %q, want the CSV's %q", i, rows[i], csvRows[i])
		}
	}
	panes, err := f.GetPanes("督事事项")
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v (%v), want the header row frozen", panes, err)
	}
	if w, err := f.GetColWidth("督事事项", "E"); err != nil || w != 40 {
		t.Errorf("address column width = %v (%v), want 40", w, err)
	}
	if r := s.h.Request(http.MethodGet, "/export.xlsx?status=closed").As(staff).Do(); r.Status != http.StatusOK {
		t.Errorf("filtered: %s", r)
	} else if g, err := excelize.OpenReader(bytes.NewReader(r.Body)); err != nil {
		t.Error(err)
	} else if rows, _ := g.GetRows("督事事项"); len(rows) != 3 {
		t.Errorf("closed issues: %d rows, want header and 2", len(rows))
	}
	if r := s.h.Request(http.MethodGet, "/export.xlsx").As(deputy).Do(); r.Status != http.StatusForbidden {
		t.Errorf("a deputy exports: %s", r)
	}
}

// A cell that looks like a formula stays text: quoted in CSV, a string
// cell in Excel.
func TestExportFormulaText(t *testing.T) {
	s := newSeeder(t)
	staff := s.h.Principal("staff", "吴敏")
	addr := `=HYPERLINK("http://example.com","点击")`
	s.issue("haishu", "iss-x", "other", addr, "2026-03-06 10:00", false)
	rows := readCSV(t, s.h.Request(http.MethodGet, "/export.csv").As(staff).Do().Body)
	if rows[1][4] != "'"+addr {
		t.Errorf("CSV address = %q, want it quoted with an apostrophe", rows[1][4])
	}
	f, err := excelize.OpenReader(bytes.NewReader(s.h.Request(http.MethodGet, "/export.xlsx").As(staff).Do().Body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, _ := f.GetCellValue("督事事项", "E2")
	formula, _ := f.GetCellFormula("督事事项", "E2")
	if v != addr || formula != "" {
		t.Errorf("Excel address = %q, formula %q; want the text and no formula", v, formula)
	}
}

// The figures the scene keeps as it goes equal the figures counted afresh
// from the issues, after reports (some at once), every kind of move, a
// linked report, a follow-up, an overdue deadline and a calendar edit.
func TestStatsKeptEqualRecount(t *testing.T) {
	s, deputy, staff, g := seedHaishu(t)
	lat, lng := 29.8683, 121.5440
	report := func(cat, address, linkTo string) string {
		var out is.IssueJSON
		r := s.h.Request(http.MethodPost, "/issues").As(deputy).JSON(is.ReportInput{Category: cat, Description: "问题",
			Lat: &lat, Lng: &lng, Address: address, LinkTo: linkTo}).Do()
		if r.Status != http.StatusCreated {
			t.Fatalf("report: %s", r)
		}
		r.Decode(t, &out)
		return out.ID
	}
	act := func(id string, as *scene.Principal, in is.ActionInput) {
		t.Helper()
		if r := s.h.Request(http.MethodPost, "/issues/"+id+"/actions").As(as).JSON(in).Do(); r.Status != http.StatusOK {
			t.Fatalf("%s %s: %s", id, in.Action, r)
		}
	}
	var wg sync.WaitGroup
	ids := make([]string, 12)
	for i := range ids {
		wg.Go(func() {
			ids[i] = report(is.Categories[i%len(is.Categories)].Code, fmt.Sprintf("海曙区月湖街道%d号", i), "")
		})
	}
	wg.Wait()
	linked := report(is.Categories[0].Code, "海曙区月湖街道0号", ids[0])
	act(ids[0], staff, is.ActionInput{Action: is.ActAccept})
	act(ids[0], staff, is.ActionInput{Action: is.ActAnswer, Note: "已处理"}) // answers the linked one too
	deliver(t, s.h)
	act(linked, deputy, is.ActionInput{Action: is.ActReopen, Note: "未处理完"})
	act(ids[1], staff, is.ActionInput{Action: is.ActReject, Note: "不属实"})
	act(ids[2], deputy, is.ActionInput{Action: is.ActWithdraw})
	act(ids[3], deputy, is.ActionInput{Action: is.ActFollowUp, Note: "请尽快"})
	act(g, deputy, is.ActionInput{Action: is.ActConfirm})
	if err := s.h.RunJob("haishu", "deadline", map[string]string{"ID": ids[4]}); err != nil {
		t.Fatal(err)
	}
	if r := s.h.Request(http.MethodPost, "/joint").As(staff).JSON(is.JointInput{Title: "联合督事", IssueID: ids[6]}).Do(); r.Status != http.StatusCreated {
		t.Fatalf("joint: %s", r)
	}
	// Compared here, before the calendar edit recounts everything.
	kept := keptEqualsRecount(t, s, staff)
	if kept.Total != 7+13 || kept.OverdueOpen != 2 {
		t.Errorf("kept: total %d, overdue open %d, want 20, 2", kept.Total, kept.OverdueOpen)
	}
	cal := map[string]any{"days": map[string]any{"2026-03-09": map[string]string{"kind": "holiday", "name": "台风停工"}}}
	if r := s.h.Request(http.MethodPut, "/calendar").As(staff).JSON(cal).Do(); r.Status != http.StatusOK {
		t.Fatalf("calendar: %s", r)
	}
	act(ids[5], staff, is.ActionInput{Action: is.ActAccept})
	act(ids[5], staff, is.ActionInput{Action: is.ActAnswer, Note: "已处理"})
	keptEqualsRecount(t, s, staff)
}

// keptEqualsRecount compares the figures the scene kept with a recount
// from the issues (which then stores the recount), and returns them.
func keptEqualsRecount(t *testing.T, s *seeder, staff *scene.Principal) is.StatsJSON {
	t.Helper()
	var kept, counted is.StatsJSON
	s.h.Request(http.MethodGet, "/stats").As(staff).Do().Decode(t, &kept)
	r := s.h.Request(http.MethodPost, "/stats/recount").As(staff).Do()
	if r.Status != http.StatusOK {
		t.Fatalf("recount: %s", r)
	}
	r.Decode(t, &counted)
	k, _ := json.Marshal(kept)
	c, _ := json.Marshal(counted)
	if !bytes.Equal(k, c) {
		t.Errorf("kept figures differ from a recount:\nkept    %s\ncounted %s", k, c)
	}
	return kept
}
