package issuesupervision

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Joint supervision (联合督事): on a hard issue, a congress's staff open a
// supervision activity and invite deputies of their own, the government
// departments involved, and the congresses above and below them (the
// city, the township). The activity records site visits, meetings,
// findings, decisions and follow-up; every deputy's part goes to their
// duty archive.
//
// The activity belongs to the congress that opened it, and no congress
// writes another's data: another congress is invited by an event the host
// relays along the line (Manifest.Relays). There the same scene records the
// invitation for that congress's staff, who accept it and name their own
// deputies — whose duty archive that congress writes — or decline it; the
// answer is relayed back (joint_invite.go), and the conclusion is relayed
// to every congress that has not declined. A congress that does not run
// this scene receives nothing, and its invitation stays "invited". Each
// deputy's part goes to the duty archive in the write that gives it
// (joint_duty.go).
const (
	joint       = "joint"
	jointInvite = "joint_invites"

	EventJointInvited   = "joint.invited"
	EventJointAnswered  = "joint.answered"
	EventJointConcluded = "joint.concluded"
)

// RecordKinds are what an activity records.
var RecordKinds = []struct {
	Code string
	Name scene.Text
}{
	{"visit", scene.T("实地视察", "Site visit")},
	{"meeting", scene.T("座谈会议", "Meeting")},
	{"finding", scene.T("发现问题", "Finding")},
	{"decision", scene.T("督办决定", "Decision")},
	{"follow_up", scene.T("跟踪落实", "Follow-up")},
}

func recordKind(code string) bool {
	return slices.ContainsFunc(RecordKinds, func(k struct {
		Code string
		Name scene.Text
	}) bool {
		return k.Code == code
	})
}

// Activity is a joint supervision activity, kept by the congress that
// opened it.
type Activity struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	// IssueID is the congress's issue the activity is about, if any, and
	// IssueSummary its category and area, which invitations carry.
	IssueID      string         `json:"issue_id,omitempty"`
	IssueSummary string         `json:"issue_summary,omitempty"`
	Status       string         `json:"status"` // open or concluded
	Deputies     []Member       `json:"deputies"`
	Departments  []Member       `json:"departments"`
	Congresses   []CongressPart `json:"congresses"`
	Records      []Record       `json:"records"`
	Conclusion   string         `json:"conclusion,omitempty"`
	OpenedBy     string         `json:"opened_by"`
	OpenedByName string         `json:"opened_by_name"`
	OpenedAt     time.Time      `json:"opened_at"`
	ConcludedAt  time.Time      `json:"concluded_at,omitzero"`
}

// Member is a deputy or department taking part.
type Member struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	AddedAt time.Time `json:"added_at"`
}

// CongressPart is another congress invited, and its answer.
type CongressPart struct {
	Slug       string    `json:"slug"`
	Name       string    `json:"name"`
	Relation   string    `json:"relation"` // ancestor or descendant
	Status     string    `json:"status"`   // invited, accepted, declined
	Deputies   []string  `json:"deputies,omitempty"`
	Note       string    `json:"note,omitempty"`
	InvitedAt  time.Time `json:"invited_at"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
}

// Record is one entry of an activity: a visit, a meeting, a finding, a
// decision or a follow-up.
type Record struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	Title       string    `json:"title"`
	Note        string    `json:"note,omitempty"`
	Place       string    `json:"place,omitempty"`
	At          time.Time `json:"at"`
	Photos      []string  `json:"photos,omitempty"`
	Deputies    []string  `json:"deputies,omitempty"`    // ids of the activity's deputies who took part
	Departments []string  `json:"departments,omitempty"` // ids of the activity's departments concerned
	// Due is when a decision is to be carried out.
	Due        time.Time `json:"due,omitzero"`
	By         string    `json:"by"`
	ByName     string    `json:"by_name"`
	RecordedAt time.Time `json:"recorded_at"`
}

func (sv *service) registerJoint(s *scene.Scene) {
	s.Handle(http.MethodGet, "/joint/congresses", permManage, scene.T("可邀请的上下级人大", "Congresses that may be invited"), sv.jointCongresses)
	s.Handle(http.MethodGet, "/joint", permRead, scene.T("联合督事活动", "Joint supervision activities"), sv.listJoint)
	s.Handle(http.MethodPost, "/joint", permManage, scene.T("发起联合督事", "Open a joint supervision activity"), sv.openJoint)
	s.Handle(http.MethodGet, "/joint/{id}", permRead, scene.T("联合督事详情", "A joint supervision activity"), sv.getJoint)
	s.Handle(http.MethodPost, "/joint/{id}/participants", permManage, scene.T("邀请参加联合督事", "Invite to an activity"), sv.inviteJoint)
	s.Handle(http.MethodPost, "/joint/{id}/records", permManage, scene.T("记录视察、会议、发现、决定与跟踪", "Record a visit, meeting, finding, decision or follow-up"), sv.recordJoint)
	s.Handle(http.MethodPost, "/joint/{id}/conclude", permManage, scene.T("办结联合督事", "Conclude an activity"), sv.concludeJoint)
	s.Handle(http.MethodGet, "/joint-invites", permManage, scene.T("收到的联合督事邀请", "Invitations from other congresses"), sv.listInvites)
	s.Handle(http.MethodGet, "/joint-invites/{id}", permRead, scene.T("联合督事邀请详情", "An invitation"), sv.getInvite)
	s.Handle(http.MethodPost, "/joint-invites/{id}/answer", permManage, scene.T("答复联合督事邀请", "Answer an invitation"), sv.answerInvite)
	s.OnEvent(EventJointInvited, sv.jointInvited)
	s.OnEvent(EventJointAnswered, sv.jointAnswered)
	s.OnEvent(EventJointConcluded, sv.jointConcluded)
}

var (
	errJointNotFound  = scene.NotFound("joint.not_found", scene.T("找不到该联合督事活动。", "No such joint supervision activity."))
	errInviteNotFound = scene.NotFound("joint.invite_not_found", scene.T("找不到该邀请。", "No such invitation."))
	errJointConcluded = scene.Conflict("joint.concluded", scene.T("联合督事已办结，不能再修改。", "The activity is concluded; it cannot change."))
)

// PersonRef names a deputy (id and name, as the directory shows them).
type PersonRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// JointInput opens an activity or invites more to it.
type JointInput struct {
	Title       string      `json:"title,omitempty"`
	Description string      `json:"description,omitempty"`
	IssueID     string      `json:"issue_id,omitempty"`
	Deputies    []PersonRef `json:"deputies,omitempty"`
	Departments []string    `json:"departments,omitempty"` // department ids
	Congresses  []string    `json:"congresses,omitempty"`  // slugs
}

// Validate checks the input's shape; who and what it names is checked
// against the directory when it is used.
func (in JointInput) Validate() error {
	var v scene.Validator
	v.MaxLen("title", in.Title, 100)
	v.MaxLen("description", in.Description, 5000)
	v.Check(len(in.Deputies) <= maxDeputies, "deputies", scene.T("一次最多邀请 100 名代表。", "At most 100 deputies at once."))
	v.Check(len(in.Departments) <= 50, "departments", scene.T("一次最多邀请 50 个部门。", "At most 50 departments at once."))
	v.Check(len(in.Congresses) <= 50, "congresses", scene.T("一次最多邀请 50 个人大。", "At most 50 congresses at once."))
	return v.Err()
}

// ActivityJSON is an activity as the API shows it.
type ActivityJSON struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Activity
}

func (sv *service) jointCongresses(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	cs, err := r.Host.Congresses(ctx)
	if err != nil {
		return nil, err
	}
	items := make([]map[string]string, len(cs))
	for i, c := range cs {
		items[i] = map[string]string{"slug": c.ID, "name": c.Name, "name_en": c.Attributes["name_en"], "level": c.Kind,
			"relation": c.Attributes["relation"], "parent": c.Attributes["parent"]}
	}
	return scene.JSON(http.StatusOK, map[string]any{"items": items})
}

// resolved is what a JointInput names, checked against the directory.
type resolved struct {
	deputies    []Member
	departments []Member
	congresses  []CongressPart
}

// resolve checks every deputy, department and congress the input names;
// already is the activity's current members, which are skipped.
func resolve(ctx context.Context, h scene.Host, in JointInput, already *Activity, now time.Time) (resolved, error) {
	var out resolved
	var v scene.Validator
	twice := func(list string, i int, seen map[string]bool, key string) bool {
		if seen[key] {
			v.Check(false, fmt.Sprintf("%s[%d]", list, i), scene.T("重复列出。", "Listed twice."))
			return true
		}
		seen[key] = true
		return false
	}
	seen := map[string]bool{}
	for i, p := range in.Deputies {
		if twice("deputies", i, seen, p.ID) ||
			already != nil && slices.ContainsFunc(already.Deputies, func(m Member) bool { return m.ID == p.ID }) {
			continue
		}
		e, err := findDeputy(ctx, h, p)
		if err != nil {
			return out, err
		}
		v.Check(e != nil, fmt.Sprintf("deputies[%d]", i), scene.T("本级人大没有这位代表："+p.Name+"。", "No such deputy in this congress: "+p.Name+"."))
		if e != nil {
			out.deputies = append(out.deputies, Member{ID: e.ID, Name: e.Name, AddedAt: now})
		}
	}
	seen = map[string]bool{}
	if len(in.Departments) > 0 {
		ds, err := h.Departments(ctx)
		if err != nil {
			return out, err
		}
		for i, id := range in.Departments {
			if twice("departments", i, seen, id) ||
				already != nil && slices.ContainsFunc(already.Departments, func(m Member) bool { return m.ID == id }) {
				continue
			}
			j := slices.IndexFunc(ds, func(d scene.DirectoryEntry) bool { return d.ID == id })
			v.Check(j >= 0, fmt.Sprintf("departments[%d]", i), scene.T("没有这个部门，或已停用。", "No such active department."))
			if j >= 0 {
				out.departments = append(out.departments, Member{ID: id, Name: ds[j].Name, AddedAt: now})
			}
		}
	}
	if len(in.Congresses) > 0 {
		cs, err := h.Congresses(ctx)
		if err != nil {
			return out, err
		}
		seen = map[string]bool{}
		for i, slug := range in.Congresses {
			if twice("congresses", i, seen, slug) ||
				already != nil && slices.ContainsFunc(already.Congresses, func(c CongressPart) bool { return c.Slug == slug }) {
				continue
			}
			j := slices.IndexFunc(cs, func(c scene.DirectoryEntry) bool { return c.ID == slug })
			v.Check(j >= 0, fmt.Sprintf("congresses[%d]", i), scene.T("只能邀请本级以上或以下的人大："+slug+"。",
				"Only congresses above or below this one may be invited: "+slug+"."))
			if j >= 0 {
				out.congresses = append(out.congresses, CongressPart{Slug: slug, Name: cs[j].Name, Relation: cs[j].Attributes["relation"],
					Status: "invited", InvitedAt: now})
			}
		}
	}
	return out, v.Err()
}

// findDeputy returns the directory's entry for the deputy p names, by id,
// among those its name finds (nil: none), so that the name stored is the
// directory's.
func findDeputy(ctx context.Context, h scene.Host, p PersonRef) (*scene.DirectoryEntry, error) {
	if p.ID == "" || strings.TrimSpace(p.Name) == "" {
		return nil, nil
	}
	es, _, err := h.Deputies(ctx, p.Name, 50, "")
	if err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(es, func(e scene.DirectoryEntry) bool { return e.ID == p.ID }); i >= 0 {
		return &es[i], nil
	}
	return nil, nil
}

// relays are the invitation events for congresses newly invited.
func relays(id string, a *Activity, cs []CongressPart) []scene.EventDraft {
	if len(cs) == 0 {
		return nil
	}
	to := make([]string, len(cs))
	for i, c := range cs {
		to[i] = c.Slug
	}
	return []scene.EventDraft{{Type: EventJointInvited, To: to, Payload: invitedPayload{ActivityID: id, Title: a.Title,
		Description: a.Description, IssueSummary: a.IssueSummary, OpenedByName: a.OpenedByName}}}
}

func (sv *service) openJoint(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in JointInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Title) == "" {
		return nil, scene.Invalid(scene.Field("title", scene.T("请填写活动名称。", "Give the activity a title.")))
	}
	now := time.Now().UTC()
	a := Activity{Title: strings.TrimSpace(in.Title), Description: strings.TrimSpace(in.Description), Status: "open",
		OpenedBy: r.Principal.UserID, OpenedByName: r.Principal.DisplayName, OpenedAt: now,
		Deputies: []Member{}, Departments: []Member{}, Congresses: []CongressPart{}, Records: []Record{}}
	id := "joint-" + now.Format("20060102-150405") + "-" + randHex(4)
	var issueWrites []issueWrite
	if in.IssueID != "" {
		d, err := r.Host.Store().Get(ctx, issues, in.IssueID)
		var is Issue
		if err == nil {
			err = d.Decode(&is)
		}
		if err != nil {
			return nil, scene.Invalid(scene.Field("issue_id", scene.T("找不到该督事事项。", "No such issue.")))
		}
		a.IssueID, a.IssueSummary = in.IssueID, categoryName(is.Category)+"（"+area(is.Address)+"）"
		old := copyIssue(is)
		is.Timeline = append(is.Timeline, Step{Action: "joint", From: is.State, To: is.State, Actor: r.Principal.UserID,
			Name: r.Principal.DisplayName, At: now, Note: "发起联合督事：" + a.Title})
		issueWrites = append(issueWrites, issueWrite{ID: d.ID, Version: d.Version, Old: old, New: &is})
	}
	got, err := resolve(ctx, r.Host, in, nil, now)
	if err != nil {
		return nil, err
	}
	a.Deputies, a.Departments, a.Congresses = append(a.Deputies, got.deputies...), append(a.Departments, got.departments...),
		append(a.Congresses, got.congresses...)
	create := scene.Write{Op: "create", Collection: joint, ID: id, Data: a}
	events := relays(id, &a, got.congresses)
	duties := participation(id, a.Title, got.deputies, now)
	audit := scene.AuditDraft{Action: "joint.open", TargetType: "joint", TargetID: id,
		After: map[string]any{"title": a.Title, "issue_id": a.IssueID, "congresses": in.Congresses}}
	var docs []*scene.Document
	if len(issueWrites) > 0 {
		// The opening is the action the issue's step records: its audit
		// entry and the deputies' duty entries go with that write.
		issueWrites[0].Audit, issueWrites[0].Duties = &audit, duties
		docs, err = saveIssues(ctx, r.Host, issueWrites, events, create)
		if err == nil {
			docs = docs[len(issueWrites):]
		}
	} else {
		docs, err = r.Host.Store().BatchWith(ctx, []scene.Write{create}, events, append(batchExtras(duties), audit)...)
	}
	if err != nil {
		return nil, err
	}
	return activityOut(http.StatusCreated, docs[0])
}

func categoryName(code string) string {
	if c, ok := category(code); ok {
		return c.Name.ZH
	}
	return code
}

func activityOut(status int, d *scene.Document) (*scene.Response, error) {
	out := ActivityJSON{ID: d.ID, Version: d.Version}
	if err := d.Decode(&out.Activity); err != nil {
		return nil, err
	}
	return scene.JSON(status, out)
}

// loadActivity returns an activity the caller may see: managers see all,
// a deputy those they take part in.
func loadActivity(ctx context.Context, r *scene.Request) (*scene.Document, Activity, error) {
	var a Activity
	d, err := r.Host.Store().Get(ctx, joint, r.Param("id"))
	if err != nil {
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeNotFound {
			return nil, a, errJointNotFound
		}
		return nil, a, err
	}
	if err := d.Decode(&a); err != nil {
		return nil, a, err
	}
	if !r.Principal.Can(permManage) && !a.hasDeputy(r.Principal.DeputyID) {
		return nil, a, errJointNotFound
	}
	return d, a, nil
}

// openActivity binds the request's input into in and returns the
// activity the request is about, if the caller may see it and it is still
// open.
func openActivity(ctx context.Context, r *scene.Request, in any) (*scene.Document, Activity, error) {
	if err := r.Bind(in); err != nil {
		return nil, Activity{}, err
	}
	d, a, err := loadActivity(ctx, r)
	if err != nil {
		return nil, a, err
	}
	if a.Status != "open" {
		return nil, a, errJointConcluded
	}
	return d, a, nil
}

func (a *Activity) hasDeputy(id string) bool {
	return id != "" && slices.ContainsFunc(a.Deputies, func(m Member) bool { return m.ID == id })
}

func (sv *service) getJoint(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	d, _, err := loadActivity(ctx, r)
	if err != nil {
		return nil, err
	}
	return activityOut(http.StatusOK, d)
}

// listJoint lists activities, open ones first then newest: all of them for
// staff, a deputy's own for a deputy (activities are few; they are read a
// page at a time and filtered).
func (sv *service) listJoint(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	manager := r.Principal.Can(permManage)
	if !manager && r.Principal.DeputyID == "" {
		return scene.JSON(http.StatusOK, map[string]any{"items": []ActivityJSON{}})
	}
	var filters []scene.Filter
	if st := r.QueryValue("status"); st != "" {
		filters = append(filters, scene.Eq("status", st))
	}
	if is := r.QueryValue("issue_id"); is != "" {
		filters = append(filters, scene.Eq("issue_id", is))
	}
	items := []ActivityJSON{}
	err := eachDoc(ctx, r.Host.Store(), joint, scene.Query{Filters: filters}, func(d *scene.Document) error {
		j := ActivityJSON{ID: d.ID, Version: d.Version}
		if err := d.Decode(&j.Activity); err != nil {
			return err
		}
		if manager || j.hasDeputy(r.Principal.DeputyID) {
			items = append(items, j)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(items, func(a, b ActivityJSON) int {
		if (a.Status == "open") != (b.Status == "open") {
			if a.Status == "open" {
				return -1
			}
			return 1
		}
		return b.OpenedAt.Compare(a.OpenedAt)
	})
	return scene.JSON(http.StatusOK, map[string]any{"items": items})
}

func (sv *service) inviteJoint(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in JointInput
	d, a, err := openActivity(ctx, r, &in)
	if err != nil {
		return nil, err
	}
	var v scene.Validator
	for field, set := range map[string]bool{"title": in.Title != "", "description": in.Description != "", "issue_id": in.IssueID != ""} {
		v.Check(!set, field, scene.T("邀请时不能修改此项。", "This cannot be changed when inviting."))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	got, err := resolve(ctx, r.Host, in, &a, now)
	if err != nil {
		return nil, err
	}
	if len(got.deputies)+len(got.departments)+len(got.congresses) == 0 {
		return nil, scene.Invalid(scene.Field("deputies", scene.T("请至少邀请一位新的代表、一个部门或一个人大。",
			"Invite at least one new deputy, department or congress.")))
	}
	a.Deputies, a.Departments, a.Congresses = append(a.Deputies, got.deputies...), append(a.Departments, got.departments...),
		append(a.Congresses, got.congresses...)
	docs, err := r.Host.Store().BatchWith(ctx, []scene.Write{{Op: "update", Collection: joint, ID: d.ID, Version: d.Version, Data: a}},
		relays(d.ID, &a, got.congresses), batchExtras(participation(d.ID, a.Title, got.deputies, now))...)
	if err != nil {
		return nil, err
	}
	return activityOut(http.StatusOK, docs[0])
}

// RecordInput is an entry of an activity.
type RecordInput struct {
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Note        string     `json:"note,omitempty"`
	Place       string     `json:"place,omitempty"`
	At          *time.Time `json:"at,omitempty"` // when it happened; default now
	Photos      []string   `json:"photos,omitempty"`
	Deputies    []string   `json:"deputies,omitempty"`
	Departments []string   `json:"departments,omitempty"`
	Due         *time.Time `json:"due,omitempty"`
	Version     int64      `json:"version,omitempty"`
}

// Validate checks a record's shape.
func (in RecordInput) Validate() error {
	var v scene.Validator
	v.Check(recordKind(in.Kind), "kind", scene.T("记录类型须为 visit、meeting、finding、decision 或 follow_up。",
		"The kind must be visit, meeting, finding, decision or follow_up."))
	v.Required("title", strings.TrimSpace(in.Title))
	v.MaxLen("title", in.Title, 100)
	v.MaxLen("note", in.Note, 5000)
	v.MaxLen("place", in.Place, 200)
	v.Check(len(in.Photos) <= 9, "photos", scene.T("最多 9 张照片。", "At most 9 photos."))
	v.Check(len(in.Deputies) <= maxDeputies, "deputies", scene.T("一条记录最多 100 位代表。", "At most 100 deputies in a record."))
	// A few minutes of clock difference between a phone and the server
	// are not "the future".
	v.Check(in.At == nil || in.At.Before(time.Now().Add(10*time.Minute)), "at", scene.T("发生时间不能在将来。", "The time cannot be in the future."))
	v.Check(in.At == nil || in.At.After(time.Now().AddDate(-5, 0, 0)), "at", scene.T("发生时间早于五年前，请核对。", "The time is more than five years ago; check it."))
	v.Check(in.Due == nil || in.Kind == "decision" || in.Kind == "follow_up", "due", scene.T("只有决定和跟踪事项有完成期限。",
		"Only decisions and follow-ups have a due date."))
	v.Check(in.Due == nil || in.At == nil || in.Due.After(*in.At), "due", scene.T("完成期限须晚于发生时间。", "The due date must come after the time it happened."))
	return v.Err()
}

func (sv *service) recordJoint(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in RecordInput
	d, a, err := openActivity(ctx, r, &in)
	if err != nil {
		return nil, err
	}
	var v scene.Validator
	for i, id := range in.Deputies {
		v.Check(a.hasDeputy(id), fmt.Sprintf("deputies[%d]", i), scene.T("这位代表没有参加本次活动，请先邀请。", "This deputy is not taking part; invite them first."))
	}
	for i, id := range in.Departments {
		v.Check(slices.ContainsFunc(a.Departments, func(m Member) bool { return m.ID == id }), fmt.Sprintf("departments[%d]", i),
			scene.T("该部门没有参加本次活动，请先邀请。", "This department is not taking part; invite it first."))
	}
	for i, id := range in.Photos {
		if _, _, err := r.Host.GetFile(ctx, id); err != nil {
			v.Check(false, fmt.Sprintf("photos[%d]", i), scene.T("照片不存在，请重新上传。", "A photo is missing; upload it again."))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	at := now
	if in.At != nil {
		at = in.At.UTC()
	}
	rec := Record{ID: fmt.Sprintf("r%d", len(a.Records)+1), Kind: in.Kind, Title: strings.TrimSpace(in.Title), Note: in.Note,
		Place: in.Place, At: at, Photos: in.Photos, Deputies: in.Deputies, Departments: in.Departments,
		By: r.Principal.UserID, ByName: r.Principal.DisplayName, RecordedAt: now}
	if in.Due != nil {
		rec.Due = in.Due.UTC()
	}
	if err := sameVersion(in.Version, d.Version); err != nil {
		return nil, err
	}
	a.Records = append(a.Records, rec)
	entries := make([]scene.BatchExtra, len(rec.Deputies))
	for i, id := range rec.Deputies {
		entries[i] = scene.DutyActivity{DeputyID: id, Kind: "joint." + rec.Kind, Ref: d.ID + "#" + rec.ID,
			Title: recordTitle(rec.Kind) + "：" + truncate(rec.Title, 40), OccurredAt: rec.At}
	}
	docs, err := r.Host.Store().BatchWith(ctx, []scene.Write{{Op: "update", Collection: joint, ID: d.ID, Version: d.Version, Data: a}},
		nil, entries...)
	if err != nil {
		return nil, err
	}
	return activityOut(http.StatusCreated, docs[0])
}

// sameVersion refuses a write whose client read another version than the
// one stored (0: the client did not say).
func sameVersion(client, stored int64) error {
	if client != 0 && client != stored {
		return scene.Conflict("joint.stale", scene.T("活动已被他人修改，请刷新后重试。", "The activity changed meanwhile; reload it and try again."))
	}
	return nil
}

func recordTitle(kind string) string {
	for _, k := range RecordKinds {
		if k.Code == kind {
			return "联合督事" + k.Name.ZH
		}
	}
	return "联合督事"
}

// ConcludeInput concludes an activity.
type ConcludeInput struct {
	Conclusion string `json:"conclusion"`
	Version    int64  `json:"version,omitempty"`
}

// Validate checks the conclusion.
func (in ConcludeInput) Validate() error {
	var v scene.Validator
	v.Required("conclusion", strings.TrimSpace(in.Conclusion))
	v.MaxLen("conclusion", in.Conclusion, 5000)
	return v.Err()
}

func (sv *service) concludeJoint(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in ConcludeInput
	d, a, err := openActivity(ctx, r, &in)
	if err != nil {
		return nil, err
	}
	if err := sameVersion(in.Version, d.Version); err != nil {
		return nil, err
	}
	a.Status, a.Conclusion, a.ConcludedAt = "concluded", strings.TrimSpace(in.Conclusion), time.Now().UTC()
	// Everyone who has not declined hears it: those who accepted get the
	// conclusion, those yet to answer an invitation that is over.
	var to []string
	for _, c := range a.Congresses {
		if c.Status != "declined" {
			to = append(to, c.Slug)
		}
	}
	var events []scene.EventDraft
	if len(to) > 0 {
		events = append(events, scene.EventDraft{Type: EventJointConcluded, To: to,
			Payload: concludedPayload{ActivityID: d.ID, Conclusion: a.Conclusion}})
	}
	docs, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "update", Collection: joint, ID: d.ID, Version: d.Version, Data: a}}, events,
		scene.AuditDraft{Action: "joint.conclude", TargetType: "joint", TargetID: d.ID,
			Before: map[string]string{"status": "open"}, After: map[string]string{"status": "concluded"}})
	if err != nil {
		return nil, err
	}
	return activityOut(http.StatusOK, docs[0])
}
