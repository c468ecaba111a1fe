package ballot_test

import (
	"encoding/json"
	"errors"
	"math/rand"
	"reflect"
	"testing"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
)

// chainOf appends every ballot to a new chain and returns its entries.
func chainOf(t testing.TB, bs []ballot.Ballot) []ballot.Entry {
	t.Helper()
	c := ballot.NewChain()
	for _, b := range bs {
		if _, _, err := c.Append(b); err != nil {
			t.Fatalf("Append: %v", err)
		}
	}
	return c.Entries()
}

// votes returns per-candidate ballots: approve ballots approving id, then oppose, then abstain.
func votes(id ballot.CandidateID, approve, oppose, abstain int) []ballot.Ballot {
	var bs []ballot.Ballot
	add := func(n int, ch ballot.Choice) {
		for range n {
			bs = append(bs, ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{id: ch}})
		}
	}
	add(approve, ballot.Approve)
	add(oppose, ballot.Oppose)
	add(abstain, ballot.Abstain)
	return bs
}

func TestTallyPassBoundary(t *testing.T) {
	one := []ballot.CandidateID{"a"}
	seated := ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 50}
	cast := ballot.Rules{Mode: ballot.ModePerCandidate, Pass: ballot.PassCastMajority, Seats: 50}
	tests := []struct {
		name                     string
		r                        ballot.Rules
		approve, oppose, abstain int
		wantThreshold            int64
		wantPassed               bool
	}{
		{"seated: 25 of 50 fails", seated, 25, 0, 0, 26, false},
		{"seated: 26 of 50 passes", seated, 26, 0, 0, 26, true},
		{"seated: default rule is seated majority", ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 50}, 26, 10, 14, 26, true},
		{"seated: 26 of 51 fails", ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 51}, 25, 0, 0, 26, false},
		{"seated: 26 of 51 seats passes", ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 51}, 26, 0, 0, 26, true},
		{"seated: 20 approvals of 30 cast still fails", seated, 20, 5, 5, 26, false},
		{"cast: 20 of 30 cast passes", cast, 20, 5, 5, 16, true},
		{"cast: abstentions count as cast, 15 of 30 fails", cast, 15, 5, 10, 16, false},
		{"cast: 16 of 30 with abstentions passes", cast, 16, 4, 10, 16, true},
		{"cast: 5 of 9 passes", cast, 5, 0, 4, 5, true},
		{"cast: 4 of 9 fails", cast, 4, 4, 1, 5, false},
		{"cast: no ballots, nothing passes", cast, 0, 0, 0, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ballot.Tally(chainOf(t, votes("a", tt.approve, tt.oppose, tt.abstain)), one, tt.r)
			if err != nil {
				t.Fatalf("Tally: %v", err)
			}
			got := res.Candidates[0]
			if res.Threshold != tt.wantThreshold {
				t.Errorf("threshold = %d, want %d", res.Threshold, tt.wantThreshold)
			}
			if got.Passed != tt.wantPassed || got.Adopted != tt.wantPassed {
				t.Errorf("passed, adopted = %v, %v; want %v", got.Passed, got.Adopted, tt.wantPassed)
			}
			if got.Approve != int64(tt.approve) || got.Oppose != int64(tt.oppose) || got.Abstain != int64(tt.abstain) {
				t.Errorf("counts = %d/%d/%d, want %d/%d/%d", got.Approve, got.Oppose, got.Abstain, tt.approve, tt.oppose, tt.abstain)
			}
		})
	}
}

// ranking is the result as "id:approve:passed:adopted" in rank order.
func ranking(res ballot.Result) []string {
	var out []string
	for i, c := range res.Candidates {
		if c.Rank != i+1 {
			out = append(out, "bad rank")
		}
		s := string(c.ID)
		if c.Passed {
			s += "+passed"
		}
		if c.Adopted {
			s += "+adopted"
		}
		out = append(out, s)
	}
	return out
}

func TestTallyRanking(t *testing.T) {
	five := []ballot.CandidateID{"p1", "p2", "p3", "p4", "p5"}
	sel := func(ids ...ballot.CandidateID) ballot.Ballot { return ballot.Ballot{Selected: ids} }
	repeat := func(n int, b ballot.Ballot) []ballot.Ballot {
		var bs []ballot.Ballot
		for range n {
			bs = append(bs, b)
		}
		return bs
	}
	concat := func(parts ...[]ballot.Ballot) []ballot.Ballot {
		var bs []ballot.Ballot
		for _, p := range parts {
			bs = append(bs, p...)
		}
		return bs
	}
	tests := []struct {
		name        string
		r           ballot.Rules
		bs          []ballot.Ballot
		want        []string
		wantTieAtK  bool
		wantBallots int64
	}{
		{
			name: "choose 2 of 5, three pass, top two adopted",
			r:    ballot.Rules{Mode: ballot.ModeChooseK, K: 2, Seats: 9},
			// p3: 7, p1: 6, p4: 5 approvals pass (>4.5); p2 and p5 have none.
			bs:          concat(repeat(4, sel("p3", "p1")), repeat(3, sel("p3", "p4")), repeat(2, sel("p1", "p4"))),
			want:        []string{"p3+passed+adopted", "p1+passed+adopted", "p4+passed", "p2", "p5"},
			wantBallots: 9,
		},
		{
			name:        "equal approvals rank by ballot order",
			r:           ballot.Rules{Mode: ballot.ModeChooseK, K: 2, Seats: 4},
			bs:          repeat(4, sel("p5", "p2")),
			want:        []string{"p2+passed+adopted", "p5+passed+adopted", "p1", "p3", "p4"},
			wantBallots: 4,
		},
		{
			name: "tie at the cutoff: ballot order decides, and it is flagged",
			r:    ballot.Rules{Mode: ballot.ModeChooseK, K: 2, Seats: 6},
			// p2, p3 and p4 have 4 approvals each; only two can be adopted.
			bs:          concat(repeat(2, sel("p4", "p2")), repeat(2, sel("p2", "p3")), repeat(2, sel("p3", "p4"))),
			want:        []string{"p2+passed+adopted", "p3+passed+adopted", "p4+passed", "p1", "p5"},
			wantTieAtK:  true,
			wantBallots: 6,
		},
		{
			name:        "a blank ballot counts as cast",
			r:           ballot.Rules{Mode: ballot.ModeChooseK, K: 1, Pass: ballot.PassCastMajority},
			bs:          concat(repeat(2, sel("p1")), repeat(2, sel())),
			want:        []string{"p1", "p2", "p3", "p4", "p5"},
			wantBallots: 4,
		},
		{
			name: "per-candidate with no k adopts all that pass",
			r:    ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 3},
			bs: repeat(3, ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{
				"p1": ballot.Approve, "p2": ballot.Oppose, "p5": ballot.Approve, "p4": ballot.Approve}}),
			want:        []string{"p1+passed+adopted", "p4+passed+adopted", "p5+passed+adopted", "p2", "p3"},
			wantBallots: 3,
		},
		{
			name: "both: at most k approvals per ballot, top k adopted",
			r:    ballot.Rules{Mode: ballot.ModeBoth, K: 2, Seats: 3},
			bs: concat(
				repeat(2, ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{"p1": ballot.Approve, "p2": ballot.Approve, "p3": ballot.Oppose}}),
				repeat(1, ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{"p3": ballot.Approve, "p2": ballot.Approve}})),
			want:        []string{"p2+passed+adopted", "p1+passed+adopted", "p3", "p4", "p5"},
			wantBallots: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries := chainOf(t, tt.bs)
			res, err := ballot.Tally(entries, five, tt.r)
			if err != nil {
				t.Fatalf("Tally: %v", err)
			}
			if got := ranking(res); !equalStrings(got, tt.want) {
				t.Errorf("ranking = %v, want %v", got, tt.want)
			}
			if res.TieAtCutoff != tt.wantTieAtK {
				t.Errorf("TieAtCutoff = %v, want %v", res.TieAtCutoff, tt.wantTieAtK)
			}
			if res.Ballots != tt.wantBallots {
				t.Errorf("Ballots = %d, want %d", res.Ballots, tt.wantBallots)
			}
			if want := entries[len(entries)-1].Hash; res.Head != want {
				t.Errorf("Head = %q, want %q", res.Head, want)
			}
			for _, c := range res.Candidates {
				if c.Approve+c.Oppose+c.Abstain != res.Ballots {
					t.Errorf("%s: %d+%d+%d != %d ballots", c.ID, c.Approve, c.Oppose, c.Abstain, res.Ballots)
				}
			}
		})
	}
}

// TestTallyMatchesOnline casts 500 random ballots through a Counter as they are appended, then
// recomputes the result from the stored (JSON round-tripped) log.
func TestTallyMatchesOnline(t *testing.T) {
	candidates := []ballot.CandidateID{"c1", "c2", "c3", "c4", "c5", "c6"}
	choices := []ballot.Choice{ballot.Approve, ballot.Oppose, ballot.Abstain}
	for _, r := range []ballot.Rules{
		{Mode: ballot.ModePerCandidate, Seats: 600},
		{Mode: ballot.ModeChooseK, K: 3, Pass: ballot.PassCastMajority, Seats: 600},
		{Mode: ballot.ModeBoth, K: 2, Seats: 600},
	} {
		t.Run(string(r.Mode), func(t *testing.T) {
			rng := rand.New(rand.NewSource(7))
			chain := ballot.NewChain()
			online, err := ballot.NewCounter(candidates, r)
			if err != nil {
				t.Fatalf("NewCounter: %v", err)
			}
			for range 500 {
				b := randomBallot(rng, r, candidates, choices)
				if ps := ballot.Validate(b, r, candidates); ps != nil {
					t.Fatalf("random ballot invalid: %v", ps)
				}
				e, receipt, err := chain.Append(b)
				if err != nil {
					t.Fatalf("Append: %v", err)
				}
				if receipt != e.Hash {
					t.Fatalf("receipt = %q, want the entry hash %q", receipt, e.Hash)
				}
				if err := online.Add(e); err != nil {
					t.Fatalf("Add: %v", err)
				}
			}
			stored, err := json.Marshal(chain.Entries())
			if err != nil {
				t.Fatal(err)
			}
			var loaded []ballot.Entry
			if err := json.Unmarshal(stored, &loaded); err != nil {
				t.Fatal(err)
			}
			got, err := ballot.Tally(loaded, candidates, r)
			if err != nil {
				t.Fatalf("Tally: %v", err)
			}
			if want := online.Result(); !reflect.DeepEqual(got, want) {
				t.Errorf("Tally = %+v\nonline = %+v", got, want)
			}
			if got.Head != chain.Head() || got.Ballots != 500 {
				t.Errorf("head, ballots = %q, %d; want %q, 500", got.Head, got.Ballots, chain.Head())
			}
			if err := ballot.VerifyHead(loaded, got.Head); err != nil {
				t.Errorf("VerifyHead: %v", err)
			}
		})
	}
}

func randomBallot(rng *rand.Rand, r ballot.Rules, candidates []ballot.CandidateID, choices []ballot.Choice) ballot.Ballot {
	if r.Mode == ballot.ModeChooseK {
		perm := rng.Perm(len(candidates))[:rng.Intn(r.K+1)]
		var b ballot.Ballot
		for _, i := range perm {
			b.Selected = append(b.Selected, candidates[i])
		}
		return b
	}
	b := ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{}}
	approvals := 0
	for _, c := range candidates {
		ch := choices[rng.Intn(4)%3] // one in four left out: an abstention
		if rng.Intn(4) == 0 {
			continue
		}
		if ch == ballot.Approve && r.Mode == ballot.ModeBoth && approvals == r.K {
			ch = ballot.Oppose
		}
		if ch == ballot.Approve {
			approvals++
		}
		b.Choices[c] = ch
	}
	return b
}

func TestTallyRefuses(t *testing.T) {
	candidates := []ballot.CandidateID{"a", "b"}
	per := ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 2}
	valid := votes("a", 2, 0, 0)
	tests := []struct {
		name    string
		entries []ballot.Entry
		r       ballot.Rules
		wantErr func(error) bool
	}{
		{"more ballots than seats", chainOf(t, append(valid, valid[0])), per, func(err error) bool { return err != nil }},
		{"invalid ballot in the log", chainOf(t, []ballot.Ballot{{Selected: []ballot.CandidateID{"a"}}}), per,
			func(err error) bool { var ps ballot.Problems; return errors.As(err, &ps) }},
		{"unusable rules", chainOf(t, valid), ballot.Rules{Mode: ballot.ModeChooseK}, func(err error) bool {
			var ps ballot.Problems
			return errors.As(err, &ps)
		}},
		{"broken chain", func() []ballot.Entry { es := chainOf(t, valid); return es[1:] }(), per, func(err error) bool {
			var ve *ballot.VerifyError
			return errors.As(err, &ve)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ballot.Tally(tt.entries, candidates, tt.r)
			if !tt.wantErr(err) {
				t.Errorf("Tally error = %v, not the kind wanted", err)
			}
		})
	}
}

func TestCounterRefusesOutOfOrder(t *testing.T) {
	entries := chainOf(t, votes("a", 3, 0, 0))
	c, err := ballot.NewCounter([]ballot.CandidateID{"a"}, ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Add(entries[1]); err == nil {
		t.Errorf("Add(seq 2) first: got nil error, want refusal")
	}
	if err := c.Add(entries[0]); err != nil {
		t.Fatalf("Add(seq 1): %v", err)
	}
	if err := c.Add(entries[0]); err == nil {
		t.Errorf("Add(seq 1) twice: got nil error, want refusal")
	}
	if got := c.Result().Ballots; got != 1 {
		t.Errorf("Ballots = %d, want 1", got)
	}
}
