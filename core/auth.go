package core

import (
	"context"
	"time"
)

// Session is a signed-in browser or app. The token is returned once, at
// login; only its hash is stored.
type Session struct {
	ID        string
	UserID    string
	TenantID  string
	Token     string // only set by Login
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Credentials is a login attempt.
type Credentials struct {
	Username  string
	Password  string
	UserAgent string
	IP        string
}

// APIKey is a credential of a service account. The secret is returned once.
type APIKey struct {
	ID         string
	UserID     string
	Name       string
	Prefix     string // the first characters of the key, to tell keys apart
	Secret     string // only set on creation
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
	LastUsedAt *time.Time
}

// ServiceAccountCreate is the input for creating an integration's account.
type ServiceAccountCreate struct {
	Username    string
	DisplayName string
}

// Validate checks the input.
func (in ServiceAccountCreate) Validate() error {
	var v Validator
	ValidateUsername(&v, "username", in.Username)
	v.Text("display_name", in.DisplayName, 100)
	return v.Err()
}

// AuthService signs people in and out and resolves credentials. Methods run
// in the home scope of the tenant the credentials belong to.
type AuthService interface {
	// Login checks a username and password. EUNAUTHORIZED for a wrong pair
	// (without saying which half), ELOCKED while the account is backing off
	// after repeated failures.
	Login(ctx context.Context, c Credentials) (*Session, *Principal, error)

	// Authenticate resolves a session token or an API key of the scope's
	// tenant. EUNAUTHORIZED for an unknown, expired or revoked credential or
	// a disabled user.
	Authenticate(ctx context.Context, token string) (*Principal, error)

	// Logout ends one session.
	Logout(ctx context.Context, sessionID string) error

	// RevokeSessions ends every session of a user, returning how many.
	RevokeSessions(ctx context.Context, userID string) (int, error)

	// ChangePassword replaces the user's password after checking the
	// current one, and ends the user's other sessions. EINVALID for a wrong
	// current password or a weak new one.
	ChangePassword(ctx context.Context, userID, current, next, keepSessionID string) error

	// CreateServiceAccount creates an integration's account.
	CreateServiceAccount(ctx context.Context, in ServiceAccountCreate) (*User, error)

	// CreateAPIKey issues a key for a service account. ENOTFOUND unless
	// userID is a service account of the tenant.
	CreateAPIKey(ctx context.Context, userID, name string, expiresAt *time.Time) (*APIKey, error)

	// ListAPIKeys lists a service account's keys, without secrets.
	ListAPIKeys(ctx context.Context, userID string) ([]*APIKey, error)

	// RevokeAPIKey revokes a key. ENOTFOUND for an unknown key.
	RevokeAPIKey(ctx context.Context, userID, keyID string) error
}

// TokenTenant returns the tenant id carried inside a session token or API
// key, so the caller knows which tenant's scope to authenticate it in.
// The id is not trusted: the token's hash must still match a stored one in
// that tenant.
func TokenTenant(token string) (string, bool) {
	// Tokens look like "rs1.<tenant uuid, 32 hex>.<secret>" (sessions) or
	// "rk1.<tenant uuid>.<secret>" (API keys).
	if len(token) < 4+32+1+20 || len(token) > 200 {
		return "", false
	}
	if token[:4] != "rs1." && token[:4] != "rk1." {
		return "", false
	}
	hex := token[4 : 4+32]
	if token[4+32] != '.' {
		return "", false
	}
	for _, c := range hex {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", false
		}
	}
	return hex[0:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:32], true
}
