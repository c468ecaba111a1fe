package ballot_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
)

// FuzzTally feeds arbitrary logs and rules to Tally, which must never panic and must count every
// ballot it accepts exactly once per candidate.
func FuzzTally(f *testing.F) {
	valid, _ := json.Marshal(fiveEntriesF(f))
	f.Add(valid, uint8(0), 0, uint8(0), 9)
	f.Add(valid, uint8(1), 1, uint8(1), 0)
	f.Add([]byte(`[{"seq":1,"ballot":null,"prev":"","hash":""}]`), uint8(2), 1, uint8(0), 1)
	f.Add([]byte(`[{"seq":-1},{"seq":9223372036854775807}]`), uint8(3), -5, uint8(2), -1)
	modes := []ballot.Mode{ballot.ModePerCandidate, ballot.ModeChooseK, ballot.ModeBoth, "x"}
	passes := []ballot.PassRule{"", ballot.PassSeatedMajority, ballot.PassCastMajority, "x"}
	f.Fuzz(func(t *testing.T, log []byte, mode uint8, k int, pass uint8, seats int) {
		var entries []ballot.Entry
		_ = json.Unmarshal(log, &entries)
		r := ballot.Rules{Mode: modes[int(mode)%len(modes)], K: k, Pass: passes[int(pass)%len(passes)], Seats: seats}
		res, err := ballot.Tally(entries, []ballot.CandidateID{"a", "b", "c"}, r)
		if err != nil {
			return
		}
		if res.Ballots != int64(len(entries)) {
			t.Errorf("Ballots = %d, want %d", res.Ballots, len(entries))
		}
		for _, c := range res.Candidates {
			if c.Approve+c.Oppose+c.Abstain != res.Ballots {
				t.Errorf("%s: counts do not add up to %d ballots", c.ID, res.Ballots)
			}
		}
	})
}

func fiveEntriesF(f *testing.F) []ballot.Entry {
	c := ballot.NewChain()
	for _, ch := range []ballot.Choice{ballot.Approve, ballot.Oppose, ballot.Approve, ballot.Abstain, ballot.Approve} {
		if _, _, err := c.Append(ballot.Ballot{Choices: map[ballot.CandidateID]ballot.Choice{"a": ch}}); err != nil {
			f.Fatal(err)
		}
	}
	return c.Entries()
}

// FuzzAppendVerify builds a chain of arbitrary ballots by Append; Verify must accept it whatever
// the ballots hold, and Tally may refuse its ballots but never its chain.
func FuzzAppendVerify(f *testing.F) {
	f.Add([]byte("a\x00approve\x01b\x00oppose\x02a\x01c\x02"))
	f.Add([]byte("\xff\x00x\x02<&>\x00\"\\\x02"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c := ballot.NewChain()
		var receipts []string
		for _, b := range ballotsFrom(data) {
			_, receipt, err := c.Append(b)
			if err != nil {
				continue
			}
			receipts = append(receipts, receipt)
		}
		entries := c.Entries()
		if err := ballot.VerifyHead(entries, c.Head()); err != nil {
			t.Fatalf("VerifyHead of an appended chain: %v", err)
		}
		for i, r := range receipts {
			if seq, ok := ballot.Includes(entries, r); !ok || seq != int64(i)+1 {
				t.Errorf("receipt %d: Includes = %d, %v", i, seq, ok)
			}
		}
		_, err := ballot.Tally(entries, []ballot.CandidateID{"a", "b", "c"}, ballot.Rules{Mode: ballot.ModeBoth, K: 2, Seats: 1000})
		var ve *ballot.VerifyError
		if errors.As(err, &ve) {
			t.Errorf("Tally refused an appended chain: %v", err)
		}
	})
}

// ballotsFrom splits data into ballots at 0x02; inside a ballot, 0x01 separates items and 0x00
// separates an item's candidate from its choice. An item without a choice is a selection.
func ballotsFrom(data []byte) []ballot.Ballot {
	var out []ballot.Ballot
	for _, raw := range splitByte(data, 2) {
		var b ballot.Ballot
		for _, item := range splitByte(raw, 1) {
			parts := splitByte(item, 0)
			if len(parts) == 1 {
				b.Selected = append(b.Selected, ballot.CandidateID(parts[0]))
				continue
			}
			if b.Choices == nil {
				b.Choices = map[ballot.CandidateID]ballot.Choice{}
			}
			b.Choices[ballot.CandidateID(parts[0])] = ballot.Choice(parts[1])
		}
		out = append(out, b)
	}
	return out
}

func splitByte(data []byte, sep byte) [][]byte {
	var out [][]byte
	start := 0
	for i, c := range data {
		if c == sep {
			out = append(out, data[start:i])
			start = i + 1
		}
	}
	return append(out, data[start:])
}
