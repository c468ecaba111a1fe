package core

import (
	"context"

	"github.com/renda-platform/renda/tenants"
)

// Permission is an action on an object: what a route requires and what a
// role grants. "*" in a grant matches anything.
type Permission struct {
	Object string
	Action string
}

// String returns "object:action".
func (p Permission) String() string { return p.Object + ":" + p.Action }

// Actions.
const (
	ActRead  = "read"
	ActWrite = "write"
)

// Core objects. Scene plugins add their own, namespaced by plugin id.
const (
	ObjTenant          = "tenant"
	ObjUsers           = "users"
	ObjServiceAccounts = "service_accounts"
	ObjRoles           = "roles"
	ObjDeputies        = "deputies"
	ObjDuty            = "duty"
	ObjAudit           = "audit"
	ObjScenes          = "scenes"
	ObjDepartments     = "departments"
	// ObjDescendants granted for reading lets a user of a city (or district)
	// congress read the data of the congresses below it. Never for writing.
	ObjDescendants = "descendants"
	// ObjPlatform is the object of platform administration (tenants).
	ObjPlatform = "platform"
)

// PlatformDomain is the authorization domain of platform administrators.
const PlatformDomain = "platform"

// Built-in roles. Their grants are templates shared by every tenant; a
// tenant admin may add grants to them and create roles of their own.
const (
	RoleTenantAdmin   = "tenant_admin"
	RoleStaff         = "staff"
	RoleDeputy        = "deputy"
	RolePlatformAdmin = "platform_admin"
)

// BuiltinRoles lists the tenant roles every tenant has.
var BuiltinRoles = []string{RoleTenantAdmin, RoleStaff, RoleDeputy}

// Role is a named set of grants in one tenant.
type Role struct {
	Name    string
	Builtin bool
	Grants  []Permission
}

// Authorizer decides whether a principal may do something in a tenant, and
// keeps roles and grants.
type Authorizer interface {
	// Enforce reports whether the user holds perm in the tenant's domain.
	Enforce(ctx context.Context, userID string, t *tenants.Tenant, perm Permission) (bool, error)
	// EnforcePlatform reports whether the user is a platform administrator
	// holding perm.
	EnforcePlatform(ctx context.Context, userID string, perm Permission) (bool, error)

	// Roles lists the tenant's roles with their grants.
	Roles(ctx context.Context, t *tenants.Tenant) ([]*Role, error)
	// PutRole creates or replaces a custom role's own grants (for a built-in
	// role: the tenant's extra grants). EINVALID for an unknown permission.
	PutRole(ctx context.Context, t *tenants.Tenant, name string, grants []Permission) (*Role, error)
	// DeleteRole removes a custom role and every assignment of it.
	// ECONFLICT for a built-in role, ENOTFOUND for an unknown one.
	DeleteRole(ctx context.Context, t *tenants.Tenant, name string) error
	// UserRoles lists the roles assigned to a user in the tenant.
	UserRoles(ctx context.Context, t *tenants.Tenant, userID string) ([]string, error)
	// SetUserRoles replaces a user's roles in the tenant. EINVALID for an
	// unknown role.
	SetUserRoles(ctx context.Context, t *tenants.Tenant, userID string, roles []string) error
	// GrantPlatformAdmin makes a user a platform administrator.
	GrantPlatformAdmin(ctx context.Context, userID string) error
}

// CorePermissions lists every permission of the core platform, for role
// editors and for validating grants. Scene plugins add their own.
var CorePermissions = []Permission{
	{ObjTenant, ActRead},
	{ObjUsers, ActRead}, {ObjUsers, ActWrite},
	{ObjServiceAccounts, ActRead}, {ObjServiceAccounts, ActWrite},
	{ObjRoles, ActRead}, {ObjRoles, ActWrite},
	{ObjDeputies, ActRead}, {ObjDeputies, ActWrite},
	{ObjDuty, ActRead}, {ObjDuty, ActWrite},
	{ObjAudit, ActRead},
	{ObjScenes, ActWrite},
	{ObjDepartments, ActRead}, {ObjDepartments, ActWrite},
	{ObjDescendants, ActRead},
}
