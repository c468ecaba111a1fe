package scene

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Checking a scene's pages against its manifest (Validate), and the
// normal form they travel in.

// pageChecker validates pages against the rest of the manifest.
type pageChecker struct {
	m     *Manifest
	add   func(format string, args ...any)
	perms map[string]bool
	pages map[string]*Page
	// public is set while checking a public page: what it names must be
	// open to anyone too.
	public bool
}

func (m *Manifest) validatePages(perms map[string]bool, add func(string, ...any)) {
	c := &pageChecker{m: m, add: add, perms: perms, pages: map[string]*Page{}}
	for i := range m.Pages {
		p := &m.Pages[i]
		if !namePattern.MatchString(p.ID) {
			add("page %q: lowercase id", p.ID)
		}
		if c.pages[p.ID] != nil {
			add("page %s: declared twice", p.ID)
		}
		c.pages[p.ID] = p
	}
	for i := range m.Pages {
		c.page(&m.Pages[i])
	}
}

func (c *pageChecker) page(p *Page) {
	at := "page " + p.ID
	c.label(at+": title", p.Title)
	c.perm(at, p.Permission)
	c.public = p.Public
	if p.Public && p.Permission != "" {
		c.add("%s: a public page needs no permission", at)
	}
	for _, a := range p.Audience {
		if !slices.Contains([]string{AudienceStaff, AudienceDeputy, AudiencePlatform}, a) {
			c.add("%s: unknown audience %q", at, a)
		}
	}
	set := map[string]bool{PageList: p.List != nil, PageDetail: p.Detail != nil, PageForm: p.Form != nil, PageDashboard: p.Dashboard != nil}
	if _, ok := set[p.Kind]; !ok {
		c.add("%s: unknown kind %q (list, detail, form, dashboard)", at, p.Kind)
		return
	}
	for k, ok := range set {
		if ok != (k == p.Kind) {
			c.add("%s: a %s page sets %s and nothing else", at, p.Kind, p.Kind)
			break
		}
	}
	switch {
	case p.List != nil:
		c.list(at, p.List)
	case p.Detail != nil:
		c.detail(at, p.Detail)
	case p.Form != nil:
		c.form(at, p.Form)
	case p.Dashboard != nil:
		c.dashboard(at, p.Dashboard)
	}
}

func (c *pageChecker) list(at string, l *ListPage) {
	c.route(at+": source", l.Source, true)
	c.key(at+": items", l.Items, true)
	c.key(at+": cursor", l.Cursor, true)
	c.key(at+": search", l.Search, true)
	if len(l.Columns) == 0 {
		c.add("%s: a list needs columns", at)
	}
	c.columns(at, l.Columns)
	for _, f := range l.Filters {
		fat := at + ": filter " + f.Param
		c.key(fat, f.Param, false)
		c.label(fat+": title", f.Title)
		if !slices.Contains([]string{FilterSelect, FilterText, FilterDate}, f.Type) {
			c.add("%s: unknown type %q (select, text, date)", fat, f.Type)
		}
		if f.Type == FilterSelect && len(f.Options) == 0 {
			c.add("%s: a select needs options", fat)
		}
		c.options(fat, f.Options)
	}
	if l.Empty != nil {
		c.label(at+": empty", *l.Empty)
	}
	c.actions(at, l.Actions)
	c.actions(at+": row", l.RowActions)
}

func (c *pageChecker) detail(at string, d *DetailPage) {
	c.route(at+": source", d.Source, true)
	c.key(at+": title_field", d.TitleField, true)
	if len(d.Fields) == 0 {
		c.add("%s: a detail page needs fields", at)
	}
	c.fields(at, d.Fields)
	if t := d.Timeline; t != nil {
		c.key(at+": timeline field", t.Field, false)
		for _, k := range []string{t.At, t.Actor, t.State, t.Note, t.Action} {
			c.key(at+": timeline", k, true)
		}
		c.options(at+": timeline", t.Options)
	}
	for _, a := range d.Attachments {
		aat := at + ": attachments " + a.Field
		c.key(aat+": field", a.Field, false)
		if a.Title != (Label{}) {
			c.label(aat+": title", a.Title)
		}
		c.key(aat+": tenant", a.Tenant, true)
		if a.Source != "" {
			c.route(aat+": source", a.Source, true)
		} else if c.public {
			c.add("%s: a public page serves files from a public source (host files need sign-in)", aat)
		}
	}
	if m := d.Map; m != nil {
		c.key(at+": map lat", m.Lat, false)
		c.key(at+": map lng", m.Lng, false)
		c.key(at+": map label", m.Label, true)
	}
	for _, tb := range d.Tables {
		tat := at + ": table " + tb.Field
		c.key(tat, tb.Field, false)
		c.label(tat+": title", tb.Title)
		if len(tb.Columns) == 0 {
			c.add("%s: a table needs columns", tat)
		}
		c.columns(tat, tb.Columns)
		if tb.Empty != nil {
			c.label(tat+": empty", *tb.Empty)
		}
	}
	c.actions(at, d.Actions)
}

func (c *pageChecker) columns(at string, cols []Column) {
	for _, col := range cols {
		cat := at + ": column " + col.Field
		c.value(cat, col.Field, col.Title, col.Type, col.Options)
		if col.Link != "" {
			if t := c.pages[col.Link]; t == nil || t.Kind != PageDetail {
				c.add("%s: link %q is not a detail page of this scene", cat, col.Link)
			}
			c.publicPage(cat+": link", col.Link)
		}
	}
}

func (c *pageChecker) fields(at string, fs []DetailField) {
	for _, f := range fs {
		c.value(at+": field "+f.Field, f.Field, f.Title, f.Type, f.Options)
	}
}

// value checks a labelled value of a record: a column or a detail field.
func (c *pageChecker) value(at, field string, title Label, typ string, opts []Option) {
	c.key(at, field, false)
	c.label(at+": title", title)
	c.valueType(at, typ)
	c.options(at, opts)
}

func (c *pageChecker) condition(at string, v *Condition) {
	if v == nil {
		return
	}
	c.key(at, v.Field, false)
	if len(v.In) == 0 {
		c.add("%s needs values", at)
	}
	for _, x := range v.In {
		switch x.(type) {
		case string, bool, float64, int, int64, nil:
		default:
			c.add("%s values are strings, numbers, booleans or null", at)
		}
	}
}

func (c *pageChecker) form(at string, f *FormPage) {
	c.route(at+": submit", f.Submit, false)
	if f.Source != "" {
		c.route(at+": source", f.Source, true)
	}
	c.schema(at, f.Schema, f.UI)
	if f.Then != "" && c.pages[f.Then] == nil {
		c.add("%s: then %q is not a page of this scene", at, f.Then)
	}
	if f.Then != "" {
		c.publicPage(at+": then", f.Then)
	}
}

func (c *pageChecker) dashboard(at string, d *DashboardPage) {
	if len(d.Cards)+len(d.Charts) == 0 {
		c.add("%s: a dashboard needs cards or charts", at)
	}
	for i, card := range d.Cards {
		cat := fmt.Sprintf("%s: card %d", at, i+1)
		c.label(cat+": title", card.Title)
		c.route(cat+": source", card.Source, true)
		c.key(cat+": field", card.Field, false)
		if card.Format != "" && !slices.Contains([]string{FormatNumber, FormatPercent, FormatDays}, card.Format) {
			c.add("%s: unknown format %q (number, percent, days)", cat, card.Format)
		}
	}
	for i, ch := range d.Charts {
		cat := fmt.Sprintf("%s: chart %d", at, i+1)
		c.label(cat+": title", ch.Title)
		c.route(cat+": source", ch.Source, true)
		if !slices.Contains([]string{ChartBar, ChartLine, ChartPie}, ch.Type) {
			c.add("%s: unknown type %q (bar, line, pie)", cat, ch.Type)
		}
		c.key(cat+": items", ch.Items, true)
		c.key(cat+": x", ch.X, false)
		c.key(cat+": y", ch.Y, false)
		c.key(cat+": series", ch.Series, true)
	}
}

func (c *pageChecker) actions(at string, as []Action) {
	seen := map[string]bool{}
	for _, a := range as {
		aat := at + " action " + a.ID
		if !namePattern.MatchString(a.ID) {
			c.add("%s: lowercase id", aat)
		}
		if seen[a.ID] {
			c.add("%s: declared twice", aat)
		}
		seen[a.ID] = true
		c.label(aat+": title", a.Title)
		switch {
		case (a.Call == "") == (a.Page == ""):
			c.add("%s: an action either calls a route or opens a page", aat)
		case a.Call != "":
			c.route(aat+": call", a.Call, false)
		case c.pages[a.Page] == nil:
			c.add("%s: page %q is not a page of this scene", aat, a.Page)
		default:
			c.publicPage(aat+": page", a.Page)
		}
		for name, field := range a.Params {
			c.key(aat+": params", name, false)
			c.key(aat+": params "+name, field, false)
		}
		if a.Form != nil {
			c.schema(aat, a.Form.Schema, a.Form.UI)
			if a.Form.Source != "" {
				c.route(aat+": form source", a.Form.Source, true)
			}
		}
		if a.Confirm != nil {
			c.label(aat+": confirm", *a.Confirm)
		}
		if r := a.Result; r != nil {
			c.label(aat+": result title", r.Title)
			if r.Note != nil {
				c.label(aat+": result note", *r.Note)
			}
			if len(r.Fields) == 0 {
				c.add("%s: a result needs fields", aat)
			}
			c.fields(aat+": result", r.Fields)
		}
		c.perm(aat, a.Permission)
		if c.public && a.Permission != "" {
			c.add("%s: an action of a public page needs no permission", aat)
		}
		c.condition(aat+": visible_if", a.VisibleIf)
	}
}

// schema checks a form's JSON Schema is an object schema and that every
// UI hint names one of its properties.
func (c *pageChecker) schema(at string, raw json.RawMessage, ui map[string]Widget) {
	var s struct {
		Type       string                     `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(raw, &s); err != nil || s.Type != "object" {
		c.add("%s: schema must be a JSON Schema object with \"type\": \"object\"", at)
		return
	}
	for name, w := range ui {
		wat := at + ": ui " + name
		prop, ok := s.Properties[name]
		if !ok {
			c.add("%s: not a property of the schema", wat)
		}
		if w.Widget != "" && !slices.Contains(widgets, w.Widget) {
			c.add("%s: unknown widget %q", wat, w.Widget)
		}
		c.widget(wat, w, prop)
		if w.Title != nil {
			c.label(wat+": title", *w.Title)
		}
		if w.Placeholder != nil {
			c.label(wat+": placeholder", *w.Placeholder)
		}
		if w.Widget == WidgetPhotos {
			c.route(wat+": upload", w.Upload, false)
		} else if w.Upload != "" {
			c.add("%s: upload is for the photos widget", wat)
		}
		c.options(wat, w.Options)
		for _, k := range []string{w.Lat, w.Lng, w.Address} {
			c.key(wat, k, true)
		}
	}
}

// widget checks the hints that depend on the property's schema: items,
// limits, conditions and nested hints.
func (c *pageChecker) widget(at string, w Widget, prop json.RawMessage) {
	var ps struct {
		Type  string          `json:"type"`
		Items json.RawMessage `json:"items"`
	}
	_ = json.Unmarshal(prop, &ps)
	switch w.Widget {
	case WidgetChoices:
		if ps.Type != "object" {
			c.add("%s: a choices widget is for an object property", at)
		}
	case WidgetChecklist:
		if ps.Type != "array" {
			c.add("%s: a checklist widget is for an array property", at)
		}
	}
	if it := w.Items; it != nil {
		if !slices.Contains(itemWidgets, w.Widget) {
			c.add("%s: items are for the select, radio, choices and checklist widgets", at)
		}
		c.route(at+": items source", it.Source, true)
		for _, k := range []string{it.Items, it.Value, it.Label, it.Note, it.In} {
			c.key(at+": items", k, true)
		}
		c.condition(at+": items if", it.If)
	}
	if w.Widget == WidgetChoices && w.Items == nil {
		c.add("%s: a choices widget needs items", at)
	}
	c.key(at+": max", w.Max, true)
	if w.Max != "" && w.Widget != WidgetChecklist {
		c.add("%s: max is for the checklist widget", at)
	}
	c.condition(at+": visible_if", w.VisibleIf)
	if len(w.Properties) > 0 {
		nested := prop
		if ps.Type == "array" {
			nested = ps.Items
		}
		c.schema(at, nested, w.Properties)
	}
}

// route checks ref names a route the scene registered: a GET to read
// from, or a write to submit to.
func (c *pageChecker) route(at, ref string, read bool) {
	method, path, _, ok := RouteRef(ref)
	if !ok {
		c.add("%s: %q: want \"METHOD /path\"", at, ref)
		return
	}
	if read != (method == "GET") {
		want := "GET"
		if !read {
			want = "POST, PUT, PATCH or DELETE"
		}
		c.add("%s: %q: want %s", at, ref, want)
	}
	for _, r := range c.m.Routes {
		if r.Method == method && r.Path == path {
			if c.public && !r.Public {
				c.add("%s: %q: a public page names only routes registered with Public", at, ref)
			}
			return
		}
	}
	c.add("%s: %q is not a route of this scene", at, ref)
}

// publicPage checks that a public page leads only to public pages.
func (c *pageChecker) publicPage(at, id string) {
	if t := c.pages[id]; c.public && t != nil && !t.Public {
		c.add("%s: %q: a public page links only to public pages", at, id)
	}
}

func (c *pageChecker) perm(at, perm string) {
	if perm != "" && !c.perms[perm] {
		c.add("%s: permission %q is not defined", at, perm)
	}
}

func (c *pageChecker) label(at string, l Label) {
	if !l.complete() {
		c.add("%s: both zh and en are required", at)
	}
}

func (c *pageChecker) key(at, k string, optional bool) {
	if k == "" && optional {
		return
	}
	if !pathKeyPattern.MatchString(k) {
		c.add("%s: %q: want a field name or a dotted path", at, k)
	}
}

func (c *pageChecker) valueType(at, t string) {
	if !slices.Contains(valueTypes, t) {
		c.add("%s: unknown type %q (%s)", at, t, strings.Join(valueTypes, ", "))
	}
}

func (c *pageChecker) options(at string, os []Option) {
	for _, o := range os {
		c.label(at+": option "+o.Value, o.Title)
	}
}

// normalizePages fills a list's defaults and turns absent arrays into
// empty ones, so the console reads one shape.
func normalizePages(ps []Page) []Page {
	if ps == nil {
		return nil
	}
	out := make([]Page, len(ps))
	for i, p := range ps {
		p.Audience = orEmpty(p.Audience)
		if l := p.List; l != nil {
			cp := *l
			if cp.Items == "" {
				cp.Items = "items"
			}
			if cp.Cursor == "" {
				cp.Cursor = "next_cursor"
			}
			cp.Columns, cp.Filters = orEmpty(cp.Columns), orEmpty(cp.Filters)
			cp.Actions, cp.RowActions = orEmpty(cp.Actions), orEmpty(cp.RowActions)
			p.List = &cp
		}
		if d := p.Detail; d != nil {
			cp := *d
			cp.Fields, cp.Actions, cp.Tables = orEmpty(cp.Fields), orEmpty(cp.Actions), slices.Clone(orEmpty(cp.Tables))
			for i := range cp.Tables {
				cp.Tables[i].Columns = orEmpty(cp.Tables[i].Columns)
			}
			p.Detail = &cp
		}
		if d := p.Dashboard; d != nil {
			cp := *d
			cp.Cards, cp.Charts = orEmpty(cp.Cards), orEmpty(cp.Charts)
			p.Dashboard = &cp
		}
		out[i] = p
	}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
