package ballot_test

import (
	"testing"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
)

var abc = []ballot.CandidateID{"a", "b", "c"}

// codes flattens problems to "field=code" strings for comparison.
func codes(ps ballot.Problems) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Field+"="+p.Code)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestValidate(t *testing.T) {
	per := ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 50}
	chooseTwo := ballot.Rules{Mode: ballot.ModeChooseK, K: 2, Seats: 50}
	bothOne := ballot.Rules{Mode: ballot.ModeBoth, K: 1, Seats: 50}
	tests := []struct {
		name       string
		b          ballot.Ballot
		r          ballot.Rules
		candidates []ballot.CandidateID
		want       []string
	}{
		{"full per-candidate ballot", ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{
			"a": ballot.Approve, "b": ballot.Oppose, "c": ballot.Abstain}}, per, abc, nil},
		{"missing choices are abstentions", ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{
			"a": ballot.Approve}}, per, abc, nil},
		{"blank per-candidate ballot", ballot.Ballot{}, per, abc, nil},
		{"unknown candidate", ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{
			"a": ballot.Approve, "z": ballot.Approve}}, per, abc, []string{"choices.z=unknown_candidate"}},
		{"invalid choice", ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{
			"b": "yes", "a": ""}}, per, abc, []string{"choices.a=invalid_choice", "choices.b=invalid_choice"}},
		{"selection on a per-candidate ballot", ballot.Ballot{Selected: []ballot.CandidateID{"a"}},
			per, abc, []string{"selected=wrong_form"}},
		{"choose two of three", ballot.Ballot{Selected: []ballot.CandidateID{"c", "a"}}, chooseTwo, abc, nil},
		{"blank selection", ballot.Ballot{}, chooseTwo, abc, nil},
		{"more than k", ballot.Ballot{Selected: []ballot.CandidateID{"a", "b", "c"}},
			chooseTwo, abc, []string{"selected=too_many"}},
		{"duplicate selection", ballot.Ballot{Selected: []ballot.CandidateID{"a", "a"}},
			chooseTwo, abc, []string{"selected[1]=duplicate"}},
		{"unknown selection", ballot.Ballot{Selected: []ballot.CandidateID{"x"}},
			chooseTwo, abc, []string{"selected[0]=unknown_candidate"}},
		{"choices on a selection ballot", ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{
			"a": ballot.Approve}}, chooseTwo, abc, []string{"choices=wrong_form"}},
		{"both: one approval allowed", ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{
			"a": ballot.Approve, "b": ballot.Oppose, "c": ballot.Oppose}}, bothOne, abc, nil},
		{"both: two approvals over k", ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{
			"a": ballot.Approve, "b": ballot.Approve}}, bothOne, abc, []string{"choices=too_many"}},
		{"bad rules are reported alone", ballot.Ballot{Selected: []ballot.CandidateID{"zz"}},
			ballot.Rules{Mode: "ranked", K: -1, Pass: "plurality", Seats: -2}, abc,
			[]string{"rules.mode=invalid", "rules.k=invalid", "rules.pass=invalid", "rules.seats=invalid"}},
		{"seated majority needs seats", ballot.Ballot{}, ballot.Rules{Mode: ballot.ModePerCandidate},
			abc, []string{"rules.seats=invalid"}},
		{"cast majority needs no seats", ballot.Ballot{},
			ballot.Rules{Mode: ballot.ModePerCandidate, Pass: ballot.PassCastMajority}, abc, nil},
		{"choose_k needs k", ballot.Ballot{}, ballot.Rules{Mode: ballot.ModeChooseK, Seats: 5},
			abc, []string{"rules.k=invalid"}},
		{"k above n", ballot.Ballot{}, ballot.Rules{Mode: ballot.ModeChooseK, K: 4, Seats: 5},
			abc, []string{"rules.k=invalid"}},
		{"bad candidate list", ballot.Ballot{}, per, []ballot.CandidateID{"a", "", "a"},
			[]string{"candidates[1]=invalid", "candidates[2]=duplicate"}},
		{"no candidates", ballot.Ballot{}, per, nil, []string{"candidates=invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := ballot.Validate(tt.b, tt.r, tt.candidates)
			if got := codes(ps); !equalStrings(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
			for _, p := range ps {
				if p.Message == "" || p.MessageZH == "" {
					t.Errorf("problem %s lacks a message in both languages: %+v", p.Field, p)
				}
			}
			if (ps == nil) != (len(tt.want) == 0) {
				t.Errorf("Validate returned %#v, want nil exactly when valid", ps)
			}
		})
	}
}
