package livelihoodvoting

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// The sources of a candidate.
const (
	SourceDepartment = "department" // 政府部门提出
	SourceDeputy     = "deputy"     // 人大代表提出
	SourcePublic     = "public"     // 面向社会征集
)

// The states of a candidate.
const (
	statusProposed    = "proposed"
	statusMerged      = "merged"
	statusShortlisted = "shortlisted"
	statusExcluded    = "excluded"
)

// Candidate is a proposed livelihood project.
type Candidate struct {
	RoundID     string `json:"round_id"`
	Source      string `json:"source"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// Department is the government department responsible for delivering it.
	Department string `json:"department"`
	Budget     Yuan   `json:"budget"`
	Outcome    string `json:"outcome"`
	Location   string `json:"location"`
	// ProposerID is the deputy (SourceDeputy) or the user who entered it; ProposerName is shown.
	ProposerID   string    `json:"proposer_id,omitempty"`
	ProposerName string    `json:"proposer_name,omitempty"`
	Status       string    `json:"status"`
	MergedInto   string    `json:"merged_into,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	At           time.Time `json:"at"`
}

// CandidateJSON is a candidate as the API shows it; Supports counts public support, including
// that of ideas merged into it.
type CandidateJSON struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Candidate
	Supports int64 `json:"supports"`
}

func candidateOut(d *scene.Document) (CandidateJSON, error) {
	j := CandidateJSON{ID: d.ID, Version: d.Version}
	return j, d.Decode(&j.Candidate)
}

func (sv *service) registerCandidates(s *scene.Scene) {
	s.Handle(http.MethodGet, "/rounds/{id}/candidates", permRead, scene.T("候选项目", "Candidates"), sv.listCandidates)
	s.Handle(http.MethodPost, "/rounds/{id}/candidates", permPropose, scene.T("提出候选项目", "Propose a candidate"), sv.propose)
	s.Handle(http.MethodPost, "/rounds/{id}/candidates/{cid}/merge", permManage, scene.T("合并重复项目", "Merge a duplicate"), sv.merge)
	s.Handle(http.MethodPost, "/rounds/{id}/shortlist", permManage, scene.T("确定票决候选项目", "Shortlist the ballot"), sv.shortlist)
	s.Public(http.MethodGet, "/public/rounds/{id}", scene.T("民生实事征集与结果（公开）", "The call for ideas and the result (public)"), sv.publicRound)
	s.Public(http.MethodPost, "/public/rounds/{id}/ideas", scene.T("群众提出民生实事建议", "Suggest a project (public)"), sv.suggest)
	s.Public(http.MethodPost, "/public/rounds/{id}/candidates/{cid}/support", scene.T("支持一项建议", "Support a suggestion"), sv.support)
}

// CandidateInput proposes a candidate project (POST /rounds/{id}/candidates); Budget is yuan
// as a decimal string ("12000000.00").
type CandidateInput struct {
	Source      string `json:"source"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Department  string `json:"department"`
	Budget      string `json:"budget"`
	Outcome     string `json:"outcome"`
	Location    string `json:"location"`
	budget      Yuan
}

func (in *CandidateInput) Validate() error {
	var v scene.Validator
	in.Title, in.Department = strings.TrimSpace(in.Title), strings.TrimSpace(in.Department)
	v.Required("title", in.Title)
	v.MaxLen("title", in.Title, 100)
	v.Required("description", strings.TrimSpace(in.Description))
	v.MaxLen("description", in.Description, 4000)
	v.MaxLen("department", in.Department, 100)
	v.MaxLen("outcome", in.Outcome, 2000)
	v.MaxLen("location", in.Location, 200)
	if in.Source != SourcePublic {
		v.Required("department", in.Department)
		v.Required("budget", in.Budget)
	}
	if in.Budget != "" {
		y, err := ParseYuan(in.Budget)
		if err != nil {
			return scene.Invalid(append(fieldsOf(v.Err()), moneyProblem("budget"))...)
		}
		in.budget = y
	}
	return v.Err()
}

func fieldsOf(err error) []scene.FieldProblem {
	if p, ok := scene.AsProblem(err); ok {
		return p.Fields
	}
	return nil
}

// propose adds a candidate: staff enter departments' proposals (source department), deputies
// their own (source deputy, recorded in their duty archive).
func (sv *service) propose(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in CandidateInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	switch {
	case in.Source == SourceDepartment && !r.Principal.Can(permManage):
		return nil, scene.Forbidden("candidate.department_staff", scene.T("部门提出的项目由工作人员录入。", "Staff enter the departments' proposals."))
	case in.Source == SourceDeputy && r.Principal.DeputyID == "":
		return nil, scene.Forbidden("candidate.deputy_only", scene.T("只有人大代表可以以代表身份提出项目。", "Only a deputy can propose as a deputy."))
	case in.Source != SourceDepartment && in.Source != SourceDeputy:
		return nil, scene.Invalid(scene.Field("source", scene.T("来源须为 department 或 deputy；群众建议请通过公开征集提交。",
			"The source must be department or deputy; the public suggests through the call for ideas.")))
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if err := needPhase(rd, PhaseCollecting); err != nil {
		return nil, err
	}
	c := Candidate{RoundID: rd.ID, Source: in.Source, Title: in.Title, Description: in.Description, Department: in.Department,
		Budget: in.budget, Outcome: in.Outcome, Location: in.Location, ProposerID: r.Principal.UserID, ProposerName: r.Principal.DisplayName,
		Status: statusProposed, At: time.Now().UTC()}
	if in.Source == SourceDeputy {
		c.ProposerID = r.Principal.DeputyID
	}
	// A deputy's proposal goes into their duty archive with its write.
	id := newID()
	var extras []scene.BatchExtra
	if in.Source == SourceDeputy {
		extras = append(extras, dutyEntry(c.ProposerID, dutyPropose, id, "提出民生实事候选项目："+c.Title, c.At))
	}
	docs, err := r.Host.Store().BatchWith(ctx, []scene.Write{{Op: "create", Collection: colCandidates, ID: id, Data: c}}, nil, extras...)
	if err != nil {
		return nil, err
	}
	j, err := candidateOut(docs[0])
	if err != nil {
		return nil, err
	}
	return created(j)
}

type ideaIn struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Location    string `json:"location"`
	Budget      string `json:"budget"`
}

// suggest takes a constituent's idea in the public call (phase collecting).
func (sv *service) suggest(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var raw ideaIn
	if err := r.Bind(&raw); err != nil {
		return nil, err
	}
	in := CandidateInput{Source: SourcePublic, Title: raw.Title, Description: raw.Description, Location: raw.Location, Budget: raw.Budget}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if err := needPhase(rd, PhaseCollecting); err != nil {
		return nil, err
	}
	c := Candidate{RoundID: rd.ID, Source: SourcePublic, Title: in.Title, Description: in.Description, Location: in.Location,
		Budget: in.budget, ProposerName: "群众", Status: statusProposed, At: time.Now().UTC()}
	d, err := r.Host.Store().Create(ctx, colCandidates, "", c)
	if err != nil {
		return nil, err
	}
	return created(map[string]any{"id": d.ID, "title": c.Title})
}

// support records one caller's support for an idea, once per caller address.
func (sv *service) support(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if err := needPhase(rd, PhaseCollecting, PhaseReview); err != nil {
		return nil, err
	}
	c, err := loadCandidate(ctx, r.Host, rd.ID, r.Param("cid"))
	if err != nil {
		return nil, err
	}
	caller := r.Headers["X-Renda-Client-Ip"] // set by the host, never by the caller
	if caller == "" {
		caller = "unknown"
	}
	sum := sha256.Sum256([]byte(rd.ID + "\n" + caller))
	_, err = r.Host.Store().Create(ctx, colSupports, c.ID+"."+hex.EncodeToString(sum[:12]), map[string]string{"candidate_id": c.ID})
	if p, isP := scene.AsProblem(err); isP && p.Code == scene.CodeConflict {
		return nil, scene.Conflict("support.already", scene.T("您已支持过这项建议。", "You already support this suggestion."))
	}
	if err != nil {
		return nil, err
	}
	return created(map[string]any{"candidate_id": c.ID})
}

var errCandidateNotFound = scene.NotFound("candidate.not_found", scene.T("找不到该候选项目。", "No such candidate."))

func loadCandidate(ctx context.Context, h scene.Host, roundID, id string) (CandidateJSON, error) {
	d, err := h.Store().Get(ctx, colCandidates, id)
	if p, isP := scene.AsProblem(err); isP && p.Code == scene.CodeNotFound {
		return CandidateJSON{}, errCandidateNotFound
	}
	if err != nil {
		return CandidateJSON{}, err
	}
	c, err := candidateOut(d)
	if err != nil {
		return c, err
	}
	if c.RoundID != roundID {
		return c, errCandidateNotFound
	}
	return c, nil
}

// candidatesOf lists a round's candidates with their support, merged ideas counted in the
// candidate they were merged into.
func candidatesOf(ctx context.Context, h scene.Host, roundID string) ([]CandidateJSON, error) {
	docs, err := queryAll(ctx, h, colCandidates, "created_at", scene.Eq("round_id", roundID))
	if err != nil {
		return nil, err
	}
	out := make([]CandidateJSON, 0, len(docs))
	for _, d := range docs {
		c, err := candidateOut(d)
		if err != nil {
			return nil, err
		}
		if c.Supports, err = countDocs(ctx, h, colSupports, scene.Eq("candidate_id", c.ID)); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	into := map[string]int{}
	for i, c := range out {
		into[c.ID] = i
	}
	for _, c := range out {
		if c.Status == statusMerged {
			if i, ok := into[c.MergedInto]; ok {
				out[i].Supports += c.Supports
			}
		}
	}
	return out, nil
}

func (sv *service) listCandidates(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	if _, err := loadRound(ctx, r.Host, r.Param("id")); err != nil {
		return nil, err
	}
	cs, err := candidatesOf(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{"items": cs})
}

type mergeIn struct {
	Into string `json:"into"`
}

// merge folds a duplicate candidate (typically a public idea) into another one.
func (sv *service) merge(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in mergeIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if err := needPhase(rd, PhaseCollecting, PhaseReview); err != nil {
		return nil, err
	}
	dup, err := loadCandidate(ctx, r.Host, rd.ID, r.Param("cid"))
	if err != nil {
		return nil, err
	}
	target, err := loadCandidate(ctx, r.Host, rd.ID, in.Into)
	if err != nil {
		return nil, scene.Invalid(scene.Field("into", scene.T("合并目标不是本年度的候选项目。", "The target is not a candidate of this round.")))
	}
	if dup.ID == target.ID || dup.Status == statusMerged || target.Status == statusMerged {
		return nil, scene.Conflict("candidate.merge", scene.T("不能合并到自身或已合并的项目。", "A candidate cannot be merged into itself or into a merged one."))
	}
	before := dup.Status
	dup.Status, dup.MergedInto = statusMerged, target.ID
	if _, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "update", Collection: colCandidates, ID: dup.ID, Version: dup.Version, Data: dup.Candidate}}, nil,
		audit("candidate.merge", rd.ID, map[string]any{"candidate": dup.ID, "status": before},
			map[string]any{"candidate": dup.ID, "merged_into": target.ID})); err != nil {
		return nil, err
	}
	return ok(map[string]any{"id": dup.ID, "merged_into": target.ID})
}

type exclusion struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

type shortlistIn struct {
	// Included are the candidates on the ballot, in ballot-paper order.
	Included []string    `json:"included"`
	Excluded []exclusion `json:"excluded"`
}

// shortlist decides the ballot: every candidate not merged must be either included or excluded
// with a reason. It may be redone until the ballot opens.
func (sv *service) shortlist(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in shortlistIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if err := needPhase(rd, PhaseReview); err != nil {
		return nil, err
	}
	cs, err := candidatesOf(ctx, r.Host, rd.ID)
	if err != nil {
		return nil, err
	}
	byID := map[string]*CandidateJSON{}
	for i := range cs {
		if cs[i].Status != statusMerged {
			byID[cs[i].ID] = &cs[i]
		}
	}
	var v scene.Validator
	seen := map[string]bool{}
	v.Check(len(in.Included) > 0, "included", scene.T("至少须有一个票决候选项目。", "At least one candidate must be on the ballot."))
	for i, id := range in.Included {
		path := "included[" + itoa(i) + "]"
		v.Check(byID[id] != nil, path, scene.T("不是本年度的候选项目（或已被合并）。", "Not a candidate of this round (or merged)."))
		v.Check(!seen[id], path, scene.T("重复列出。", "Listed twice."))
		seen[id] = true
	}
	for i, x := range in.Excluded {
		path := "excluded[" + itoa(i) + "]"
		v.Check(byID[x.ID] != nil, path+".id", scene.T("不是本年度的候选项目（或已被合并）。", "Not a candidate of this round (or merged)."))
		v.Check(!seen[x.ID], path+".id", scene.T("重复列出。", "Listed twice."))
		v.Check(strings.TrimSpace(x.Reason) != "", path+".reason", scene.T("未入选须说明理由。", "Give a reason for leaving it out."))
		v.MaxLen(path+".reason", x.Reason, 500)
		seen[x.ID] = true
	}
	for _, c := range cs {
		if c.Status != statusMerged && !seen[c.ID] {
			v.Check(false, "excluded", scene.T("候选项目“"+c.Title+"”既未入选也未说明不入选理由。",
				"Candidate \""+c.Title+"\" is neither shortlisted nor left out with a reason."))
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if rd.Ballot != nil && rd.Ballot.State != BallotNone && rd.Ballot.State != BallotReady {
		return nil, errBallotLocked
	}
	var writes []scene.Write
	for _, id := range in.Included {
		c := byID[id]
		c.Status, c.Reason = statusShortlisted, ""
		writes = append(writes, scene.Write{Op: "update", Collection: colCandidates, ID: c.ID, Version: c.Version, Data: c.Candidate})
	}
	for _, x := range in.Excluded {
		c := byID[x.ID]
		c.Status, c.Reason = statusExcluded, strings.TrimSpace(x.Reason)
		writes = append(writes, scene.Write{Op: "update", Collection: colCandidates, ID: c.ID, Version: c.Version, Data: c.Candidate})
	}
	if rd.Ballot == nil {
		rd.Ballot = &BallotConfig{}
	}
	rd.Ballot.Candidates = in.Included
	if rd.Ballot.Rules.Mode != "" {
		if err := rd.Ballot.check(); err != nil {
			return nil, err
		}
	}
	writes = append(writes, scene.Write{Op: "update", Collection: colRounds, ID: rd.ID, Version: rd.Version, Data: rd.Round})
	for start := 0; start < len(writes); start += 100 {
		// A round's writes go last, in the final batch, with the audit entry, so a failed batch
		// leaves the shortlist unchanged and unaudited; candidates updated by an earlier batch
		// are fixed by redoing it.
		end := min(start+100, len(writes))
		var audits []scene.AuditDraft
		if end == len(writes) {
			audits = append(audits, audit("round.shortlist", rd.ID, nil, in))
		}
		if _, err := r.Host.Store().Batch(ctx, writes[start:end], nil, audits...); err != nil {
			return nil, err
		}
	}
	return ok(map[string]any{"included": in.Included, "excluded": in.Excluded})
}

func (sv *service) publicRound(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	out := map[string]any{"id": rd.ID, "year": rd.Year, "title": rd.Title, "phase": rd.Phase, "tenant": rd.Tenant}
	if rd.Phase == PhaseCollecting || rd.Phase == PhaseReview {
		cs, err := candidatesOf(ctx, r.Host, rd.ID)
		if err != nil {
			return nil, err
		}
		type idea struct {
			ID       string `json:"id"`
			Title    string `json:"title"`
			Source   string `json:"source"`
			Supports int64  `json:"supports"`
		}
		ideas := []idea{}
		for _, c := range cs {
			if c.Status != statusMerged {
				ideas = append(ideas, idea{ID: c.ID, Title: c.Title, Source: c.Source, Supports: c.Supports})
			}
		}
		out["candidates"] = ideas
	}
	if rd.PublicResult && rd.Result != nil {
		out["result"] = rd.Result
	}
	return ok(out)
}
