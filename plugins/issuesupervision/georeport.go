package issuesupervision

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
	"github.com/renda-platform/renda/plugins/scene"
)

// The scene is itself an Open311 GeoReport v2 endpoint, so that existing
// Open311 clients (a 12345 hotline, a partner app) read the tenant's issues
// and file new ones. Every issue category is a service; an issue is a
// service request. Reads are public and show what Open311 shows the
// public: never a deputy or a reporter. A POST needs an api_key from the
// tenant's settings (open311_api_keys) and files the issue for that key's
// deputy through the same path as the app.
const geoBase = "/open311/v2"

const (
	// servicesChangeset changes whenever Categories or their attributes do.
	servicesChangeset = "2026-11-25T00:00:00Z"
	// maxRequests caps a GET requests answer (newest first).
	maxRequests = 1000
	// maxScanned caps the issues one GET requests reads: the date filters
	// are applied here, not by the store.
	maxScanned = 5000
	// maxRequestIDs caps service_request_id in one GET requests.
	maxRequestIDs = 100
	// maxUserPages bounds the search for a deputy's account, 200 a page.
	maxUserPages = 20
)

// urgentAttribute is the one attribute every service has: it sets
// Issue.Urgent.
var urgentAttribute = open311.Attribute{Variable: true, Code: "urgent", Datatype: open311.SingleValueList, Order: 1,
	Values: []open311.AttributeValue{{Key: "true"}, {Key: "false"}}}

// serviceGroups groups the categories for clients that show services by
// group; a category not listed is in "other".
var serviceGroups = map[string]scene.Text{
	"tree": scene.T("城市管理", "City management"), "manhole": scene.T("城市管理", "City management"),
	"road": scene.T("城市管理", "City management"), "drainage": scene.T("城市管理", "City management"),
	"environment": scene.T("城市管理", "City management"), "housing": scene.T("民生保障", "Livelihood"),
}

// geoHandler serves one Open311 resource in format f; name is the last
// path segment without its extension, for the resources that have one.
type geoHandler func(ctx context.Context, r *scene.Request, f open311.Format, name string) (*scene.Response, error)

func (sv *service) registerGeoReport(s *scene.Scene) {
	for _, f := range []open311.Format{open311.JSON, open311.XML} {
		ext := "." + string(f)
		s.Public(http.MethodGet, geoBase+"/discovery"+ext, scene.T("Open311 服务发现", "Open311 service discovery"), geoFormat(f, sv.geoDiscovery))
		s.Public(http.MethodGet, geoBase+"/services"+ext, scene.T("Open311 服务列表", "Open311 services"), geoFormat(f, sv.geoServices))
		s.Public(http.MethodGet, geoBase+"/requests"+ext, scene.T("Open311 诉求列表", "Open311 service requests"), geoFormat(f, sv.geoRequests))
		s.Public(http.MethodPost, geoBase+"/requests"+ext, scene.T("Open311 提交诉求（api_key）", "Open311: file a service request (api_key)"), geoFormat(f, sv.geoPost))
	}
	s.Public(http.MethodGet, geoBase+"/services/{file}", scene.T("Open311 服务定义", "Open311 service definition"), geoPathFormat(sv.geoDefinition))
	s.Public(http.MethodGet, geoBase+"/requests/{file}", scene.T("Open311 单个诉求", "Open311 service request"), geoPathFormat(sv.geoRequest))
}

func geoFormat(f open311.Format, h geoHandler) scene.Handler {
	return func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		if j := r.QueryValue("jurisdiction_id"); j != "" && j != r.Tenant.Slug {
			return geoError(f, http.StatusNotFound, say(r, scene.T("jurisdiction_id 不是本人大。", "jurisdiction_id is not this congress.")))
		}
		return h(ctx, r, f, "")
	}
}

func geoPathFormat(h geoHandler) scene.Handler {
	return func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		name, f, ok := open311.SplitFormat(r.Param("file"))
		if !ok || name == "" {
			return geoError(open311.JSON, http.StatusNotFound, say(r, scene.T("请在资源后加 .json 或 .xml。", "Append .json or .xml to the resource.")))
		}
		return geoFormat(f, func(ctx context.Context, r *scene.Request, f open311.Format, _ string) (*scene.Response, error) {
			return h(ctx, r, f, name)
		})(ctx, r)
	}
}

// geoWrite answers with v encoded as an Open311 document.
func geoWrite(f open311.Format, status int, v any) (*scene.Response, error) {
	var b bytes.Buffer
	if err := open311.Encode(&b, f, v); err != nil {
		return nil, fmt.Errorf("open311: encode: %w", err)
	}
	return &scene.Response{Status: status, Body: b.Bytes(), ContentType: f.ContentType()}, nil
}

// geoError answers with an Open311 errors document of one error.
func geoError(f open311.Format, status int, description string) (*scene.Response, error) {
	return geoWrite(f, status, open311.Errors{{Code: status, Description: description}})
}

func say(r *scene.Request, t scene.Text) string { return t.In(r.Locale) }

// sceneBase is where the platform serves a tenant's scene; the discovery
// document needs it to name the endpoint absolutely.
func sceneBase(r *scene.Request) string {
	path := "/api/v1/t/" + r.Tenant.Slug + "/scenes/" + ID
	host := r.Headers["Host"]
	if host == "" {
		return path
	}
	// The platform itself listens in plain HTTP; a proxy that ends TLS says so.
	scheme := "http"
	if p := r.Headers["X-Forwarded-Proto"]; p == "https" {
		scheme = p
	}
	return scheme + "://" + host + path
}

func (sv *service) geoDiscovery(_ context.Context, r *scene.Request, f open311.Format, _ string) (*scene.Response, error) {
	return geoWrite(f, http.StatusOK, open311.Discovery{
		Changeset: servicesChangeset,
		Contact:   say(r, scene.T(r.Tenant.NameZH+"人大常委会：代表督事", "The standing committee of "+r.Tenant.NameEN+": issue supervision")),
		KeyService: say(r, scene.T("api_key 由本级人大常委会发放，每个 key 代表一位代表提交诉求。",
			"The standing committee issues api_keys; each files service requests for one deputy.")),
		Endpoints: []open311.Endpoint{{Specification: open311.SpecificationV2, URL: sceneBase(r) + geoBase, Changeset: servicesChangeset,
			Type: open311.Production, Formats: []string{"text/xml", "application/json"}}},
	})
}

// geoService is a category as an Open311 service.
func geoService(r *scene.Request, set Settings, c Category) open311.Service {
	group, ok := serviceGroups[c.Code]
	if !ok {
		group = scene.T("其他", "Other")
	}
	n := set.deadline(c.Code)
	return open311.Service{Code: c.Code, Name: c.Name.ZH, Keywords: c.Name.EN, Group: say(r, group),
		Description: say(r, scene.T(fmt.Sprintf("须在 %d 个工作日内答复。", n), fmt.Sprintf("Answered within %d working days.", n))),
		Metadata:    len(geoDefinitionOf(r, c).Attributes) > 0, Type: open311.Realtime}
}

func geoDefinitionOf(r *scene.Request, c Category) open311.ServiceDefinition {
	urgent := urgentAttribute
	urgent.Description = say(r, scene.T("是否紧急（危及安全或阻断通行）", "Urgent (a danger to safety or blocking traffic)?"))
	urgent.Values = []open311.AttributeValue{{Key: "true", Name: say(r, scene.T("紧急", "Urgent"))},
		{Key: "false", Name: say(r, scene.T("不紧急", "Not urgent"))}}
	return open311.ServiceDefinition{ServiceCode: c.Code, Attributes: []open311.Attribute{urgent}}
}

func (sv *service) geoServices(_ context.Context, r *scene.Request, f open311.Format, _ string) (*scene.Response, error) {
	set := parseSettings(r.Settings)
	out := make(open311.Services, len(Categories))
	for i, c := range Categories {
		out[i] = geoService(r, set, c)
	}
	return geoWrite(f, http.StatusOK, out)
}

func (sv *service) geoDefinition(_ context.Context, r *scene.Request, f open311.Format, code string) (*scene.Response, error) {
	c, ok := category(code)
	if !ok {
		return geoError(f, http.StatusNotFound, say(r, scene.T("找不到服务 "+code+"。", "service_code "+code+" was not found.")))
	}
	return geoWrite(f, http.StatusOK, geoDefinitionOf(r, c))
}

// geoPost files a service request: checks come in the order Open311
// clients expect them: the api_key (403), the service (404), then every
// bad argument at once (400).
func (sv *service) geoPost(ctx context.Context, r *scene.Request, f open311.Format, _ string) (*scene.Response, error) {
	if mt, _, _ := mime.ParseMediaType(r.ContentType); mt != "application/x-www-form-urlencoded" {
		return geoError(f, http.StatusBadRequest, say(r, scene.T("请求须为 application/x-www-form-urlencoded 表单。",
			"The body must be application/x-www-form-urlencoded.")))
	}
	v, err := url.ParseQuery(string(r.Body))
	if err != nil {
		return geoError(f, http.StatusBadRequest, say(r, scene.T("表单无法解析。", "The form cannot be read.")))
	}
	if j := v.Get("jurisdiction_id"); j != "" && j != r.Tenant.Slug {
		return geoError(f, http.StatusNotFound, say(r, scene.T("jurisdiction_id 不是本人大。", "jurisdiction_id is not this congress.")))
	}
	set := parseSettings(r.Settings)
	key, ok := set.open311Key(v.Get("api_key"))
	if !ok {
		return geoError(f, http.StatusForbidden, say(r, scene.T("api_key 缺失或无效。", "api_key is missing or not valid.")))
	}
	form, err := open311.ParseRequestForm(v)
	c, known := category(form.ServiceCode)
	if form.ServiceCode != "" && !known {
		return geoError(f, http.StatusNotFound, say(r, scene.T("找不到服务 "+form.ServiceCode+"。", "service_code "+form.ServiceCode+" was not found.")))
	}
	var problems open311.FormError
	errors.As(err, &problems)
	if known {
		var fe open311.FormError
		if errors.As(geoDefinitionOf(r, c).Check(form.Attributes), &fe) {
			problems = append(problems, fe...)
		}
	}
	in := ReportInput{Category: form.ServiceCode, Description: form.Description, Lat: form.Lat, Lng: form.Long,
		Address: form.AddressString, Urgent: slices.Contains(form.Attributes["urgent"], "true")}
	problems = append(problems, reportProblems(r, in.Validate())...)
	if len(problems) > 0 {
		return geoWrite(f, http.StatusBadRequest, uniqueFields(problems).Errors())
	}
	reporter, err := accountOf(ctx, r.Host, key.DeputyID)
	if err != nil {
		return nil, err
	}
	iss, err := sv.file(ctx, r.Host, r.Settings, key.DeputyID, reporter, key.Name, in)
	if p, ok := scene.AsProblem(err); ok {
		// The spec's "general service error" (a photo, the deputy of a
		// misconfigured key): 400, with what the scene said.
		return geoError(f, http.StatusBadRequest, say(r, p.Message))
	}
	if err != nil {
		return nil, err
	}
	due := iss.DueAt.In(shanghai).Format("2006-01-02")
	return geoWrite(f, http.StatusCreated, open311.Receipts{{ServiceRequestID: iss.ID, AccountID: form.AccountID,
		ServiceNotice: say(r, scene.T("已登记，将于 "+due+" 前答复。", "Filed; it will be answered by "+due+"."))}})
}

// open311Key finds the key a client posted with, in constant time per key.
func (s Settings) open311Key(k string) (Open311Key, bool) {
	if k == "" {
		return Open311Key{}, false
	}
	for _, x := range s.Open311Keys {
		if subtle.ConstantTimeCompare([]byte(x.Key), []byte(k)) == 1 {
			return x, true
		}
	}
	return Open311Key{}, false
}

// openFields names ReportInput's fields as Open311 does.
var openFields = map[string]string{"category": "service_code", "lng": "long", "address": "address_string"}

// reportProblems turns the scene's validation problems into Open311 field
// errors. Coordinates and an address are required here, though Open311
// asks for only one location: the scene routes by address and measures
// distances by coordinates.
func reportProblems(r *scene.Request, err error) open311.FormError {
	p, ok := scene.AsProblem(err)
	if !ok {
		return nil
	}
	var out open311.FormError
	for _, fp := range p.Fields {
		name := fp.Path
		if n, ok := openFields[name]; ok {
			name = n
		}
		out = append(out, open311.FieldError{Field: name, Problem: say(r, fp.Message)})
	}
	return out
}

// uniqueFields keeps the first problem of each field, and drops the
// package's "location" problem when the scene's stricter ones name lat or
// address_string.
func uniqueFields(in open311.FormError) open311.FormError {
	named := map[string]bool{}
	for _, p := range in {
		named[p.Field] = true
	}
	kept := map[string]bool{}
	var out open311.FormError
	for _, p := range in {
		if kept[p.Field] || p.Field == "location" && (named["lat"] || named["address_string"]) {
			continue
		}
		kept[p.Field] = true
		out = append(out, p)
	}
	return out
}

// accountOf finds the user account linked to a deputy, so that answers
// and deadlines reach them in the inbox; "" when the deputy has none.
func accountOf(ctx context.Context, h scene.Host, deputyID string) (string, error) {
	cursor := ""
	for range maxUserPages {
		users, next, err := h.Users(ctx, "", 200, cursor)
		if err != nil {
			return "", err
		}
		for _, u := range users {
			if u.Attributes["deputy_id"] == deputyID {
				return u.ID, nil
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return "", nil
}

// openStates and closedStates are the issue states behind Open311's two.
var (
	openStates   = []string{string(Submitted), string(Routed), string(Accepted), string(Dispatched), string(Handled), string(Answered), string(Reopened)}
	closedStates = []string{string(Closed), string(Rejected), string(Withdrawn)}
)

func (sv *service) geoRequests(ctx context.Context, r *scene.Request, f open311.Format, _ string) (*scene.Response, error) {
	q, err := open311.ParseRequestsQuery(url.Values(r.Query))
	var fe open311.FormError
	if errors.As(err, &fe) {
		return geoWrite(f, http.StatusBadRequest, fe.Errors())
	}
	if len(q.IDs) > maxRequestIDs {
		return geoError(f, http.StatusBadRequest, say(r, scene.T(fmt.Sprintf("service_request_id 一次最多 %d 个。", maxRequestIDs),
			fmt.Sprintf("service_request_id: at most %d at once.", maxRequestIDs))))
	}
	pub := newPublisher(r)
	out := open311.ServiceRequests{}
	if len(q.IDs) > 0 {
		for _, id := range q.IDs {
			sr, err := pub.load(ctx, id)
			if errors.Is(err, errNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, sr)
		}
		return geoWrite(f, http.StatusOK, out)
	}
	// The spec's default window: the most recent 90 days.
	switch {
	case q.Start.IsZero() && q.End.IsZero():
		q.Start = time.Now().Add(-open311.MaxQuerySpan)
	case q.Start.IsZero():
		q.Start = q.End.Add(-open311.MaxQuerySpan)
	}
	var filters []scene.Filter
	if len(q.ServiceCodes) > 0 {
		filters = append(filters, scene.Filter{Field: "category", Op: "in", Values: q.ServiceCodes})
	}
	if len(q.Statuses) == 1 {
		states := openStates
		if q.Statuses[0] == open311.Closed {
			states = closedStates
		}
		filters = append(filters, scene.Filter{Field: "status", Op: "in", Values: states})
	}
	cursor := ""
	for scanned := 0; len(out) < maxRequests && scanned < maxScanned; {
		docs, next, err := r.Host.Store().Query(ctx, issues, scene.Query{Filters: filters, Sort: "-created_at", Limit: 200, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			scanned++
			var is Issue
			if err := d.Decode(&is); err != nil {
				return nil, err
			}
			if !q.End.IsZero() && is.CreatedAt.After(q.End) {
				continue
			}
			if is.CreatedAt.Before(q.Start) {
				// Newest first: the rest are older still.
				return geoWrite(f, http.StatusOK, out)
			}
			sr, err := pub.request(ctx, d.ID, is)
			if err != nil {
				return nil, err
			}
			if out = append(out, sr); len(out) == maxRequests {
				break
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return geoWrite(f, http.StatusOK, out)
}

func (sv *service) geoRequest(ctx context.Context, r *scene.Request, f open311.Format, id string) (*scene.Response, error) {
	sr, err := newPublisher(r).load(ctx, id)
	if errors.Is(err, errNotFound) {
		return geoError(f, http.StatusNotFound, say(r, scene.T("找不到诉求 "+id+"。", "service_request_id "+id+" was not found.")))
	}
	if err != nil {
		return nil, err
	}
	return geoWrite(f, http.StatusOK, open311.ServiceRequests{sr})
}

// publisher shows issues as the public may see them, looking the tenant's
// departments up once.
type publisher struct {
	r           *scene.Request
	departments map[string]string
}

func newPublisher(r *scene.Request) *publisher { return &publisher{r: r} }

// load returns one issue as a service request, or errNotFound.
func (p *publisher) load(ctx context.Context, id string) (open311.ServiceRequest, error) {
	d, err := p.r.Host.Store().Get(ctx, issues, id)
	if pr, ok := scene.AsProblem(err); ok && pr.Code == scene.CodeNotFound {
		return open311.ServiceRequest{}, errNotFound
	}
	if err != nil {
		return open311.ServiceRequest{}, err
	}
	var is Issue
	if err := d.Decode(&is); err != nil {
		return open311.ServiceRequest{}, err
	}
	return p.request(ctx, d.ID, is)
}

// request shows an issue as a service request: no deputy, no reporter,
// no photos (they are the host's files, not public URLs).
func (p *publisher) request(ctx context.Context, id string, is Issue) (open311.ServiceRequest, error) {
	agency, err := p.agency(ctx, is)
	if err != nil {
		return open311.ServiceRequest{}, err
	}
	status := open311.Open
	if !is.State.Open() {
		status = open311.Closed
	}
	lat, lng := is.Lat, is.Lng
	name := is.Category
	if c, ok := category(is.Category); ok {
		name = c.Name.ZH
	}
	return open311.ServiceRequest{ServiceRequestID: id, Status: status, StatusNotes: p.statusNotes(is), ServiceName: name,
		ServiceCode: is.Category, Description: is.Description, AgencyResponsible: agency,
		RequestedAt: is.CreatedAt.In(shanghai), UpdatedAt: is.UpdatedAt.In(shanghai), ExpectedAt: is.DueAt.In(shanghai),
		Address: is.Address, Lat: &lat, Long: &lng}, nil
}

// statusNotes is the note of the latest step that has one, or the state's
// name. Routing notes are skipped: they name the destination, which
// agency_responsible tells better.
func (p *publisher) statusNotes(is Issue) string {
	for i := len(is.Timeline) - 1; i >= 0; i-- {
		if s := is.Timeline[i]; s.Note != "" && s.Action != ActRoute {
			return s.Note
		}
	}
	return say(p.r, stateNames[is.State])
}

// agency names who handles the issue: the platform or a department, and
// the grid worker once one is sent.
func (p *publisher) agency(ctx context.Context, is Issue) (string, error) {
	var name string
	switch code, ok := strings.CutPrefix(is.Destination, "department:"); {
	case is.Destination == "grid":
		name = say(p.r, scene.T("基层治理四平台", "The grassroots governance platform"))
	case ok:
		if p.departments == nil {
			ds, err := p.r.Host.Departments(ctx)
			if err != nil {
				return "", err
			}
			p.departments = map[string]string{}
			for _, d := range ds {
				p.departments[d.Attributes["code"]] = say(p.r, scene.T(d.Name, d.Attributes["name_en"]))
			}
		}
		if name = p.departments[code]; name == "" {
			name = code
		}
	}
	if is.Worker != "" {
		name = strings.TrimSpace(name + " " + is.Worker)
	}
	return name, nil
}
