package core

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// DeputyStatus is a deputy's standing.
type DeputyStatus string

// Deputy states.
const (
	DeputyActive     DeputyStatus = "active"     // 在任
	DeputySuspended  DeputyStatus = "suspended"  // 暂停履职
	DeputyTerminated DeputyStatus = "terminated" // 终止代表资格 / 届满
)

// Deputy is an elected member of a congress (人大代表).
type Deputy struct {
	ID           string
	TenantID     string
	Name         string
	Gender       string // "male", "female" or ""
	Level        string // city, district or township: the congress that elected them
	Delegation   string // 代表团, e.g. "海曙区代表团"
	Constituency string // 选区
	Term         string // 届次, e.g. "第十六届"
	Occupation   string
	Phone        string
	Email        string
	Status       DeputyStatus
	HasPhoto     bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// DeputyInput creates or replaces a deputy's editable fields.
type DeputyInput struct {
	Name         string
	Gender       string
	Level        string
	Delegation   string
	Constituency string
	Term         string
	Occupation   string
	Phone        string
	Email        string
	Status       DeputyStatus
}

// Validate checks the input.
func (in DeputyInput) Validate() error {
	var v Validator
	v.Text("name", in.Name, 50)
	if in.Gender != "" {
		v.OneOf("gender", in.Gender, "male", "female")
	}
	v.OneOf("level", in.Level, "city", "district", "township")
	v.OptionalText("delegation", in.Delegation, 100)
	v.OptionalText("constituency", in.Constituency, 100)
	v.OptionalText("term", in.Term, 50)
	v.OptionalText("occupation", in.Occupation, 200)
	if in.Phone != "" && !validPhone(in.Phone) {
		v.Add("phone", "deputy.phone_invalid")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || utf8.RuneCountInString(in.Email) > 200 {
			v.Add("email", "deputy.email_invalid")
		}
	}
	v.OneOf("status", string(in.Status), string(DeputyActive), string(DeputySuspended), string(DeputyTerminated))
	return v.Err()
}

// DeputyKey tells deputies of one congress apart in an import: the name,
// the term (届次) and the constituency (选区), trimmed. A constituency
// elects different people in one term, and a deputy re-elected is a new
// record of the next term; so two records with one key are the same person
// entered twice. Phone numbers are not the key: they are optional, and
// change.
type DeputyKey struct {
	Name, Term, Constituency string
}

// Key returns the input's DeputyKey.
func (in DeputyInput) Key() DeputyKey {
	return DeputyKey{Name: strings.TrimSpace(in.Name), Term: strings.TrimSpace(in.Term), Constituency: strings.TrimSpace(in.Constituency)}
}

// MaxDeputyImport is the most deputies one import adds.
const MaxDeputyImport = 10000

// DeputyImport is a batch of deputies added at once (an Excel file).
type DeputyImport struct {
	Deputies []DeputyInput
	// Rows number the deputies as their author knows them (the rows of a
	// spreadsheet), for problems; default 1, 2, 3 …
	Rows []int
	// Source describes where the batch came from (the file's SHA-256), for
	// the audit entry.
	Source string
}

func validPhone(s string) bool {
	if len(s) < 5 || len(s) > 20 {
		return false
	}
	for i, r := range s {
		if !(r >= '0' && r <= '9' || r == '-' || r == ' ' || (r == '+' && i == 0)) {
			return false
		}
	}
	return true
}

// MaskPhone hides the middle of a phone number for lists: 138****5678.
func MaskPhone(s string) string {
	r := []rune(s)
	if len(r) < 7 {
		return "****"
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

// MaskEmail hides most of the local part: z***@example.cn.
func MaskEmail(s string) string {
	for i, r := range s {
		if r == '@' {
			if i == 0 {
				return "***" + s[i:]
			}
			return s[:1] + "***" + s[i:]
		}
	}
	return "***"
}

// DeputyFilter narrows a deputy list.
type DeputyFilter struct {
	Query      string // matches name, delegation, constituency or occupation
	Status     DeputyStatus
	Level      string
	Delegation string
	PageRequest
}

// Photo is a deputy's portrait.
type Photo struct {
	ContentType string
	Data        []byte
}

// MaxPhotoBytes is the largest portrait accepted.
const MaxPhotoBytes = 2 << 20

// DeputyService manages the deputies of the tenant in the context's scope.
type DeputyService interface {
	// CreateDeputy adds a deputy. EINVALID.
	CreateDeputy(ctx context.Context, in DeputyInput) (*Deputy, error)
	// Deputy returns a deputy of a readable tenant, or ENOTFOUND.
	Deputy(ctx context.Context, id string) (*Deputy, error)
	// ListDeputies returns a page of deputies in creation order.
	ListDeputies(ctx context.Context, f DeputyFilter) (Page[*Deputy], error)
	// UpdateDeputy replaces a deputy's fields. ENOTFOUND, EINVALID.
	UpdateDeputy(ctx context.Context, id string, in DeputyInput) (*Deputy, error)
	// SetDeputyPhoto stores a portrait (JPEG, PNG or WebP, sniffed from the
	// bytes). EINVALID for another type or an oversize image.
	SetDeputyPhoto(ctx context.Context, id string, p Photo) error
	// DeputyPhoto returns the portrait, or ENOTFOUND.
	DeputyPhoto(ctx context.Context, id string) (*Photo, error)
	// ImportDeputies adds every deputy of the batch or none, with one audit
	// entry, and returns how many it added. EINVALID, naming each problem
	// at "rows[N].field" (N from imp.Rows), when an input is invalid or its
	// Key repeats an earlier input's or an existing deputy's of the
	// congress; EINVALID too for an empty batch or one over MaxDeputyImport.
	ImportDeputies(ctx context.Context, imp DeputyImport) (int, error)
}
