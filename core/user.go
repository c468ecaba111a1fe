package core

import (
	"context"
	"time"
)

// UserStatus is whether a user may sign in.
type UserStatus string

// User states.
const (
	UserActive   UserStatus = "active"
	UserDisabled UserStatus = "disabled"
)

// User is an account of one tenant: a platform admin, a tenant admin, staff,
// a deputy, or a service account used by an integration.
type User struct {
	ID          string
	TenantID    string
	Username    string
	DisplayName string
	Kind        PrincipalKind
	Status      UserStatus
	DeputyID    string
	Roles       []string // filled by the API from the authorizer
	LockedUntil *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// UserCreate is the input for creating a person's account.
type UserCreate struct {
	Username    string
	DisplayName string
	Password    string
	DeputyID    string
}

// Validate checks the input.
func (in UserCreate) Validate() error {
	var v Validator
	ValidateUsername(&v, "username", in.Username)
	v.Text("display_name", in.DisplayName, 100)
	ValidatePassword(&v, "password", in.Password)
	return v.Err()
}

// UserUpdate changes a user; nil fields are left alone.
type UserUpdate struct {
	DisplayName *string
	Status      *UserStatus
	DeputyID    *string
}

// UserFilter narrows a user list.
type UserFilter struct {
	Query string // matches username or display name
	Kind  PrincipalKind
	PageRequest
}

// ValidateUsername checks a login name: 3 to 64 letters, digits, and . _ - @.
func ValidateUsername(v *Validator, path, s string) {
	if !v.Required(path, s) {
		return
	}
	if len(s) < 3 || len(s) > 64 {
		v.Add(path, "user.username_invalid")
		return
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@'
		if !ok {
			v.Add(path, "user.username_invalid")
			return
		}
	}
}

// Password rules.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// ValidatePassword checks a new password's length.
func ValidatePassword(v *Validator, path, s string) {
	n := len([]rune(s))
	if n < MinPasswordLen || n > MaxPasswordLen {
		v.Add(path, "user.password_length", MinPasswordLen, MaxPasswordLen)
	}
}

// UserService manages the accounts of the tenant in the context's scope.
type UserService interface {
	// CreateUser creates a person's account. EINVALID, ECONFLICT for a taken
	// username, ENOTFOUND for an unknown deputy.
	CreateUser(ctx context.Context, in UserCreate) (*User, error)
	// User returns a user of a readable tenant, or ENOTFOUND.
	User(ctx context.Context, id string) (*User, error)
	// ListUsers returns a page of users ordered by username.
	ListUsers(ctx context.Context, f UserFilter) (Page[*User], error)
	// UpdateUser changes a user. Disabling a user ends their sessions.
	UpdateUser(ctx context.Context, id string, in UserUpdate) (*User, error)
	// ResetPassword sets a new password chosen by an administrator, unlocks
	// the account and ends its sessions.
	ResetPassword(ctx context.Context, id, password string) error
}
