package authz

import (
	"context"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

// EnforceAsUser asks casbin about the user, as the model reads, for tests
// comparing it with Enforce.
func (a *Authorizer) EnforceAsUser(ctx context.Context, userID string, t *tenants.Tenant, perm core.Permission) (bool, error) {
	e, err := a.enforcer(ctx, t.ID, t.PolicyVersion)
	if err != nil {
		return false, err
	}
	return e.Enforce(subject(userID), t.ID, perm.Object, perm.Action)
}
