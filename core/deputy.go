package core

import (
	"context"
	"net/mail"
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
}
