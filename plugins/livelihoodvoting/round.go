package livelihoodvoting

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Phase is a stage of a yearly round. A round moves forward one phase at a time.
type Phase string

// The phases of a round, in order.
const (
	PhaseCollecting Phase = "collecting" // 征集候选项目
	PhaseReview     Phase = "review"     // 审查与确定票决候选项目
	PhaseVoting     Phase = "voting"     // 人代会票决
	PhaseDelivery   Phase = "delivery"   // 实施与监督
	PhaseEvaluation Phase = "evaluation" // 年终测评
	PhaseArchived   Phase = "archived"   // 归档
)

var phases = []Phase{PhaseCollecting, PhaseReview, PhaseVoting, PhaseDelivery, PhaseEvaluation, PhaseArchived}

var phaseNames = map[Phase]scene.Text{
	PhaseCollecting: scene.T("征集候选项目", "collecting candidates"),
	PhaseReview:     scene.T("审查候选项目", "review"),
	PhaseVoting:     scene.T("代表票决", "the vote"),
	PhaseDelivery:   scene.T("实施监督", "delivery"),
	PhaseEvaluation: scene.T("年终测评", "year-end evaluation"),
	PhaseArchived:   scene.T("归档", "archived"),
}

func (p Phase) next() Phase {
	for i, x := range phases {
		if x == p && i+1 < len(phases) {
			return phases[i+1]
		}
	}
	return ""
}

// The states of a round's ballot within the voting phase.
const (
	BallotNone    = ""        // no rules yet
	BallotReady   = "ready"   // rules set, not open
	BallotOpen    = "open"    // deputies may vote
	BallotClosed  = "closed"  // no more online votes; paper entry and the count remain
	BallotCounted = "counted" // the result is published
)

// Round is one year's livelihood-project vote of a congress.
type Round struct {
	Year  int    `json:"year"`
	Title string `json:"title"`
	Phase Phase  `json:"phase"`
	// Plan holds the planned dates of the phases (YYYY-MM-DD), for people; phase changes are
	// staff actions, recorded in History.
	Plan    Plan         `json:"plan"`
	History []Transition `json:"history"`
	// Ballot is the ballot's rules and state, set in review and frozen when it opens.
	Ballot *BallotConfig `json:"ballot,omitempty"`
	// Result is the published result, set by the count.
	Result *Result `json:"result,omitempty"`
	// PublicResult makes the result visible to the public once counted.
	PublicResult bool `json:"public_result"`
	// DutyCursor is the last voter whose vote is in the duty ledger (the count records them in
	// deputy order, in steps).
	DutyCursor string `json:"duty_cursor,omitempty"`
	DutyDone   bool   `json:"duty_done,omitempty"`
	CreatedBy  string `json:"created_by"`
}

// Plan is a round's planned dates.
type Plan struct {
	CollectUntil string `json:"collect_until,omitempty"`
	ReviewUntil  string `json:"review_until,omitempty"`
	SessionDate  string `json:"session_date,omitempty"`
	DeliverBy    string `json:"deliver_by,omitempty"`
	EvaluateBy   string `json:"evaluate_by,omitempty"`
}

// Transition is one phase change.
type Transition struct {
	From Phase     `json:"from"`
	To   Phase     `json:"to"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// RoundJSON is a round as the API shows it.
type RoundJSON struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	// Tenant is the congress of the round (in a city-wide list, one below).
	Tenant string `json:"tenant"`
	Round
}

func roundOut(d *scene.Document) (RoundJSON, error) {
	j := RoundJSON{ID: d.ID, Version: d.Version, Tenant: d.Tenant}
	return j, d.Decode(&j.Round)
}

var errRoundNotFound = scene.NotFound("round.not_found", scene.T("找不到该票决年度。", "No such voting round."))

// loadRound reads a round of this congress.
func loadRound(ctx context.Context, h scene.Host, id string) (RoundJSON, error) {
	d, err := h.Store().Get(ctx, colRounds, id)
	if p, isP := scene.AsProblem(err); isP && p.Code == scene.CodeNotFound {
		return RoundJSON{}, errRoundNotFound
	}
	if err != nil {
		return RoundJSON{}, err
	}
	return roundOut(d)
}

// saveRound writes rd back at the version read, with the events and audit entries of the
// change.
func saveRound(ctx context.Context, h scene.Host, rd *RoundJSON, events []scene.EventDraft, extras ...scene.BatchExtra) error {
	docs, err := h.Store().BatchWith(ctx, []scene.Write{{Op: "update", Collection: colRounds, ID: rd.ID, Version: rd.Version, Data: rd.Round}},
		events, extras...)
	if err != nil {
		return err
	}
	rd.Version = docs[0].Version
	return nil
}

func phaseConflict(key string, zh, en string) *scene.Problem {
	return scene.Conflict(key, scene.T(zh, en))
}

// needPhase refuses unless the round is in phase p.
func needPhase(rd RoundJSON, ps ...Phase) error {
	for _, p := range ps {
		if rd.Phase == p {
			return nil
		}
	}
	names := make([]string, len(ps))
	namesEN := make([]string, len(ps))
	for i, p := range ps {
		names[i], namesEN[i] = phaseNames[p].ZH, phaseNames[p].EN
	}
	return phaseConflict("round.wrong_phase",
		"本年度票决当前处于“"+phaseNames[rd.Phase].ZH+"”阶段，此操作只能在“"+strings.Join(names, "”或“")+"”阶段进行。",
		"The round is in "+phaseNames[rd.Phase].EN+"; this can be done only in "+strings.Join(namesEN, " or ")+".")
}

type roundIn struct {
	Year  int    `json:"year"`
	Title string `json:"title"`
	Plan  Plan   `json:"plan"`
}

func (in *roundIn) Validate() error {
	var v scene.Validator
	v.Check(in.Year >= 2000 && in.Year <= 2100, "year", scene.T("年度须在 2000 到 2100 之间。", "The year must be between 2000 and 2100."))
	v.Required("title", strings.TrimSpace(in.Title))
	v.MaxLen("title", in.Title, 100)
	for path, d := range map[string]string{"plan.collect_until": in.Plan.CollectUntil, "plan.review_until": in.Plan.ReviewUntil,
		"plan.session_date": in.Plan.SessionDate, "plan.deliver_by": in.Plan.DeliverBy, "plan.evaluate_by": in.Plan.EvaluateBy} {
		_, err := time.Parse(time.DateOnly, d)
		v.Check(d == "" || err == nil, path, scene.T("日期格式须为 YYYY-MM-DD。", "Dates are YYYY-MM-DD."))
	}
	return v.Err()
}

func (sv *service) createRound(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in roundIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	docs, _, err := r.Host.Store().Query(ctx, colRounds, scene.Query{Filters: []scene.Filter{
		{Field: "year", Op: "eq", Values: []string{strconv.Itoa(in.Year)}}}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(docs) > 0 {
		return nil, scene.Conflict("round.year_taken", scene.T("该年度已有票决。", "This year already has a round."))
	}
	rd := Round{Year: in.Year, Title: strings.TrimSpace(in.Title), Phase: PhaseCollecting, Plan: in.Plan, History: []Transition{}, CreatedBy: r.Principal.UserID}
	id := newID()
	docs, err = r.Host.Store().Batch(ctx, []scene.Write{{Op: "create", Collection: colRounds, ID: id, Data: rd}}, nil,
		audit("round.create", id, nil, map[string]any{"year": rd.Year, "title": rd.Title}))
	if err != nil {
		return nil, err
	}
	j, err := roundOut(docs[0])
	if err != nil {
		return nil, err
	}
	return created(j)
}

func (sv *service) listRounds(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	q := scene.Query{Sort: "-year", Limit: 200, Cursor: r.QueryValue("cursor")}
	if p := r.QueryValue("phase"); p != "" {
		q.Filters = append(q.Filters, scene.Eq("phase", p))
	}
	docs, next, err := r.Host.Store().Query(ctx, colRounds, q)
	if err != nil {
		return nil, err
	}
	items := make([]RoundJSON, 0, len(docs))
	for _, d := range docs {
		j, err := roundOut(d)
		if err != nil {
			return nil, err
		}
		if j.Ballot != nil && j.Ballot.State != BallotCounted {
			j.Result = nil
		}
		items = append(items, j)
	}
	return ok(map[string]any{"items": items, "next": next})
}

func (sv *service) getRound(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return ok(rd)
}

type phaseIn struct {
	To   Phase  `json:"to"`
	Note string `json:"note"`
}

func (in *phaseIn) Validate() error {
	var v scene.Validator
	_, known := phaseNames[in.To]
	v.Check(known, "to", scene.T("未知的阶段。", "Unknown phase."))
	v.MaxLen("note", in.Note, 500)
	return v.Err()
}

// advance moves a round to the next phase, after checking what that phase needs. Moving to
// delivery turns the adopted projects into commitments in the same transaction.
func (sv *service) advance(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in phaseIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	next := rd.Phase.next()
	if in.To != next {
		return nil, skipProblem(rd.Phase, in.To)
	}
	if err := sv.readyFor(ctx, r.Host, rd, next); err != nil {
		return nil, err
	}
	from := rd.Phase
	rd.Phase = next
	rd.History = append(rd.History, Transition{From: from, To: next, By: r.Principal.UserID, At: time.Now().UTC(), Note: in.Note})
	writes := []scene.Write{{Op: "update", Collection: colRounds, ID: rd.ID, Version: rd.Version, Data: rd.Round}}
	if next == PhaseDelivery {
		ws, err := commitmentWrites(ctx, r.Host, rd)
		if err != nil {
			return nil, err
		}
		writes = append(writes, ws...)
	}
	if _, err := r.Host.Store().Batch(ctx, writes, nil,
		audit("round.phase", rd.ID, map[string]any{"phase": from}, map[string]any{"phase": next, "note": in.Note})); err != nil {
		return nil, err
	}
	rd.Version++
	return ok(rd)
}

func skipProblem(from, to Phase) *scene.Problem {
	next := from.next()
	if next == "" {
		return phaseConflict("round.phase_final", "本年度票决已归档，不能再变更阶段。", "The round is archived; its phase cannot change.")
	}
	return phaseConflict("round.phase_skip",
		"阶段须依次推进：当前为“"+phaseNames[from].ZH+"”，下一阶段只能是“"+phaseNames[next].ZH+"”，不能转到“"+phaseNames[to].ZH+"”。",
		"Phases go in order: the round is in "+phaseNames[from].EN+", so the next phase is "+phaseNames[next].EN+", not "+phaseNames[to].EN+".")
}

// readyFor checks that a round has done what phase to needs.
func (sv *service) readyFor(ctx context.Context, h scene.Host, rd RoundJSON, to Phase) error {
	switch to {
	case PhaseReview:
		n, err := countDocs(ctx, h, colCandidates, scene.Eq("round_id", rd.ID), scene.Filter{Field: "status", Op: "ne", Values: []string{statusMerged}})
		if err != nil {
			return err
		}
		if n == 0 {
			return phaseConflict("round.no_candidates", "还没有候选项目，不能进入审查阶段。", "There are no candidates to review yet.")
		}
	case PhaseVoting:
		if rd.Ballot == nil || len(rd.Ballot.Candidates) == 0 {
			return phaseConflict("round.no_shortlist", "须先确定票决候选项目（含未入选理由）并设定表决规则。",
				"Shortlist the candidates (with a reason for each one left out) and set the ballot rules first.")
		}
	case PhaseDelivery:
		if rd.Ballot == nil || rd.Ballot.State != BallotCounted {
			return phaseConflict("round.not_counted", "票决结果尚未产生，不能进入实施阶段。", "The vote has not been counted yet.")
		}
	}
	return nil
}

// countDocs counts the documents of a collection matching filters.
func countDocs(ctx context.Context, h scene.Host, col string, filters ...scene.Filter) (int64, error) {
	gs, err := h.Store().Aggregate(ctx, col, filters, "", "")
	if err != nil {
		return 0, err
	}
	var n int64
	for _, g := range gs {
		n += g.Count
	}
	return n, nil
}

// queryAll reads every document matching filters, sorted, page by page.
func queryAll(ctx context.Context, h scene.Host, col, sort string, filters ...scene.Filter) ([]*scene.Document, error) {
	var out []*scene.Document
	cursor := ""
	for {
		docs, next, err := h.Store().Query(ctx, col, scene.Query{Filters: filters, Sort: sort, Limit: 200, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		out = append(out, docs...)
		if next == "" {
			return out, nil
		}
		cursor = next
	}
}
