package scene

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The page vocabulary: a scene declares its pages as data (Manifest.Pages)
// and the web console renders them, so a scene ships no front-end code.
// The JSON form of these types is the contract with the console; fields
// are only added, never renamed. plugins/README.md documents each one.

// Label is bilingual text as pages carry it: JSON {"zh": …, "en": …}.
type Label struct {
	ZH string `json:"zh"`
	EN string `json:"en"`
}

// L makes a Label.
func L(zh, en string) Label { return Label{ZH: zh, EN: en} }

// Text returns the label as a Text.
func (l Label) Text() Text { return Text(l) }

func (l Label) complete() bool { return l.ZH != "" && l.EN != "" }

// Page kinds.
const (
	PageList      = "list"
	PageDetail    = "detail"
	PageForm      = "form"
	PageDashboard = "dashboard"
)

// Audiences a page is meant for: where the console offers it.
const (
	AudienceStaff    = "staff"    // congress staff (the console)
	AudienceDeputy   = "deputy"   // deputies (the phone portal)
	AudiencePlatform = "platform" // city staff across congresses
)

// Page is one screen of a scene. Exactly one of List, Detail, Form and
// Dashboard is set, the one Kind names.
type Page struct {
	ID    string `json:"id"`
	Title Label  `json:"title"`
	Kind  string `json:"kind"`
	// Permission ("object:action", defined in the manifest) the caller
	// needs to see the page; "" means any signed-in user of the congress.
	// The host also hides a page whose data route the caller may not call.
	Permission string `json:"permission,omitempty"`
	// Menu shows the page in the scene's menu; pages not in the menu are
	// reached by links (a detail page) or actions (a form).
	Menu bool `json:"menu"`
	// Audience hints where the page appears: staff, deputy, platform.
	Audience []string `json:"audience"`
	// Public opens the page to anyone, without signing in (a published
	// result): every route it names must be registered with Public, its
	// links and actions may lead only to public pages and routes, and it
	// needs no permission. Since protocol 1 (an added field).
	Public    bool           `json:"public,omitempty"`
	List      *ListPage      `json:"list,omitempty"`
	Detail    *DetailPage    `json:"detail,omitempty"`
	Form      *FormPage      `json:"form,omitempty"`
	Dashboard *DashboardPage `json:"dashboard,omitempty"`
}

// ListPage is a table (cards on a phone) fed by a scene route.
type ListPage struct {
	// Source is "GET /path" relative to the scene, optionally with a fixed
	// query ("GET /issues?sort=due").
	Source string `json:"source"`
	// Items names the array in the response (default "items"); Cursor the
	// next-page cursor (default "next_cursor"), sent back as ?cursor=.
	Items  string `json:"items"`
	Cursor string `json:"cursor"`
	// Search is the query parameter a search box fills; "" for none.
	Search     string       `json:"search,omitempty"`
	Columns    []Column     `json:"columns"`
	Filters    []ListFilter `json:"filters"`
	Actions    []Action     `json:"actions"`     // toolbar
	RowActions []Action     `json:"row_actions"` // on each row, {field}s from the row
	Empty      *Label       `json:"empty,omitempty"`
}

// Value types of a column or a field.
const (
	TypeText   = "text"
	TypeStatus = "status"
	TypeTime   = "time"
	TypeDate   = "date"
	TypeMoney  = "money"
	TypeNumber = "number"
	TypeTag    = "tag"
	TypeBool   = "bool"
)

var valueTypes = []string{TypeText, TypeStatus, TypeTime, TypeDate, TypeMoney, TypeNumber, TypeTag, TypeBool}

// Column is one column of a list. Field is a key of the row, or a dotted
// path into it ("grid.last_status").
type Column struct {
	Field string `json:"field"`
	Title Label  `json:"title"`
	Type  string `json:"type"`
	// Link is the id of a detail page the cell opens, with {id} = row.id.
	Link string `json:"link,omitempty"`
	// Options label the values of a status or tag column.
	Options []Option `json:"options,omitempty"`
}

// Filter types of a list.
const (
	FilterSelect = "select"
	FilterText   = "text"
	FilterDate   = "date"
)

// ListFilter is a control above a list that sets a query parameter.
type ListFilter struct {
	Param   string   `json:"param"`
	Title   Label    `json:"title"`
	Type    string   `json:"type"`
	Options []Option `json:"options,omitempty"` // for select
}

// Option is a value and what to call it.
type Option struct {
	Value string `json:"value"`
	Title Label  `json:"title"`
}

// DetailPage shows one record.
type DetailPage struct {
	// Source is "GET /path/{id}"; {id} is the page's id parameter.
	Source     string        `json:"source"`
	TitleField string        `json:"title_field"`
	Fields     []DetailField `json:"fields"`
	Timeline   *Timeline     `json:"timeline,omitempty"`
	// Attachments are groups of files shown as thumbnails (photos), each
	// under its title: the photos a deputy reported, those taken after
	// handling. A list within protocol 1 (it was one object, which
	// UnmarshalJSON still reads).
	Attachments []Attachments `json:"attachments,omitempty"`
	Map         *MapPoint     `json:"map,omitempty"`
	// Tables show arrays of the record as tables (cards on a phone).
	Tables  []Table  `json:"tables"`
	Actions []Action `json:"actions"` // {field}s from the record
}

// Table shows Field, an array of objects of the record, with Columns as
// a list's; a link opens a detail page with {id} = entry.id.
type Table struct {
	Field   string   `json:"field"`
	Title   Label    `json:"title"`
	Columns []Column `json:"columns"`
	Empty   *Label   `json:"empty,omitempty"`
}

// DetailField is one labelled value of a record.
type DetailField struct {
	Field   string   `json:"field"`
	Title   Label    `json:"title"`
	Type    string   `json:"type"`
	Options []Option `json:"options,omitempty"`
}

// Timeline shows an array of the record as a timeline. Field names the
// array; the others name keys of each entry.
type Timeline struct {
	Field string `json:"field"`
	At    string `json:"at"`
	Actor string `json:"actor"`
	State string `json:"state"`
	Note  string `json:"note"`
	// Action names the key saying what happened, if any; Options label
	// the values of State and Action.
	Action  string   `json:"action,omitempty"`
	Options []Option `json:"options,omitempty"`
}

// UnmarshalJSON reads a detail page, taking attachments either as a list
// of groups or as the one object scenes built with an earlier SDK send,
// so the host keeps loading their manifests. It returns the decoding
// error of malformed JSON.
func (d *DetailPage) UnmarshalJSON(b []byte) error {
	type plain DetailPage
	v := struct {
		*plain
		Attachments json.RawMessage `json:"attachments"`
	}{plain: (*plain)(d)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	d.Attachments = nil
	raw := bytes.TrimSpace(v.Attachments)
	switch {
	case len(raw) == 0 || bytes.Equal(raw, []byte("null")):
		return nil
	case raw[0] == '{':
		var one Attachments
		if err := json.Unmarshal(raw, &one); err != nil {
			return fmt.Errorf("attachments: %w", err)
		}
		d.Attachments = []Attachments{one}
		return nil
	}
	if err := json.Unmarshal(raw, &d.Attachments); err != nil {
		return fmt.Errorf("attachments: %w", err)
	}
	return nil
}

// Attachments is one group of files of the record, shown under Title.
// Field names an array of host file ids or of {id, name, url}.
type Attachments struct {
	Field string `json:"field"`
	// Title is shown above the group; without one the console uses its
	// own ("Photos and files").
	Title Label `json:"title,omitzero"`
	// Source is "GET /path/{id}" serving one file by id, for arrays of ids.
	Source string `json:"source,omitempty"`
	// Tenant names a key of the record holding the slug of the congress
	// the files belong to, for records read city-wide (?scope=descendants)
	// whose files a district stored; when the key is empty or absent the
	// files are the page's own congress's. It applies to host files and
	// to Source alike.
	Tenant string `json:"tenant,omitempty"`
}

// MapPoint places the record on a map (WGS-84 degrees).
type MapPoint struct {
	Lat   string `json:"lat"`
	Lng   string `json:"lng"`
	Label string `json:"label,omitempty"`
}

// FormPage is a form generated from a JSON Schema.
type FormPage struct {
	// Submit is "POST /path" (or PUT, PATCH); the body is the form's value.
	Submit string `json:"submit"`
	// Source is "GET /path/{id}" whose answer pre-fills the form (an edit
	// form); {id} is the page's id parameter. "" starts empty.
	Source string `json:"source,omitempty"`
	// Schema is a JSON Schema object (draft 2020-12) of the body.
	Schema json.RawMessage `json:"schema"`
	// UI gives per-property hints, keyed by property name.
	UI map[string]Widget `json:"ui,omitempty"`
	// Then is the page to open after success, with {id} from the response.
	Then string `json:"then,omitempty"`
}

// Widgets a form property may use instead of the default for its type.
const (
	WidgetTextarea = "textarea"
	WidgetSelect   = "select"
	WidgetRadio    = "radio"
	WidgetDate     = "date"
	WidgetDatetime = "datetime"
	WidgetMap      = "map"
	WidgetPhotos   = "photos"
	WidgetMoney    = "money"
	WidgetHidden   = "hidden"
	// WidgetChoices is a choice per item: an object property whose
	// additionalProperties is an enum; one row per item (Items), one
	// radio group of the enum (labelled by Options) on each.
	WidgetChoices = "choices"
	// WidgetChecklist picks items: an array property, one checkbox per
	// item (Items, or Options), at most Max of them.
	WidgetChecklist = "checklist"
)

var widgets = []string{WidgetTextarea, WidgetSelect, WidgetRadio, WidgetDate, WidgetDatetime, WidgetMap, WidgetPhotos, WidgetMoney, WidgetHidden,
	WidgetChoices, WidgetChecklist}

// The widgets whose values may come from a route (Widget.Items).
var itemWidgets = []string{WidgetSelect, WidgetRadio, WidgetChoices, WidgetChecklist}

// Widget is a UI hint for one form property.
type Widget struct {
	Widget      string `json:"widget,omitempty"`
	Title       *Label `json:"title,omitempty"` // the label; default: the schema's title
	Placeholder *Label `json:"placeholder,omitempty"`
	Order       int    `json:"order,omitempty"`
	// Upload is "POST /path" taking one file (the raw bytes) and answering
	// {"id": …}, for the photos widget.
	Upload string `json:"upload,omitempty"`
	// Options label an enum's values (select, radio).
	Options []Option `json:"options,omitempty"`
	// Lat and Lng name the number properties a map widget fills (default
	// "lat" and "lng"); Address a text property it may fill as well.
	Lat     string `json:"lat,omitempty"`
	Lng     string `json:"lng,omitempty"`
	Address string `json:"address,omitempty"`
	// Items reads the values a select, radio, choices or checklist
	// widget offers from a scene route, when they are records (the
	// candidates of a round) rather than a fixed enum.
	Items *Items `json:"items,omitempty"`
	// Max names a number field of the form's record: the most items a
	// checklist may check.
	Max string `json:"max,omitempty"`
	// VisibleIf shows the property (and sends it) only when the form's
	// record matches.
	VisibleIf *Condition `json:"visible_if,omitempty"`
	// Properties are the hints of a nested object's properties, or of
	// the properties of an array's object items.
	Properties map[string]Widget `json:"properties,omitempty"`
}

// Items are the values a widget offers, read from a scene route: "GET
// /path" with {field}s from the form's record; Items names the array in
// the answer (default "items"), Value and Label the keys of each entry
// (default "id" and "title"), Note an optional key shown under the label.
// If keeps only entries matching; In names an array field of the form's
// record listing the values to offer, in its order.
type Items struct {
	Source string     `json:"source"`
	Items  string     `json:"items,omitempty"`
	Value  string     `json:"value,omitempty"`
	Label  string     `json:"label,omitempty"`
	Note   string     `json:"note,omitempty"`
	If     *Condition `json:"if,omitempty"`
	In     string     `json:"in,omitempty"`
}

// DashboardPage shows figures and charts fed by scene routes.
type DashboardPage struct {
	Cards  []Card  `json:"cards"`
	Charts []Chart `json:"charts"`
}

// Card formats.
const (
	FormatNumber  = "number"
	FormatPercent = "percent" // a ratio 0..1
	FormatDays    = "days"
)

// Card is one figure: Field (a dotted path) of Source's response.
type Card struct {
	Title  Label  `json:"title"`
	Source string `json:"source"`
	Field  string `json:"field"`
	Format string `json:"format,omitempty"`
}

// Chart types.
const (
	ChartBar  = "bar"
	ChartLine = "line"
	ChartPie  = "pie"
)

// Chart is an ECharts chart of an array in Source's response: Items names
// the array (default: the response itself); X and Y name keys of each
// entry; Series, if set, names the key that splits entries into series.
// An X value that is an object {zh|zh-CN, en} is shown in the user's
// language.
type Chart struct {
	Title  Label  `json:"title"`
	Source string `json:"source"`
	Type   string `json:"type"`
	Items  string `json:"items,omitempty"`
	X      string `json:"x"`
	Y      string `json:"y"`
	Series string `json:"series,omitempty"`
}

// Action is a button. It calls a scene route (Call) or opens a page
// (Page). {field} parameters of Call are filled from the row or record.
type Action struct {
	ID    string `json:"id"`
	Title Label  `json:"title"`
	Call  string `json:"call,omitempty"`
	// Page opens a page instead of calling a route ({id} = row.id).
	Page string `json:"page,omitempty"`
	// Params name, for a {name} of the action's routes, the field of the
	// row or record that fills it, when it is not the field of that name
	// ({"id": "round_id", "cid": "id"} for a candidate of a round).
	Params map[string]string `json:"params,omitempty"`
	// Body are fixed fields of the JSON body; the form's values join them.
	Body map[string]any `json:"body,omitempty"`
	// Form asks the user first. With Confirm as well, the console shows
	// what was entered with the confirmation before it calls.
	Form    *ActionForm `json:"form,omitempty"`
	Confirm *Label      `json:"confirm,omitempty"`
	// Result shows fields of the answer after success (a receipt).
	Result *ActionResult `json:"result,omitempty"`
	// Permission hides the action from callers without it; the host also
	// hides an action whose route the caller may not call.
	Permission string     `json:"permission,omitempty"`
	VisibleIf  *Condition `json:"visible_if,omitempty"`
	Danger     bool       `json:"danger,omitempty"`
}

// ActionForm is the form an action asks for before calling. The form's
// record (for its widgets' Items, Max and VisibleIf) is the row or record
// of the action, or the answer of Source ("GET /path/{field}", {field}s
// from the row or record) when set.
type ActionForm struct {
	Schema json.RawMessage   `json:"schema"`
	UI     map[string]Widget `json:"ui,omitempty"`
	Source string            `json:"source,omitempty"`
}

// ActionResult shows an action's answer: Fields of it, under Title, with
// Note (what to do with it) below.
type ActionResult struct {
	Title  Label         `json:"title"`
	Note   *Label        `json:"note,omitempty"`
	Fields []DetailField `json:"fields"`
}

// Condition shows an action only when Field of the row or record has one
// of the values In.
type Condition struct {
	Field string `json:"field"`
	In    []any  `json:"in"`
}

var (
	pageRefPattern = regexp.MustCompile(`^(GET|POST|PUT|PATCH|DELETE) (/[^?\s]*)(\?[^\s]*)?$`)
	pathKeyPattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)*$`)
)

// RouteRef splits "METHOD /path?query" as pages write routes.
func RouteRef(ref string) (method, path, query string, ok bool) {
	m := pageRefPattern.FindStringSubmatch(ref)
	if m == nil {
		return "", "", "", false
	}
	return m[1], m[2], strings.TrimPrefix(m[3], "?"), true
}

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
		c.key(cat, col.Field, false)
		c.label(cat+": title", col.Title)
		c.valueType(cat, col.Type)
		c.options(cat, col.Options)
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
		fat := at + ": field " + f.Field
		c.key(fat, f.Field, false)
		c.label(fat+": title", f.Title)
		c.valueType(fat, f.Type)
		c.options(fat, f.Options)
	}
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
