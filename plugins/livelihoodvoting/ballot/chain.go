package ballot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Entry is one accepted ballot in the hash chain. It holds no voter identity.
//
// Hash is hex SHA-256 of Prev + "\n" + {"ballot":<Ballot>,"receipt":<Receipt>,"salt":<Salt>,
// "seq":<Seq>}, where Ballot is the ballot's canonical JSON (object keys sorted, empty fields
// left out, Selected sorted) and receipt and salt are left out when empty (an entry made by
// Chain.Append). Prev is the previous entry's Hash, "" for the first entry (Seq 1).
//
// A sealed entry (see Seal and Build) carries the Receipt the deputy was given when casting and
// the Salt that makes it: Receipt = hex SHA-256 of "renda-ballot-receipt\n" + Salt + "\n" +
// Ballot. Verify recomputes it.
type Entry struct {
	Seq     int64           `json:"seq"`
	Ballot  json.RawMessage `json:"ballot"`
	Receipt string          `json:"receipt,omitempty"`
	Salt    string          `json:"salt,omitempty"`
	Prev    string          `json:"prev"`
	Hash    string          `json:"hash"`
}

// Canonical returns the canonical JSON of b. It fails when a candidate ID or choice is not
// valid UTF-8, since JSON could not carry it unchanged.
func Canonical(b Ballot) ([]byte, error) {
	c := Ballot{Choices: b.Choices}
	for id, ch := range b.Choices {
		if !utf8.ValidString(string(id)) || !utf8.ValidString(string(ch)) {
			return nil, errors.New("ballot: canonical: malformed UTF-8 in choices")
		}
	}
	if len(b.Selected) > 0 {
		c.Selected = make([]CandidateID, len(b.Selected))
		copy(c.Selected, b.Selected)
		for _, id := range c.Selected {
			if !utf8.ValidString(string(id)) {
				return nil, errors.New("ballot: canonical: malformed UTF-8 in selected")
			}
		}
		sort.Slice(c.Selected, func(i, j int) bool { return c.Selected[i] < c.Selected[j] })
	}
	out, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("ballot: canonical: %w", err)
	}
	return out, nil
}

// NewEntry builds entry seq over prev, for a store that appends under its own lock. It fails
// when the ballot has no canonical form (see Canonical).
func NewEntry(seq int64, prev string, b Ballot) (Entry, error) {
	raw, err := Canonical(b)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Seq: seq, Ballot: raw, Prev: prev}
	e.Hash = e.hash()
	return e, nil
}

func (e Entry) hash() string {
	h := sha256.New()
	h.Write([]byte(e.Prev))
	h.Write([]byte("\n{\"ballot\":"))
	h.Write(e.Ballot)
	if e.Receipt != "" || e.Salt != "" {
		r, _ := json.Marshal(e.Receipt)
		s, _ := json.Marshal(e.Salt)
		h.Write([]byte(",\"receipt\":" + string(r) + ",\"salt\":" + string(s)))
	}
	h.Write([]byte(",\"seq\":" + strconv.FormatInt(e.Seq, 10) + "}"))
	return hex.EncodeToString(h.Sum(nil))
}

// decodeEntryBallot decodes an entry's ballot and fails unless it is exactly canonical, so that
// what is hashed, what is counted and what is shown are the same bytes.
func decodeEntryBallot(raw []byte) (Ballot, error) {
	var b Ballot
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Ballot{}, fmt.Errorf("ballot is not valid JSON: %w", err)
	}
	again, err := Canonical(b)
	if err != nil {
		return Ballot{}, err
	}
	if !bytes.Equal(again, raw) {
		return Ballot{}, errors.New("ballot is not in canonical form")
	}
	return b, nil
}

// Chain is an append-only hash chain of accepted ballots, safe for concurrent use.
type Chain struct {
	mu      sync.Mutex
	entries []Entry
}

// NewChain returns an empty chain.
func NewChain() *Chain { return &Chain{} }

// Resume returns a chain continuing entries, which are verified first; the error is a
// *VerifyError when they do not verify.
func Resume(entries []Entry) (*Chain, error) {
	if err := Verify(entries); err != nil {
		return nil, err
	}
	c := &Chain{entries: make([]Entry, len(entries))}
	copy(c.entries, entries)
	return c, nil
}

// Append adds b as the next entry and returns it with the receipt for the deputy, which is the
// entry's Hash. It fails, leaving the chain unchanged, when b has no canonical form. Append does
// not check b against the rules: call Validate first.
func (c *Chain) Append(b Ballot) (Entry, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, err := NewEntry(int64(len(c.entries))+1, c.headLocked(), b)
	if err != nil {
		return Entry{}, "", err
	}
	c.entries = append(c.entries, e)
	return e, e.Hash, nil
}

// Head returns the last entry's hash, "" for an empty chain.
func (c *Chain) Head() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.headLocked()
}

func (c *Chain) headLocked() string {
	if len(c.entries) == 0 {
		return ""
	}
	return c.entries[len(c.entries)-1].Hash
}

// Entries returns a copy of the entries in order.
func (c *Chain) Entries() []Entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Entry, len(c.entries))
	copy(out, c.entries)
	return out
}

// Reason says how a chain was found broken.
type Reason string

// The reasons a chain fails verification.
const (
	ReasonEdited    Reason = "edited"
	ReasonRemoved   Reason = "removed"
	ReasonInserted  Reason = "inserted"
	ReasonReordered Reason = "reordered"
)

// VerifyError is the first place a chain is broken: Seq is the sequence number where the chain
// first goes wrong.
type VerifyError struct {
	Seq    int64
	Reason Reason
	Detail string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("ballot: chain broken at seq %d (%s): %s", e.Seq, e.Reason, e.Detail)
}

// Verify checks entries, in stored order, and returns nil or the first break as a *VerifyError.
// It finds any edited ballot, hash or link, any entry removed before the last one, any entry
// inserted among them, and entries out of order. Entries removed from or added at the end of
// the log leave a valid shorter or longer chain: VerifyHead catches them against the published
// head.
func Verify(entries []Entry) error {
	at := make(map[string]int, len(entries))
	firstSeq := make(map[int64]int, len(entries))
	for i, e := range entries {
		if _, ok := at[e.Hash]; !ok {
			at[e.Hash] = i
		}
		if _, ok := firstSeq[e.Seq]; !ok {
			firstSeq[e.Seq] = i
		}
	}
	prev := ""
	for i, e := range entries {
		want := int64(i) + 1
		if e.Seq != want {
			return seqBreak(e.Seq, want, i, firstSeq)
		}
		if _, err := decodeEntryBallot(e.Ballot); err != nil {
			return &VerifyError{Seq: e.Seq, Reason: ReasonEdited, Detail: err.Error()}
		}
		if (e.Receipt != "" || e.Salt != "") && receiptOf(e.Salt, e.Ballot) != e.Receipt {
			return &VerifyError{Seq: e.Seq, Reason: ReasonEdited, Detail: "the ballot does not match its receipt"}
		}
		if e.hash() != e.Hash {
			return &VerifyError{Seq: e.Seq, Reason: ReasonEdited, Detail: "the entry does not match its hash"}
		}
		if e.Prev != prev {
			return linkBreak(e, i, at)
		}
		prev = e.Hash
	}
	return nil
}

func seqBreak(got, want int64, i int, firstSeq map[int64]int) *VerifyError {
	switch {
	case got > want && firstSeq[want] > i:
		return &VerifyError{Seq: want, Reason: ReasonReordered,
			Detail: fmt.Sprintf("seq %d is stored after seq %d", want, got)}
	case got > want:
		return &VerifyError{Seq: want, Reason: ReasonRemoved, Detail: fmt.Sprintf("seq %d is missing", want)}
	case got >= 1:
		return &VerifyError{Seq: got, Reason: ReasonInserted,
			Detail: fmt.Sprintf("a second entry claims seq %d", got)}
	default:
		return &VerifyError{Seq: want, Reason: ReasonInserted,
			Detail: fmt.Sprintf("an entry with impossible seq %d", got)}
	}
}

func linkBreak(e Entry, i int, at map[string]int) *VerifyError {
	j, ok := at[e.Prev]
	switch {
	case ok && j < i-1:
		return &VerifyError{Seq: int64(j) + 2, Reason: ReasonInserted,
			Detail: fmt.Sprintf("seq %d links to seq %d, skipping entries", e.Seq, j+1)}
	case ok && j >= i:
		return &VerifyError{Seq: e.Seq, Reason: ReasonReordered,
			Detail: fmt.Sprintf("seq %d links to a later entry", e.Seq)}
	case i == 0:
		return &VerifyError{Seq: e.Seq, Reason: ReasonEdited, Detail: "the first entry does not start the chain"}
	default:
		return &VerifyError{Seq: e.Seq - 1, Reason: ReasonEdited,
			Detail: fmt.Sprintf("seq %d was changed after seq %d was chained to it", e.Seq-1, e.Seq)}
	}
}

// VerifyHead verifies entries and checks that they end at head, the published chain head
// ("" for no ballots). The error is a *VerifyError: ReasonInserted when entries follow the
// head, ReasonRemoved when the head is not in the log.
func VerifyHead(entries []Entry, head string) error {
	if err := Verify(entries); err != nil {
		return err
	}
	n := len(entries)
	if n == 0 && head == "" || n > 0 && entries[n-1].Hash == head {
		return nil
	}
	if head == "" {
		return &VerifyError{Seq: 1, Reason: ReasonInserted, Detail: "the published result had no ballots"}
	}
	for i, e := range entries {
		if e.Hash == head {
			return &VerifyError{Seq: int64(i) + 2, Reason: ReasonInserted,
				Detail: fmt.Sprintf("%d entries follow the published head", n-i-1)}
		}
	}
	return &VerifyError{Seq: int64(n) + 1, Reason: ReasonRemoved,
		Detail: "the published head is not in the log: entries at its end were removed"}
}

// Includes reports the seq of the entry whose receipt is receipt (for an entry made by
// Chain.Append, its hash), for a deputy checking that the ballot was counted. It does not verify
// the chain.
func Includes(entries []Entry, receipt string) (int64, bool) {
	for _, e := range entries {
		if e.Receipt == receipt || e.Receipt == "" && e.Hash == receipt {
			return e.Seq, true
		}
	}
	return 0, false
}
