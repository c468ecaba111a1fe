package ballot

import (
	"fmt"
	"sort"
)

// Result is the outcome of a vote, stating the chain it was counted from.
type Result struct {
	// Head is the chain head counted and Ballots the number of ballots in the chain.
	Head    string
	Ballots int64
	Rules   Rules
	// Threshold is the fewest approvals that pass: strictly more than half of Seats
	// (PassSeatedMajority) or of Ballots (PassCastMajority).
	Threshold int64
	// Candidates are ranked by approvals, most first; equal approvals keep the order of the
	// candidate list given to the tally (the order on the ballot paper).
	Candidates []CandidateResult
	// TieAtCutoff is true when more candidates passed than K and the K-th and (K+1)-th of them
	// have equal approvals, so the ballot-paper order decided which was adopted.
	TieAtCutoff bool
}

// CandidateResult is one candidate's count. Approve+Oppose+Abstain equals the ballots cast; in
// ModeChooseK a selection is an approval and no selection an abstention.
type CandidateResult struct {
	ID      CandidateID
	Approve int64
	Oppose  int64
	Abstain int64
	// Passed is Approve >= Result.Threshold.
	Passed bool
	// Rank is the 1-based position by approvals, unique (ties broken as documented on Result).
	Rank int
	// Adopted is Passed and, when Rules.K > 0, among the first K that passed by Rank.
	Adopted bool
}

// Counter accumulates a result entry by entry, for the live count while a ballot is open.
type Counter struct {
	rules      Rules
	candidates []CandidateID
	index      map[CandidateID]int
	counts     []CandidateResult
	n          int64
	head       string
}

// NewCounter returns a counter for these candidates and rules; the error is Problems when the
// rules do not check.
func NewCounter(candidates []CandidateID, r Rules) (*Counter, error) {
	if ps := r.Check(candidates); ps != nil {
		return nil, ps
	}
	if r.Pass == "" {
		r.Pass = PassSeatedMajority
	}
	c := &Counter{
		rules:      r,
		candidates: append([]CandidateID(nil), candidates...),
		index:      make(map[CandidateID]int, len(candidates)),
		counts:     make([]CandidateResult, len(candidates)),
	}
	for i, id := range candidates {
		c.index[id] = i
		c.counts[i].ID = id
	}
	return c, nil
}

// Add counts entry e, which must be the next entry of the chain (Seq and Prev follow the last
// one added). It fails, counting nothing, when e does not follow, its ballot is not canonical or
// does not validate, or the count would exceed Rules.Seats. Add does not check e.Hash: Tally
// verifies the whole chain first.
func (c *Counter) Add(e Entry) error {
	if e.Seq != c.n+1 || e.Prev != c.head {
		return fmt.Errorf("ballot: count seq %d: does not follow seq %d", e.Seq, c.n)
	}
	if c.rules.Seats > 0 && c.n >= int64(c.rules.Seats) {
		return fmt.Errorf("ballot: count seq %d: more ballots than the %d seated deputies", e.Seq, c.rules.Seats)
	}
	b, err := decodeEntryBallot(e.Ballot)
	if err != nil {
		return fmt.Errorf("ballot: count seq %d: %w", e.Seq, err)
	}
	if ps := Validate(b, c.rules, c.candidates); ps != nil {
		return fmt.Errorf("ballot: count seq %d: %w", e.Seq, ps)
	}
	chosen := make(map[CandidateID]bool, len(b.Selected))
	for _, id := range b.Selected {
		chosen[id] = true
	}
	for i := range c.counts {
		cr := &c.counts[i]
		ch := b.Choices[cr.ID]
		if c.rules.Mode == ModeChooseK && chosen[cr.ID] {
			ch = Approve
		}
		switch ch {
		case Approve:
			cr.Approve++
		case Oppose:
			cr.Oppose++
		default:
			cr.Abstain++
		}
	}
	c.n++
	c.head = e.Hash
	return nil
}

// Result returns the result of the entries added so far.
func (c *Counter) Result() Result {
	res := Result{Head: c.head, Ballots: c.n, Rules: c.rules}
	base := int64(c.rules.Seats)
	if c.rules.Pass == PassCastMajority {
		base = c.n
	}
	res.Threshold = base/2 + 1
	res.Candidates = make([]CandidateResult, len(c.counts))
	copy(res.Candidates, c.counts)
	sort.SliceStable(res.Candidates, func(i, j int) bool {
		return res.Candidates[i].Approve > res.Candidates[j].Approve
	})
	var passed []*CandidateResult
	for i := range res.Candidates {
		cr := &res.Candidates[i]
		cr.Rank = i + 1
		cr.Passed = cr.Approve >= res.Threshold
		if cr.Passed {
			passed = append(passed, cr)
		}
	}
	k := c.rules.K
	for i, cr := range passed {
		cr.Adopted = k == 0 || i < k
	}
	if k > 0 && len(passed) > k {
		res.TieAtCutoff = passed[k-1].Approve == passed[k].Approve
	}
	return res
}

// Tally verifies entries and recomputes the result from them. The error is a *VerifyError when
// the chain is broken, Problems when the rules do not check, and otherwise names the first
// entry that cannot be counted. Compare Result.Head with the published head (or use VerifyHead)
// to catch entries removed from or added at the end.
func Tally(entries []Entry, candidates []CandidateID, r Rules) (Result, error) {
	if err := Verify(entries); err != nil {
		return Result{}, err
	}
	c, err := NewCounter(candidates, r)
	if err != nil {
		return Result{}, err
	}
	for _, e := range entries {
		if err := c.Add(e); err != nil {
			return Result{}, err
		}
	}
	return c.Result(), nil
}
