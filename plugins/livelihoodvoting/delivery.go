package livelihoodvoting

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Project is an adopted project: a commitment of the government, supervised by deputies.
type Project struct {
	RoundID     string      `json:"round_id"`
	Year        int         `json:"year"`
	CandidateID string      `json:"candidate_id"`
	Title       string      `json:"title"`
	Department  string      `json:"department"`
	Budget      Yuan        `json:"budget"`
	Outcome     string      `json:"outcome"`
	Location    string      `json:"location"`
	Rank        int         `json:"rank"`
	Approve     int64       `json:"approve"`
	DeliverBy   string      `json:"deliver_by,omitempty"`
	Milestones  []Milestone `json:"milestones"`
	Percent     int         `json:"percent"`
	// Delayed is set when a milestone's planned date has passed without it being done, or the
	// delivery date has passed short of 100%.
	Delayed      bool       `json:"delayed"`
	LastReportAt *time.Time `json:"last_report_at,omitempty"`
}

// Milestone is a planned step of a project.
type Milestone struct {
	Name    string `json:"name"`
	Planned string `json:"planned"`
	Done    string `json:"done,omitempty"`
}

// ProjectJSON is a project as the API shows it.
type ProjectJSON struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Tenant  string `json:"tenant"`
	Project
}

// Report is a progress report by the responsible department, or the staff's mid-year review.
type Report struct {
	ProjectID string    `json:"project_id"`
	Kind      string    `json:"kind"`
	Percent   int       `json:"percent"`
	Narrative string    `json:"narrative"`
	Photos    []string  `json:"photos"`
	By        string    `json:"by"`
	At        time.Time `json:"at"`
}

// Inspection is a deputy's visit to a project.
type Inspection struct {
	ProjectID string    `json:"project_id"`
	DeputyID  string    `json:"deputy_id"`
	Name      string    `json:"name"`
	VisitedOn string    `json:"visited_on"`
	Comment   string    `json:"comment"`
	At        time.Time `json:"at"`
}

func (sv *service) registerDelivery(s *scene.Scene) {
	s.Handle(http.MethodGet, "/projects", permRead, scene.T("民生实事项目", "Projects"), sv.listProjects)
	s.Handle(http.MethodGet, "/projects/{id}", permRead, scene.T("项目详情与进展", "A project and its progress"), sv.getProject)
	s.Handle(http.MethodPut, "/projects/{id}/milestones", permManage, scene.T("设定节点计划", "Set the milestones"), sv.milestones)
	s.Handle(http.MethodPost, "/projects/{id}/photos", permReport, scene.T("上传现场照片", "Upload a photo"), sv.photo)
	s.Handle(http.MethodPost, "/projects/{id}/reports", permReport, scene.T("报告实施进度", "Report progress"), sv.report)
	s.Handle(http.MethodPost, "/projects/{id}/inspections", permInspect, scene.T("记录视察", "Record an inspection"), sv.inspect)
	s.OnJob("delays", "0 1 * * *", sv.delaysJob)
}

// commitmentWrites turns the adopted candidates of a counted round into projects.
func commitmentWrites(ctx context.Context, h scene.Host, rd RoundJSON) ([]scene.Write, error) {
	var out []scene.Write
	for _, l := range rd.Result.Candidates {
		if !l.Adopted {
			continue
		}
		c, err := loadCandidate(ctx, h, rd.ID, l.ID)
		if err != nil {
			return nil, err
		}
		p := Project{RoundID: rd.ID, Year: rd.Year, CandidateID: c.ID, Title: c.Title, Department: c.Department, Budget: c.Budget,
			Outcome: c.Outcome, Location: c.Location, Rank: l.Rank, Approve: l.Approve, DeliverBy: rd.Plan.DeliverBy, Milestones: []Milestone{}}
		out = append(out, scene.Write{Op: "create", Collection: colProjects, ID: c.ID, Data: p})
	}
	if len(out) > 99 {
		return nil, scene.Conflict("projects.too_many", scene.T("通过的项目过多。", "Too many adopted projects."))
	}
	return out, nil
}

var errProjectNotFound = scene.NotFound("project.not_found", scene.T("找不到该项目。", "No such project."))

func loadProject(ctx context.Context, h scene.Host, id string) (ProjectJSON, error) {
	d, err := h.Store().Get(ctx, colProjects, id)
	if p, isP := scene.AsProblem(err); isP && p.Code == scene.CodeNotFound {
		return ProjectJSON{}, errProjectNotFound
	}
	if err != nil {
		return ProjectJSON{}, err
	}
	j := ProjectJSON{ID: d.ID, Version: d.Version, Tenant: d.Tenant}
	return j, d.Decode(&j.Project)
}

// delayed reports whether p is behind plan on day today (YYYY-MM-DD).
func (p Project) delayed(today string) bool {
	for _, m := range p.Milestones {
		if m.Done == "" && m.Planned < today {
			return true
		}
	}
	return p.DeliverBy != "" && p.DeliverBy < today && p.Percent < 100
}

func today() string { return time.Now().In(chinaTime).Format(time.DateOnly) }

var chinaTime = time.FixedZone("CST", 8*3600)

func (sv *service) listProjects(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	q := scene.Query{Sort: "created_at", Limit: 200, Cursor: r.QueryValue("cursor")}
	if id := r.QueryValue("round_id"); id != "" {
		q.Filters = append(q.Filters, scene.Eq("round_id", id))
	}
	if r.QueryValue("delayed") == "true" {
		q.Filters = append(q.Filters, scene.Filter{Field: "delayed", Op: "eq", Values: []string{"true"}})
	}
	docs, next, err := r.Host.Store().Query(ctx, colProjects, q)
	if err != nil {
		return nil, err
	}
	items := make([]ProjectJSON, 0, len(docs))
	day := today()
	for _, d := range docs {
		j := ProjectJSON{ID: d.ID, Version: d.Version, Tenant: d.Tenant}
		if err := d.Decode(&j.Project); err != nil {
			return nil, err
		}
		j.Delayed = j.Project.delayed(day)
		items = append(items, j)
	}
	return ok(map[string]any{"items": items, "next": next})
}

func (sv *service) getProject(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	p, err := loadProject(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	p.Delayed = p.Project.delayed(today())
	reports, err := queryAll(ctx, r.Host, colReports, "created_at", scene.Eq("project_id", p.ID))
	if err != nil {
		return nil, err
	}
	inspections, err := queryAll(ctx, r.Host, colInspections, "created_at", scene.Eq("project_id", p.ID))
	if err != nil {
		return nil, err
	}
	rs := make([]Report, len(reports))
	for i, d := range reports {
		if err := d.Decode(&rs[i]); err != nil {
			return nil, err
		}
	}
	is := make([]Inspection, len(inspections))
	for i, d := range inspections {
		if err := d.Decode(&is[i]); err != nil {
			return nil, err
		}
	}
	return ok(map[string]any{"project": p, "reports": rs, "inspections": is})
}

// deliveringProject loads a project and refuses unless its round is in
// delivery (or evaluation, for late reports).
func deliveringProject(ctx context.Context, h scene.Host, id string) (ProjectJSON, error) {
	p, err := loadProject(ctx, h, id)
	if err != nil {
		return p, err
	}
	rd, err := loadRound(ctx, h, p.RoundID)
	if err != nil {
		return p, err
	}
	return p, needPhase(rd, PhaseDelivery, PhaseEvaluation)
}

type milestonesIn struct {
	Milestones []Milestone `json:"milestones"`
}

func (in *milestonesIn) Validate() error {
	var v scene.Validator
	v.Check(len(in.Milestones) <= 50, "milestones", scene.T("节点不能超过 50 个。", "At most 50 milestones."))
	for i, m := range in.Milestones {
		path := "milestones[" + itoa(i) + "]"
		v.Required(path+".name", strings.TrimSpace(m.Name))
		v.MaxLen(path+".name", m.Name, 100)
		_, err := time.Parse(time.DateOnly, m.Planned)
		v.Check(err == nil, path+".planned", scene.T("计划日期格式须为 YYYY-MM-DD。", "The planned date is YYYY-MM-DD."))
		_, err = time.Parse(time.DateOnly, m.Done)
		v.Check(m.Done == "" || err == nil, path+".done", scene.T("完成日期格式须为 YYYY-MM-DD。", "The date done is YYYY-MM-DD."))
	}
	return v.Err()
}

func (sv *service) milestones(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in milestonesIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	p, err := deliveringProject(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	before := p.Milestones
	p.Milestones = in.Milestones
	if p.Milestones == nil {
		p.Milestones = []Milestone{}
	}
	p.Delayed = p.Project.delayed(today())
	docs, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "update", Collection: colProjects, ID: p.ID, Version: p.Version, Data: p.Project}}, nil,
		scene.AuditDraft{Action: "project.milestones", TargetType: "livelihood_project", TargetID: p.ID, Before: before, After: in.Milestones})
	if err != nil {
		return nil, err
	}
	p.Version = docs[0].Version
	return ok(p)
}

func (sv *service) photo(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	if _, err := loadProject(ctx, r.Host, r.Param("id")); err != nil {
		return nil, err
	}
	f, err := r.Host.PutFile(ctx, "project-photo", r.Body)
	if err != nil {
		return nil, err
	}
	return created(map[string]any{"id": f.ID, "content_type": f.ContentType, "size": f.Size})
}

type reportIn struct {
	Kind      string   `json:"kind"`
	Percent   int      `json:"percent"`
	Narrative string   `json:"narrative"`
	Photos    []string `json:"photos"`
}

func (in *reportIn) Validate() error {
	var v scene.Validator
	if in.Kind == "" {
		in.Kind = "progress"
	}
	v.Check(in.Kind == "progress" || in.Kind == "review", "kind", scene.T("类型须为 progress（进度）或 review（中期评估）。", "The kind is progress or review (mid-year)."))
	v.Check(in.Percent >= 0 && in.Percent <= 100, "percent", scene.T("完成比例须在 0 到 100 之间。", "The percentage is 0 to 100."))
	v.Required("narrative", strings.TrimSpace(in.Narrative))
	v.MaxLen("narrative", in.Narrative, 4000)
	v.Check(len(in.Photos) <= 20, "photos", scene.T("照片不能超过 20 张。", "At most 20 photos."))
	return v.Err()
}

// report records progress (by the responsible department) or the mid-year review (staff).
func (sv *service) report(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in reportIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	p, err := deliveringProject(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	for i, id := range in.Photos {
		if _, _, err := r.Host.GetFile(ctx, id); err != nil {
			return nil, scene.Invalid(scene.Field("photos["+itoa(i)+"]", scene.T("找不到这张照片，请先上传。", "No such photo: upload it first.")))
		}
	}
	now := time.Now().UTC()
	rep := Report{ProjectID: p.ID, Kind: in.Kind, Percent: in.Percent, Narrative: in.Narrative, Photos: in.Photos, By: r.Principal.DisplayName, At: now}
	if rep.Photos == nil {
		rep.Photos = []string{}
	}
	if in.Kind == "progress" {
		p.Percent = in.Percent
	}
	p.LastReportAt = &now
	p.Delayed = p.Project.delayed(today())
	if _, err := r.Host.Store().Batch(ctx, []scene.Write{
		{Op: "create", Collection: colReports, Data: rep},
		{Op: "update", Collection: colProjects, ID: p.ID, Version: p.Version, Data: p.Project}}, nil); err != nil {
		return nil, err
	}
	return created(rep)
}

type inspectIn struct {
	VisitedOn string `json:"visited_on"`
	Comment   string `json:"comment"`
}

func (in *inspectIn) Validate() error {
	var v scene.Validator
	_, err := time.Parse(time.DateOnly, in.VisitedOn)
	v.Check(err == nil, "visited_on", scene.T("视察日期格式须为 YYYY-MM-DD。", "The date of the visit is YYYY-MM-DD."))
	v.Required("comment", strings.TrimSpace(in.Comment))
	v.MaxLen("comment", in.Comment, 2000)
	return v.Err()
}

func (sv *service) inspect(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in inspectIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	if r.Principal.DeputyID == "" {
		return nil, scene.Forbidden("inspection.deputy_only", scene.T("视察由人大代表记录。", "Inspections are recorded by deputies."))
	}
	p, err := deliveringProject(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	ins := Inspection{ProjectID: p.ID, DeputyID: r.Principal.DeputyID, Name: r.Principal.DisplayName, VisitedOn: in.VisitedOn, Comment: in.Comment, At: time.Now().UTC()}
	id := newID()
	visited, _ := time.ParseInLocation(time.DateOnly, in.VisitedOn, chinaTime)
	if _, err := r.Host.Store().BatchWith(ctx, []scene.Write{{Op: "create", Collection: colInspections, ID: id, Data: ins}}, nil,
		dutyEntry(ins.DeputyID, dutyInspect, id, "视察民生实事项目："+p.Title, visited)); err != nil {
		return nil, err
	}
	return created(ins)
}

// delaysJob refreshes the delay flags of projects in delivery every night, so that listing
// delayed projects needs no recomputation.
func (sv *service) delaysJob(ctx context.Context, j *scene.Job) error {
	docs, err := queryAll(ctx, j.Host, colProjects, "created_at")
	if err != nil {
		return err
	}
	day := today()
	for _, d := range docs {
		var p Project
		if err := d.Decode(&p); err != nil {
			return err
		}
		if flag := p.delayed(day); flag != p.Delayed {
			p.Delayed = flag
			if _, err := j.Host.Store().Update(ctx, colProjects, d.ID, d.Version, p); err != nil {
				return err
			}
		}
	}
	return nil
}
