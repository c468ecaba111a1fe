// Package scenetest runs a scene in-process against a fake host, so scene
// authors can test their handlers with `go test` and no platform.
//
// The fake host keeps what the real one keeps, per tenant slug: a document
// store with the real semantics (versions from 1, stale updates refused,
// filters and sorting on indexed fields only, opaque cursors, aggregates),
// an audit log, the duty ledger, a directory of deputies and users, and the
// events, notifications and schedules the scene sends (recorded, so tests
// can assert them). It enforces the manifest as the host does: a route must
// be declared, a non-public route needs a signed-in principal holding its
// permission, and a host service needs its declared capability.
//
// A test:
//
//	func TestCreate(t *testing.T) {
//		h := scenetest.New(t, noticeboard.New("1.0.0"))
//		res := h.Request("POST", "/notices").
//			As(scenetest.Staff("王芳", "notices:write")).
//			JSON(map[string]any{"title": "开会通知"}).
//			Do()
//		if res.Status != http.StatusCreated {
//			t.Fatalf("status = %d, want 201; %s", res.Status, res)
//		}
//		var n noticeboard.NoticeJSON
//		res.Decode(t, &n)
//		if got := h.AuditLog(scenetest.DefaultTenant); len(got) != 1 {
//			t.Errorf("audit entries = %d, want 1", len(got))
//		}
//	}
//
// What the fake does not do: check settings against the manifest's JSON
// Schema, model higher congresses reading a lower one, deliver published
// events or run scheduled jobs by itself (use Deliver, DeliverPublished
// and RunJob), or talk gRPC (test once through a real process for that).
package scenetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// DefaultTenant is the tenant a request is for unless Tenant names another.
const DefaultTenant = "haishu"

// Harness is a scene served by a fake host. It is safe for concurrent use.
// It reports misuse (an unsubscribed event, an undeclared job) to the test
// that made it, so make one per subtest when subtests run it.
type Harness struct {
	t        testing.TB
	scene    *scene.Scene
	manifest scene.Manifest
	clock    func() time.Time

	mu      sync.Mutex
	tenants map[string]*tenantData
	seq     int
	// web answers the scene's outbound HTTP (WithHTTP); nil refuses it.
	web http.Handler
	// parents maps a congress to the one above it (SetParent).
	parents map[string]string
}

// tenantData is everything the fake host keeps for one tenant.
type tenantData struct {
	info          scene.Tenant
	settings      json.RawMessage
	docs          docSet
	audit         []AuditEntry
	duties        []Duty
	events        []Published
	notifications []Notification
	scheduled     []Scheduled
	deputies      []scene.DirectoryEntry
	users         []scene.DirectoryEntry
	files         map[string]storedFile
	departments   []scene.DirectoryEntry
	// attempts counts DeliverPublished's attempts by event id; delivered
	// holds the events whose handler succeeded.
	attempts  map[string]int
	delivered map[string]bool
}

// Option configures a Harness.
type Option func(*Harness)

// WithClock sets the host's clock (document times, audit times, event
// times). The default is time.Now.
func WithClock(now func() time.Time) Option { return func(h *Harness) { h.clock = now } }

// WithHTTP answers the scene's outbound HTTP calls with handler, as if
// every host the scene calls were allowed in every tenant. Without it,
// outbound calls are refused as for a host the tenant did not allow.
func WithHTTP(handler http.Handler) Option { return func(h *Harness) { h.web = handler } }

// WithTenant describes a tenant; tenants not described are districts named
// by their slug, with settings {}. ReadOnly is set per request, as the host
// does: true for anonymous GETs.
func WithTenant(t scene.Tenant) Option {
	return func(h *Harness) { h.tenant(t.Slug).info = t }
}

// New returns a harness serving s. It fails the test if the manifest is
// invalid, as the host would refuse to load the scene.
func New(t testing.TB, s *scene.Scene, opts ...Option) *Harness {
	t.Helper()
	m := s.Manifest()
	if err := m.Validate(); err != nil {
		t.Fatalf("scenetest: the host would refuse this scene: %v", err)
	}
	h := &Harness{t: t, scene: s, manifest: m, clock: time.Now, tenants: map[string]*tenantData{}}
	for _, o := range opts {
		o(h)
	}
	return h
}

// tenant returns a tenant's data, making it on first use. Hold h.mu.
func (h *Harness) tenant(slug string) *tenantData {
	td, ok := h.tenants[slug]
	if !ok {
		td = &tenantData{info: scene.Tenant{Slug: slug, Level: "district", NameZH: slug, NameEN: slug},
			settings: json.RawMessage("{}"), docs: docSet{}}
		h.tenants[slug] = td
	}
	return td
}

// now is the host's time as PostgreSQL keeps it.
func (h *Harness) now() time.Time { return h.clock().UTC().Truncate(time.Microsecond) }

// newID returns a deterministic, time-ordered, UUID-shaped id. Hold h.mu.
func (h *Harness) newID() string {
	h.seq++
	return fmt.Sprintf("00000000-0000-7000-8000-%012d", h.seq)
}

func (h *Harness) bind(tenant string, p *scene.Principal, readOnly bool) *fakeHost {
	return &fakeHost{h: h, tenant: tenant, principal: p, readOnly: readOnly, enforce: true}
}

// SetSettings sets a tenant's settings for the scene (marshalled to JSON).
func (h *Harness) SetSettings(tenant string, settings any) {
	h.t.Helper()
	b, err := json.Marshal(settings)
	if err != nil {
		h.t.Fatalf("scenetest: settings: %v", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tenant(tenant).settings = b
}

// AddDeputy adds a deputy to a tenant's directory and returns its id (made
// up when e.ID is empty).
func (h *Harness) AddDeputy(tenant string, e scene.DirectoryEntry) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	e = h.entry(e, "deputy")
	td := h.tenant(tenant)
	td.deputies = append(td.deputies, e)
	return e.ID
}

// AddUser adds a user to a tenant's directory and returns its id.
func (h *Harness) AddUser(tenant string, e scene.DirectoryEntry) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	e = h.entry(e, "human")
	td := h.tenant(tenant)
	td.users = append(td.users, e)
	return e.ID
}

func (h *Harness) entry(e scene.DirectoryEntry, kind string) scene.DirectoryEntry {
	if e.ID == "" {
		e.ID = h.newID()
	}
	if e.Kind == "" {
		e.Kind = kind
	}
	return e
}

// Store returns a tenant's document store for seeding and inspecting. It
// keeps the store's semantics but needs no capability.
func (h *Harness) Store(tenant string) scene.Store {
	return (&fakeHost{h: h, tenant: tenant}).Store()
}

// Host returns host services bound to a tenant as for a job: capabilities
// are enforced, and the binding does not end.
func (h *Harness) Host(tenant string) scene.Host { return h.bind(tenant, nil, false) }

// AuditLog returns the tenant's audit entries, oldest first.
func (h *Harness) AuditLog(tenant string) []AuditEntry {
	return read(h, tenant, func(td *tenantData) []AuditEntry { return td.audit })
}

// Duties returns the duty activities recorded in the tenant.
func (h *Harness) Duties(tenant string) []Duty {
	return read(h, tenant, func(td *tenantData) []Duty { return td.duties })
}

// Events returns the events the scene published in the tenant.
func (h *Harness) Events(tenant string) []Published {
	return read(h, tenant, func(td *tenantData) []Published { return td.events })
}

// Notifications returns the notifications the scene sent in the tenant.
func (h *Harness) Notifications(tenant string) []Notification {
	return read(h, tenant, func(td *tenantData) []Notification { return td.notifications })
}

// Scheduled returns the jobs the scene scheduled in the tenant.
func (h *Harness) Scheduled(tenant string) []Scheduled {
	return read(h, tenant, func(td *tenantData) []Scheduled { return td.scheduled })
}

func read[T any](h *Harness, tenant string, f func(*tenantData) []T) []T {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(f(h.tenant(tenant)))
}

// Staff returns a signed-in staff member holding the given scene
// permissions ("object:action").
func Staff(name string, permissions ...string) *scene.Principal {
	return &scene.Principal{UserID: "user:" + name, Username: name, DisplayName: name, Kind: "human", Permissions: permissions}
}

// Deputy returns a signed-in deputy (DeputyID "deputy:"+name) holding the
// given scene permissions.
func Deputy(name string, permissions ...string) *scene.Principal {
	p := Staff(name, permissions...)
	p.DeputyID = "deputy:" + name
	return p
}

// Principal returns a principal of a built-in role (tenant_admin, staff or
// deputy) holding exactly the permissions the manifest grants that role by
// default.
func (h *Harness) Principal(role, name string) *scene.Principal {
	var perms []string
	for _, p := range h.manifest.Permissions {
		if slices.Contains(p.DefaultRoles, role) {
			perms = append(perms, p.Object+":"+p.Action)
		}
	}
	if role == "deputy" {
		return Deputy(name, perms...)
	}
	return Staff(name, perms...)
}

// Request is a request being built; Do sends it.
type Request struct {
	h           *Harness
	ctx         context.Context
	method      string
	path        string
	query       url.Values
	body        []byte
	contentType string
	principal   *scene.Principal
	tenant      string
	locale      string
	headers     map[string]string
}

// Header sets a request header (canonical name, as the host passes them).
func (r *Request) Header(name, value string) *Request {
	if r.headers == nil {
		r.headers = map[string]string{}
	}
	r.headers[name] = value
	return r
}

// Request starts a request to a scene route; target is the path relative
// to the scene, with an optional query ("/notices?status=draft"). It is
// anonymous, for DefaultTenant, in zh-CN, until told otherwise.
func (h *Harness) Request(method, target string) *Request {
	h.t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		h.t.Fatalf("scenetest: target %q: %v", target, err)
	}
	return &Request{h: h, ctx: h.t.Context(), method: method, path: u.Path, query: u.Query(), tenant: DefaultTenant, locale: "zh-CN"}
}

// As makes the request on behalf of p (nil: anonymous).
func (r *Request) As(p *scene.Principal) *Request { r.principal = p; return r }

// Tenant addresses the request to a tenant.
func (r *Request) Tenant(slug string) *Request { r.tenant = slug; return r }

// Locale sets the caller's language (zh-CN or en).
func (r *Request) Locale(l string) *Request { r.locale = l; return r }

// Query adds a query parameter.
func (r *Request) Query(key, value string) *Request { r.query.Add(key, value); return r }

// Context sets the request's context (default: the test's).
func (r *Request) Context(ctx context.Context) *Request { r.ctx = ctx; return r }

// JSON sets a JSON body: v marshalled, or v itself if it is a string or
// []byte (to send malformed JSON).
func (r *Request) JSON(v any) *Request {
	r.h.t.Helper()
	switch b := v.(type) {
	case string:
		r.body = []byte(b)
	case []byte:
		r.body = b
	default:
		var err error
		if r.body, err = json.Marshal(v); err != nil {
			r.h.t.Fatalf("scenetest: body: %v", err)
		}
	}
	r.contentType = "application/json"
	return r
}

// Body sets a raw body.
func (r *Request) Body(contentType string, b []byte) *Request {
	r.contentType, r.body = contentType, b
	return r
}

// Do serves the request as the host would and returns the outcome.
func (r *Request) Do() *Result {
	h := r.h
	res := &Result{}
	rt, ok := routeFor(h.manifest, r.method, r.path)
	if !ok {
		return res.problem(scene.NotFound("http.not_found", scene.T("没有这个地址。", "There is no such address.")))
	}
	p := r.principal
	switch {
	case rt.Public:
	case p == nil:
		return res.problem(scene.Forbidden("auth.required", scene.T("请先登录。", "Sign in first.")))
	case !p.Can(rt.Permission):
		return res.problem(scene.Forbidden("auth.forbidden", scene.T("您没有执行此操作的权限。", "You do not have permission to do this.")))
	}
	if p != nil {
		c := *p
		c.Permissions = slices.Clone(p.Permissions)
		p = &c
	}
	host := h.bind(r.tenant, p, p == nil && r.method == http.MethodGet)
	defer host.ended.Store(true)
	h.mu.Lock()
	td := h.tenant(r.tenant)
	tenant, settings := td.info, slices.Clone(td.settings)
	h.seq++
	requestID := fmt.Sprintf("req-%d", h.seq)
	h.mu.Unlock()
	tenant.ReadOnly = host.readOnly
	in := &scene.Request{Method: r.method, Path: r.path, Query: map[string][]string(r.query), Body: r.body, ContentType: r.contentType,
		Principal: p, Tenant: tenant, Locale: r.locale, RequestID: requestID, Settings: settings, Headers: r.headers, Host: host}
	resp, err := h.scene.Dispatch(r.ctx, in)
	if err != nil {
		if pr, ok := scene.AsProblem(err); ok {
			return res.problem(pr)
		}
		res.Status, res.Err = http.StatusBadGateway, err
		return res
	}
	if resp == nil {
		resp = &scene.Response{Status: http.StatusNoContent}
	}
	res.Status, res.Body, res.ContentType, res.Headers = resp.Status, resp.Body, resp.ContentType, resp.Headers
	if res.Status < 200 || res.Status > 599 {
		res.Status = http.StatusOK
	}
	return res
}

// routeFor matches a route of the manifest as the host does (an empty
// segment matches no parameter).
func routeFor(m scene.Manifest, method, path string) (scene.RouteDef, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for _, rt := range m.Routes {
		want := strings.Split(strings.Trim(rt.Path, "/"), "/")
		if rt.Method != method || len(want) != len(parts) {
			continue
		}
		ok := true
		for i, w := range want {
			ok = ok && parts[i] != "" && (strings.HasPrefix(w, "{") || w == parts[i])
		}
		if ok {
			return rt, true
		}
	}
	return scene.RouteDef{}, false
}

// Result is the outcome of a request.
type Result struct {
	Status      int
	Headers     map[string]string
	ContentType string
	Body        []byte
	// Problem is the user-facing problem the scene or the host answered
	// with; Status is then its HTTP status.
	Problem *scene.Problem
	// Err is a failure that is not a Problem (the real host answers 502
	// and logs it).
	Err error
}

// statusOf maps problem codes to HTTP statuses as the API does.
var statusOf = map[string]int{
	scene.CodeInvalid: http.StatusBadRequest, scene.CodeNotFound: http.StatusNotFound,
	scene.CodeConflict: http.StatusConflict, scene.CodeForbidden: http.StatusForbidden,
}

func (r *Result) problem(p *scene.Problem) *Result {
	r.Problem, r.Status = p, statusOf[p.Code]
	switch {
	case p.Key == "auth.required":
		r.Status = http.StatusUnauthorized
	case r.Status == 0:
		r.Status = http.StatusUnprocessableEntity
	}
	return r
}

// Key returns the problem's key, or "" when there is none.
func (r *Result) Key() string {
	if r.Problem == nil {
		return ""
	}
	return r.Problem.Key
}

// Decode unmarshals the JSON body into v; it fails t when the request
// failed or the body does not decode.
func (r *Result) Decode(t testing.TB, v any) {
	t.Helper()
	if r.Problem != nil || r.Err != nil {
		t.Fatalf("scenetest: decode: the request failed: %s", r)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("scenetest: decode %s: %v", r.Body, err)
	}
}

// String describes the result for failure messages.
func (r *Result) String() string {
	switch {
	case r.Problem != nil:
		s := fmt.Sprintf("%d %s %s: %s", r.Status, r.Problem.Code, r.Problem.Key, r.Problem.Message.EN)
		for _, f := range r.Problem.Fields {
			s += fmt.Sprintf("; %s: %s", f.Path, f.Message.EN)
		}
		return s
	case r.Err != nil:
		return fmt.Sprintf("%d %v", r.Status, r.Err)
	}
	return fmt.Sprintf("%d %s", r.Status, r.Body)
}

// Deliver hands an event to the scene in a tenant, as the host would once
// it delivers events. Empty ID, OccurredAt and Attempt are filled in. It
// fails the test if the scene does not subscribe to the event's type.
func (h *Harness) Deliver(tenant string, e scene.Event) error {
	h.t.Helper()
	if !slices.Contains(h.manifest.Subscribes, e.Type) {
		h.t.Fatalf("scenetest: the scene does not subscribe to %q", e.Type)
	}
	host := h.bind(tenant, nil, false)
	defer host.ended.Store(true)
	h.mu.Lock()
	e.Tenant = h.tenant(tenant).info
	e.Settings = h.tenant(tenant).settings
	if e.ID == "" {
		e.ID = h.newID()
	}
	h.mu.Unlock()
	if e.OccurredAt == "" {
		e.OccurredAt = h.now().Format(time.RFC3339Nano)
	}
	if e.Attempt == 0 {
		e.Attempt = 1
	}
	e.Host = host
	return h.scene.DeliverEvent(h.t.Context(), &e)
}

// DeliverPublished delivers to the scene in a tenant the events it
// published there, of the types it subscribes to, that it was not yet
// delivered, in the order published: what the host does at once, with the
// scene's id as Source and no Origin. An event whose handler fails stays
// undelivered, and the next call delivers it again with its attempt
// counted, as the host retries. Events published meanwhile wait for the
// next call. It returns the handlers' errors, joined.
func (h *Harness) DeliverPublished(tenant string) error {
	h.t.Helper()
	h.mu.Lock()
	td := h.tenant(tenant)
	if td.attempts == nil {
		td.attempts, td.delivered = map[string]int{}, map[string]bool{}
	}
	var due []Published
	for _, e := range td.events {
		if slices.Contains(h.manifest.Subscribes, e.Type) && !td.delivered[e.ID] {
			due = append(due, e)
		}
	}
	h.mu.Unlock()
	var errs []error
	for _, e := range due {
		h.mu.Lock()
		td.attempts[e.ID]++
		attempt := td.attempts[e.ID]
		h.mu.Unlock()
		err := h.Deliver(tenant, scene.Event{ID: e.ID, Type: e.Type, Source: h.manifest.ID, Payload: e.Payload,
			OccurredAt: e.At.Format(time.RFC3339Nano), Attempt: attempt})
		if err != nil {
			errs = append(errs, fmt.Errorf("scenetest: deliver %s %s (attempt %d): %w", e.Type, e.ID, attempt, err))
			continue
		}
		h.mu.Lock()
		td.delivered[e.ID] = true
		h.mu.Unlock()
	}
	return errors.Join(errs...)
}

// RunJob runs a job of the scene in a tenant with a payload (marshalled to
// JSON). It fails the test if the manifest does not declare the job.
func (h *Harness) RunJob(tenant, name string, payload any) error {
	h.t.Helper()
	if !slices.ContainsFunc(h.manifest.Jobs, func(j scene.JobDef) bool { return j.Name == name }) {
		h.t.Fatalf("scenetest: the scene declares no job %q", name)
	}
	b, err := rawJSON(payload)
	if err != nil {
		h.t.Fatalf("scenetest: job payload: %v", err)
	}
	host := h.bind(tenant, nil, false)
	defer host.ended.Store(true)
	h.mu.Lock()
	info, settings := h.tenant(tenant).info, h.tenant(tenant).settings
	h.mu.Unlock()
	return h.scene.RunJob(h.t.Context(), &scene.Job{Name: name, Payload: b, Tenant: info, Settings: settings, Host: host})
}
