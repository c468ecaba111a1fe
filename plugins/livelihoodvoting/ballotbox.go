package livelihoodvoting

// How a secret ballot keeps voter and choice apart.
//
// A cast writes two documents: a voter record (collection voters, id round.deputy: it makes a
// second vote impossible and gives the turnout) and a sealed ballot (the ballot, its salt and
// receipt; no voter, no time of its own) in the urn. They must be written in
// one transaction, or a crash could count a ballot without its voter or the reverse. So casts
// go through a group committer (committer.go): the casts that arrive while a transaction is
// being written are written together in the next one, voter records in deputy order and the
// group's sealed ballots in a random order in one urn document, so within a transaction
// neither row order, commit id nor creation time pairs a voter with a ballot.
//
// At the count, the urn is emptied into the hash chain (collection entries), built afresh in
// the order of the receipts (random, unrelated to casting), and the urn's documents are
// deleted. After the count, no stored document that holds a choice was written at a time
// related to any vote. The remaining links are stated in the README: while the ballot is open,
// a reader of the database can tell which transaction a sealed ballot came in with (a group of
// casts, or one cast when it came alone), and deleted rows stay in PostgreSQL's pages and WAL
// until vacuumed and recycled.
//
// Nothing else links them either: the cast writes no audit entry and no log line, refuses an
// Idempotency-Key (the platform would store the answer, with the receipt, under the voter's
// account), and the duty ledger's "voted" entries are written at the count, in deputy order.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
	"github.com/renda-platform/renda/plugins/scene"
)

// BallotConfig is a round's ballot: the candidates in ballot-paper order, the rules, whether it
// is secret, its window and its state.
type BallotConfig struct {
	Candidates []string     `json:"candidates"`
	Rules      ballot.Rules `json:"rules"`
	Secret     bool         `json:"secret"`
	// OpensAt and ClosesAt, when set, open and close the ballot on schedule; a vote outside
	// them is refused whatever the state.
	OpensAt  *time.Time `json:"opens_at,omitempty"`
	ClosesAt *time.Time `json:"closes_at,omitempty"`
	State    string     `json:"state"`
	OpenedAt *time.Time `json:"opened_at,omitempty"`
	OpenedBy string     `json:"opened_by,omitempty"`
	ClosedAt *time.Time `json:"closed_at,omitempty"`
	ClosedBy string     `json:"closed_by,omitempty"`
}

func (b *BallotConfig) ids() []ballot.CandidateID {
	out := make([]ballot.CandidateID, len(b.Candidates))
	for i, c := range b.Candidates {
		out[i] = ballot.CandidateID(c)
	}
	return out
}

// check validates the rules against the candidates, with Seats made plausible when not yet
// known (it is the electorate's size, fixed when the ballot opens).
func (b *BallotConfig) check() error {
	r := b.Rules
	if r.Seats == 0 {
		r.Seats = 1
	}
	return problemsOf(r.Check(b.ids()), "rules.")
}

// problemsOf turns ballot problems into an invalid Problem.
func problemsOf(ps ballot.Problems, prefix string) error {
	if len(ps) == 0 {
		return nil
	}
	fields := make([]scene.FieldProblem, len(ps))
	for i, p := range ps {
		path := p.Field
		if !strings.HasPrefix(path, "rules.") && prefix == "rules." {
			path = "rules." + path
		}
		fields[i] = scene.Field(strings.TrimPrefix(path, "rules.rules."), scene.T(p.MessageZH, p.Message))
	}
	if prefix != "rules." {
		for i := range fields {
			fields[i].Path = strings.TrimPrefix(fields[i].Path, "rules.")
		}
	}
	return scene.Invalid(fields...)
}

// Box is the live state of an open ballot: one document per round, updated by every committed
// group of casts, so that closing and casting are ordered (a group written against the box of
// an open ballot cannot commit after the close).
type Box struct {
	RoundID      string     `json:"round_id"`
	State        string     `json:"state"`
	Secret       bool       `json:"secret"`
	Seats        int        `json:"seats"`
	Pages        int        `json:"pages"`
	OpensAt      *time.Time `json:"opens_at,omitempty"`
	ClosesAt     *time.Time `json:"closes_at,omitempty"`
	Voted        int        `json:"voted"`
	Online       int        `json:"online"`
	PaperVoters  int        `json:"paper_voters"`
	Ballots      int        `json:"ballots"`
	PaperBallots int        `json:"paper_ballots"`
}

var (
	errBallotLocked = scene.Conflict("ballot.locked", scene.T("表决已开始，候选项目和表决规则不能再改。",
		"The ballot has opened; its candidates and rules can no longer change."))
	errBallotNotOpen = scene.Conflict("ballot.not_open", scene.T("现在不在投票时间内（表决未开始或已结束）。",
		"The ballot is not open now (not yet opened, or closed)."))
	errAlreadyVoted = scene.Conflict("ballot.already_voted", scene.T("您已经投过票，每位代表只能投一次。",
		"You have already voted; each deputy votes once."))
	errNotSeated = scene.Forbidden("ballot.not_seated", scene.T("您不在本次会议应到代表名单中，不能投票。",
		"You are not among the deputies seated at this session, so you cannot vote."))
)

func (sv *service) registerBallot(s *scene.Scene) {
	s.Handle(http.MethodPut, "/rounds/{id}/ballot", permManage, scene.T("设定表决规则", "Set the ballot rules"), sv.configure)
	s.Handle(http.MethodPost, "/rounds/{id}/ballot/open", permManage, scene.T("开始投票", "Open the ballot"), sv.openNow)
	s.Handle(http.MethodPost, "/rounds/{id}/ballot/close", permManage, scene.T("结束投票", "Close the ballot"), sv.closeNow)
	s.Handle(http.MethodPost, "/rounds/{id}/ballot/cast", permCast, scene.T("投票", "Cast a ballot"), sv.cast)
	s.Handle(http.MethodGet, "/rounds/{id}/ballot/turnout", permRead, scene.T("投票进度", "Turnout"), sv.turnout)
	s.OnJob(jobOpen, "", sv.scheduledOpen)
	s.OnJob(jobClose, "", sv.scheduledClose)
}

type configIn struct {
	Mode     ballot.Mode     `json:"mode"`
	K        int             `json:"k"`
	Pass     ballot.PassRule `json:"pass"`
	Secret   bool            `json:"secret"`
	OpensAt  *time.Time      `json:"opens_at"`
	ClosesAt *time.Time      `json:"closes_at"`
}

// configure sets the ballot's rules, in review or in the voting phase before it opens.
func (sv *service) configure(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in configIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	if in.OpensAt != nil && in.ClosesAt != nil && !in.ClosesAt.After(*in.OpensAt) {
		return nil, scene.Invalid(scene.Field("closes_at", scene.T("结束时间须晚于开始时间。", "The ballot must close after it opens.")))
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if err := needPhase(rd, PhaseReview, PhaseVoting); err != nil {
		return nil, err
	}
	if rd.Ballot == nil || len(rd.Ballot.Candidates) == 0 {
		return nil, phaseConflict("ballot.no_shortlist", "须先确定票决候选项目。", "Shortlist the candidates first.")
	}
	if rd.Ballot.State != BallotNone && rd.Ballot.State != BallotReady {
		return nil, errBallotLocked
	}
	before := *rd.Ballot
	b := rd.Ballot
	b.Rules = ballot.Rules{Mode: in.Mode, K: in.K, Pass: in.Pass}
	if b.Rules.Pass == "" {
		b.Rules.Pass = ballot.PassSeatedMajority
	}
	b.Secret, b.OpensAt, b.ClosesAt, b.State = in.Secret, utc(in.OpensAt), utc(in.ClosesAt), BallotReady
	if err := b.check(); err != nil {
		return nil, err
	}
	// The opening and closing timers are stored with the rules.
	extras := []scene.BatchExtra{audit("ballot.configure", rd.ID, before, *b)}
	if b.OpensAt != nil {
		extras = append(extras, roundTimer(jobOpen, rd.ID+".open", rd.ID, *b.OpensAt))
	}
	if b.ClosesAt != nil {
		extras = append(extras, roundTimer(jobClose, rd.ID+".close", rd.ID, *b.ClosesAt))
	}
	if err := saveRound(ctx, r.Host, &rd, nil, extras...); err != nil {
		return nil, err
	}
	return ok(rd)
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func (sv *service) openNow(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := sv.open(ctx, r.Host, r.Param("id"), r.Principal.UserID, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	return ok(rd)
}

type roundJob struct {
	RoundID string `json:"round_id"`
	// At is the time an opening or closing was scheduled for (absent in timers set before it
	// was carried, and in count jobs).
	At *time.Time `json:"at,omitempty"`
}

func (sv *service) scheduledOpen(ctx context.Context, j *scene.Job) error {
	var p roundJob
	if err := jsonDecode(j.Payload, &p); err != nil {
		return nil
	}
	if act, err := stillDue(ctx, j.Host, jobOpen, p.RoundID+".open", p, func(b *BallotConfig) *time.Time { return b.OpensAt }); !act {
		return err
	}
	_, err := sv.open(ctx, j.Host, p.RoundID, "schedule", time.Now().UTC())
	if _, isP := scene.AsProblem(err); isP {
		return nil // opened by hand already, or no longer possible: nothing to retry
	}
	return err
}

// stillDue checks a scheduled opening or closing (p) against the round as it is now. Staff
// may have removed the time since (a timer cannot be cancelled: it fires anyway), or moved it
// later while an old timer still fires (replayed, or set before the move). It says whether to
// act now; a time moved later is scheduled again.
func stillDue(ctx context.Context, h scene.Host, job, key string, p roundJob, at func(*BallotConfig) *time.Time) (bool, error) {
	rd, err := loadRound(ctx, h, p.RoundID)
	if _, isP := scene.AsProblem(err); isP {
		return false, nil // the round is gone
	}
	if err != nil {
		return false, err
	}
	if rd.Ballot == nil || at(rd.Ballot) == nil {
		return false, nil
	}
	when := *at(rd.Ballot)
	if p.At != nil && !p.At.Equal(when) && when.After(time.Now()) {
		return false, h.Schedule(ctx, job, when, key, roundJob{RoundID: p.RoundID, At: &when})
	}
	return true, nil
}

// open snapshots the electorate (the deputies seated now) and opens the ballot.
func (sv *service) open(ctx context.Context, h scene.Host, id, by string, now time.Time) (RoundJSON, error) {
	rd, err := loadRound(ctx, h, id)
	if err != nil {
		return rd, err
	}
	if err := needPhase(rd, PhaseVoting); err != nil {
		return rd, err
	}
	b := rd.Ballot
	if b == nil || b.State != BallotReady {
		return rd, scene.Conflict("ballot.not_ready", scene.T("表决规则未设定，或已开始过投票。", "The rules are not set, or the ballot has already been opened."))
	}
	if b.ClosesAt != nil && !now.Before(*b.ClosesAt) {
		return rd, scene.Conflict("ballot.window_passed", scene.T("预定的投票结束时间已过。", "The scheduled close has passed."))
	}
	seated, err := seatedDeputies(ctx, h)
	if err != nil {
		return rd, err
	}
	if len(seated) == 0 {
		return rd, scene.Conflict("ballot.no_electorate", scene.T("名录中没有在任代表。", "The directory has no seated deputies."))
	}
	b.Rules.Seats = len(seated)
	if err := problemsOf(b.Rules.Check(b.ids()), "rules."); err != nil {
		return rd, err
	}
	b.State, b.OpenedAt, b.OpenedBy = BallotOpen, &now, by
	pages := electoratePages(rd.ID, seated)
	box := Box{RoundID: rd.ID, State: BallotOpen, Secret: b.Secret, Seats: len(seated), Pages: len(pages), OpensAt: b.OpensAt, ClosesAt: b.ClosesAt}
	writes := []scene.Write{{Op: "update", Collection: colRounds, ID: rd.ID, Version: rd.Version, Data: rd.Round},
		{Op: "create", Collection: colBoxes, ID: rd.ID, Data: box}}
	writes = append(writes, pages...)
	if len(writes) > 100 {
		return rd, scene.Conflict("ballot.electorate_too_large", scene.T("代表人数超出单次表决上限。", "The electorate is too large for one ballot."))
	}
	if _, err := h.Store().Batch(ctx, writes, nil,
		audit("ballot.open", rd.ID, nil, map[string]any{"seats": len(seated), "by": by, "secret": b.Secret, "rules": b.Rules})); err != nil {
		return rd, err
	}
	rd.Version++
	return rd, nil
}

func (sv *service) closeNow(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := sv.close(ctx, r.Host, r.Param("id"), r.Principal.UserID, countSafetyNet)
	if err != nil {
		return nil, err
	}
	// Count at once when nothing is outstanding; a large count goes on in a job. Outstanding
	// paper ballots (a problem) leave the count to staff.
	if err := sv.countOrContinue(ctx, r.Host, rd.ID, 5*time.Second); err != nil {
		if _, isP := scene.AsProblem(err); !isP {
			return nil, err
		}
	}
	rd, err = loadRound(ctx, r.Host, rd.ID)
	if err != nil {
		return nil, err
	}
	return ok(rd)
}

func (sv *service) scheduledClose(ctx context.Context, j *scene.Job) error {
	var p roundJob
	if err := jsonDecode(j.Payload, &p); err != nil {
		return nil
	}
	if act, err := stillDue(ctx, j.Host, jobClose, p.RoundID+".close", p, func(b *BallotConfig) *time.Time { return b.ClosesAt }); !act {
		return err
	}
	_, err := sv.close(ctx, j.Host, p.RoundID, "schedule", 0)
	if _, isP := scene.AsProblem(err); isP {
		return nil
	}
	return err
}

// countSafetyNet is when the count job runs after a close by hand, which counts in the request
// itself: should the request die before it has counted, the job counts; if the request did,
// counting again does nothing.
const countSafetyNet = 30 * time.Second

// close ends online voting: the box is closed in the same transaction as the round, so no
// group of casts written against the open box commits afterwards. The count job, countIn
// later, is stored with the close (a scheduled close retried after it committed finds the
// ballot closed and does nothing).
func (sv *service) close(ctx context.Context, h scene.Host, id, by string, countIn time.Duration) (RoundJSON, error) {
	for attempt := 0; ; attempt++ {
		rd, err := loadRound(ctx, h, id)
		if err != nil {
			return rd, err
		}
		if rd.Ballot == nil || rd.Ballot.State != BallotOpen {
			return rd, scene.Conflict("ballot.not_open", scene.T("投票未在进行中。", "The ballot is not open."))
		}
		box, ver, err := loadBox(ctx, h, rd.ID)
		if err != nil {
			return rd, err
		}
		now := time.Now().UTC()
		rd.Ballot.State, rd.Ballot.ClosedAt, rd.Ballot.ClosedBy = BallotClosed, &now, by
		box.State = BallotClosed
		extras := []scene.BatchExtra{audit("ballot.close", rd.ID, nil, map[string]any{"by": by, "voted": box.Voted, "seats": box.Seats}),
			roundTimer(jobCount, rd.ID+".count", rd.ID, now.Add(countIn))}
		_, err = h.Store().BatchWith(ctx, []scene.Write{
			{Op: "update", Collection: colRounds, ID: rd.ID, Version: rd.Version, Data: rd.Round},
			{Op: "update", Collection: colBoxes, ID: rd.ID, Version: ver, Data: box}}, nil, extras...)
		if p, isP := scene.AsProblem(err); isP && p.Code == scene.CodeConflict && attempt < 20 {
			continue // a group of casts committed meanwhile
		}
		if err != nil {
			return rd, err
		}
		rd.Version++
		return rd, nil
	}
}

func loadBox(ctx context.Context, h scene.Host, roundID string) (Box, int64, error) {
	d, err := h.Store().Get(ctx, colBoxes, roundID)
	if err != nil {
		return Box{}, 0, err
	}
	var b Box
	return b, d.Version, d.Decode(&b)
}

// Turnout is the live progress of a ballot: how many voted, never how.
type Turnout struct {
	State        string `json:"state"`
	Seats        int    `json:"seats"`
	Voted        int    `json:"voted"`
	Online       int    `json:"online"`
	PaperVoters  int    `json:"paper_voters"`
	Ballots      int    `json:"ballots"`
	PaperBallots int    `json:"paper_ballots"`
	PendingPaper int64  `json:"pending_paper"`
	// Voted reports whether the caller has voted.
	YouVoted bool `json:"you_voted"`
}

func (sv *service) turnout(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	if rd.Ballot == nil || rd.Ballot.State == BallotNone || rd.Ballot.State == BallotReady {
		return ok(Turnout{State: stateOf(rd)})
	}
	box, _, err := loadBox(ctx, r.Host, rd.ID)
	if err != nil {
		return nil, err
	}
	t := Turnout{State: rd.Ballot.State, Seats: box.Seats, Voted: box.Voted, Online: box.Online, PaperVoters: box.PaperVoters,
		Ballots: box.Ballots, PaperBallots: box.PaperBallots}
	if t.PendingPaper, err = countDocs(ctx, r.Host, colPaper, scene.Eq("round_id", rd.ID)); err != nil {
		return nil, err
	}
	if did := r.Principal.DeputyID; did != "" {
		_, err := r.Host.Store().Get(ctx, colVoters, voterID(rd.ID, did))
		t.YouVoted = err == nil
	}
	return ok(t)
}

func stateOf(rd RoundJSON) string {
	if rd.Ballot == nil {
		return BallotNone
	}
	return rd.Ballot.State
}

func voterID(roundID, deputyID string) string { return roundID + "." + idPart(deputyID) }

// idPart makes a directory id safe as part of a document id: itself when it is plain (the
// platform's ids are UUIDs), else a hash of it.
func idPart(id string) string {
	if len(id) <= 40 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == "" {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "h" + hex.EncodeToString(sum[:16])
}

// Voter is the record that a deputy voted. In a recorded ballot it also holds the ballot; in a
// secret one it holds nothing else.
type Voter struct {
	RoundID  string `json:"round_id"`
	DeputyID string `json:"deputy_id"`
	Channel  string `json:"channel"`
	Ballot   string `json:"ballot,omitempty"`
	Receipt  string `json:"receipt,omitempty"`
}

// urnDoc is one committed group's sealed ballots, in a random order, waiting for the count.
type urnDoc struct {
	RoundID string      `json:"round_id"`
	Ballots []urnBallot `json:"ballots"`
}

// urnBallot is a sealed ballot in the urn. The ballot is kept as a JSON string: PostgreSQL's
// jsonb would re-format an object, and the receipt is over exact bytes.
type urnBallot struct {
	Ballot  string `json:"ballot"`
	Salt    string `json:"salt"`
	Receipt string `json:"receipt"`
}

func toUrn(s ballot.Sealed) urnBallot {
	return urnBallot{Ballot: string(s.Ballot), Salt: s.Salt, Receipt: s.Receipt}
}

func (u urnBallot) sealed() ballot.Sealed {
	return ballot.Sealed{Ballot: json.RawMessage(u.Ballot), Salt: u.Salt, Receipt: u.Receipt}
}

type castIn struct {
	Choices  map[ballot.CandidateID]ballot.Choice `json:"choices"`
	Selected []ballot.CandidateID                 `json:"selected"`
}

func (in castIn) ballot() ballot.Ballot {
	return ballot.Ballot{Choices: in.Choices, Selected: in.Selected}
}

// CastJSON is the answer to a cast: the receipt only.
type CastJSON struct {
	Receipt string `json:"receipt"`
}

var errIdempotencyKey = scene.Invalid(scene.Field("Idempotency-Key", scene.T(
	"无记名投票不接受 Idempotency-Key：平台会把回执存在您的账号下，从而把您与选票联系起来。重试投票会得到“已投票”。",
	"A secret ballot refuses Idempotency-Key: the platform would keep the answer, with your receipt, under your account, linking you to your ballot. A retried vote is answered \"already voted\".")))

// cast takes a deputy's ballot. Nothing about it is audited or logged.
func (sv *service) cast(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in castIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	deputy := r.Principal.DeputyID
	if deputy == "" {
		return nil, errNotSeated
	}
	roundID := r.Param("id")
	phase, b, err := sv.ballots.open(ctx, r.Host, r.Tenant.Slug, roundID)
	if err != nil {
		return nil, err
	}
	if phase != PhaseVoting || b == nil || b.State != BallotOpen || !inWindow(b, time.Now()) {
		return nil, errBallotNotOpen
	}
	if b.Secret && hasHeader(r.Headers, "Idempotency-Key") {
		return nil, errIdempotencyKey
	}
	seated, err := sv.seats.seated(ctx, r.Host, r.Tenant.Slug, roundID, deputy)
	if err != nil {
		return nil, err
	}
	if !seated {
		return nil, errNotSeated
	}
	bal := in.ballot()
	if err := problemsOf(ballot.Validate(bal, b.Rules, b.ids()), ""); err != nil {
		return nil, err
	}
	vid := voterID(roundID, deputy)
	if sv.commit.voted(r.Tenant.Slug, roundID, vid) {
		return nil, errAlreadyVoted
	}
	// Only a recorded ballot's paper names its deputy. A paper keyed after this check is
	// refused at its confirmation, when the voter record exists.
	if !b.Secret {
		if _, err := r.Host.Store().Get(ctx, colPaper, paperID(roundID, deputy)); err == nil {
			return nil, errPaperPending
		}
	}
	sealed, err := ballot.Seal(bal)
	if err != nil {
		return nil, err
	}
	v := Voter{RoundID: roundID, DeputyID: deputy, Channel: "online"}
	if !b.Secret {
		v.Ballot, v.Receipt = string(sealed.Ballot), sealed.Receipt
	}
	it := &item{needOpen: true, voter: vid, online: 1, sealed: &sealed,
		writes: []scene.Write{{Op: "create", Collection: colVoters, ID: vid, Data: v}}}
	if err := sv.commit.submit(ctx, r.Host, r.Tenant.Slug, roundID, it); err != nil {
		return nil, err
	}
	return created(CastJSON{Receipt: sealed.Receipt})
}

func inWindow(b *BallotConfig, now time.Time) bool {
	return (b.OpensAt == nil || !now.Before(*b.OpensAt)) && (b.ClosesAt == nil || now.Before(*b.ClosesAt))
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

type electoratePage struct {
	RoundID  string   `json:"round_id"`
	Page     int      `json:"page"`
	Deputies []string `json:"deputies"`
}

const electoratePageSize = 2000

func electoratePages(roundID string, ids []string) []scene.Write {
	var out []scene.Write
	for i := 0; i < len(ids); i += electoratePageSize {
		p := electoratePage{RoundID: roundID, Page: len(out), Deputies: ids[i:min(i+electoratePageSize, len(ids))]}
		out = append(out, scene.Write{Op: "create", Collection: colElectorate, ID: roundID + ".e" + itoa(p.Page), Data: p})
	}
	return out
}

// seatedDeputies lists the congress's deputies whose status is active, sorted.
func seatedDeputies(ctx context.Context, h scene.Host) ([]string, error) {
	var out []string
	cursor := ""
	for {
		page, next, err := h.Deputies(ctx, "", 200, cursor)
		if err != nil {
			return nil, err
		}
		for _, d := range page {
			if d.Attributes["status"] == "active" {
				out = append(out, d.ID)
			}
		}
		if next == "" {
			slices.Sort(out)
			return slices.Compact(out), nil
		}
		cursor = next
	}
}
