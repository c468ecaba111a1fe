package ballot

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// CandidateID identifies a candidate project on the ballot.
type CandidateID string

// Choice is a deputy's choice on one candidate in a per-candidate ballot.
type Choice string

// The choices of a per-candidate ballot. A candidate missing from Ballot.Choices counts as
// Abstain, so a blank ballot is a valid ballot that abstains on everything.
const (
	Approve Choice = "approve"
	Oppose  Choice = "oppose"
	Abstain Choice = "abstain"
)

// Mode is the form of the ballot.
type Mode string

// The ballot forms.
//
// ModePerCandidate: approve, oppose or abstain on each candidate (Ballot.Choices).
// ModeChooseK: select up to K of the N candidates (Ballot.Selected); a selected candidate counts
// as an approval and an unselected one as an abstention.
// ModeBoth: approve, oppose or abstain on each candidate (Ballot.Choices) with at most K
// approvals on one ballot.
const (
	ModePerCandidate Mode = "per_candidate"
	ModeChooseK      Mode = "choose_k"
	ModeBoth         Mode = "both"
)

// PassRule decides whether a candidate passes. Both rules need strictly more than half.
type PassRule string

// The passing rules. The zero value means PassSeatedMajority.
//
// PassSeatedMajority: approvals > Seats/2, Seats being every deputy seated at the session.
// PassCastMajority: approvals > ballots cast/2; every accepted ballot counts as cast, including
// one that abstains on the candidate.
const (
	PassSeatedMajority PassRule = "seated_majority"
	PassCastMajority   PassRule = "cast_majority"
)

// Rules are the ballot rules chosen for one round.
type Rules struct {
	Mode Mode `json:"mode"`
	// K caps how many candidates are adopted: the top K by approvals among those that pass. It
	// is required (1..N) for ModeChooseK and ModeBoth; for ModePerCandidate 0 adopts every
	// candidate that passes.
	K    int      `json:"k"`
	Pass PassRule `json:"pass"`
	// Seats is the size of the seated electorate snapshot; required for PassSeatedMajority. When
	// positive, a log holding more ballots than Seats does not tally.
	Seats int `json:"seats"`
}

// Ballot is one deputy's ballot. Exactly one of its fields is used, by the Rules' Mode.
type Ballot struct {
	Choices  map[CandidateID]Choice `json:"choices,omitempty"`
	Selected []CandidateID          `json:"selected,omitempty"`
}

// Problem is one field-level problem with a ballot or with rules. Code is stable, for programs;
// Message (en) and MessageZH (zh-CN) are for people.
type Problem struct {
	Field     string
	Code      string
	Message   string
	MessageZH string
}

// The problem codes.
const (
	CodeInvalid          = "invalid"
	CodeUnknownCandidate = "unknown_candidate"
	CodeDuplicate        = "duplicate"
	CodeTooMany          = "too_many"
	CodeWrongForm        = "wrong_form"
	CodeInvalidChoice    = "invalid_choice"
)

// Problems is a list of problems; as an error it reads as one line.
type Problems []Problem

func (ps Problems) Error() string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Field + ": " + p.Message
	}
	return "ballot: " + strings.Join(parts, "; ")
}

func problem(field, code, en, zh string) Problem {
	return Problem{Field: field, Code: code, Message: en, MessageZH: zh}
}

// Check returns the problems with the rules for this candidate list, or nil when they are
// usable. Candidate IDs must be non-empty, valid UTF-8 and distinct.
func (r Rules) Check(candidates []CandidateID) Problems {
	var ps Problems
	n := len(candidates)
	if n == 0 {
		ps = append(ps, problem("candidates", CodeInvalid, "no candidates", "没有候选项目"))
	}
	seen := make(map[CandidateID]bool, n)
	for i, c := range candidates {
		field := fmt.Sprintf("candidates[%d]", i)
		switch {
		case c == "" || !utf8.ValidString(string(c)):
			ps = append(ps, problem(field, CodeInvalid, "empty or malformed candidate id", "候选项目编号为空或格式错误"))
		case seen[c]:
			ps = append(ps, problem(field, CodeDuplicate, "candidate listed twice", "候选项目重复"))
		}
		seen[c] = true
	}
	minK := 1
	switch r.Mode {
	case ModePerCandidate:
		minK = 0
	case ModeChooseK, ModeBoth:
	default:
		ps = append(ps, problem("rules.mode", CodeInvalid, "unknown ballot mode", "未知的表决方式"))
	}
	if r.K < minK || r.K > n {
		ps = append(ps, problem("rules.k", CodeInvalid,
			fmt.Sprintf("k must be between %d and %d", minK, n),
			fmt.Sprintf("应选数须在 %d 到 %d 之间", minK, n)))
	}
	switch r.Pass {
	case "", PassSeatedMajority:
		if r.Seats < 1 {
			ps = append(ps, problem("rules.seats", CodeInvalid,
				"the seated majority rule needs the number of seated deputies",
				"按全体代表过半数通过，须给出应到代表人数"))
		}
	case PassCastMajority:
	default:
		ps = append(ps, problem("rules.pass", CodeInvalid, "unknown passing rule", "未知的通过规则"))
	}
	if r.Seats < 0 {
		ps = append(ps, problem("rules.seats", CodeInvalid, "seats cannot be negative", "代表人数不能为负"))
	}
	return ps
}

// Validate returns the problems with b under rules r for these candidates, or nil when the
// ballot can be accepted. Problems with the rules themselves are returned alone (fields
// "rules.*" and "candidates[i]"). A candidate missing from Choices is not a problem: it counts
// as Abstain. An empty ballot is valid (a blank ballot).
func Validate(b Ballot, r Rules, candidates []CandidateID) Problems {
	if ps := r.Check(candidates); ps != nil {
		return ps
	}
	known := make(map[CandidateID]bool, len(candidates))
	for _, c := range candidates {
		known[c] = true
	}
	if r.Mode == ModeChooseK {
		return validateSelected(b, r, known)
	}
	return validateChoices(b, r, known)
}

func validateChoices(b Ballot, r Rules, known map[CandidateID]bool) Problems {
	var ps Problems
	if len(b.Selected) > 0 {
		ps = append(ps, problem("selected", CodeWrongForm,
			"this ballot takes a choice per candidate, not a selection",
			"本次表决逐项表决，不能勾选"))
	}
	ids := make([]CandidateID, 0, len(b.Choices))
	for id := range b.Choices {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	approvals := 0
	for _, id := range ids {
		field := "choices." + string(id)
		if !known[id] {
			ps = append(ps, problem(field, CodeUnknownCandidate, "not a candidate on this ballot", "不是本次表决的候选项目"))
			continue
		}
		switch b.Choices[id] {
		case Approve:
			approvals++
		case Oppose, Abstain:
		default:
			ps = append(ps, problem(field, CodeInvalidChoice,
				"choice must be approve, oppose or abstain", "只能选择赞成、反对或弃权"))
		}
	}
	if r.Mode == ModeBoth && approvals > r.K {
		ps = append(ps, problem("choices", CodeTooMany,
			fmt.Sprintf("at most %d approvals", r.K), fmt.Sprintf("赞成不得超过 %d 项", r.K)))
	}
	return ps
}

func validateSelected(b Ballot, r Rules, known map[CandidateID]bool) Problems {
	var ps Problems
	if len(b.Choices) > 0 {
		ps = append(ps, problem("choices", CodeWrongForm,
			"this ballot takes a selection, not a choice per candidate",
			"本次表决为限额勾选，不能逐项表决"))
	}
	seen := make(map[CandidateID]bool, len(b.Selected))
	for i, id := range b.Selected {
		field := fmt.Sprintf("selected[%d]", i)
		switch {
		case !known[id]:
			ps = append(ps, problem(field, CodeUnknownCandidate, "not a candidate on this ballot", "不是本次表决的候选项目"))
		case seen[id]:
			ps = append(ps, problem(field, CodeDuplicate, "candidate selected twice", "同一项目重复勾选"))
		}
		seen[id] = true
	}
	if len(b.Selected) > r.K {
		ps = append(ps, problem("selected", CodeTooMany,
			fmt.Sprintf("at most %d selections", r.K), fmt.Sprintf("勾选不得超过 %d 项", r.K)))
	}
	return ps
}
