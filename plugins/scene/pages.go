package scene

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
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
