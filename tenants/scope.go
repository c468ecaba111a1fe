package tenants

import "context"

// Scope is what a piece of work may touch. The store reads it from the
// context and nowhere else, so a query can never run without one.
type Scope struct {
	// Tenant is the tenant the request addresses.
	Tenant *Tenant
	// WriteTenantID is the only tenant whose rows may be written; empty for
	// read-only work (a city reading a district's data).
	WriteTenantID string
	// ReadTenantIDs are the tenants whose rows may be read.
	ReadTenantIDs []string
}

// Home returns the scope of work done by a tenant on its own data.
func Home(t *Tenant) Scope {
	return Scope{Tenant: t, WriteTenantID: t.ID, ReadTenantIDs: []string{t.ID}}
}

// ReadOnly returns a scope that reads the given tenants and writes nothing.
func ReadOnly(t *Tenant, readIDs ...string) Scope {
	return Scope{Tenant: t, ReadTenantIDs: readIDs}
}

// CanRead reports whether the scope may read rows of tenant id.
func (s Scope) CanRead(id string) bool {
	for _, r := range s.ReadTenantIDs {
		if r == id {
			return true
		}
	}
	return false
}

type scopeKey struct{}

// WithScope returns a context carrying s.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// FromContext returns the scope carried by ctx, if any.
func FromContext(ctx context.Context) (Scope, bool) {
	s, ok := ctx.Value(scopeKey{}).(Scope)
	return s, ok
}
