package pluginhost

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// Store is what the host services need of the database.
type Store interface {
	core.SceneStore
	core.EventStore
	core.InboxStore
	core.TimerStore
	core.FileStore
	core.DepartmentService
	core.Transactor
	ListTenants(ctx context.Context) ([]*tenants.Tenant, error)
	TenantByID(ctx context.Context, id string) (*tenants.Tenant, error)
	TenantBySlug(ctx context.Context, slug string) (*tenants.Tenant, error)
	core.DeputyService
	core.UserService
	core.DutyService
	core.AuditRecorder
}

// services implements scene.HostServices for one scene release: a
// capability is honoured only if it was issued to this scene and version.
type services struct {
	store Store
	caps  *Capabilities
	rel   core.SceneRelease
	man   *scene.Manifest
	log   *slog.Logger
	// subscribers returns the scenes enabled in ctx's tenant that subscribe
	// to an event type; published tells the dispatcher there is work.
	subscribers func(ctx context.Context, typ string) ([]string, error)
	published   func()
	// roles lists the roles of ctx's tenant.
	roles func(ctx context.Context) ([]*core.Role, error)
	// client makes the scene's outbound HTTP calls.
	client *http.Client
}

var _ scene.HostServices = (*services)(nil)

// HostServicesFor returns the host services of one release.
func HostServicesFor(store Store, caps *Capabilities, rel *core.SceneRelease, man *scene.Manifest, log *slog.Logger) *services {
	return &services{store: store, caps: caps, rel: *rel, man: man, log: log, client: outboundClient(false),
		subscribers: func(context.Context, string) ([]string, error) { return nil, nil }, published: func() {}}
}

var (
	problemCapability = scene.Forbidden("capability.invalid", scene.T(
		"能力凭证无效或已过期：场景只能在所服务的请求、事件或任务进行中调用平台服务。",
		"The capability is invalid or has ended: a scene may call host services only while serving the request, event or job it was issued for."))
	problemNotImplemented = func(c string) *scene.Problem {
		return &scene.Problem{Code: scene.CodeForbidden, Key: "capability.not_available",
			Message: scene.T("平台尚未提供“"+c+"”服务。", "The host does not offer the "+c+" service yet.")}
	}
)

// enter resolves a capability and checks the manifest declares the host
// capability needed; it returns a context scoped to the grant's tenant.
// Every refusal is logged, and audited in the tenant when it is known.
func (s *services) enter(ctx context.Context, tok, need string) (context.Context, *Grant, error) {
	g, ok := s.caps.Resolve(tok, s.rel.SceneID, s.rel.Version)
	if !ok {
		s.log.Warn("scene call refused: invalid capability", "scene", s.rel.SceneID, "version", s.rel.Version, "need", need)
		return nil, nil, problemCapability
	}
	ctx = tenants.WithScope(ctx, g.Scope)
	ctx = core.WithRequestID(ctx, g.RequestID)
	ctx = core.WithPrincipal(ctx, g.Principal)
	if !s.man.Has(need) {
		s.refused(ctx, g, "capability.undeclared", need)
		return nil, nil, scene.Forbidden("capability.undeclared", scene.T(
			"场景清单未声明“"+need+"”能力，平台拒绝此调用。", "The scene's manifest does not declare the "+need+" capability; the call is refused."))
	}
	return ctx, g, nil
}

// refused records a refused call in the tenant's audit log (when the scope
// may write) and the host log.
func (s *services) refused(ctx context.Context, g *Grant, what, detail string) {
	s.log.Warn("scene call refused", "scene", s.rel.SceneID, "version", s.rel.Version, "reason", what, "detail", detail, "request_id", g.RequestID)
	if g.Scope.WriteTenantID == "" {
		return
	}
	err := s.store.Record(ctx, core.AuditRecord{Action: "scene.refused", TargetType: "scene", TargetID: s.rel.SceneID,
		After: map[string]string{"reason": what, "detail": detail}, Source: s.source()})
	if err != nil {
		s.log.Error("audit a refused scene call", "err", err)
	}
}

func (s *services) source() string {
	return s.rel.SceneID + "@" + s.rel.Version + "#" + s.rel.SHA256
}

// collection returns a declared collection, or a Problem.
func (s *services) collection(name string) (scene.Collection, error) {
	c, ok := s.man.Collection(name)
	if !ok {
		return c, scene.NotFound("collection.undeclared", scene.T("场景清单未声明集合“"+name+"”。", "The manifest declares no collection "+name+"."))
	}
	return c, nil
}

func field(c scene.Collection, name string) (*core.DocField, error) {
	for _, ix := range c.Indexes {
		if ix.Field == name {
			return &core.DocField{Name: ix.Field, Type: ix.Type}, nil
		}
	}
	return nil, scene.Invalid(scene.Field("field", scene.T("字段“"+name+"”未在清单中声明为索引字段。", "Field "+name+" is not an indexed field of the collection.")))
}

func docOut(g *Grant, d *core.SceneDocument) *scene.Document {
	if d == nil {
		return nil
	}
	slug := g.Slugs[d.TenantID]
	if slug == "" && g.Scope.Tenant != nil {
		slug = g.Scope.Tenant.Slug
	}
	return &scene.Document{Collection: d.Collection, ID: d.ID, Version: d.Version, Data: d.Data, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Tenant: slug}
}

func (s *services) StoreCreate(ctx context.Context, tok, collection, id string, data json.RawMessage) (*scene.Document, error) {
	ctx, g, err := s.enter(ctx, tok, scene.CapStore)
	if err != nil {
		return nil, err
	}
	if _, err := s.collection(collection); err != nil {
		return nil, err
	}
	d, err := s.store.CreateDocument(ctx, s.rel.SceneID, collection, id, data)
	return docOut(g, d), problemOf(err)
}

func (s *services) StoreGet(ctx context.Context, tok, collection, id string) (*scene.Document, error) {
	ctx, g, err := s.enter(ctx, tok, scene.CapStore)
	if err != nil {
		return nil, err
	}
	if _, err := s.collection(collection); err != nil {
		return nil, err
	}
	d, err := s.store.GetDocument(ctx, s.rel.SceneID, collection, id)
	return docOut(g, d), problemOf(err)
}

func (s *services) StoreUpdate(ctx context.Context, tok, collection, id string, version int64, data json.RawMessage) (*scene.Document, error) {
	ctx, g, err := s.enter(ctx, tok, scene.CapStore)
	if err != nil {
		return nil, err
	}
	if _, err := s.collection(collection); err != nil {
		return nil, err
	}
	d, err := s.store.UpdateDocument(ctx, s.rel.SceneID, collection, id, version, data)
	return docOut(g, d), problemOf(err)
}

func (s *services) StoreDelete(ctx context.Context, tok, collection, id string, version int64) error {
	ctx, _, err := s.enter(ctx, tok, scene.CapStore)
	if err != nil {
		return err
	}
	if _, err := s.collection(collection); err != nil {
		return err
	}
	return problemOf(s.store.DeleteDocument(ctx, s.rel.SceneID, collection, id, version))
}

func (s *services) filters(c scene.Collection, fs []scene.Filter) ([]core.DocFilter, error) {
	out := make([]core.DocFilter, len(fs))
	for i, f := range fs {
		df, err := field(c, f.Field)
		if err != nil {
			return nil, err
		}
		out[i] = core.DocFilter{Field: *df, Op: f.Op, Values: f.Values}
	}
	return out, nil
}

func (s *services) StoreQuery(ctx context.Context, tok, collection string, q scene.Query) ([]*scene.Document, string, error) {
	ctx, g, err := s.enter(ctx, tok, scene.CapStore)
	if err != nil {
		return nil, "", err
	}
	c, err := s.collection(collection)
	if err != nil {
		return nil, "", err
	}
	dq := core.DocQuery{Limit: q.Limit, Cursor: q.Cursor}
	if dq.Filters, err = s.filters(c, q.Filters); err != nil {
		return nil, "", err
	}
	sort := q.Sort
	if sort == "" {
		sort = "-created_at"
	}
	if strings.HasPrefix(sort, "-") {
		dq.Desc, sort = true, sort[1:]
	}
	if sort != "created_at" {
		if dq.Sort, err = field(c, sort); err != nil {
			return nil, "", err
		}
	}
	page, err := s.store.QueryDocuments(ctx, s.rel.SceneID, collection, dq)
	if err != nil {
		return nil, "", problemOf(err)
	}
	out := make([]*scene.Document, len(page.Items))
	for i, d := range page.Items {
		out[i] = docOut(g, d)
	}
	return out, page.NextCursor, nil
}

func (s *services) StoreAggregate(ctx context.Context, tok, collection string, fs []scene.Filter, groupBy, sum string) ([]scene.Group, error) {
	ctx, _, err := s.enter(ctx, tok, scene.CapStore)
	if err != nil {
		return nil, err
	}
	c, err := s.collection(collection)
	if err != nil {
		return nil, err
	}
	filters, err := s.filters(c, fs)
	if err != nil {
		return nil, err
	}
	var g, sm *core.DocField
	if groupBy != "" {
		if g, err = field(c, groupBy); err != nil {
			return nil, err
		}
	}
	if sum != "" {
		if sm, err = field(c, sum); err != nil {
			return nil, err
		}
	}
	groups, err := s.store.AggregateDocuments(ctx, s.rel.SceneID, collection, filters, g, sm)
	if err != nil {
		return nil, problemOf(err)
	}
	out := make([]scene.Group, len(groups))
	for i, x := range groups {
		out[i] = scene.Group{Key: x.Key, Count: x.Count, Sum: x.Sum}
	}
	return out, nil
}

// StoreBatch checks every capability the batch needs, then every event
// type (with its addresses), job and duty kind it names, before it writes
// anything; then it applies the writes, events, audit entries, timers and
// duty entries in one transaction. A batch needs one item of any kind:
// timers or duty entries alone are several Schedule or RecordDuty calls
// that succeed or fail together.
func (s *services) StoreBatch(ctx context.Context, tok string, writes []scene.Write, events []scene.EventDraft, audits []scene.AuditDraft,
	timers []scene.TimerDraft, duties []scene.DutyActivity) ([]*scene.Document, error) {
	ctx, g, err := s.enter(ctx, tok, scene.CapStore)
	if err != nil {
		return nil, err
	}
	for _, need := range []struct {
		n    int
		name string
	}{{len(events), scene.CapEvents}, {len(audits), scene.CapAudit}, {len(timers), scene.CapScheduler}, {len(duties), scene.CapDuty}} {
		if need.n > 0 && !s.man.Has(need.name) {
			_, _, err := s.enter(ctx, tok, need.name)
			return nil, err
		}
	}
	if len(writes)+len(events)+len(audits)+len(timers)+len(duties) == 0 ||
		len(writes) > 100 || len(events) > 100 || len(audits) > 100 || len(timers) > 100 || len(duties) > 100 {
		return nil, scene.Invalid(scene.Field("writes", scene.T("一次批量写入须有 1–100 项。", "A batch holds 1 to 100 writes.")))
	}
	for _, e := range events {
		if err := s.declaredEvent(e.Type, e.To); err != nil {
			return nil, err
		}
	}
	for _, t := range timers {
		if err := s.declaredJob(t.Job); err != nil {
			return nil, err
		}
	}
	for _, a := range duties {
		if err := s.declaredDutyKind(a.Kind); err != nil {
			return nil, err
		}
	}
	var out []*scene.Document
	err = s.store.InTx(ctx, func(ctx context.Context) error {
		for _, w := range writes {
			if _, err := s.collection(w.Collection); err != nil {
				return err
			}
			data, _ := w.Data.(json.RawMessage)
			var d *core.SceneDocument
			var err error
			switch w.Op {
			case "create":
				d, err = s.store.CreateDocument(ctx, s.rel.SceneID, w.Collection, w.ID, data)
			case "update":
				d, err = s.store.UpdateDocument(ctx, s.rel.SceneID, w.Collection, w.ID, w.Version, data)
			case "delete":
				err = s.store.DeleteDocument(ctx, s.rel.SceneID, w.Collection, w.ID, w.Version)
			default:
				err = scene.Invalid(scene.Field("op", scene.T("操作须为 create、update 或 delete。", "The op must be create, update or delete.")))
			}
			if err != nil {
				return err
			}
			out = append(out, docOut(g, d))
		}
		for _, e := range events {
			payload, _ := e.Payload.(json.RawMessage)
			if _, err := s.publish(ctx, e.Type, payload, e.To...); err != nil {
				return err
			}
		}
		for _, a := range audits {
			before, _ := a.Before.(json.RawMessage)
			after, _ := a.After.(json.RawMessage)
			if err := s.store.Record(ctx, s.auditRecord(a.Action, a.TargetType, a.TargetID, before, after)); err != nil {
				return err
			}
		}
		for _, t := range timers {
			payload, _ := t.Payload.(json.RawMessage)
			if err := s.store.PutTimer(ctx, s.timer(t.Job, t.At, t.Key, payload), false); err != nil {
				return err
			}
		}
		for _, a := range duties {
			if _, err := s.store.RecordActivity(ctx, s.dutyInput(a)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, problemOf(err)
	}
	if len(events) > 0 {
		s.published()
	}
	return out, nil
}

// declaredEvent checks that the manifest publishes typ and, if the event
// is addressed to other congresses, relays it; a local type may be
// addressed to none. It returns an invalid problem.
func (s *services) declaredEvent(typ string, to []string) error {
	if !slices.Contains(s.man.Publishes, typ) {
		return scene.Invalid(scene.Field("type", scene.T("事件类型“"+typ+"”未在清单中声明。", "Event type "+typ+" is not declared in the manifest.")))
	}
	if len(to) == 0 {
		return nil
	}
	if slices.Contains(s.man.Local, typ) {
		return scene.Invalid(scene.Field("to", scene.T("事件类型“"+typ+"”仅限本场景，不能转送。", "Event type "+typ+" is local to the scene and goes to no other congress.")))
	}
	if !slices.Contains(s.man.Relays, typ) {
		return scene.Invalid(scene.Field("to", scene.T("事件类型“"+typ+"”未在清单中声明为可转送。", "Event type "+typ+" is not among the manifest's relays.")))
	}
	return nil
}

// publish writes an event to the outbox for every subscriber, in ctx's
// transaction, and for every congress it is relayed to. A local type
// (Manifest.Local) goes to the publishing scene alone, in whatever
// version the congress runs, if that version subscribes to it: its
// payload is the scene's own business.
func (s *services) publish(ctx context.Context, typ string, payload json.RawMessage, to ...string) (string, error) {
	if err := s.declaredEvent(typ, to); err != nil {
		return "", err
	}
	subs, err := s.subscribers(ctx, typ)
	if err != nil {
		return "", err
	}
	if slices.Contains(s.man.Local, typ) {
		subs = slices.DeleteFunc(subs, func(sub string) bool { return sub != s.rel.SceneID })
	} else if slices.Contains(s.man.Escalates, typ) {
		subs = append(subs, EscalateSubscriber)
	}
	if len(to) > 0 {
		scope, _ := tenants.FromContext(ctx)
		for _, slug := range to {
			if _, err := s.relative(ctx, scope.Tenant, slug); err != nil {
				return "", err
			}
			if sub := RelaySubscriberPrefix + slug; !slices.Contains(subs, sub) {
				subs = append(subs, sub)
			}
		}
	}
	ev, err := s.store.PublishEvent(ctx, s.rel.SceneID, typ, payload, subs)
	if err != nil {
		return "", err
	}
	return ev.ID, nil
}

func (s *services) Publish(ctx context.Context, tok, typ string, payload json.RawMessage) (string, error) {
	ctx, _, err := s.enter(ctx, tok, scene.CapEvents)
	if err != nil {
		return "", err
	}
	id, err := s.publish(ctx, typ, payload)
	if err != nil {
		return "", problemOf(err)
	}
	s.published()
	return id, nil
}

func (s *services) Directory(ctx context.Context, tok, kind, query string, limit int, cursor string) ([]scene.DirectoryEntry, string, error) {
	ctx, _, err := s.enter(ctx, tok, scene.CapDirectory)
	if err != nil {
		return nil, "", err
	}
	pr := core.PageRequest{Limit: limit, Cursor: cursor}
	switch kind {
	case "deputies":
		page, err := s.store.ListDeputies(ctx, core.DeputyFilter{Query: query, PageRequest: pr})
		if err != nil {
			return nil, "", problemOf(err)
		}
		out := make([]scene.DirectoryEntry, len(page.Items))
		for i, d := range page.Items {
			out[i] = scene.DirectoryEntry{ID: d.ID, Name: d.Name, Kind: "deputy", Attributes: map[string]string{
				"level": d.Level, "delegation": d.Delegation, "constituency": d.Constituency, "status": string(d.Status)}}
		}
		return out, page.NextCursor, nil
	case "users":
		page, err := s.store.ListUsers(ctx, core.UserFilter{Query: query, PageRequest: pr})
		if err != nil {
			return nil, "", problemOf(err)
		}
		out := make([]scene.DirectoryEntry, len(page.Items))
		for i, u := range page.Items {
			out[i] = scene.DirectoryEntry{ID: u.ID, Name: u.DisplayName, Kind: string(u.Kind), Attributes: map[string]string{"username": u.Username, "deputy_id": u.DeputyID}}
		}
		return out, page.NextCursor, nil
	case "departments":
		ds, err := s.store.Departments(ctx)
		if err != nil {
			return nil, "", problemOf(err)
		}
		out := make([]scene.DirectoryEntry, 0, len(ds))
		for _, d := range ds {
			if d.Active {
				out = append(out, scene.DirectoryEntry{ID: d.ID, Name: d.NameZH, Kind: "department",
					Attributes: map[string]string{"code": d.Code, "name_en": d.NameEN, "contact": d.Contact}})
			}
		}
		return out, "", nil
	case "congresses":
		scope, _ := tenants.FromContext(ctx)
		all, err := s.store.ListTenants(ctx)
		if err != nil {
			return nil, "", problemOf(err)
		}
		slugs := map[string]string{}
		for _, t := range all {
			slugs[t.ID] = t.Slug
		}
		var out []scene.DirectoryEntry
		for _, t := range all {
			rel := ""
			switch {
			case t.IsAncestorOf(scope.Tenant):
				rel = "ancestor"
			case scope.Tenant.IsAncestorOf(t):
				rel = "descendant"
			}
			if rel == "" || t.Status != tenants.StatusActive {
				continue
			}
			out = append(out, scene.DirectoryEntry{ID: t.Slug, Name: t.NameZH, Kind: string(t.Level),
				Attributes: map[string]string{"relation": rel, "parent": slugs[t.ParentID], "name_en": t.NameEN}})
		}
		return out, "", nil
	case "roles":
		if s.roles == nil {
			return nil, "", nil
		}
		rs, err := s.roles(ctx)
		if err != nil {
			return nil, "", problemOf(err)
		}
		out := make([]scene.DirectoryEntry, len(rs))
		for i, r := range rs {
			out[i] = scene.DirectoryEntry{ID: r.Name, Name: r.Name, Kind: "role", Attributes: map[string]string{"builtin": strconv.FormatBool(r.Builtin)}}
		}
		return out, "", nil
	}
	return nil, "", scene.Invalid(scene.Field("kind", scene.T("目录种类须为 deputies、users、departments、roles 或 congresses。", "The kind must be deputies, users, departments, roles or congresses.")))
}

func (s *services) RecordDuty(ctx context.Context, tok string, a scene.DutyActivity) (string, error) {
	ctx, _, err := s.enter(ctx, tok, scene.CapDuty)
	if err != nil {
		return "", err
	}
	if err := s.declaredDutyKind(a.Kind); err != nil {
		return "", err
	}
	act, err := s.store.RecordActivity(ctx, s.dutyInput(a))
	if err != nil {
		return "", problemOf(err)
	}
	return act.ID, nil
}

// declaredDutyKind returns an invalid Problem unless the manifest declares
// the duty kind.
func (s *services) declaredDutyKind(kind string) error {
	if !slices.ContainsFunc(s.man.DutyKinds, func(k scene.DutyKind) bool { return k.Kind == kind }) {
		return scene.Invalid(scene.Field("kind", scene.T("履职类型“"+kind+"”未在清单中声明。", "Duty kind "+kind+" is not declared in the manifest.")))
	}
	return nil
}

// dutyInput is the duty archive entry of a scene's duty activity.
func (s *services) dutyInput(a scene.DutyActivity) core.DutyActivityInput {
	return core.DutyActivityInput{DeputyID: a.DeputyID, Kind: a.Kind, Scene: s.rel.SceneID, Ref: a.Ref, Title: a.Title, OccurredAt: a.OccurredAt}
}

func (s *services) Audit(ctx context.Context, tok, action, targetType, targetID string, before, after json.RawMessage) error {
	ctx, _, err := s.enter(ctx, tok, scene.CapAudit)
	if err != nil {
		return err
	}
	return problemOf(s.store.Record(ctx, s.auditRecord(action, targetType, targetID, before, after)))
}

// auditRecord is the audit entry of a scene's action: prefixed with the
// scene's id and naming the release; null before or after is left out.
func (s *services) auditRecord(action, targetType, targetID string, before, after json.RawMessage) core.AuditRecord {
	rec := core.AuditRecord{Action: s.rel.SceneID + "." + action, TargetType: targetType, TargetID: targetID, Source: s.source()}
	if len(before) > 0 && string(before) != "null" {
		rec.Before = before
	}
	if len(after) > 0 && string(after) != "null" {
		rec.After = after
	}
	return rec
}

func (s *services) Notify(ctx context.Context, tok string, userIDs []string, title, body scene.Text, link string) error {
	ctx, _, err := s.enter(ctx, tok, scene.CapNotifications)
	if err != nil {
		return err
	}
	n := core.Notification{Source: s.rel.SceneID, TitleZH: title.ZH, TitleEN: title.EN, BodyZH: body.ZH, BodyEN: body.EN, Link: link}
	return problemOf(s.store.Notify(ctx, n, userIDs))
}

func (s *services) Schedule(ctx context.Context, tok, job string, at time.Time, key string, payload json.RawMessage) error {
	ctx, _, err := s.enter(ctx, tok, scene.CapScheduler)
	if err != nil {
		return err
	}
	if err := s.declaredJob(job); err != nil {
		return err
	}
	return problemOf(s.store.PutTimer(ctx, s.timer(job, at, key, payload), false))
}

// declaredJob returns an invalid Problem unless the manifest declares the
// job.
func (s *services) declaredJob(job string) error {
	if !slices.ContainsFunc(s.man.Jobs, func(j scene.JobDef) bool { return j.Name == job }) {
		return scene.Invalid(scene.Field("job", scene.T("任务“"+job+"”未在清单中声明。", "Job "+job+" is not declared in the manifest.")))
	}
	return nil
}

// timer is the timer a scene schedules: its key is kept apart from cron
// keys, and an empty one makes a new timer.
func (s *services) timer(job string, at time.Time, key string, payload json.RawMessage) core.Timer {
	if key == "" {
		key = newTimerKey()
	}
	return core.Timer{SceneID: s.rel.SceneID, Key: "t:" + key, Job: job, DueAt: at, Payload: payload}
}

// problemOf turns a core error into a scene Problem in both languages, so
// the scene can show it; internal errors stay errors (the scene sees a
// failure, the details stay in the host log).
func problemOf(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := scene.AsProblem(err); ok {
		return err
	}
	var ce *core.Error
	code := core.ErrorCode(err)
	if code == core.EINTERNAL || code == core.EUNAVAILABLE || !errors.As(err, &ce) {
		return err
	}
	p := &scene.Problem{Key: ce.Msg.Key, Message: scene.T(ce.Msg.Render("zh-CN"), ce.Msg.Render("en"))}
	switch code {
	case core.ENOTFOUND:
		p.Code = scene.CodeNotFound
	case core.ECONFLICT:
		p.Code = scene.CodeConflict
	case core.EFORBIDDEN, core.EUNAUTHORIZED, core.ESUSPENDED:
		p.Code = scene.CodeForbidden
	default:
		p.Code = scene.CodeInvalid
	}
	for _, f := range ce.Fields {
		p.Fields = append(p.Fields, scene.Field(f.Path, scene.T(f.Msg.Render("zh-CN"), f.Msg.Render("en"))))
	}
	return p
}

// relative returns the congress slug names if it is of t's line (above or
// below it) and active: the only congresses a scene may relay events to.
func (s *services) relative(ctx context.Context, t *tenants.Tenant, slug string) (*tenants.Tenant, error) {
	other, err := s.store.TenantBySlug(ctx, slug)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		return nil, err
	}
	if err != nil || t == nil || other.Status != tenants.StatusActive || !other.IsAncestorOf(t) && !t.IsAncestorOf(other) {
		return nil, scene.Invalid(scene.Field("to", scene.T("只能转送给本级以上或以下、正常运行的人大："+slug+"。",
			"Events go only to active congresses above or below this one: "+slug+".")))
	}
	return other, nil
}
