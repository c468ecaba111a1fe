package scene

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Handler serves one route.
type Handler func(ctx context.Context, r *Request) (*Response, error)

// EventHandler consumes an event. It may see an event more than once
// (delivery is at least once): use the event id to apply it once.
type EventHandler func(ctx context.Context, e *Event) error

// JobHandler runs a scheduled job.
type JobHandler func(ctx context.Context, j *Job) error

// Scene is a scene plugin: its manifest and its handlers.
type Scene struct {
	manifest Manifest
	routes   []route
	events   map[string]EventHandler
	jobs     map[string]JobHandler
}

type route struct {
	def     RouteDef
	parts   []string
	handler Handler
}

// New returns a scene with the given manifest. Register handlers with
// Handle, Public, OnEvent and OnJob; they add to the manifest.
func New(m Manifest) *Scene {
	if m.MinProtocol == 0 {
		m.MinProtocol = ProtocolVersion
	}
	m.Pages = normalizePages(m.Pages)
	return &Scene{manifest: m, events: map[string]EventHandler{}, jobs: map[string]JobHandler{}}
}

// Handle registers a route that needs permission ("object:action", defined
// in the manifest's Permissions).
func (s *Scene) Handle(method, path, permission string, summary Text, h Handler) {
	s.add(RouteDef{Method: method, Path: path, Permission: permission, Summary: summary}, h)
}

// Public registers a route anyone may call without signing in.
func (s *Scene) Public(method, path string, summary Text, h Handler) {
	s.add(RouteDef{Method: method, Path: path, Public: true, Summary: summary}, h)
}

func (s *Scene) add(def RouteDef, h Handler) {
	s.routes = append(s.routes, route{def: def, parts: strings.Split(strings.Trim(def.Path, "/"), "/"), handler: h})
	s.manifest.Routes = append(s.manifest.Routes, def)
}

// OnEvent registers a consumer of an event type (added to Subscribes).
func (s *Scene) OnEvent(typ string, h EventHandler) {
	s.events[typ] = h
	s.manifest.Subscribes = append(s.manifest.Subscribes, typ)
}

// OnJob registers a job; cron may be empty for timer-only jobs.
func (s *Scene) OnJob(name, cron string, h JobHandler) {
	s.jobs[name] = h
	s.manifest.Jobs = append(s.manifest.Jobs, JobDef{Name: name, Cron: cron})
}

// Manifest returns the complete manifest.
func (s *Scene) Manifest() Manifest { return s.manifest }

// Principal is the signed-in caller; nil on public routes.
type Principal struct {
	UserID      string
	Username    string
	DisplayName string
	Kind        string
	DeputyID    string
	Permissions []string
}

// Can reports whether the caller holds a scene permission ("object:action").
func (p *Principal) Can(permission string) bool {
	if p == nil {
		return false
	}
	for _, x := range p.Permissions {
		if x == permission {
			return true
		}
	}
	return false
}

// Tenant describes the congress the request is for. A scene cannot choose
// another: the host binds every host call to this one.
type Tenant struct {
	Slug     string
	Level    string
	NameZH   string
	NameEN   string
	ReadOnly bool
	// Descendants are the congresses below whose data this request also
	// reads: set for a GET with ?scope=descendants by a user who may read
	// them (a city-wide view); the store's queries and aggregates then span
	// them all, read-only.
	Descendants []string
}

// Request is one HTTP request routed to the scene.
type Request struct {
	Method      string
	Path        string
	Route       string
	Params      map[string]string
	Query       map[string][]string
	Body        []byte
	ContentType string
	Principal   *Principal
	Tenant      Tenant
	Locale      string
	RequestID   string
	Settings    json.RawMessage
	// Headers are the request's headers (canonical names), less
	// credentials.
	Headers map[string]string
	Host    Host
}

// Param returns a path parameter.
func (r *Request) Param(name string) string { return r.Params[name] }

// QueryValue returns the first value of a query parameter.
func (r *Request) QueryValue(name string) string {
	if v := r.Query[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// maxBody bounds a JSON body a scene will decode.
const maxBody = 256 << 10

// Bind decodes the JSON body into v strictly (valid UTF-8, no unknown
// fields, right types) and, if v has a Validate() error method, validates
// it. Failures are invalid Problems naming the field.
func (r *Request) Bind(v any) error {
	if len(r.Body) > maxBody {
		return Invalid(Field("$", T("请求内容过大。", "The body is too large.")))
	}
	if !utf8.Valid(r.Body) {
		return Invalid(Field("$", T("请求内容不是有效的 UTF-8 文本。", "The body is not valid UTF-8.")))
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return Invalid(Field(te.Field, T("类型错误。", "Wrong type.")))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return Invalid(Field(strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), T("不认识的字段。", "Unknown field.")))
		case errors.Is(err, io.EOF):
			return Invalid(Field("$", T("请求内容为空。", "The body is empty.")))
		}
		return Invalid(Field("$", T("请求内容不是有效的 JSON。", "The body is not valid JSON.")))
	}
	if dec.More() {
		return Invalid(Field("$", T("JSON 之后还有多余内容。", "Extra data after the JSON value.")))
	}
	if val, ok := v.(interface{ Validate() error }); ok {
		return val.Validate()
	}
	return nil
}

// Response is a handler's answer.
type Response struct {
	Status      int
	Body        []byte
	ContentType string
	Headers     map[string]string
}

// JSON answers with v as JSON.
func JSON(status int, v any) (*Response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("scene: encode response: %w", err)
	}
	return &Response{Status: status, Body: b, ContentType: "application/json"}, nil
}

// NoContent answers 204.
func NoContent() (*Response, error) { return &Response{Status: http.StatusNoContent}, nil }

// Event is a delivered event.
type Event struct {
	ID     string
	Type   string
	Source string
	// Origin is the congress (slug) where an escalated or relayed event
	// happened; "" for the tenant's own events.
	Origin     string
	Payload    json.RawMessage
	OccurredAt string
	Tenant     Tenant
	Attempt    int
	Settings   json.RawMessage
	Host       Host
}

// Job is a scheduled job run.
type Job struct {
	Name     string
	Payload  json.RawMessage
	Tenant   Tenant
	Settings json.RawMessage
	Host     Host
}

// match finds the route for method and path and its parameters.
func (s *Scene) match(method, path string) (*route, map[string]string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := range s.routes {
		rt := &s.routes[i]
		if rt.def.Method != method || len(rt.parts) != len(parts) {
			continue
		}
		params := map[string]string{}
		ok := true
		for j, p := range rt.parts {
			if strings.HasPrefix(p, "{") {
				params[strings.Trim(p, "{}")] = parts[j]
			} else if p != parts[j] {
				ok = false
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// Dispatch runs the handler for r (the host already matched the route; the
// scene matches again so that it never trusts a route it did not declare).
func (s *Scene) Dispatch(ctx context.Context, r *Request) (resp *Response, err error) {
	rt, params := s.match(r.Method, r.Path)
	if rt == nil {
		return nil, NotFound("route.not_found", T("没有这个地址。", "There is no such address."))
	}
	r.Route, r.Params = rt.def.Path, params
	defer recovered(&err)
	return rt.handler(ctx, r)
}

// recovered turns a handler's panic into an error: one bad input must not
// take down the process every tenant shares.
func recovered(err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("scene: handler panicked: %v", p)
	}
}

// DeliverEvent runs the consumer of e.Type.
func (s *Scene) DeliverEvent(ctx context.Context, e *Event) (err error) {
	h, ok := s.events[e.Type]
	if !ok {
		return nil
	}
	defer recovered(&err)
	return h(ctx, e)
}

// RunJob runs the named job.
func (s *Scene) RunJob(ctx context.Context, j *Job) (err error) {
	h, ok := s.jobs[j.Name]
	if !ok {
		return NotFound("job.not_found", T("没有这个任务。", "No such job."))
	}
	defer recovered(&err)
	return h(ctx, j)
}
