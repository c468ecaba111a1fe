// Package livelihoodvoting is the livelihood-project voting scene (民生实事项目人大代表票决制):
// each year a congress collects candidate public projects (from departments, deputies and a
// public call for ideas), shortlists them, and its seated deputies decide by ballot which the
// government must deliver; the chosen projects become commitments whose delivery deputies
// supervise, and at year end they evaluate them.
//
// The vote is a legal act of the congress, so it is exact and can be explained afterwards:
// every accepted ballot is sealed with a receipt for the deputy, and at the count the ballots
// are chained (package ballot) in the order of their receipts; anyone may recompute the
// result from the chain and check it ends at the published head. In a secret ballot, who voted
// and what was voted are stored with nothing in common; see ballotbox.go for how.
package livelihoodvoting

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/renda-platform/renda/plugins/scene"
)

// ID is the scene's id.
const ID = "renda.livelihood-voting"

// The scene's collections.
const (
	colRounds      = "rounds"
	colCandidates  = "candidates"
	colSupports    = "supports"
	colElectorate  = "electorate"
	colBoxes       = "boxes"
	colVoters      = "voters"
	colUrn         = "urn"
	colEntries     = "entries"
	colPaper       = "paper"
	colProjects    = "projects"
	colReports     = "reports"
	colInspections = "inspections"
	colEvaluations = "evaluations"
)

// The scene's permissions.
const (
	permRead     = "rounds:read"
	permManage   = "rounds:manage"
	permPropose  = "candidates:propose"
	permCast     = "ballot:cast"
	permReport   = "projects:report"
	permInspect  = "projects:inspect"
	permEvaluate = "projects:evaluate"
)

// The duty kinds the scene records in deputies' archives.
const (
	dutyVote     = "voting.vote"
	dutyPropose  = "voting.propose"
	dutyInspect  = "voting.inspect"
	dutyEvaluate = "voting.evaluate"
)

// The scene's jobs.
const (
	jobOpen  = "ballot-open"
	jobClose = "ballot-close"
	jobCount = "ballot-count"
)

// New returns the scene at version. Each call has its own group committer, so a process
// serves one scene.
func New(version string) *scene.Scene {
	all := []string{"tenant_admin", "staff", "deputy"}
	staff := []string{"tenant_admin", "staff"}
	deputy := []string{"deputy"}
	str := func(f string) scene.IndexedField { return scene.IndexedField{Field: f, Type: "string"} }
	s := scene.New(scene.Manifest{
		ID:      ID,
		Version: version,
		Title:   scene.T("民生实事项目票决", "Livelihood-project voting"),
		Description: scene.T("征集民生实事候选项目，人大代表票决确定政府年度民生实事，并监督实施、年终测评。",
			"Collect candidate livelihood projects; deputies vote which the government delivers this year, then supervise and evaluate them."),
		Permissions: []scene.PermissionDef{
			{Object: "rounds", Action: "read", Title: scene.T("查看票决", "Read voting rounds"), DefaultRoles: all},
			{Object: "rounds", Action: "manage", Title: scene.T("组织票决", "Run voting rounds"), DefaultRoles: staff},
			{Object: "candidates", Action: "propose", Title: scene.T("提出候选项目", "Propose candidate projects"), DefaultRoles: all},
			{Object: "ballot", Action: "cast", Title: scene.T("投票", "Cast a ballot"), DefaultRoles: deputy},
			{Object: "projects", Action: "report", Title: scene.T("报告实施进度", "Report delivery progress"), DefaultRoles: staff},
			{Object: "projects", Action: "inspect", Title: scene.T("视察项目", "Inspect projects"), DefaultRoles: deputy},
			{Object: "projects", Action: "evaluate", Title: scene.T("年终测评", "Evaluate projects"), DefaultRoles: deputy},
		},
		Collections: []scene.Collection{
			{Name: colRounds, Indexes: []scene.IndexedField{{Field: "year", Type: "number"}, str("phase")}},
			{Name: colCandidates, Indexes: []scene.IndexedField{str("round_id"), str("status"), str("source")}},
			{Name: colSupports, Indexes: []scene.IndexedField{str("candidate_id")}},
			{Name: colElectorate, Indexes: []scene.IndexedField{str("round_id")}},
			{Name: colBoxes},
			{Name: colVoters, Indexes: []scene.IndexedField{str("round_id"), str("deputy_id"), str("channel")}},
			{Name: colUrn, Indexes: []scene.IndexedField{str("round_id")}},
			{Name: colEntries, Indexes: []scene.IndexedField{str("round_id"), {Field: "seq", Type: "number"}}},
			{Name: colPaper, Indexes: []scene.IndexedField{str("round_id")}},
			{Name: colProjects, Indexes: []scene.IndexedField{str("round_id"), str("department"), {Field: "delayed", Type: "bool"}}},
			{Name: colReports, Indexes: []scene.IndexedField{str("project_id")}},
			{Name: colInspections, Indexes: []scene.IndexedField{str("project_id")}},
			{Name: colEvaluations, Indexes: []scene.IndexedField{str("project_id"), str("round_id"), str("rating")}},
		},
		DutyKinds: []scene.DutyKind{
			{Kind: dutyVote, Title: scene.T("参加民生实事项目票决", "Voted on livelihood projects")},
			{Kind: dutyPropose, Title: scene.T("提出民生实事候选项目", "Proposed a livelihood project")},
			{Kind: dutyInspect, Title: scene.T("视察民生实事项目", "Inspected a livelihood project")},
			{Kind: dutyEvaluate, Title: scene.T("测评民生实事项目", "Evaluated a livelihood project")},
		},
		Capabilities: []string{scene.CapStore, scene.CapDirectory, scene.CapDuty, scene.CapAudit, scene.CapScheduler, scene.CapFiles},
		Pages:        pages(),
	})
	sv := &service{commit: newCommitter(), seats: newElectorateCache(), ballots: newBallotCache()}
	s.Handle(http.MethodGet, "/rounds", permRead, scene.T("票决年度列表", "Voting rounds"), sv.listRounds)
	s.Handle(http.MethodPost, "/rounds", permManage, scene.T("新建年度票决", "Start a yearly round"), sv.createRound)
	s.Handle(http.MethodGet, "/rounds/{id}", permRead, scene.T("票决详情", "A voting round"), sv.getRound)
	s.Handle(http.MethodPost, "/rounds/{id}/phase", permManage, scene.T("进入下一阶段", "Move to the next phase"), sv.advance)
	sv.registerCandidates(s)
	sv.registerBallot(s)
	sv.registerPaper(s)
	sv.registerCount(s)
	sv.registerDelivery(s)
	sv.registerEvaluation(s)
	return s
}

// service holds what the scene keeps in memory: the group committer of casts and caches of
// electorates and open ballots (immutable once a ballot opens). All may be lost at any time.
type service struct {
	commit  *committer
	seats   *electorateCache
	ballots *ballotCache
}

// created answers 201 with v.
func created(v any) (*scene.Response, error) { return scene.JSON(http.StatusCreated, v) }

// ok answers 200 with v.
func ok(v any) (*scene.Response, error) { return scene.JSON(http.StatusOK, v) }

// audit is the audit entry of an action on a round, to store with the action's write.
func audit(action, roundID string, before, after any) scene.AuditDraft {
	return scene.AuditDraft{Action: action, TargetType: "voting_round", TargetID: roundID, Before: before, After: after}
}

// newID makes a document id for a write whose audit entry or follow-up work names it, in
// the shape of the ids the host makes.
func newID() string { return uuid.Must(uuid.NewV7()).String() }
