package scenetest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renda-platform/renda/plugins/scene"
)

// CheckPages reads every page the principal may see, in the default
// tenant, as the console would, and fails t for each page that names what
// its routes do not answer: a list's rows and columns, a detail page's
// title, fields, timeline, tables and map, a dashboard's cards and charts.
// A page whose routes take its id ({id}) is read with the record id given
// in records, keyed by page id (choose a record with every field set), and
// skipped without one. Forms and actions write, so it does not call them;
// Validate already checked that their routes exist.
func (h *Harness) CheckPages(t testing.TB, as *scene.Principal, records map[string]string) {
	t.Helper()
	for _, p := range h.manifest.Pages {
		if p.Permission != "" && !as.Can(p.Permission) {
			continue
		}
		params, ok := map[string]string{"id": records[p.ID]}, records[p.ID] != ""
		switch {
		case p.List != nil && h.mayCall(as, p.List.Source) && (ok || !takesID(p.List.Source)):
			h.checkList(t, as, p, params)
		case p.Detail != nil && ok && h.mayCall(as, p.Detail.Source):
			h.checkDetail(t, as, p, records[p.ID])
		case p.Dashboard != nil && (ok || !dashboardTakesID(p.Dashboard)):
			h.checkDashboard(t, as, p, params)
		}
	}
}

func takesID(ref string) bool { return strings.Contains(ref, "{id}") }

func dashboardTakesID(d *scene.DashboardPage) bool {
	for _, c := range d.Cards {
		if takesID(c.Source) {
			return true
		}
	}
	for _, c := range d.Charts {
		if takesID(c.Source) {
			return true
		}
	}
	return false
}

// mayCall reports whether the principal may call a page's route.
func (h *Harness) mayCall(as *scene.Principal, ref string) bool {
	method, path, _, _ := scene.RouteRef(ref)
	for _, rt := range h.manifest.Routes {
		if rt.Method == method && rt.Path == path {
			return rt.Public || as.Can(rt.Permission)
		}
	}
	return false
}

// read GETs a page's source and decodes the answer.
func (h *Harness) read(t testing.TB, as *scene.Principal, page, ref string, params map[string]string) (any, bool) {
	t.Helper()
	_, path, query, _ := scene.RouteRef(ref)
	for k, v := range params {
		path = strings.ReplaceAll(path, "{"+k+"}", url.PathEscape(v))
	}
	req := h.Request(http.MethodGet, path).As(as)
	q, _ := url.ParseQuery(query)
	for k, vs := range q {
		for _, v := range vs {
			req.Query(k, v)
		}
	}
	res := req.Do()
	if res.Status != http.StatusOK {
		t.Errorf("page %s: %s: %s", page, ref, res)
		return nil, false
	}
	var v any
	if err := json.Unmarshal(res.Body, &v); err != nil {
		t.Errorf("page %s: %s answered no JSON: %v", page, ref, err)
		return nil, false
	}
	return v, true
}

func (h *Harness) checkList(t testing.TB, as *scene.Principal, p scene.Page, params map[string]string) {
	t.Helper()
	l := p.List
	v, ok := h.read(t, as, p.ID, l.Source, params)
	if !ok {
		return
	}
	rows, ok := Lookup(v, l.Items)
	items, isArray := rows.([]any)
	if !ok || !isArray {
		t.Errorf("page %s: %s has no array %q", p.ID, l.Source, l.Items)
		return
	}
	if c, ok := Lookup(v, l.Cursor); ok && c != nil {
		if _, isString := c.(string); !isString {
			t.Errorf("page %s: cursor %q is not a string", p.ID, l.Cursor)
		}
	}
	checkColumns(t, p.ID, l.Source, items, l.Columns)
}

// checkColumns fails t for each column that is in none of the rows.
func checkColumns(t testing.TB, page, where string, items []any, cols []scene.Column) {
	t.Helper()
	for _, col := range cols {
		found := len(items) == 0
		for _, row := range items {
			if _, ok := Lookup(row, col.Field); ok {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("page %s: column %q is in none of the %d rows of %s", page, col.Field, len(items), where)
		}
	}
}

func (h *Harness) checkDetail(t testing.TB, as *scene.Principal, p scene.Page, id string) {
	t.Helper()
	d := p.Detail
	v, ok := h.read(t, as, p.ID, d.Source, map[string]string{"id": id})
	if !ok {
		return
	}
	want := []string{d.TitleField}
	for _, f := range d.Fields {
		want = append(want, f.Field)
	}
	if d.Map != nil {
		want = append(want, d.Map.Lat, d.Map.Lng)
	}
	for _, a := range d.Attachments {
		want = append(want, a.Field)
	}
	for _, f := range want {
		if _, ok := Lookup(v, f); f != "" && !ok {
			t.Errorf("page %s: record %s has no %q", p.ID, id, f)
		}
	}
	for _, tb := range d.Tables {
		arr, _ := Lookup(v, tb.Field)
		items, isArray := arr.([]any)
		if !isArray {
			t.Errorf("page %s: record %s has no array %q", p.ID, id, tb.Field)
			continue
		}
		checkColumns(t, p.ID, tb.Field, items, tb.Columns)
	}
	if tl := d.Timeline; tl != nil {
		steps, _ := Lookup(v, tl.Field)
		entries, ok := steps.([]any)
		if !ok || len(entries) == 0 {
			t.Errorf("page %s: record %s has no timeline array %q", p.ID, id, tl.Field)
			return
		}
		for _, k := range []string{tl.At, tl.Actor, tl.State, tl.Action} {
			if _, ok := Lookup(entries[0], k); k != "" && !ok {
				t.Errorf("page %s: timeline entries have no %q", p.ID, k)
			}
		}
	}
}

func (h *Harness) checkDashboard(t testing.TB, as *scene.Principal, p scene.Page, params map[string]string) {
	t.Helper()
	answers := map[string]any{}
	get := func(ref string) (any, bool) {
		if v, ok := answers[ref]; ok {
			return v, true
		}
		if !h.mayCall(as, ref) {
			return nil, false
		}
		v, ok := h.read(t, as, p.ID, ref, params)
		if ok {
			answers[ref] = v
		}
		return v, ok
	}
	for _, c := range p.Dashboard.Cards {
		if v, ok := get(c.Source); ok {
			if _, ok := Lookup(v, c.Field); !ok {
				t.Errorf("page %s: card %q: %s has no %q", p.ID, c.Title.EN, c.Source, c.Field)
			}
		}
	}
	for _, c := range p.Dashboard.Charts {
		v, ok := get(c.Source)
		if !ok {
			continue
		}
		arr := v
		if c.Items != "" {
			arr, _ = Lookup(v, c.Items)
		}
		entries, isArray := arr.([]any)
		if !isArray {
			t.Errorf("page %s: chart %q: %s has no array %q", p.ID, c.Title.EN, c.Source, c.Items)
			continue
		}
		for _, e := range entries {
			for _, k := range []string{c.X, c.Y, c.Series} {
				if _, ok := Lookup(e, k); k != "" && !ok {
					t.Errorf("page %s: chart %q: an entry has no %q", p.ID, c.Title.EN, k)
				}
			}
		}
	}
}

// Lookup follows a dotted path ("grid.last_status") into decoded JSON.
func Lookup(v any, path string) (any, bool) {
	for k := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}
