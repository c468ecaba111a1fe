package scenetest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// AuditEntry is an action a scene recorded in a tenant's audit log. Action
// is as the scene gave it; the real log prefixes it with the scene id.
type AuditEntry struct {
	Action     string
	TargetType string
	TargetID   string
	Before     json.RawMessage // nil when the scene passed nil
	After      json.RawMessage
	ActorID    string // the principal's user id; "" for events, jobs and anonymous calls
	At         time.Time
}

// Duty is a duty activity a scene recorded.
type Duty struct {
	ID string
	scene.DutyActivity
}

// Published is an event a scene published, alone or with a batch.
type Published struct {
	ID      string
	Type    string
	Payload json.RawMessage
	At      time.Time
	// To are the congresses the event was relayed to (EventDraft.To).
	To []string
}

// Notification is a message a scene put in users' inboxes.
type Notification struct {
	UserIDs []string
	Title   scene.Text
	Body    scene.Text
	Link    string
}

// Scheduled is a job a scene scheduled. Scheduling again with the same job
// and key replaces it.
type Scheduled struct {
	Job     string
	At      time.Time
	Key     string
	Payload json.RawMessage
}

// fakeHost is scene.Host bound to one request, event or job, as the real
// host binds a capability: one tenant, the manifest's capabilities, and
// only while the work is being served.
type fakeHost struct {
	h         *Harness
	tenant    string
	principal *scene.Principal
	readOnly  bool
	enforce   bool // false for the test's own handle (Harness.Store)
	ended     atomic.Bool
}

var _ scene.Host = (*fakeHost)(nil)

// enter refuses a call as the real host does: after the work has ended, or
// for a capability the manifest does not declare.
func (f *fakeHost) enter(need string) error {
	if !f.enforce {
		return nil
	}
	if f.ended.Load() {
		return scene.Forbidden("capability.invalid", scene.T(
			"能力凭证无效或已过期：场景只能在所服务的请求、事件或任务进行中调用平台服务。",
			"The capability is invalid or has ended: a scene may call host services only while serving the request, event or job it was issued for."))
	}
	if !f.h.manifest.Has(need) {
		return scene.Forbidden("capability.undeclared", scene.T(
			"场景清单未声明“"+need+"”能力，平台拒绝此调用。", "The scene's manifest does not declare the "+need+" capability; the call is refused."))
	}
	return nil
}

// writable refuses writes in a read-only scope (an anonymous GET).
func (f *fakeHost) writable() error {
	if f.readOnly {
		return scene.Forbidden("tenant.read_only", scene.T("上级人大只能查看下级数据，不能修改。", "A higher congress can read a lower one's data but not change it."))
	}
	return nil
}

func (f *fakeHost) actor() string {
	if f.principal == nil {
		return ""
	}
	return f.principal.UserID
}

func (f *fakeHost) Store() scene.Store { return &fakeStore{host: f} }

// stamp checks events to publish as the host's outbox does, and gives them
// ids. Hold h.mu.
func (f *fakeHost) stamp(events []scene.EventDraft) ([]Published, error) {
	out := make([]Published, len(events))
	for i, e := range events {
		if !slices.Contains(f.h.manifest.Publishes, e.Type) {
			return nil, invalidField("type", "事件类型“"+e.Type+"”未在清单中声明。", "Event type "+e.Type+" is not declared in the manifest.")
		}
		b, err := rawJSON(e.Payload)
		if err != nil {
			return nil, err
		}
		if len(b) > maxDocumentBytes || !json.Valid(b) {
			return nil, invalidField("payload", "事件内容须为不超过 1 MB 的 JSON。", "An event payload must be JSON of at most 1 MB.")
		}
		if err := f.writable(); err != nil {
			return nil, err
		}
		if len(e.To) > 0 {
			if slices.Contains(f.h.manifest.Local, e.Type) {
				return nil, invalidField("to", "事件类型“"+e.Type+"”仅限本场景，不能转送。", "Event type "+e.Type+" is local to the scene and goes to no other congress.")
			}
			if !slices.Contains(f.h.manifest.Relays, e.Type) {
				return nil, invalidField("to", "事件类型“"+e.Type+"”未在清单中声明为可转送。", "Event type "+e.Type+" is not among the manifest's relays.")
			}
			line := f.h.congresses(f.tenant)
			for _, to := range e.To {
				if !slices.ContainsFunc(line, func(c scene.DirectoryEntry) bool { return c.ID == to }) {
					return nil, invalidField("to", "只能转送给本级以上或以下的人大："+to+"。", "Events go only to congresses above or below this one: "+to+".")
				}
			}
		}
		out[i] = Published{ID: f.h.newID(), Type: e.Type, Payload: b, At: f.h.now(), To: e.To}
	}
	return out, nil
}

func (f *fakeHost) Publish(_ context.Context, typ string, payload any) (string, error) {
	if err := f.enter(scene.CapEvents); err != nil {
		return "", err
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	ps, err := f.stamp([]scene.EventDraft{{Type: typ, Payload: payload}})
	if err != nil {
		return "", err
	}
	td := f.h.tenant(f.tenant)
	td.events = append(td.events, ps...)
	return ps[0].ID, nil
}

func (f *fakeHost) Deputies(_ context.Context, query string, limit int, cursor string) ([]scene.DirectoryEntry, string, error) {
	return f.directory(func(td *tenantData) []scene.DirectoryEntry { return td.deputies }, query, limit, cursor)
}

func (f *fakeHost) Users(_ context.Context, query string, limit int, cursor string) ([]scene.DirectoryEntry, string, error) {
	return f.directory(func(td *tenantData) []scene.DirectoryEntry { return td.users }, query, limit, cursor)
}

// directory pages the entries containing query in the name or an attribute
// (the real host matches name, delegation, constituency and occupation).
func (f *fakeHost) directory(list func(*tenantData) []scene.DirectoryEntry, query string, limit int, cursor string) ([]scene.DirectoryEntry, string, error) {
	if err := f.enter(scene.CapDirectory); err != nil {
		return nil, "", err
	}
	from, err := directoryCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	switch {
	case limit <= 0:
		limit = defaultLimit
	case limit > maxLimit:
		limit = maxLimit
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	var hits []scene.DirectoryEntry
	for _, e := range list(f.h.tenant(f.tenant)) {
		match := strings.Contains(e.Name, query)
		for _, v := range e.Attributes {
			match = match || strings.Contains(v, query)
		}
		if match {
			hits = append(hits, e)
		}
	}
	if from >= len(hits) {
		return []scene.DirectoryEntry{}, "", nil
	}
	hits = hits[from:]
	next := ""
	if len(hits) > limit {
		hits = hits[:limit]
		next = base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(from + limit)))
	}
	return slices.Clone(hits), next, nil
}

// directoryCursor decodes a directory cursor: the offset of the next page.
func directoryCursor(c string) (int, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	n, nerr := strconv.Atoi(string(b))
	if err != nil || nerr != nil || n <= 0 {
		return 0, invalidField("cursor", "分页游标无效，请从第一页重新开始。", "The page cursor is not valid; start again from the first page.")
	}
	return n, nil
}

// RecordDuty checks what the real ledger checks: a declared kind, a deputy
// of the tenant, a title and a time not a day ahead. Recording the same
// deputy, kind and ref again returns the first entry's id.
func (f *fakeHost) RecordDuty(_ context.Context, a scene.DutyActivity) (string, error) {
	if err := f.enter(scene.CapDuty); err != nil {
		return "", err
	}
	if err := f.declaredDutyKind(a.Kind); err != nil {
		return "", err
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	td := f.h.tenant(f.tenant)
	duties, id, err := f.recordDuty(td, td.duties, a)
	if err != nil {
		return "", err
	}
	td.duties = duties
	return id, nil
}

func (f *fakeHost) declaredDutyKind(kind string) error {
	if !slices.ContainsFunc(f.h.manifest.DutyKinds, func(k scene.DutyKind) bool { return k.Kind == kind }) {
		return invalidField("kind", "履职类型“"+kind+"”未在清单中声明。", "Duty kind "+kind+" is not declared in the manifest.")
	}
	return nil
}

// recordDuty adds a to duties, the tenant's entries, unless the same
// deputy, kind and ref is there, and returns them with the entry's id.
// Hold h.mu.
func (f *fakeHost) recordDuty(td *tenantData, duties []Duty, a scene.DutyActivity) ([]Duty, string, error) {
	var fields []scene.FieldProblem
	required := scene.T("此项必填。", "This field is required.")
	if a.DeputyID == "" {
		fields = append(fields, scene.Field("deputy_id", required))
	}
	if strings.TrimSpace(a.Title) == "" || len([]rune(a.Title)) > 200 {
		fields = append(fields, scene.Field("title", scene.T("须为 1–200 个字。", "Must be 1 to 200 characters.")))
	}
	if len([]rune(a.Ref)) > 200 {
		fields = append(fields, scene.Field("ref", scene.T("不能超过 200 个字。", "Must be at most 200 characters.")))
	}
	switch {
	case a.OccurredAt.IsZero():
		fields = append(fields, scene.Field("occurred_at", required))
	case a.OccurredAt.After(f.h.now().Add(24 * time.Hour)):
		fields = append(fields, scene.Field("occurred_at", scene.T("履职时间不能晚于明天。", "The activity cannot be more than a day ahead.")))
	}
	if len(fields) > 0 {
		return nil, "", scene.Invalid(fields...)
	}
	if !slices.ContainsFunc(td.deputies, func(e scene.DirectoryEntry) bool { return e.ID == a.DeputyID }) {
		return nil, "", scene.NotFound("deputy.not_found", scene.T("找不到该代表。", "No such deputy."))
	}
	for _, d := range duties {
		if d.DeputyID == a.DeputyID && d.Kind == a.Kind && d.Ref == a.Ref {
			return duties, d.ID, nil
		}
	}
	if err := f.writable(); err != nil {
		return nil, "", err
	}
	a.OccurredAt = a.OccurredAt.UTC().Truncate(time.Microsecond)
	d := Duty{ID: f.h.newID(), DutyActivity: a}
	return append(duties, d), d.ID, nil
}

func (f *fakeHost) Audit(_ context.Context, action, targetType, targetID string, before, after any) error {
	if err := f.enter(scene.CapAudit); err != nil {
		return err
	}
	b, err := auditJSON(before)
	if err != nil {
		return err
	}
	a, err := auditJSON(after)
	if err != nil {
		return err
	}
	if err := f.writable(); err != nil {
		return err
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	td := f.h.tenant(f.tenant)
	td.audit = append(td.audit, AuditEntry{Action: action, TargetType: targetType, TargetID: targetID, Before: b, After: a, ActorID: f.actor(), At: f.h.now()})
	return nil
}

// auditJSON encodes a before or after value; null is kept as nil.
func auditJSON(v any) (json.RawMessage, error) {
	b, err := rawJSON(v)
	if err != nil || string(b) == "null" || len(b) == 0 {
		return nil, err
	}
	return b, nil
}

func (f *fakeHost) Notify(_ context.Context, userIDs []string, title, body scene.Text, link string) error {
	if err := f.enter(scene.CapNotifications); err != nil {
		return err
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	td := f.h.tenant(f.tenant)
	td.notifications = append(td.notifications, Notification{UserIDs: slices.Clone(userIDs), Title: title, Body: body, Link: link})
	return nil
}

func (f *fakeHost) Schedule(_ context.Context, job string, at time.Time, key string, payload any) error {
	if err := f.enter(scene.CapScheduler); err != nil {
		return err
	}
	if err := f.declaredJob(job); err != nil {
		return err
	}
	t, err := scheduled(scene.TimerDraft{Job: job, At: at, Key: key, Payload: payload})
	if err != nil {
		return err
	}
	f.h.mu.Lock()
	defer f.h.mu.Unlock()
	td := f.h.tenant(f.tenant)
	td.scheduled = schedule(td.scheduled, t)
	return nil
}

func (f *fakeHost) declaredJob(job string) error {
	if !slices.ContainsFunc(f.h.manifest.Jobs, func(j scene.JobDef) bool { return j.Name == job }) {
		return invalidField("job", "任务“"+job+"”未在清单中声明。", "Job "+job+" is not declared in the manifest.")
	}
	return nil
}

// scheduled is the job a timer schedules, as the store keeps it.
func scheduled(t scene.TimerDraft) (Scheduled, error) {
	b, err := rawJSON(t.Payload)
	if err != nil {
		return Scheduled{}, err
	}
	return Scheduled{Job: t.Job, At: t.At.UTC().Truncate(time.Microsecond), Key: t.Key, Payload: b}, nil
}

// schedule adds s to list, replacing the job scheduled with its job and
// key, and returns the list.
func schedule(list []Scheduled, s Scheduled) []Scheduled {
	i := slices.IndexFunc(list, func(x Scheduled) bool { return s.Key != "" && x.Job == s.Job && x.Key == s.Key })
	if i >= 0 {
		list[i] = s
		return list
	}
	return append(list, s)
}
