package livelihoodvoting

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
	"github.com/renda-platform/renda/plugins/scene"
)

// Paper ballots are entered by two staff members: one keys the ballot in, a second keys it in
// again and the two must agree before it goes into the urn.
//
// In a recorded ballot the paper names its deputy, who then cannot vote online (nor the other
// way round: the voter record is unique). In a secret ballot the paper is anonymous, as in the
// ballot box: staff first record which deputies voted on paper (the roll), then enter the
// papers themselves, with no deputy; there are never more paper ballots than paper voters.

// PaperBallot is a paper ballot keyed in once, waiting for the second person.
type PaperBallot struct {
	RoundID   string    `json:"round_id"`
	DeputyID  string    `json:"deputy_id,omitempty"`
	Ballot    string    `json:"ballot,omitempty"`
	EnteredBy string    `json:"entered_by"`
	At        time.Time `json:"at"`
}

// PaperJSON is a pending paper ballot as the API shows it: without what
// the first person keyed (Ballot is empty), so that the second person keys
// the paper again rather than copying the first entry.
type PaperJSON struct {
	ID string `json:"id"`
	PaperBallot
}

var (
	errPaperPending = scene.Conflict("paper.pending", scene.T("您的纸质选票正在录入，不能再网上投票。",
		"Your paper ballot is being entered; you cannot also vote online."))
	errPaperNotFound = scene.NotFound("paper.not_found", scene.T("找不到该待确认的纸质选票。", "No such paper ballot waiting for confirmation."))
)

func paperID(roundID, deputyID string) string { return roundID + ".p." + idPart(deputyID) }

func (sv *service) registerPaper(s *scene.Scene) {
	s.Handle(http.MethodPost, "/rounds/{id}/paper/voters", permManage, scene.T("登记纸质投票代表（无记名）", "Record a deputy voting on paper (secret ballot)"), sv.paperVoter)
	s.Handle(http.MethodPost, "/rounds/{id}/paper/ballots", permManage, scene.T("录入纸质选票", "Enter a paper ballot"), sv.enterPaper)
	s.Handle(http.MethodGet, "/rounds/{id}/paper/ballots", permManage, scene.T("待确认的纸质选票", "Paper ballots waiting for confirmation"), sv.listPaper)
	s.Handle(http.MethodPost, "/rounds/{id}/paper/ballots/{pid}/confirm", permManage, scene.T("复核确认纸质选票", "Confirm a paper ballot"), sv.confirmPaper)
	s.Handle(http.MethodDelete, "/rounds/{id}/paper/ballots/{pid}", permManage, scene.T("作废录入错误的纸质选票", "Discard a mis-keyed paper ballot"), sv.discardPaper)
}

type paperVoterIn struct {
	DeputyID string `json:"deputy_id"`
}

func (in *paperVoterIn) Validate() error {
	var v scene.Validator
	v.Required("deputy_id", in.DeputyID)
	return v.Err()
}

// paperVoter records that a deputy voted on paper in a secret ballot.
func (sv *service) paperVoter(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in paperVoterIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	b := rd.Ballot
	if b == nil || b.State != BallotOpen || !inWindow(b, time.Now()) {
		return nil, errBallotNotOpen
	}
	if !b.Secret {
		return nil, scene.Conflict("paper.recorded", scene.T("记名表决的纸质选票直接注明代表，请用录入纸质选票。",
			"In a recorded ballot a paper ballot names its deputy: enter the ballot instead."))
	}
	if err := sv.mustBeSeated(ctx, r.Host, r.Tenant.Slug, rd.ID, in.DeputyID); err != nil {
		return nil, err
	}
	id := voterID(rd.ID, in.DeputyID)
	if _, err := r.Host.Store().Get(ctx, colVoters, id); err == nil {
		return nil, errPaperAlreadyVoted
	}
	a := audit("ballot.paper_voter", rd.ID, nil, map[string]string{"deputy_id": in.DeputyID})
	it := &item{needOpen: true, voter: id, paper: 1, audit: &a, writes: []scene.Write{
		{Op: "create", Collection: colVoters, ID: id, Data: Voter{RoundID: rd.ID, DeputyID: in.DeputyID, Channel: "paper"}}}}
	if err := sv.commit.submit(ctx, r.Host, r.Tenant.Slug, rd.ID, it); err != nil {
		if err == errAlreadyVoted {
			return nil, errPaperAlreadyVoted
		}
		return nil, err
	}
	return created(map[string]string{"deputy_id": in.DeputyID, "channel": "paper"})
}

var errPaperAlreadyVoted = scene.Conflict("paper.already_voted", scene.T("该代表已经投过票（网上或纸质），不能重复投票。",
	"This deputy has already voted (online or on paper) and cannot vote twice."))

func (sv *service) mustBeSeated(ctx context.Context, h scene.Host, tenant, roundID, deputy string) error {
	seated, err := sv.seats.seated(ctx, h, tenant, roundID, deputy)
	if err != nil {
		return err
	}
	if !seated {
		return scene.Invalid(scene.Field("deputy_id", scene.T("该代表不在本次会议应到代表名单中。", "This deputy is not among those seated at the session.")))
	}
	return nil
}

type paperIn struct {
	DeputyID string `json:"deputy_id"`
	castIn
}

// paperState refuses paper entry unless the ballot is open, or closed and not yet counted.
func paperState(rd RoundJSON) error {
	b := rd.Ballot
	if b == nil || (b.State != BallotOpen && b.State != BallotClosed) {
		return scene.Conflict("paper.not_now", scene.T("只能在投票开始后、计票之前录入纸质选票。",
			"Paper ballots are entered after the ballot opens and before the count."))
	}
	return nil
}

// enterPaper keys a paper ballot in (first person).
func (sv *service) enterPaper(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in paperIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if err := paperState(rd); err != nil {
		return nil, err
	}
	b := rd.Ballot
	bal := in.ballot()
	if err := problemsOf(ballot.Validate(bal, b.Rules, b.ids()), ""); err != nil {
		return nil, err
	}
	raw, err := ballot.Canonical(bal)
	if err != nil {
		return nil, err
	}
	id := urnID()
	switch {
	case b.Secret && in.DeputyID != "":
		return nil, scene.Invalid(scene.Field("deputy_id", scene.T("无记名选票不注明代表。", "A secret paper ballot names no deputy.")))
	case b.Secret:
		box, _, err := loadBox(ctx, r.Host, rd.ID)
		if err != nil {
			return nil, err
		}
		pending, err := countDocs(ctx, r.Host, colPaper, scene.Eq("round_id", rd.ID))
		if err != nil {
			return nil, err
		}
		if int64(box.PaperBallots)+pending >= int64(box.PaperVoters) {
			return nil, errTooManyPaper
		}
	default:
		if in.DeputyID == "" {
			return nil, scene.Invalid(scene.Field("deputy_id", scene.T("记名表决的纸质选票须注明代表。", "A recorded paper ballot names its deputy.")))
		}
		if err := sv.mustBeSeated(ctx, r.Host, r.Tenant.Slug, rd.ID, in.DeputyID); err != nil {
			return nil, err
		}
		if _, err := r.Host.Store().Get(ctx, colVoters, voterID(rd.ID, in.DeputyID)); err == nil {
			return nil, errPaperAlreadyVoted
		}
		id = paperID(rd.ID, in.DeputyID)
	}
	p := PaperBallot{RoundID: rd.ID, DeputyID: in.DeputyID, Ballot: string(raw), EnteredBy: r.Principal.UserID, At: time.Now().UTC()}
	after := map[string]string{"paper_id": id}
	if in.DeputyID != "" {
		after["deputy_id"] = in.DeputyID
	}
	if _, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "create", Collection: colPaper, ID: id, Data: p}}, nil,
		audit("ballot.paper_entered", rd.ID, nil, after)); err != nil {
		if pr, isP := scene.AsProblem(err); isP && pr.Code == scene.CodeConflict {
			return nil, scene.Conflict("paper.exists", scene.T("该代表的纸质选票已录入，待复核。", "This deputy's paper ballot is already entered and waits for confirmation."))
		}
		return nil, err
	}
	p.Ballot = "" // not shown back: the second person keys it blind
	return created(PaperJSON{ID: id, PaperBallot: p})
}

// listPaper lists the paper ballots waiting for their second keying.
func (sv *service) listPaper(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	docs, err := queryAll(ctx, r.Host, colPaper, "created_at", scene.Eq("round_id", r.Param("id")))
	if err != nil {
		return nil, err
	}
	out := make([]PaperJSON, 0, len(docs))
	for _, d := range docs {
		p := PaperJSON{ID: d.ID}
		if err := d.Decode(&p.PaperBallot); err != nil {
			return nil, err
		}
		p.Ballot = ""
		out = append(out, p)
	}
	return ok(map[string]any{"items": out})
}

func loadPaper(ctx context.Context, h scene.Host, roundID, id string) (PaperBallot, int64, error) {
	d, err := h.Store().Get(ctx, colPaper, id)
	if err != nil {
		if p, isP := scene.AsProblem(err); isP && p.Code == scene.CodeNotFound {
			return PaperBallot{}, 0, errPaperNotFound
		}
		return PaperBallot{}, 0, err
	}
	var p PaperBallot
	if err := d.Decode(&p); err != nil {
		return p, 0, err
	}
	if p.RoundID != roundID {
		return p, 0, errPaperNotFound
	}
	return p, d.Version, nil
}

// confirmPaper is the second person keying the same ballot in; if the two agree, it is cast.
func (sv *service) confirmPaper(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in castIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if err := paperState(rd); err != nil {
		return nil, err
	}
	pid := r.Param("pid")
	p, ver, err := loadPaper(ctx, r.Host, rd.ID, pid)
	if err != nil {
		return nil, err
	}
	if p.EnteredBy == r.Principal.UserID {
		return nil, scene.Forbidden("paper.same_person", scene.T("复核须由另一名工作人员进行。", "A second staff member must confirm a paper ballot."))
	}
	raw, err := ballot.Canonical(in.ballot())
	if err != nil || string(raw) != p.Ballot {
		return nil, scene.Conflict("paper.mismatch", scene.T("两次录入不一致，请核对纸质选票；不一致的录入可作废后重录。",
			"The two entries differ; check the paper ballot. A wrong entry can be discarded and keyed in again."))
	}
	var bal ballot.Ballot
	if err := json.Unmarshal([]byte(p.Ballot), &bal); err != nil {
		return nil, err
	}
	sealed, err := ballot.Seal(bal)
	if err != nil {
		return nil, err
	}
	a := audit("ballot.paper_confirmed", rd.ID, nil, map[string]string{"paper_id": pid, "entered_by": p.EnteredBy})
	it := &item{paperBallots: 1, sealed: &sealed, audit: &a, writes: []scene.Write{{Op: "delete", Collection: colPaper, ID: pid, Version: ver}}}
	it.recheck = func(ctx context.Context, h scene.Host) error {
		_, _, err := loadPaper(ctx, h, rd.ID, pid)
		return err
	}
	if !rd.Ballot.Secret {
		vid := voterID(rd.ID, p.DeputyID)
		it.voter, it.paper = vid, 1
		it.writes = append(it.writes, scene.Write{Op: "create", Collection: colVoters, ID: vid,
			Data: Voter{RoundID: rd.ID, DeputyID: p.DeputyID, Channel: "paper", Ballot: string(sealed.Ballot), Receipt: sealed.Receipt}})
	}
	if err := sv.commit.submit(ctx, r.Host, r.Tenant.Slug, rd.ID, it); err != nil {
		if err == errAlreadyVoted {
			return nil, errPaperAlreadyVoted
		}
		return nil, err
	}
	return created(CastJSON{Receipt: sealed.Receipt})
}

func (sv *service) discardPaper(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	pid := r.Param("pid")
	if _, _, err := loadPaper(ctx, r.Host, r.Param("id"), pid); err != nil {
		return nil, err
	}
	if _, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "delete", Collection: colPaper, ID: pid}}, nil,
		audit("ballot.paper_discarded", r.Param("id"), map[string]string{"paper_id": pid}, nil)); err != nil {
		return nil, err
	}
	return scene.NoContent()
}
