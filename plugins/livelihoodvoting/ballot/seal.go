package ballot

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
)

// Sealed is a ballot accepted into a ballot box before the chain is built: its canonical JSON,
// a random salt and the receipt given to the deputy. The receipt reveals nothing of the ballot
// without the salt, and identical ballots get different receipts.
type Sealed struct {
	Ballot  json.RawMessage `json:"ballot"`
	Salt    string          `json:"salt"`
	Receipt string          `json:"receipt"`
}

// Seal seals b with a fresh random salt. It fails when b has no canonical form (see Canonical).
// Seal does not check b against the rules: call Validate first.
func Seal(b Ballot) (Sealed, error) {
	raw, err := Canonical(b)
	if err != nil {
		return Sealed{}, err
	}
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return Sealed{}, fmt.Errorf("ballot: seal: %w", err)
	}
	s := Sealed{Ballot: raw, Salt: hex.EncodeToString(salt[:])}
	s.Receipt = receiptOf(s.Salt, raw)
	return s, nil
}

func receiptOf(salt string, ballot []byte) string {
	h := sha256.New()
	h.Write([]byte("renda-ballot-receipt\n" + salt + "\n"))
	h.Write(ballot)
	return hex.EncodeToString(h.Sum(nil))
}

// Check reports whether s is intact: its ballot canonical and its receipt made from its salt
// and ballot.
func (s Sealed) Check() error {
	if _, err := decodeEntryBallot(s.Ballot); err != nil {
		return err
	}
	if receiptOf(s.Salt, s.Ballot) != s.Receipt {
		return fmt.Errorf("ballot: sealed ballot does not match its receipt")
	}
	return nil
}

// Build chains sealed ballots in the order of their receipts, which is unrelated to the order
// they were cast in: the chain's order cannot be lined up with anything recorded about the
// voters. It fails when a sealed ballot does not Check or two share a receipt.
func Build(sealed []Sealed) ([]Entry, error) {
	sorted := make([]Sealed, len(sealed))
	copy(sorted, sealed)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Receipt < sorted[j].Receipt })
	entries := make([]Entry, len(sorted))
	prev := ""
	for i, s := range sorted {
		if err := s.Check(); err != nil {
			return nil, err
		}
		if i > 0 && s.Receipt == sorted[i-1].Receipt {
			return nil, fmt.Errorf("ballot: two sealed ballots share receipt %s", s.Receipt)
		}
		e := Entry{Seq: int64(i) + 1, Ballot: s.Ballot, Receipt: s.Receipt, Salt: s.Salt, Prev: prev}
		e.Hash = e.hash()
		entries[i], prev = e, e.Hash
	}
	return entries, nil
}

// InReceiptOrder reports whether sealed entries are in the order Build gives them (strictly
// increasing receipts), so that a reader can check no one chose the order.
func InReceiptOrder(entries []Entry) bool {
	for i := 1; i < len(entries); i++ {
		if entries[i].Receipt <= entries[i-1].Receipt {
			return false
		}
	}
	return true
}
