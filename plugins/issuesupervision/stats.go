package issuesupervision

import (
	"cmp"
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/renda-platform/renda/plugins/scene"
)

// registerStats adds the figures (GET /stats) and the exports (GET
// /export.csv, GET /export.xlsx) for staff. With ?scope=descendants the
// figures cover the congresses below too (a city across its districts),
// with a line for each congress.
func (sv *service) registerStats(s *scene.Scene) {
	s.Handle(http.MethodGet, "/stats", permManage, scene.T("督事统计", "Issue figures"), sv.stats)
	s.Handle(http.MethodPost, "/stats/recount", permManage, scene.T("重新统计督事", "Recount the figures"), sv.recountStats)
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
	Tenant string `json:"tenant"`
	FiguresJSON
	// Tenants has a line for each congress counted, in a city-wide view
	// (?scope=descendants); it is absent otherwise.
	Tenants []TenantFiguresJSON `json:"tenants,omitempty"`
}

// FiguresJSON is what is counted, for one congress or several.
type FiguresJSON struct {
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
	// (workdays.Calendar.WorkdaysBetween with the congress's calendar);
	// null when no issue was answered. Answered counts those issues.
	MedianWorkdays *float64 `json:"median_workdays"`
	Answered       int64    `json:"answered"`
	// Satisfaction counts the deputies' confirmations, of all their
	// decisions on answers (confirmations and reopenings).
	Satisfaction RateJSON `json:"satisfaction"`
}

// TenantFiguresJSON is one congress's line in a city-wide view.
type TenantFiguresJSON struct {
	Tenant         string   `json:"tenant"`
	Total          int64    `json:"total"`
	OverdueOpen    int64    `json:"overdue_open"`
	OnTime         RateJSON `json:"on_time"`
	MedianWorkdays *float64 `json:"median_workdays"`
	Satisfaction   RateJSON `json:"satisfaction"`
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

func figuresOf(s summary) FiguresJSON {
	return FiguresJSON{Total: s.Total, ByState: stateCounts(s.States), ByCategory: categoryCounts(s.Categories),
		ByArea: areaCounts(s.Areas), OnTime: rate(s.OnTime, s.Closing), OverdueOpen: s.OverdueOpen,
		MedianWorkdays: median(s.Workdays, s.Answered), Answered: s.Answered, Satisfaction: rate(s.Confirms, s.Confirms+s.Reopens)}
}

// stats serves the figures from the congresses' summaries.
func (sv *service) stats(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	if len(r.Tenant.Descendants) == 0 {
		s, err := ownSummary(ctx, r.Host, false, r.Tenant.ReadOnly)
		if err != nil {
			return nil, err
		}
		return scene.JSON(http.StatusOK, StatsJSON{Tenant: r.Tenant.Slug, FiguresJSON: figuresOf(s)})
	}
	byTenant, err := summariesBelow(ctx, r.Host.Store())
	if err != nil {
		return nil, err
	}
	all := newSummary(0)
	out := StatsJSON{Tenant: r.Tenant.Slug}
	for _, slug := range slices.Sorted(maps.Keys(byTenant)) {
		s := byTenant[slug]
		all.merge(s)
		out.Tenants = append(out.Tenants, TenantFiguresJSON{Tenant: slug, Total: s.Total, OverdueOpen: s.OverdueOpen,
			OnTime: rate(s.OnTime, s.Closing), MedianWorkdays: median(s.Workdays, s.Answered),
			Satisfaction: rate(s.Confirms, s.Confirms+s.Reopens)})
	}
	out.FiguresJSON = figuresOf(all)
	return scene.JSON(http.StatusOK, out)
}

// recountStats counts the congress's figures afresh from its issues (staff
// repair; the figures are kept up to date without it).
func (sv *service) recountStats(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	s, err := ownSummary(ctx, r.Host, true, false)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, StatsJSON{Tenant: r.Tenant.Slug, FiguresJSON: figuresOf(s)})
}

// ownSummary returns the congress's summary, recounting (and storing) it
// when there is none, it was counted with another calendar or other rules,
// or force. A read-only request (a city reading a district) gets the count
// without storing it. A forced recount is a staff action: its audit entry
// (stats.recount) is stored with the figures.
func ownSummary(ctx context.Context, h scene.Host, force, readOnly bool) (summary, error) {
	st := h.Store()
	var err error
	for range saveAttempts {
		d, s, lerr := loadSummary(ctx, st)
		if lerr != nil {
			return summary{}, lerr
		}
		cal, _, calVersion, cerr := loadCalendar(ctx, h)
		if cerr != nil {
			return summary{}, cerr
		}
		if s.current(calVersion) && !force {
			return *s, nil
		}
		fresh, rerr := recount(ctx, st, cal, calVersion)
		if rerr != nil || readOnly {
			return fresh, rerr
		}
		var audits []scene.AuditDraft
		if force {
			audits = append(audits, scene.AuditDraft{Action: "stats.recount", TargetType: "stats", TargetID: summaryDoc,
				After: map[string]int64{"total": fresh.Total}})
		}
		if _, err = st.Batch(ctx, []scene.Write{summaryWrite(d, fresh)}, nil, audits...); err == nil {
			return fresh, nil
		}
		if p, ok := scene.AsProblem(err); !ok || p.Code != scene.CodeConflict {
			return summary{}, err
		}
		// A report came in while counting: count again.
	}
	return summary{}, err
}

// summariesBelow returns the stored summary of each congress in a
// city-wide read that has issues. A congress whose issues an older version
// of the scene wrote is counted by the hourly "figures" job (or when its
// staff open its figures, or on its next issue); a city-wide read may not
// write, and counting every issue of the city on every view would not do.
func summariesBelow(ctx context.Context, st scene.Store) (map[string]summary, error) {
	out := map[string]summary{}
	err := eachDoc(ctx, st, summaries, scene.Query{}, func(d *scene.Document) error {
		if d.ID != summaryDoc {
			return nil
		}
		s := newSummary(0)
		if err := d.Decode(&s); err != nil {
			return err
		}
		if s.Total != 0 {
			out[d.Tenant] = s
		}
		return nil
	})
	return out, err
}

// figuresJob counts the congress's figures when they were never counted
// or were counted with another calendar (job "figures", hourly).
func (sv *service) figuresJob(ctx context.Context, j *scene.Job) error {
	_, err := ownSummary(ctx, j.Host, false, false)
	return err
}

// eachDoc calls fn with every document of a collection matching q's
// filters, in q's sort order, a page at a time.
func eachDoc(ctx context.Context, st scene.Store, collection string, q scene.Query, fn func(d *scene.Document) error) error {
	q.Limit, q.Cursor = pageSize, ""
	for {
		docs, next, err := st.Query(ctx, collection, q)
		if err != nil {
			return err
		}
		for _, d := range docs {
			if err := fn(d); err != nil {
				return err
			}
		}
		if next == "" || len(docs) == 0 {
			return nil
		}
		q.Cursor = next
	}
}

// eachIssue calls fn with every issue matching filters, in sort order (""
// for the store's default), reading a page at a time.
func eachIssue(ctx context.Context, st scene.Store, filters []scene.Filter, sort string, fn func(id string, is *Issue) error) error {
	return eachDoc(ctx, st, issues, scene.Query{Filters: filters, Sort: sort}, func(d *scene.Document) error {
		var is Issue
		if err := d.Decode(&is); err != nil {
			return err
		}
		return fn(d.ID, &is)
	})
}

func areaCounts(areas map[string]int64) []CountJSON {
	out := make([]CountJSON, 0, len(areas))
	for k, n := range areas {
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
func stateCounts(states map[string]int64) []CountJSON {
	counts := maps.Clone(states)
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
func categoryCounts(categories map[string]int64) []CountJSON {
	counts := maps.Clone(categories)
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
