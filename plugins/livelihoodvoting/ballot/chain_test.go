package ballot_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
)

func TestEntryFormat(t *testing.T) {
	e, err := ballot.NewEntry(1, "", ballot.Ballot{
		Choices:  map[ballot.CandidateID]ballot.Choice{"b": ballot.Oppose, "a": ballot.Approve},
		Selected: []ballot.CandidateID{},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantBallot := `{"choices":{"a":"approve","b":"oppose"}}`
	if string(e.Ballot) != wantBallot {
		t.Errorf("Ballot = %s, want %s", e.Ballot, wantBallot)
	}
	sum := sha256.Sum256([]byte("\n" + `{"ballot":` + wantBallot + `,"seq":1}`))
	if want := hex.EncodeToString(sum[:]); e.Hash != want {
		t.Errorf("Hash = %s, want %s", e.Hash, want)
	}

	a, _ := ballot.Canonical(ballot.Ballot{Selected: []ballot.CandidateID{"c", "a", "b"}})
	b, _ := ballot.Canonical(ballot.Ballot{Selected: []ballot.CandidateID{"b", "c", "a"}})
	if string(a) != `{"selected":["a","b","c"]}` || string(a) != string(b) {
		t.Errorf("Canonical selections = %s and %s, want both sorted", a, b)
	}
	if _, err := ballot.Canonical(ballot.Ballot{Selected: []ballot.CandidateID{"\xff"}}); err == nil {
		t.Errorf("Canonical accepted malformed UTF-8")
	}
}

// TestEntryHoldsNoVoter guards the secret ballot: an entry serializes to these four fields only.
func TestEntryHoldsNoVoter(t *testing.T) {
	e, _, err := ballot.NewChain().Append(ballot.Ballot{Selected: []ballot.CandidateID{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(e)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"ballot", "hash", "prev", "seq"}; !equalStrings(keys, want) {
		t.Errorf("entry fields = %v, want %v", keys, want)
	}
}

func fiveEntries(t *testing.T) []ballot.Entry {
	t.Helper()
	var bs []ballot.Ballot
	for _, ch := range []ballot.Choice{ballot.Approve, ballot.Oppose, ballot.Approve, ballot.Abstain, ballot.Approve} {
		bs = append(bs, ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{"a": ch}})
	}
	return chainOf(t, bs)
}

func TestVerify(t *testing.T) {
	forge := func(t *testing.T, seq int64, prev string, ch ballot.Choice) ballot.Entry {
		e, err := ballot.NewEntry(seq, prev, ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{"a": ch}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	tests := []struct {
		name       string
		tamper     func(t *testing.T, es []ballot.Entry) []ballot.Entry
		wantSeq    int64
		wantReason ballot.Reason
	}{
		{"edited ballot", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[2].Ballot = json.RawMessage(`{"choices":{"a":"oppose"}}`)
			return es
		}, 3, ballot.ReasonEdited},
		{"edited ballot with its hash recomputed", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[2] = forge(t, 3, es[1].Hash, ballot.Oppose)
			return es
		}, 3, ballot.ReasonEdited},
		{"ballot rewritten in equivalent JSON", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[2].Ballot = json.RawMessage(`{"choices": {"a": "approve"}}`)
			return es
		}, 3, ballot.ReasonEdited},
		{"ballot with an extra field", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[2].Ballot = json.RawMessage(`{"choices":{"a":"approve"},"voter":"d1"}`)
			return es
		}, 3, ballot.ReasonEdited},
		{"edited hash", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[3].Hash = es[2].Hash
			return es
		}, 4, ballot.ReasonEdited},
		{"edited first link", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[0] = forge(t, 1, strings.Repeat("ab", 32), ballot.Approve)
			return es
		}, 1, ballot.ReasonEdited},
		{"deleted entry", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			return append(es[:2:2], es[3:]...)
		}, 3, ballot.ReasonRemoved},
		{"deleted first entry", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			return es[1:]
		}, 1, ballot.ReasonRemoved},
		{"deleted entry, later ones renumbered", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es = append(es[:2:2], es[3:]...)
			es[2].Seq, es[3].Seq = 3, 4
			return es
		}, 3, ballot.ReasonEdited},
		{"inserted entry with a valid link", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			x := forge(t, 3, es[1].Hash, ballot.Approve)
			return append(es[:2:2], append([]ballot.Entry{x}, es[2:]...)...)
		}, 3, ballot.ReasonInserted},
		{"inserted entry with seq 0", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			x := forge(t, 0, es[4].Hash, ballot.Approve)
			return append(es, x)[:6]
		}, 6, ballot.ReasonInserted},
		{"inserted entry, later ones renumbered", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			x := forge(t, 3, es[1].Hash, ballot.Approve)
			es = append(es[:2:2], append([]ballot.Entry{x}, es[2:]...)...)
			for i := range es {
				es[i].Seq = int64(i) + 1
			}
			return es
		}, 4, ballot.ReasonEdited},
		{"swapped entries", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[1], es[2] = es[2], es[1]
			return es
		}, 2, ballot.ReasonReordered},
		{"swapped entries, seqs swapped back", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[1], es[2] = es[2], es[1]
			es[1].Seq, es[2].Seq = 2, 3
			return es
		}, 2, ballot.ReasonEdited},
		{"swapped ballots", func(t *testing.T, es []ballot.Entry) []ballot.Entry {
			es[0].Ballot, es[1].Ballot = es[1].Ballot, es[0].Ballot
			return es
		}, 1, ballot.ReasonEdited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := fiveEntries(t)
			head := es[4].Hash
			es = tt.tamper(t, es)
			var ve *ballot.VerifyError
			if err := ballot.Verify(es); !errors.As(err, &ve) {
				t.Fatalf("Verify = %v, want a *VerifyError", err)
			}
			if ve.Seq != tt.wantSeq || ve.Reason != tt.wantReason {
				t.Errorf("Verify = seq %d %s (%s), want seq %d %s", ve.Seq, ve.Reason, ve.Detail, tt.wantSeq, tt.wantReason)
			}
			if err := ballot.VerifyHead(es, head); err == nil {
				t.Errorf("VerifyHead = nil, want an error")
			}
			if _, err := ballot.Tally(es, []ballot.CandidateID{"a"}, ballot.Rules{Mode: ballot.ModePerCandidate, Seats: 9}); err == nil {
				t.Errorf("Tally = nil error, want the chain refused")
			}
		})
	}
}

func TestVerifyHead(t *testing.T) {
	es := fiveEntries(t)
	extra, err := ballot.NewEntry(6, es[4].Hash, ballot.Ballot{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		entries    []ballot.Entry
		head       string
		wantSeq    int64
		wantReason ballot.Reason
	}{
		{"intact", es, es[4].Hash, 0, ""},
		{"empty and no ballots", nil, "", 0, ""},
		{"last entry deleted", es[:4], es[4].Hash, 5, ballot.ReasonRemoved},
		{"all entries deleted", nil, es[4].Hash, 1, ballot.ReasonRemoved},
		{"entry appended after the head", append(es[:5:5], extra), es[4].Hash, 6, ballot.ReasonInserted},
		{"entries where none were published", es, "", 1, ballot.ReasonInserted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ballot.VerifyHead(tt.entries, tt.head)
			if tt.wantReason == "" {
				if err != nil {
					t.Fatalf("VerifyHead = %v, want nil", err)
				}
				return
			}
			var ve *ballot.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("VerifyHead = %v, want a *VerifyError", err)
			}
			if ve.Seq != tt.wantSeq || ve.Reason != tt.wantReason {
				t.Errorf("VerifyHead = seq %d %s, want seq %d %s", ve.Seq, ve.Reason, tt.wantSeq, tt.wantReason)
			}
		})
	}
}

func TestReceiptAndResume(t *testing.T) {
	c := ballot.NewChain()
	if c.Head() != "" {
		t.Errorf("empty Head = %q, want \"\"", c.Head())
	}
	_, receipt, err := c.Append(ballot.Ballot{Selected: []ballot.CandidateID{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if seq, ok := ballot.Includes(c.Entries(), receipt); !ok || seq != 1 {
		t.Errorf("Includes(receipt) = %d, %v; want 1, true", seq, ok)
	}
	if _, ok := ballot.Includes(c.Entries(), "00"); ok {
		t.Errorf("Includes(unknown) = true, want false")
	}
	resumed, err := ballot.Resume(c.Entries())
	if err != nil {
		t.Fatalf("Resume: %v", err)
	}
	e, _, err := resumed.Append(ballot.Ballot{})
	if err != nil {
		t.Fatal(err)
	}
	if e.Seq != 2 || e.Prev != receipt {
		t.Errorf("resumed entry = seq %d prev %s, want seq 2 prev %s", e.Seq, e.Prev, receipt)
	}
	broken := c.Entries()
	broken[0].Ballot = json.RawMessage(`{}`)
	if _, err := ballot.Resume(broken); err == nil {
		t.Errorf("Resume of a broken chain succeeded")
	}
	if _, _, err := c.Append(ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{"\xfe": "x"}}); err == nil {
		t.Errorf("Append of malformed UTF-8 succeeded")
	}
	if got := len(c.Entries()); got != 1 {
		t.Errorf("after a refused Append, %d entries, want 1", got)
	}
}

func TestAppendConcurrent(t *testing.T) {
	c := ballot.NewChain()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := c.Append(ballot.Ballot{Selected: []ballot.CandidateID{"a"}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	es := c.Entries()
	if len(es) != 50 {
		t.Fatalf("entries = %d, want 50", len(es))
	}
	if err := ballot.VerifyHead(es, c.Head()); err != nil {
		t.Errorf("VerifyHead: %v", err)
	}
}
