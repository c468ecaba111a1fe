package ballot_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
)

func sealAll(t *testing.T, bs ...ballot.Ballot) []ballot.Sealed {
	t.Helper()
	out := make([]ballot.Sealed, len(bs))
	for i, b := range bs {
		s, err := ballot.Seal(b)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = s
	}
	return out
}

func TestSealedChain(t *testing.T) {
	yes := ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{"a": ballot.Approve}}
	no := ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{"a": ballot.Oppose}}
	sealed := sealAll(t, yes, yes, no, yes, no)
	if sealed[0].Receipt == sealed[1].Receipt {
		t.Fatal("two equal ballots got the same receipt")
	}
	entries, err := ballot.Build(sealed)
	if err != nil {
		t.Fatal(err)
	}
	if !ballot.InReceiptOrder(entries) {
		t.Error("Build did not order by receipt")
	}
	for _, s := range sealed {
		if _, ok := ballot.Includes(entries, s.Receipt); !ok {
			t.Errorf("receipt %s not included", s.Receipt)
		}
	}
	rules := ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 9}
	res, err := ballot.Tally(entries, []ballot.CandidateID{"a"}, rules)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Candidates[0]; got.Approve != 3 || got.Oppose != 2 || got.Passed {
		t.Errorf("tally = %+v, want 3 approve, 2 oppose, not passed (threshold 5)", got)
	}
	if err := ballot.VerifyHead(entries, res.Head); err != nil {
		t.Errorf("VerifyHead: %v", err)
	}

	cases := []struct {
		name   string
		change func([]ballot.Entry) []ballot.Entry
		reason ballot.Reason
	}{
		{"ballot edited, hash kept", func(es []ballot.Entry) []ballot.Entry {
			if string(es[1].Ballot) == `{"choices":{"a":"approve"}}` {
				es[1].Ballot = json.RawMessage(`{"choices":{"a":"oppose"}}`)
			} else {
				es[1].Ballot = json.RawMessage(`{"choices":{"a":"approve"}}`)
			}
			return es
		}, ballot.ReasonEdited},
		{"salt edited", func(es []ballot.Entry) []ballot.Entry { es[2].Salt = "00"; return es }, ballot.ReasonEdited},
		{"receipt and hash rewritten", func(es []ballot.Entry) []ballot.Entry {
			es[0].Receipt = es[1].Receipt
			return es
		}, ballot.ReasonEdited},
		{"entry deleted", func(es []ballot.Entry) []ballot.Entry { return append(es[:2:2], es[3:]...) }, ballot.ReasonRemoved},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			es := c.change(append([]ballot.Entry(nil), entries...))
			err := ballot.Verify(es)
			var ve *ballot.VerifyError
			if !errors.As(err, &ve) || ve.Reason != c.reason {
				t.Errorf("Verify = %v, want %s", err, c.reason)
			}
		})
	}
}

func TestBuildRefusesTamperedSeal(t *testing.T) {
	sealed := sealAll(t, ballot.Ballot{Selected: []ballot.CandidateID{"a"}}, ballot.Ballot{})
	sealed[1].Ballot = json.RawMessage(`{"selected":["a"]}`)
	if _, err := ballot.Build(sealed); err == nil {
		t.Error("Build accepted a ballot that does not match its receipt")
	}
	dup := sealAll(t, ballot.Ballot{})
	if _, err := ballot.Build(append(dup, dup[0])); err == nil {
		t.Error("Build accepted two ballots with one receipt")
	}
}
