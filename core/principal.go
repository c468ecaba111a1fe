package core

import "context"

// PrincipalKind tells a person from an integration.
type PrincipalKind string

// Principal kinds.
const (
	KindHuman   PrincipalKind = "human"
	KindService PrincipalKind = "service"
)

// Principal is who is making a request: a user signed in with a session, or
// a service account calling with an API key.
type Principal struct {
	UserID      string
	TenantID    string // the principal's home tenant
	Username    string
	DisplayName string
	Kind        PrincipalKind
	SessionID   string // set for session logins
	APIKeyID    string // set for API-key calls
	DeputyID    string // set when the user is a deputy
}

type principalKey struct{}
type requestIDKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal carried by ctx, or nil.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// WithRequestID returns a context carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the request id carried by ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
