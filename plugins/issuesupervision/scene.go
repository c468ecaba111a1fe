// Package issuesupervision is the issue-supervision scene (代表督事): a
// deputy reports a local problem from a phone; it is routed to the
// grassroots governance platform (四个平台, over Open311) or a department,
// followed step by step on a timeline, and must be answered within a
// number of working days that follows the Chinese holiday calendar.
package issuesupervision

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
	"github.com/renda-platform/renda/plugins/scene"
)

// ID is the scene's id.
const ID = "renda.issue-supervision"

// Events the scene publishes.
const (
	EventReported = "issue.reported"
	EventOverdue  = "issue.overdue"
	EventDueSoon  = "issue.due_soon"
	EventClosed   = "issue.closed"
	// EventFollowUps carries, within the congress, the follow-up work of a
	// write to an issue that is not a store operation of its own
	// (followups.go): the outcome shared with linked issues, messages.
	EventFollowUps = "issue.followups"
)

const (
	issues     = "issues"
	calendar   = "calendar"
	permRead   = "issues:read"
	permReport = "issues:report"
	permManage = "issues:manage"
)

// New returns the scene at version.
func New(version string) *scene.Scene {
	s := scene.New(scene.Manifest{
		ID:      ID,
		Version: version,
		Title:   scene.T("代表督事", "Issue supervision"),
		Description: scene.T("代表随手报告身边问题，直达基层治理四平台，按工作日限时办理答复。",
			"Deputies report local problems; they reach the grassroots governance platform and must be answered within working days."),
		Permissions: []scene.PermissionDef{
			{Object: "issues", Action: "read", Title: scene.T("查看督事", "Read issues"), DefaultRoles: []string{"tenant_admin", "staff", "deputy"}},
			{Object: "issues", Action: "report", Title: scene.T("报告问题", "Report issues"), DefaultRoles: []string{"deputy"}},
			{Object: "issues", Action: "manage", Title: scene.T("办理督事", "Handle issues"), DefaultRoles: []string{"tenant_admin", "staff"}},
		},
		Collections: []scene.Collection{
			{Name: issues, Indexes: []scene.IndexedField{
				{Field: "status", Type: "string"}, {Field: "category", Type: "string"}, {Field: "deputy_id", Type: "string"},
				{Field: "overdue", Type: "bool"}, {Field: "due_at", Type: "time"}, {Field: "destination", Type: "string"},
			}},
			{Name: calendar},
			{Name: summaries},
			{Name: joint, Indexes: []scene.IndexedField{{Field: "status", Type: "string"}, {Field: "issue_id", Type: "string"}}},
			{Name: jointInvite, Indexes: []scene.IndexedField{{Field: "status", Type: "string"}, {Field: "origin", Type: "string"}}},
			{Name: escalations, Indexes: []scene.IndexedField{{Field: "origin", Type: "string"}, {Field: "category", Type: "string"}}},
			{Name: messages, Indexes: []scene.IndexedField{
				{Field: "deputy_id", Type: "string"}, {Field: "status", Type: "string"}, {Field: "caller", Type: "string"},
				{Field: "at", Type: "time"}, {Field: "day", Type: "string"},
			}},
		},
		Settings: settingsSchema,
		Publishes: []string{EventReported, EventOverdue, EventDueSoon, EventClosed, EventJointInvited, EventJointAnswered, EventJointConcluded,
			EventFollowUps},
		// Joint supervision invites the congresses above and below, and
		// hears their answers, by events the host carries along the line.
		Relays: []string{EventJointInvited, EventJointAnswered, EventJointConcluded},
		// Overdue issues go up to the congress above (督办), where the same
		// scene lists them for its staff.
		Escalates: []string{EventOverdue},
		// Follow-ups carry answers and reporters' messages: the host
		// delivers them to this scene alone.
		Local: []string{EventFollowUps},
		DutyKinds: []scene.DutyKind{
			{Kind: "issue.report", Title: scene.T("报告督事问题", "Reported an issue")},
			{Kind: "issue.confirm", Title: scene.T("确认督事办理结果", "Confirmed an issue's outcome")},
			{Kind: "issue.follow_up", Title: scene.T("跟进督办事项", "Followed up an issue")},
			{Kind: "joint.participate", Title: scene.T("参加联合督事", "Took part in joint supervision")},
			{Kind: "joint.visit", Title: scene.T("联合督事实地视察", "Joint supervision site visit")},
			{Kind: "joint.meeting", Title: scene.T("联合督事座谈会议", "Joint supervision meeting")},
			{Kind: "joint.finding", Title: scene.T("联合督事发现问题", "Joint supervision finding")},
			{Kind: "joint.decision", Title: scene.T("联合督事督办决定", "Joint supervision decision")},
			{Kind: "joint.follow_up", Title: scene.T("联合督事跟踪落实", "Joint supervision follow-up")},
		},
		Capabilities: []string{scene.CapStore, scene.CapEvents, scene.CapDuty, scene.CapAudit, scene.CapFiles,
			scene.CapScheduler, scene.CapNotifications, scene.CapHTTP, scene.CapDirectory},
		Pages: pages(),
	})
	sv := &service{}
	s.Handle(http.MethodGet, "/categories", permRead, scene.T("问题类别", "Categories"), sv.categories)
	s.Handle(http.MethodPost, "/photos", permReport, scene.T("上传照片", "Upload a photo"), sv.photo)
	s.Handle(http.MethodPost, "/issues", permReport, scene.T("报告问题", "Report an issue"), sv.report)
	s.Handle(http.MethodGet, "/issues", permRead, scene.T("督事列表", "List issues"), sv.list)
	s.Handle(http.MethodGet, "/issues/{id}", permRead, scene.T("督事详情与时间线", "An issue and its timeline"), sv.get)
	s.Handle(http.MethodPost, "/issues/{id}/actions", permRead, scene.T("推进督事", "Move an issue on"), sv.act)
	s.Handle(http.MethodGet, "/calendar", permRead, scene.T("工作日历调整", "Calendar edits"), sv.getCalendar)
	s.Handle(http.MethodPut, "/calendar", permManage, scene.T("修改工作日历", "Edit the calendar"), sv.putCalendar)
	s.Handle(http.MethodPost, "/grid/sync", permManage, scene.T("立即同步四平台进度", "Check the platform now"), sv.sync)
	s.Public(http.MethodPost, "/grid/callback", scene.T("四平台状态回调（签名）", "The platform's signed status callback"), sv.callback)
	sv.registerMessages(s)
	s.OnEvent(EventOverdue, sv.escalated)
	s.OnEvent(EventFollowUps, sv.doFollowUps)
	s.Handle(http.MethodGet, "/escalations", permManage, scene.T("下级人大提请督办的超期事项", "Overdue issues escalated from the congresses below"), sv.listEscalations)
	s.OnJob("deadline", "", sv.deadline)
	s.OnJob("remind", "", sv.remind)
	s.OnJob("deliver", "", sv.deliver)
	s.OnJob("poll", "*/5 * * * *", sv.poll)
	s.OnJob("figures", "17 * * * *", sv.figuresJob)
	sv.registerJoint(s)
	sv.registerStats(s)
	sv.registerGeoReport(s)
	return s
}

type service struct{}

// IssueJSON is an issue as the API shows it.
type IssueJSON struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	// Tenant is the slug of the congress the issue belongs to: in a
	// city-wide read, the district's, whose files its photos are.
	Tenant string `json:"tenant,omitempty"`
	Issue
	// Duplicates are open issues of the same kind nearby, offered to the
	// reporter when filing.
	Duplicates []string `json:"duplicates,omitempty"`
	// WaitingOn says who the issue waits on now; absent once it is over.
	WaitingOn *WaitingJSON `json:"waiting_on,omitempty"`
}

// WaitingJSON is who an open issue waits on: "staff" (the congress's
// staff), "platform" (the grassroots governance platform or its grid
// worker), "department", or "deputy" (the reporter, to confirm).
type WaitingJSON struct {
	Who  string     `json:"who"`
	Name scene.Text `json:"name"`
}

func issueOut(d *scene.Document) (IssueJSON, error) {
	j := IssueJSON{ID: d.ID, Version: d.Version, Tenant: d.Tenant}
	if err := d.Decode(&j.Issue); err != nil {
		return j, err
	}
	j.WaitingOn = waitingOn(&j.Issue)
	return j, nil
}

// waitingOn works out who an issue waits on from its state and destination.
func waitingOn(is *Issue) *WaitingJSON {
	switch is.State {
	case Closed, Rejected, Withdrawn:
		return nil
	case Submitted, Reopened:
		return &WaitingJSON{"staff", scene.T("人大工作人员分派", "Staff, to route it")}
	case Answered:
		return &WaitingJSON{"deputy", scene.T("代表确认办理结果", "The deputy, to confirm the outcome")}
	}
	if code, ok := strings.CutPrefix(is.Destination, "department:"); ok {
		return &WaitingJSON{"department", scene.T("承办部门（"+code+"）", "The department ("+code+")")}
	}
	switch {
	case is.Grid != nil && is.Grid.Undeliverable:
		return &WaitingJSON{"staff", scene.T("工作人员重新推送（推送失败）", "Staff, to deliver it again (delivery failed)")}
	case is.State == Dispatched && is.Worker != "":
		name := strings.TrimSpace(strings.TrimPrefix(is.Worker, "网格员"))
		return &WaitingJSON{"platform", scene.T("网格员 "+name+" 处置", "The grid worker, "+name)}
	}
	return &WaitingJSON{"platform", scene.T("基层治理四平台", "The grassroots governance platform")}
}

var errNotFound = scene.NotFound("issue.not_found", scene.T("找不到该督事事项。", "No such issue."))

func (sv *service) categories(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	set := parseSettings(r.Settings)
	out := make([]Category, len(Categories))
	for i, c := range Categories {
		c.Deadline = set.deadline(c.Code)
		out[i] = c
	}
	return scene.JSON(http.StatusOK, map[string]any{"items": out})
}

func (sv *service) photo(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	f, err := r.Host.PutFile(ctx, "issue-photo", r.Body)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusCreated, map[string]any{"id": f.ID, "content_type": f.ContentType, "size": f.Size})
}

// calendarOf loads the tenant's calendar edits.
func calendarOf(ctx context.Context, h scene.Host) (*workdays.Calendar, workdays.Overrides, error) {
	cal, o, _, err := loadCalendar(ctx, h)
	return cal, o, err
}

// loadCalendar loads the tenant's calendar edits and the version of the
// document holding them (0 when there is none).
func loadCalendar(ctx context.Context, h scene.Host) (*workdays.Calendar, workdays.Overrides, int64, error) {
	var o workdays.Overrides
	var version int64
	d, err := h.Store().Get(ctx, calendar, "overrides")
	if err == nil {
		version = d.Version
		if err := json.Unmarshal(d.Data, &struct {
			Days *workdays.Overrides `json:"days"`
		}{&o}); err != nil {
			return nil, o, 0, err
		}
	} else if p, ok := scene.AsProblem(err); !ok || p.Code != scene.CodeNotFound {
		return nil, o, 0, err
	}
	return workdays.New(workdays.WithOverrides(o)), o, version, nil
}

func (sv *service) report(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	if r.Principal.DeputyID == "" {
		return nil, scene.Forbidden("issue.deputies_only", scene.T("只有代表可以报告督事问题。", "Only deputies report issues."))
	}
	var in ReportInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	out, err := sv.file(ctx, r.Host, r.Settings, r.Principal.DeputyID, r.Principal.UserID, r.Principal.DisplayName, in)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusCreated, out)
}

// file files a validated report for a deputy: the one path for reports
// from the app, adopted constituents' messages and Open311 clients. It
// routes the issue at once; its delivery, deadline and reminder timers and
// the report's entry in the deputy's duty archive are stored in its
// transaction.
func (sv *service) file(ctx context.Context, h scene.Host, settings json.RawMessage, deputyID, reporterID, reporterName string, in ReportInput) (IssueJSON, error) {
	set := parseSettings(settings)
	cal, _, err := calendarOf(ctx, h)
	if err != nil {
		return IssueJSON{}, err
	}
	now := time.Now().UTC()
	is := Issue{Category: in.Category, Description: strings.TrimSpace(in.Description), Lat: *in.Lat, Lng: *in.Lng,
		Address: strings.TrimSpace(in.Address), Photos: in.Photos, Urgent: in.Urgent, State: Submitted,
		DeputyID: deputyID, ReporterID: reporterID, Reporter: reporterName,
		DueAt: cal.AddWorkdays(now, set.deadline(in.Category)), CreatedAt: now, UpdatedAt: now}
	for _, id := range in.Photos {
		if _, _, err := h.GetFile(ctx, id); err != nil {
			return IssueJSON{}, scene.Invalid(scene.Field("photos", scene.T("照片不存在，请重新上传。", "A photo is missing; upload it again.")))
		}
	}
	is.Timeline = []Step{{Action: "report", To: Submitted, Actor: reporterID, Name: reporterName, At: now}}
	dups, err := sv.duplicates(ctx, h, is, set)
	if err != nil {
		return IssueJSON{}, err
	}
	id := newID(now)
	writes := []issueWrite{{ID: id, New: &is}}
	if in.LinkTo != "" {
		// Linked to an open issue: it waits on that one's outcome.
		primary, err := h.Store().Get(ctx, issues, in.LinkTo)
		var p Issue
		if err == nil {
			err = primary.Decode(&p)
		}
		if err != nil || !p.State.Open() || p.Category != is.Category {
			return IssueJSON{}, scene.Invalid(scene.Field("link_to", scene.T("只能关联同类别的未办结事项。", "Link only to an open issue of the same category.")))
		}
		is.DuplicateOf, is.Destination = in.LinkTo, p.Destination
		if err := is.apply(ActRoute, "system", "关联事项", "关联至 "+in.LinkTo, now); err != nil {
			return IssueJSON{}, err
		}
		old := copyIssue(p)
		p.Linked = append(p.Linked, id)
		writes = append(writes, issueWrite{ID: primary.ID, Version: primary.Version, Old: old, New: &p})
	} else {
		// The rules route it at once: "within minutes it reaches the platform".
		is.Destination = set.destination(is.Category, is.Address)
		if err := is.apply(ActRoute, "system", "路由规则", is.Destination, now); err != nil {
			return IssueJSON{}, err
		}
		if is.Destination == "grid" {
			is.Grid = &GridLink{ServiceCode: set.Grid.serviceCode(is.Category)}
		}
	}
	// The report's timers and its duty entry are stored with it.
	writes[0].Timers = []scene.TimerDraft{timerFor("deadline", id, is.DueAt)}
	writes[0].Duties = []scene.DutyActivity{{DeputyID: is.DeputyID, Kind: "issue.report", Ref: id,
		Title: "报告督事问题：" + truncate(is.Description, 40), OccurredAt: now}}
	if remind := is.DueAt.Add(-remindBefore); remind.After(now) {
		writes[0].Timers = append(writes[0].Timers, timerFor("remind", id, remind))
	}
	if is.Grid != nil {
		writes[0].Timers = append(writes[0].Timers, timerFor("deliver", id, now))
	}
	events := []scene.EventDraft{{Type: EventReported, Payload: map[string]string{"id": id, "category": is.Category, "deputy_id": is.DeputyID}}}
	docs, err := saveIssues(ctx, h, writes, events)
	if err != nil {
		return IssueJSON{}, err
	}
	out, err := issueOut(docs[0])
	if err != nil {
		return IssueJSON{}, err
	}
	out.Duplicates = dups
	return out, nil
}

// duplicates finds open issues of the same category within the radius
// and time window.
func (sv *service) duplicates(ctx context.Context, h scene.Host, is Issue, set Settings) ([]string, error) {
	if set.DuplicateRadiusM <= 0 || set.DuplicateWindowHours <= 0 {
		return nil, nil
	}
	docs, _, err := h.Store().Query(ctx, issues, scene.Query{Filters: []scene.Filter{scene.Eq("category", is.Category)}, Limit: 200})
	if err != nil {
		return nil, err
	}
	since := is.CreatedAt.Add(-time.Duration(set.DuplicateWindowHours) * time.Hour)
	var out []string
	for _, d := range docs {
		var other Issue
		if err := d.Decode(&other); err != nil {
			return nil, err
		}
		if other.State.Open() && other.CreatedAt.After(since) && distanceM(is.Lat, is.Lng, other.Lat, other.Lng) <= set.DuplicateRadiusM {
			out = append(out, d.ID)
		}
	}
	return out, nil
}

func (sv *service) list(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var filters []scene.Filter
	if !r.Principal.Can(permManage) {
		if r.Principal.DeputyID == "" {
			return scene.JSON(http.StatusOK, map[string]any{"items": []IssueJSON{}})
		}
		filters = append(filters, scene.Eq("deputy_id", r.Principal.DeputyID))
	}
	if st := r.QueryValue("status"); st != "" {
		filters = append(filters, scene.Eq("status", st))
	}
	if c := r.QueryValue("category"); c != "" {
		filters = append(filters, scene.Eq("category", c))
	}
	if r.QueryValue("overdue") == "true" {
		filters = append(filters, scene.Eq("overdue", "true"))
	}
	sort := "-created_at"
	if r.QueryValue("sort") == "due" {
		sort = "due_at"
	}
	docs, next, err := r.Host.Store().Query(ctx, issues, scene.Query{Filters: filters, Sort: sort, Limit: 50, Cursor: r.QueryValue("cursor")})
	if err != nil {
		return nil, err
	}
	items := make([]IssueJSON, 0, len(docs))
	for _, d := range docs {
		j, err := issueOut(d)
		if err != nil {
			return nil, err
		}
		items = append(items, j)
	}
	return scene.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

// load returns an issue the caller may see: managers see all, a deputy
// only their own.
func load(ctx context.Context, r *scene.Request, id string) (*scene.Document, Issue, error) {
	var is Issue
	d, err := r.Host.Store().Get(ctx, issues, id)
	if err != nil {
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeNotFound {
			return nil, is, errNotFound
		}
		return nil, is, err
	}
	if err := d.Decode(&is); err != nil {
		return nil, is, err
	}
	if !r.Principal.Can(permManage) && is.DeputyID != r.Principal.DeputyID {
		return nil, is, errNotFound
	}
	return d, is, nil
}

func (sv *service) get(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	d, _, err := load(ctx, r, r.Param("id"))
	if err != nil {
		return nil, err
	}
	j, err := issueOut(d)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, j)
}

// ActionInput moves an issue on.
type ActionInput struct {
	Action      Action   `json:"action"`
	Note        string   `json:"note,omitempty"`
	Destination string   `json:"destination,omitempty"`
	Worker      string   `json:"worker,omitempty"`
	Photos      []string `json:"photos,omitempty"`
	Version     int64    `json:"version,omitempty"`
}

// Validate checks the input.
func (in ActionInput) Validate() error {
	var v scene.Validator
	v.Required("action", string(in.Action))
	v.MaxLen("note", in.Note, 2000)
	v.MaxLen("worker", in.Worker, 50)
	v.Check(in.Destination == "" || in.Destination == "grid" || strings.HasPrefix(in.Destination, "department:"), "destination",
		scene.T("去向须为 grid 或 department:<部门代码>。", "The destination must be grid or department:<code>."))
	return v.Err()
}

// deputyActions are taken by the reporting deputy; the others by staff.
var deputyActions = []Action{ActConfirm, ActReopen, ActWithdraw, ActFollowUp}

func (sv *service) act(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in ActionInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	d, is, err := load(ctx, r, r.Param("id"))
	if err != nil {
		return nil, err
	}
	old := copyIssue(is)
	mine := r.Principal.DeputyID != "" && r.Principal.DeputyID == is.DeputyID
	if slices.Contains(deputyActions, in.Action) && !mine || !slices.Contains(deputyActions, in.Action) && !r.Principal.Can(permManage) {
		return nil, scene.Forbidden("issue.not_yours", scene.T("您不能对该事项执行此操作。", "You may not take this action on the issue."))
	}
	now := time.Now().UTC()
	if in.Action == ActRedeliver {
		return sv.redeliver(ctx, r, d, is)
	}
	if in.Action == ActFollowUp {
		return sv.followUp(ctx, r, d, is, in.Note)
	}
	before := is.State
	switch in.Action {
	case ActRoute:
		if in.Destination != "" {
			is.Destination = in.Destination
		}
		is.Grid = nil
		if is.Destination == "grid" {
			is.Grid = &GridLink{ServiceCode: parseSettings(r.Settings).Grid.serviceCode(is.Category)}
		}
	case ActDispatch:
		is.Worker = in.Worker
	case ActHandle:
		is.AfterPhotos = in.Photos
	case ActAnswer:
		if strings.TrimSpace(in.Note) == "" {
			return nil, scene.Invalid(scene.Field("note", scene.T("请填写答复内容。", "Write the answer.")))
		}
		is.Answer = in.Note
	case ActConfirm:
		yes := true
		is.Satisfied = &yes
	case ActReopen:
		no := false
		is.Satisfied = &no
	}
	if err := is.apply(in.Action, r.Principal.UserID, r.Principal.DisplayName, in.Note, now); err != nil {
		return nil, err
	}
	// The client may say which version it acted on: if the issue moved on
	// since (the platform answered, say), the action is refused rather than
	// taken on a state the client did not see.
	if in.Version != 0 && in.Version != d.Version {
		return nil, scene.Conflict("issue.stale", scene.T("事项已有新进展，请刷新后重试。", "The issue moved on meanwhile; reload it and try again."))
	}
	var events []scene.EventDraft
	if is.State == Closed {
		events = append(events, scene.EventDraft{Type: EventClosed, Payload: map[string]string{"id": d.ID}})
	}
	// The audit entry, a timer and a duty entry are stored with the
	// action, as the acting user; the answer's share and message follow
	// from its event.
	w := issueWrite{ID: d.ID, Version: d.Version, Old: old, New: &is,
		Audit: &scene.AuditDraft{Action: "issue." + string(in.Action), TargetType: "issue", TargetID: d.ID,
			Before: map[string]State{"status": before}, After: map[string]State{"status": is.State}}}
	var work followUps
	switch {
	case in.Action == ActConfirm:
		w.Duties = append(w.Duties, scene.DutyActivity{DeputyID: is.DeputyID, Kind: "issue.confirm", Ref: d.ID, Title: "确认督事办理结果", OccurredAt: now})
	case in.Action == ActRoute && is.Grid != nil:
		w.Timers = append(w.Timers, timerFor("deliver", d.ID, now))
	case in.Action == ActAnswer:
		if len(is.Linked) > 0 {
			work.Share = &outcome{Answer: is.Answer, Linked: is.Linked, By: r.Principal.UserID, Name: r.Principal.DisplayName, At: now}
		}
		if is.ReporterID != "" {
			work.Notices = append(work.Notices, answered(is))
		}
	}
	events = append(events, work.event()...)
	docs, err := saveIssues(ctx, r.Host, []issueWrite{w}, events)
	if err != nil {
		return nil, err
	}
	j, err := issueOut(docs[0])
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, j)
}

// followUp records the reporting deputy pressing for progress: a note on
// the timeline, and the act in the deputy's duty archive stored with it.
func (sv *service) followUp(ctx context.Context, r *scene.Request, d *scene.Document, is Issue, note string) (*scene.Response, error) {
	old := copyIssue(is)
	if !is.State.Open() {
		return nil, scene.Conflict("issue.closed", scene.T("事项已办结，无需跟进。", "The issue is closed; nothing to follow up."))
	}
	if strings.TrimSpace(note) == "" {
		return nil, scene.Invalid(scene.Field("note", scene.T("请写明跟进意见。", "Say what you ask for.")))
	}
	now := time.Now().UTC()
	is.Timeline = append(is.Timeline, Step{Action: ActFollowUp, From: is.State, To: is.State, Actor: r.Principal.UserID,
		Name: r.Principal.DisplayName, At: now, Note: note})
	is.UpdatedAt = now
	follow := 0
	for _, s := range is.Timeline {
		if s.Action == ActFollowUp {
			follow++
		}
	}
	duty := scene.DutyActivity{DeputyID: is.DeputyID, Kind: "issue.follow_up", Ref: d.ID + "#" + strconv.Itoa(follow),
		Title: "跟进督办：" + truncate(note, 40), OccurredAt: now}
	docs, err := saveIssues(ctx, r.Host, []issueWrite{{ID: d.ID, Version: d.Version, Old: old, New: &is, Duties: []scene.DutyActivity{duty}}}, nil)
	if err != nil {
		return nil, err
	}
	j, err := issueOut(docs[0])
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, j)
}

// redeliver sends an undeliverable issue to the platform again (staff):
// the delivery timer is stored with the reset.
func (sv *service) redeliver(ctx context.Context, r *scene.Request, d *scene.Document, is Issue) (*scene.Response, error) {
	if is.Grid == nil || is.State != Routed || is.Grid.RequestID != "" {
		return nil, scene.Conflict("issue.not_undeliverable", scene.T("该事项不是待重新推送的状态。", "The issue is not waiting to be delivered."))
	}
	old := copyIssue(is)
	is.Grid.Attempts, is.Grid.Undeliverable, is.Grid.LastError = 0, false, ""
	next := []scene.TimerDraft{timerFor("deliver", d.ID, time.Now().UTC())}
	docs, err := saveIssues(ctx, r.Host, []issueWrite{{ID: d.ID, Version: d.Version, Old: old, New: &is, Timers: next}}, nil)
	if err != nil {
		return nil, err
	}
	j, err := issueOut(docs[0])
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, j)
}

// deadline runs when an issue's answer is due: an open issue is flagged
// overdue, its reporter told, and an issue.overdue event published (the
// parent congress escalates from it).
func (sv *service) deadline(ctx context.Context, j *scene.Job) error {
	d, is, ok, err := jobIssue(ctx, j)
	if !ok || err != nil {
		return err
	}
	if !is.State.Open() || is.State == Answered || is.Overdue {
		return nil
	}
	old := copyIssue(is)
	is.Overdue = true
	// The reporter's message follows from the flag's own transaction: sent
	// after it, a failure would be retried as a job that finds the issue
	// flagged and sends nothing.
	var work followUps
	if is.ReporterID != "" { // none: filed by an Open311 client for a deputy without an account
		work.Notices = append(work.Notices, notice{UserID: is.ReporterID, Title: scene.T("督事事项已超期", "An issue is overdue"),
			Body: scene.T("您报告的问题已超过答复期限，已提请督办。", "Your issue passed its answer deadline and is being escalated.")})
	}
	_, err = saveIssues(ctx, j.Host, []issueWrite{{ID: d.ID, Version: d.Version, Old: old, New: &is}},
		append([]scene.EventDraft{{Type: EventOverdue, Payload: map[string]string{"id": d.ID, "category": is.Category}}}, work.event()...))
	return err
}

// CalendarJSON is the tenant's calendar edits.
type CalendarJSON struct {
	Days workdays.Overrides `json:"days"`
}

func (sv *service) getCalendar(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	_, o, err := calendarOf(ctx, r.Host)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, CalendarJSON{Days: o})
}

func (sv *service) putCalendar(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in CalendarJSON
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	// The edit, the figures recounted with it and its audit entry are
	// stored together; a report written meanwhile moves the summary on, and
	// the edit is tried again on the issues as they are then.
	cal := workdays.New(workdays.WithOverrides(in.Days))
	st := r.Host.Store()
	var err error
	for range saveAttempts {
		if err = sv.trySaveCalendar(ctx, st, cal, in); err == nil {
			break
		}
		if p, ok := scene.AsProblem(err); !ok || p.Code != scene.CodeConflict {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, in)
}

func (sv *service) trySaveCalendar(ctx context.Context, st scene.Store, cal *workdays.Calendar, in CalendarJSON) error {
	sd, _, err := loadSummary(ctx, st)
	if err != nil {
		return err
	}
	w := scene.Write{Op: "create", Collection: calendar, ID: "overrides", Data: in}
	version := int64(1)
	if d, err := st.Get(ctx, calendar, "overrides"); err == nil {
		w.Op, w.Version, version = "update", d.Version, d.Version+1
	} else if p, ok := scene.AsProblem(err); !ok || p.Code != scene.CodeNotFound {
		return err
	}
	s, err := recount(ctx, st, cal, version)
	if err != nil {
		return err
	}
	_, err = st.Batch(ctx, []scene.Write{w, summaryWrite(sd, s)}, nil,
		scene.AuditDraft{Action: "calendar.update", TargetType: "calendar", TargetID: "overrides", After: in})
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// newID makes an issue id that sorts by time.
func newID(t time.Time) string {
	return "iss-" + t.In(workdays.Location()).Format("20060102-150405") + "-" + randHex(4)
}
