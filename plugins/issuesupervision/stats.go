package issuesupervision

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
	"github.com/renda-platform/renda/plugins/scene"
)

// registerStats adds the figures (GET /stats) and the exports (GET
// /export.csv, GET /export.xlsx) for staff.
//
// Every figure and every export covers the tenant the request is for and
// nothing else. A city-wide view across districts (or a district's across
// its townships) needs the host to read descendants' documents, which the
// runtime does not offer scenes yet; until it does, a city congress sees
// its own issues here, not its districts'.
func (sv *service) registerStats(s *scene.Scene) {
	s.Handle(http.MethodGet, "/stats", permManage, scene.T("督事统计", "Issue figures"), sv.stats)
	s.Handle(http.MethodGet, "/export.csv", permManage, scene.T("导出督事（CSV）", "Export issues (CSV)"), sv.exportCSV)
	s.Handle(http.MethodGet, "/export.xlsx", permManage, scene.T("导出督事（Excel）", "Export issues (Excel)"), sv.exportXLSX)
}

// pageSize is how many issues a scan reads at once: the store's largest
// page, so that memory stays bounded by one page whatever the tenant's size.
const pageSize = 200

// lifecycle lists the states in the order the story runs, for figures.
var lifecycle = []State{Submitted, Routed, Accepted, Dispatched, Handled, Answered, Reopened, Closed, Rejected, Withdrawn}

// awaitingAnswer are the open states in which the issue still waits for an
// answer (an answered issue waits for the deputy instead).
var awaitingAnswer = []string{string(Submitted), string(Routed), string(Accepted), string(Dispatched), string(Handled), string(Reopened)}

// StatsJSON is the tenant's figures.
type StatsJSON struct {
	Tenant     string      `json:"tenant"`
	Total      int64       `json:"total"`
	ByState    []CountJSON `json:"by_state"`
	ByCategory []CountJSON `json:"by_category"`
	// ByArea counts issues by the district-and-street part of their
	// address (see area), most first.
	ByArea []CountJSON `json:"by_area"`
	// OnTime counts answered and closed issues whose first answer came at
	// or before their deadline, of all answered and closed issues.
	OnTime RateJSON `json:"on_time"`
	// OverdueOpen counts issues flagged overdue that still wait for an
	// answer.
	OverdueOpen int64 `json:"overdue_open"`
	// MedianWorkdays is the median, over every issue answered at least
	// once, of the working days from its report to its first answer
	// (workdays.Calendar.WorkdaysBetween with the tenant's calendar); null
	// when no issue was answered. Answered counts those issues.
	MedianWorkdays *float64 `json:"median_workdays"`
	Answered       int64    `json:"answered"`
	// Satisfaction counts the deputies' confirmations, of all their
	// decisions on answers (confirmations and reopenings).
	Satisfaction RateJSON `json:"satisfaction"`
}

// CountJSON is one bar of a chart: a state, a category or an area.
type CountJSON struct {
	Key   string     `json:"key"`
	Name  scene.Text `json:"name"`
	Count int64      `json:"count"`
}

// RateJSON is Count of Of; Rate is null when Of is 0.
type RateJSON struct {
	Count int64    `json:"count"`
	Of    int64    `json:"of"`
	Rate  *float64 `json:"rate"`
}

func rate(n, of int64) RateJSON {
	r := RateJSON{Count: n, Of: of}
	if of > 0 {
		v := float64(n) / float64(of)
		r.Rate = &v
	}
	return r
}

// stats counts by state, category and overdue flag with the store's
// aggregates, and reads every issue once, a page at a time, for what needs
// the document: the area, the timeline and the deadline.
func (sv *service) stats(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	st := r.Host.Store()
	byState, err := st.Aggregate(ctx, issues, nil, "status", "")
	if err != nil {
		return nil, err
	}
	byCategory, err := st.Aggregate(ctx, issues, nil, "category", "")
	if err != nil {
		return nil, err
	}
	overdue, err := st.Aggregate(ctx, issues, []scene.Filter{scene.Eq("overdue", "true"),
		{Field: "status", Op: "in", Values: awaitingAnswer}}, "", "")
	if err != nil {
		return nil, err
	}
	cal, _, err := calendarOf(ctx, r.Host)
	if err != nil {
		return nil, err
	}
	t := tally{cal: cal, areas: map[string]int64{}, workdays: map[int]int64{}}
	if err := eachIssue(ctx, st, nil, "", func(_ string, is *Issue) error { t.add(is); return nil }); err != nil {
		return nil, err
	}
	out := StatsJSON{Tenant: r.Tenant.Slug, ByState: stateCounts(byState), ByCategory: categoryCounts(byCategory),
		ByArea: t.areaCounts(), OnTime: rate(t.onTime, t.closing), MedianWorkdays: median(t.workdays, t.answered),
		Answered: t.answered, Satisfaction: rate(t.confirms, t.confirms+t.reopens)}
	for _, g := range byState {
		out.Total += g.Count
	}
	for _, g := range overdue {
		out.OverdueOpen += g.Count
	}
	return scene.JSON(http.StatusOK, out)
}

// eachIssue calls fn with every issue matching filters, in sort order (""
// for the store's default), reading a page at a time.
func eachIssue(ctx context.Context, st scene.Store, filters []scene.Filter, sort string, fn func(id string, is *Issue) error) error {
	cursor := ""
	for {
		docs, next, err := st.Query(ctx, issues, scene.Query{Filters: filters, Sort: sort, Limit: pageSize, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, d := range docs {
			var is Issue
			if err := d.Decode(&is); err != nil {
				return err
			}
			if err := fn(d.ID, &is); err != nil {
				return err
			}
		}
		if next == "" || len(docs) == 0 {
			return nil
		}
		cursor = next
	}
}

// tally accumulates the figures that need each issue's document. It keeps
// counts only: handling times as a histogram of whole working days.
type tally struct {
	cal               *workdays.Calendar
	areas             map[string]int64
	closing, onTime   int64 // answered or closed issues; those answered in time
	workdays          map[int]int64
	answered          int64
	confirms, reopens int64
}

func (t *tally) add(is *Issue) {
	t.areas[area(is.Address)]++
	reported, answered := is.CreatedAt, Step{}
	for _, s := range is.Timeline {
		switch s.Action {
		case "report":
			reported = s.At
		case ActAnswer:
			if answered.At.IsZero() {
				answered = s
			}
		case ActConfirm:
			t.confirms++
		case ActReopen:
			t.reopens++
		}
	}
	if is.State == Answered || is.State == Closed {
		t.closing++
		if !answered.At.IsZero() && !answered.At.After(is.DueAt) {
			t.onTime++
		}
	}
	if !answered.At.IsZero() {
		t.answered++
		t.workdays[t.cal.WorkdaysBetween(reported, answered.At)]++
	}
}

func (t *tally) areaCounts() []CountJSON {
	out := make([]CountJSON, 0, len(t.areas))
	for k, n := range t.areas {
		out = append(out, CountJSON{Key: k, Name: scene.T(k, k), Count: n})
	}
	slices.SortFunc(out, func(a, b CountJSON) int { return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Key, b.Key)) })
	return out
}

// median is the median of a histogram of n values (the mean of the two
// middle ones when n is even), or nil when n is 0.
func median(hist map[int]int64, n int64) *float64 {
	if n == 0 {
		return nil
	}
	var lo, hi int
	var seen int64
	for _, v := range slices.Sorted(maps.Keys(hist)) {
		if seen <= (n-1)/2 && (n-1)/2 < seen+hist[v] {
			lo = v
		}
		if seen <= n/2 && n/2 < seen+hist[v] {
			hi = v
		}
		seen += hist[v]
	}
	m := float64(lo+hi) / 2
	return &m
}

// stateCounts lists every state in lifecycle order, then any state the
// store holds that this version does not know.
func stateCounts(groups []scene.Group) []CountJSON {
	counts := groupCounts(groups)
	out := make([]CountJSON, 0, len(lifecycle))
	for _, s := range lifecycle {
		out = append(out, CountJSON{Key: string(s), Name: stateNames[s], Count: counts[string(s)]})
		delete(counts, string(s))
	}
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, CountJSON{Key: k, Name: scene.T(k, k), Count: counts[k]})
	}
	return out
}

// categoryCounts lists every built-in category in order, then any other
// category the store holds.
func categoryCounts(groups []scene.Group) []CountJSON {
	counts := groupCounts(groups)
	out := make([]CountJSON, 0, len(Categories))
	for _, c := range Categories {
		out = append(out, CountJSON{Key: c.Code, Name: c.Name, Count: counts[c.Code]})
		delete(counts, c.Code)
	}
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, CountJSON{Key: k, Name: scene.T(k, k), Count: counts[k]})
	}
	return out
}

func groupCounts(groups []scene.Group) map[string]int64 {
	out := make(map[string]int64, len(groups))
	for _, g := range groups {
		out[g.Key] += g.Count
	}
	return out
}

// area is the district-and-street part of an address, the unit the
// figures are counted by: with whitespace dropped, the address up to and
// including the first 街道, 镇 or 乡 that ends a place name, or else its
// first six characters. A 镇 or 乡 at the very start, or one that begins a
// district, county or city name (the character two after it is 区, 县 or
// 市: 镇海区, 镇江市, 乡城县), ends no place name. So "海曙区鼓楼街道公园路
// 1 号" counts as 海曙区鼓楼街道, "镇海区招宝山街道" as itself, "象山县石浦镇渔港路"
// as 象山县石浦镇 and "海曙区中山西路 100 号" as 海曙区中山西.
//
// Addresses are free text, so this is a rule of thumb, not a gazetteer:
// an address written without its street or town falls back to six
// characters.
func area(address string) string {
	r := []rune(strings.Join(strings.Fields(address), ""))
	for i := 1; i < len(r); i++ {
		n := 0
		switch {
		case r[i] == '街' && i+1 < len(r) && r[i+1] == '道':
			n = 2
		case r[i] == '镇' || r[i] == '乡':
			if i+2 < len(r) && strings.ContainsRune("区县市", r[i+2]) {
				continue
			}
			n = 1
		}
		if n > 0 {
			return string(r[:i+n])
		}
	}
	return string(r[:min(len(r), 6)])
}
