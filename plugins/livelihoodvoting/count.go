package livelihoodvoting

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
	"github.com/renda-platform/renda/plugins/scene"
)

// Result is a published result: the count of every candidate and the chain head it was
// counted from.
type Result struct {
	Head      string       `json:"head"`
	Ballots   int64        `json:"ballots"`
	Seats     int          `json:"seats"`
	Voted     int          `json:"voted"`
	Secret    bool         `json:"secret"`
	Rules     ballot.Rules `json:"rules"`
	Threshold int64        `json:"threshold"`
	// TieAtCutoff: more candidates passed than K and the last adopted tied with the first not
	// adopted; the ballot-paper order decided.
	TieAtCutoff bool         `json:"tie_at_cutoff"`
	Candidates  []ResultLine `json:"candidates"`
	CountedAt   time.Time    `json:"counted_at"`
}

// ResultLine is one candidate's count.
type ResultLine struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	Department string `json:"department"`
	Budget     Yuan   `json:"budget"`
	Approve    int64  `json:"approve"`
	Oppose     int64  `json:"oppose"`
	Abstain    int64  `json:"abstain"`
	Passed     bool   `json:"passed"`
	Rank       int    `json:"rank"`
	Adopted    bool   `json:"adopted"`
}

// entryDoc is a chain entry as stored: one document per ballot, the ballot kept as a JSON
// string so that its hashed bytes survive jsonb.
type entryDoc struct {
	RoundID string `json:"round_id"`
	Seq     int64  `json:"seq"`
	Ballot  string `json:"ballot"`
	Receipt string `json:"receipt"`
	Salt    string `json:"salt"`
	Prev    string `json:"prev"`
	Hash    string `json:"hash"`
}

func toEntryDoc(roundID string, e ballot.Entry) entryDoc {
	return entryDoc{RoundID: roundID, Seq: e.Seq, Ballot: string(e.Ballot), Receipt: e.Receipt, Salt: e.Salt, Prev: e.Prev, Hash: e.Hash}
}

// readEntry reads a stored entry as it is, however it was changed: a field of the wrong type is
// kept as its raw JSON, so that verification reports the entry as edited rather than failing.
func readEntry(d *scene.Document) ballot.Entry {
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(d.Data, &raw)
	text := func(k string) string {
		var s string
		if json.Unmarshal(raw[k], &s) != nil {
			return string(raw[k])
		}
		return s
	}
	var seq int64
	if json.Unmarshal(raw["seq"], &seq) != nil {
		seq = -1
	}
	return ballot.Entry{Seq: seq, Ballot: json.RawMessage(text("ballot")), Receipt: text("receipt"), Salt: text("salt"), Prev: text("prev"), Hash: text("hash")}
}

func entryID(roundID string, seq int64) string { return fmt.Sprintf("%s.%07d", roundID, seq) }

func (sv *service) registerCount(s *scene.Scene) {
	s.Handle(http.MethodPost, "/rounds/{id}/ballot/count", permManage, scene.T("计票", "Count the ballot"), sv.countNow)
	s.Handle(http.MethodGet, "/rounds/{id}/result", permRead, scene.T("票决结果", "The result"), sv.result)
	s.Handle(http.MethodPost, "/rounds/{id}/result/publish", permManage, scene.T("向社会公布结果", "Publish the result to the public"), sv.publish)
	s.Handle(http.MethodGet, "/rounds/{id}/ballot/log", permRead, scene.T("选票链", "The ballot chain"), sv.log)
	s.Handle(http.MethodGet, "/rounds/{id}/ballot/verify", permRead, scene.T("核验选票链与结果", "Verify the chain and the result"), sv.verify)
	s.Handle(http.MethodPost, "/rounds/{id}/ballot/receipt", permRead, scene.T("核对回执", "Check a receipt"), sv.checkReceipt)
	s.Handle(http.MethodGet, "/rounds/{id}/ballot/roll", permRead, scene.T("投票代表名单", "Who voted"), sv.roll)
	s.OnJob(jobCount, "", sv.countJob)
}

var errNotCounted = scene.Conflict("ballot.not_counted", scene.T("尚未计票。", "The ballot has not been counted yet."))

func (sv *service) countNow(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	if err := sv.countOrContinue(ctx, r.Host, r.Param("id"), 6*time.Second); err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return ok(rd)
}

// countOrContinue counts for up to budget and leaves what is left of a large count (emptying
// the urn, the duty ledger's entries) to the count job. Counting again resumes where it
// stopped, so scheduling the job twice does no harm.
func (sv *service) countOrContinue(ctx context.Context, h scene.Host, roundID string, budget time.Duration) error {
	done, err := sv.count(ctx, h, roundID, time.Now().Add(budget))
	if err != nil || done {
		return err
	}
	return h.Schedule(ctx, jobCount, time.Now(), roundID+".count", roundJob{RoundID: roundID})
}

func (sv *service) countJob(ctx context.Context, j *scene.Job) error {
	var p roundJob
	if err := jsonDecode(j.Payload, &p); err != nil {
		return nil
	}
	done, err := sv.count(ctx, j.Host, p.RoundID, time.Now().Add(6*time.Second))
	if _, isP := scene.AsProblem(err); isP {
		return nil // waiting for paper ballots, or nothing to count: staff count by hand
	}
	if err != nil || done {
		return err
	}
	return j.Host.Schedule(ctx, jobCount, time.Now(), p.RoundID+".count", p)
}

// count counts a closed ballot, in steps that each end by deadline and can be resumed: build
// the chain from the urn in receipt order, tally it as stored and publish the result; then
// empty the urn and record the votes in the duty ledger. It reports whether all is done.
func (sv *service) count(ctx context.Context, h scene.Host, roundID string, deadline time.Time) (bool, error) {
	if d, has := ctx.Deadline(); has && d.Add(-2*time.Second).Before(deadline) {
		deadline = d.Add(-2 * time.Second)
	}
	rd, err := loadRound(ctx, h, roundID)
	if err != nil {
		return false, err
	}
	b := rd.Ballot
	if b == nil || (b.State != BallotClosed && b.State != BallotCounted) {
		return false, scene.Conflict("ballot.not_closed", scene.T("投票结束后才能计票。", "The ballot is counted after it closes."))
	}
	if b.State == BallotClosed {
		counted, err := sv.tally(ctx, h, &rd, deadline)
		if err != nil || !counted {
			return false, err
		}
	}
	return sv.afterCount(ctx, h, &rd, deadline)
}

func (sv *service) tally(ctx context.Context, h scene.Host, rd *RoundJSON, deadline time.Time) (bool, error) {
	box, boxVer, err := loadBox(ctx, h, rd.ID)
	if err != nil {
		return false, err
	}
	pending, err := countDocs(ctx, h, colPaper, scene.Eq("round_id", rd.ID))
	if err != nil {
		return false, err
	}
	if pending > 0 || box.PaperBallots != box.PaperVoters {
		return false, scene.Conflict("paper.outstanding", scene.T(
			fmt.Sprintf("还有纸质选票未录入或未复核（纸质投票代表 %d 人，已确认纸质选票 %d 张，待复核 %d 张）。", box.PaperVoters, box.PaperBallots, pending),
			fmt.Sprintf("Paper ballots are outstanding (%d deputies voted on paper, %d paper ballots confirmed, %d waiting for confirmation).", box.PaperVoters, box.PaperBallots, pending)))
	}
	docs, err := queryAll(ctx, h, colUrn, "created_at", scene.Eq("round_id", rd.ID))
	if err != nil {
		return false, err
	}
	var sealed []ballot.Sealed
	for _, d := range docs {
		var u urnDoc
		if err := d.Decode(&u); err != nil {
			return false, err
		}
		for _, b := range u.Ballots {
			sealed = append(sealed, b.sealed())
		}
	}
	if len(sealed) != box.Ballots {
		return false, integrity(fmt.Sprintf("the urn holds %d ballots, the box counted %d", len(sealed), box.Ballots))
	}
	entries, err := ballot.Build(sealed)
	if err != nil {
		return false, integrity(err.Error())
	}
	have, err := countDocs(ctx, h, colEntries, scene.Eq("round_id", rd.ID))
	if err != nil {
		return false, err
	}
	for start := int(have); start < len(entries); start += 100 {
		if time.Now().After(deadline) {
			return false, nil
		}
		var writes []scene.Write
		for _, e := range entries[start:min(start+100, len(entries))] {
			writes = append(writes, scene.Write{Op: "create", Collection: colEntries, ID: entryID(rd.ID, e.Seq), Data: toEntryDoc(rd.ID, e)})
		}
		if _, err := h.Store().Batch(ctx, writes, nil); err != nil {
			return false, err
		}
	}
	stored, err := loadEntries(ctx, h, rd.ID)
	if err != nil {
		return false, err
	}
	rules := rd.Ballot.Rules
	res, err := ballot.Tally(stored, rd.Ballot.ids(), rules)
	if err != nil {
		return false, integrity(err.Error())
	}
	want := ""
	if n := len(entries); n > 0 {
		want = entries[n-1].Hash
	}
	if res.Head != want {
		return false, integrity("the stored chain does not end where the urn's does")
	}
	lines, err := sv.resultLines(ctx, h, rd.ID, res)
	if err != nil {
		return false, err
	}
	rd.Result = &Result{Head: res.Head, Ballots: res.Ballots, Seats: box.Seats, Voted: box.Voted, Secret: box.Secret, Rules: res.Rules,
		Threshold: res.Threshold, TieAtCutoff: res.TieAtCutoff, Candidates: lines, CountedAt: time.Now().UTC()}
	rd.Ballot.State = BallotCounted
	box.State = BallotCounted
	if _, err := h.Store().Batch(ctx, []scene.Write{
		{Op: "update", Collection: colRounds, ID: rd.ID, Version: rd.Version, Data: rd.Round},
		{Op: "update", Collection: colBoxes, ID: rd.ID, Version: boxVer, Data: box}}, nil,
		audit("ballot.count", rd.ID, nil, map[string]any{"head": res.Head, "ballots": res.Ballots, "seats": box.Seats, "voted": box.Voted})); err != nil {
		return false, err
	}
	rd.Version++
	return true, nil
}

func integrity(detail string) *scene.Problem {
	return scene.Conflict("ballot.integrity", scene.T("选票数据校验失败，不能计票："+detail, "The ballots do not check, so they cannot be counted: "+detail))
}

func (sv *service) resultLines(ctx context.Context, h scene.Host, roundID string, res ballot.Result) ([]ResultLine, error) {
	lines := make([]ResultLine, len(res.Candidates))
	for i, c := range res.Candidates {
		l := ResultLine{ID: string(c.ID), Approve: c.Approve, Oppose: c.Oppose, Abstain: c.Abstain, Passed: c.Passed, Rank: c.Rank, Adopted: c.Adopted}
		cand, err := loadCandidate(ctx, h, roundID, l.ID)
		if err != nil {
			return nil, err
		}
		l.Title, l.Department, l.Budget = cand.Title, cand.Department, cand.Budget
		lines[i] = l
	}
	return lines, nil
}

// afterCount empties the urn and records the votes in the duty ledger, in deputy order and
// all at the count, so that the ledger's times say nothing of when anyone voted.
func (sv *service) afterCount(ctx context.Context, h scene.Host, rd *RoundJSON, deadline time.Time) (bool, error) {
	for {
		if time.Now().After(deadline) {
			return false, nil
		}
		docs, _, err := h.Store().Query(ctx, colUrn, scene.Query{Filters: []scene.Filter{scene.Eq("round_id", rd.ID)}, Limit: 100})
		if err != nil {
			return false, err
		}
		if len(docs) == 0 {
			break
		}
		writes := make([]scene.Write, len(docs))
		for i, d := range docs {
			writes[i] = scene.Write{Op: "delete", Collection: colUrn, ID: d.ID}
		}
		if _, err := h.Store().Batch(ctx, writes, nil); err != nil {
			return false, err
		}
	}
	for !rd.DutyDone {
		if time.Now().After(deadline) {
			return false, nil
		}
		fs := []scene.Filter{scene.Eq("round_id", rd.ID)}
		if rd.DutyCursor != "" {
			fs = append(fs, scene.Filter{Field: "deputy_id", Op: "gt", Values: []string{rd.DutyCursor}})
		}
		docs, next, err := h.Store().Query(ctx, colVoters, scene.Query{Filters: fs, Sort: "deputy_id", Limit: 100})
		if err != nil {
			return false, err
		}
		at := time.Now().UTC()
		if rd.Ballot.ClosedAt != nil {
			at = *rd.Ballot.ClosedAt
		}
		for _, d := range docs {
			var v Voter
			if err := d.Decode(&v); err != nil {
				return false, err
			}
			if _, err := h.RecordDuty(ctx, scene.DutyActivity{DeputyID: v.DeputyID, Kind: dutyVote, Ref: rd.ID,
				Title: fmt.Sprintf("参加%d年民生实事项目票决", rd.Year), OccurredAt: at}); err != nil {
				return false, err
			}
			rd.DutyCursor = v.DeputyID
		}
		rd.DutyDone = next == ""
		if rd.DutyDone {
			// The cursor names the last voter in deputy order and the result the chain's
			// head, the last ballot in receipt order: kept together, one voter in n would
			// look tied to a ballot (TestVotingSecretBallotUnlinkable did, at random).
			rd.DutyCursor = ""
		}
		if err := saveRound(ctx, h, rd, nil); err != nil {
			return false, err
		}
	}
	return true, nil
}

func loadEntries(ctx context.Context, h scene.Host, roundID string) ([]ballot.Entry, error) {
	docs, err := queryAll(ctx, h, colEntries, "seq", scene.Eq("round_id", roundID))
	if err != nil {
		return nil, err
	}
	out := make([]ballot.Entry, len(docs))
	for i, d := range docs {
		out[i] = readEntry(d)
	}
	return out, nil
}

func countedRound(ctx context.Context, h scene.Host, id string) (RoundJSON, error) {
	rd, err := loadRound(ctx, h, id)
	if err != nil {
		return rd, err
	}
	if rd.Result == nil {
		return rd, errNotCounted
	}
	return rd, nil
}

func (sv *service) result(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := countedRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	return ok(rd.Result)
}

type publishIn struct {
	Public bool `json:"public"`
}

func (sv *service) publish(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in publishIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	rd, err := countedRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	before := rd.PublicResult
	rd.PublicResult = in.Public
	if err := saveRound(ctx, r.Host, &rd, nil,
		audit("result.publish", rd.ID, map[string]bool{"public": before}, map[string]bool{"public": in.Public})); err != nil {
		return nil, err
	}
	return ok(map[string]bool{"public": in.Public})
}

func (sv *service) log(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := countedRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	entries, err := loadEntries(ctx, r.Host, rd.ID)
	if err != nil {
		return nil, err
	}
	return ok(map[string]any{"head": rd.Result.Head, "candidates": rd.Ballot.Candidates, "rules": rd.Result.Rules, "entries": entries})
}

// Verification is the outcome of recomputing a result from the stored chain.
type Verification struct {
	Verified bool   `json:"verified"`
	Head     string `json:"head"`
	Ballots  int    `json:"ballots"`
	Voters   int64  `json:"voters"`
	// Problems lists every check that failed, with where the chain first breaks.
	Problems []VerifyProblem `json:"problems"`
}

// VerifyProblem is one failed check.
type VerifyProblem struct {
	Check  string `json:"check"`
	Seq    int64  `json:"seq,omitempty"`
	Reason string `json:"reason,omitempty"`
	Detail string `json:"detail"`
}

// verify recomputes the result from the stored chain: the chain must be intact, end at the
// published head, be in receipt order, hold one ballot per voter, and give the published
// counts.
func (sv *service) verify(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := countedRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	v, err := verifyRound(ctx, r.Host, rd)
	if err != nil {
		return nil, err
	}
	return ok(v)
}

func verifyRound(ctx context.Context, h scene.Host, rd RoundJSON) (Verification, error) {
	entries, err := loadEntries(ctx, h, rd.ID)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Head: rd.Result.Head, Ballots: len(entries), Problems: []VerifyProblem{}}
	if v.Voters, err = countDocs(ctx, h, colVoters, scene.Eq("round_id", rd.ID)); err != nil {
		return v, err
	}
	fail := func(check string, err error) {
		p := VerifyProblem{Check: check, Detail: err.Error()}
		if ve, isVE := err.(*ballot.VerifyError); isVE {
			p.Seq, p.Reason, p.Detail = ve.Seq, string(ve.Reason), ve.Detail
		}
		v.Problems = append(v.Problems, p)
	}
	if err := ballot.VerifyHead(entries, rd.Result.Head); err != nil {
		fail("chain", err)
	}
	if !ballot.InReceiptOrder(entries) {
		fail("order", fmt.Errorf("the entries are not in receipt order"))
	}
	if int64(len(entries)) != v.Voters {
		fail("voters", fmt.Errorf("%d ballots in the chain, %d deputies recorded as voting", len(entries), v.Voters))
	}
	if res, err := ballot.Tally(entries, rd.Ballot.ids(), rd.Result.Rules); err != nil {
		fail("tally", err)
	} else if d := diff(res, rd.Result); d != "" {
		fail("tally", fmt.Errorf("%s", d))
	}
	v.Verified = len(v.Problems) == 0
	return v, nil
}

// diff compares a recomputed result with the published one.
func diff(res ballot.Result, pub *Result) string {
	if res.Ballots != pub.Ballots || res.Threshold != pub.Threshold || len(res.Candidates) != len(pub.Candidates) {
		return fmt.Sprintf("recomputed %d ballots (threshold %d), published %d (threshold %d)", res.Ballots, res.Threshold, pub.Ballots, pub.Threshold)
	}
	for i, c := range res.Candidates {
		p := pub.Candidates[i]
		if string(c.ID) != p.ID || c.Approve != p.Approve || c.Oppose != p.Oppose || c.Abstain != p.Abstain || c.Passed != p.Passed || c.Adopted != p.Adopted {
			return fmt.Sprintf("candidate %s: recomputed %d/%d/%d, published %d/%d/%d", c.ID, c.Approve, c.Oppose, c.Abstain, p.Approve, p.Oppose, p.Abstain)
		}
	}
	return ""
}

type receiptIn struct {
	Receipt string `json:"receipt"`
}

// checkReceipt tells a deputy whether a receipt is in the chain. The receipt travels in the
// body, never in a URL that the access log would keep next to the caller, and the answer does
// not say where in the chain it is.
func (sv *service) checkReceipt(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in receiptIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	rd, err := countedRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	entries, err := loadEntries(ctx, r.Host, rd.ID)
	if err != nil {
		return nil, err
	}
	_, included := ballot.Includes(entries, in.Receipt)
	return ok(map[string]any{"included": included, "head": rd.Result.Head})
}

// roll lists who voted and how (online or paper); in a recorded ballot, also each ballot.
func (sv *service) roll(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := countedRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	docs, err := queryAll(ctx, r.Host, colVoters, "deputy_id", scene.Eq("round_id", rd.ID))
	if err != nil {
		return nil, err
	}
	out := make([]Voter, len(docs))
	for i, d := range docs {
		if err := d.Decode(&out[i]); err != nil {
			return nil, err
		}
	}
	return ok(map[string]any{"items": out})
}
