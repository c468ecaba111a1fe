package core

import (
	"context"
	"io"

	"github.com/renda-platform/renda/tenants"
)

// TenantCreate is the input for creating a tenant.
type TenantCreate struct {
	Slug         string
	Level        tenants.Level
	ParentSlug   string
	DivisionCode string
	NameZH       string
	NameEN       string
}

// Validate checks the input, not the relations (parent existence, level
// order), which the service checks.
func (in TenantCreate) Validate() error {
	var v Validator
	if v.Required("slug", in.Slug) && !tenants.ValidSlug(in.Slug) {
		v.Add("slug", "tenant.slug_invalid")
	}
	if !in.Level.Valid() {
		v.Add("level", "field.one_of", "city, district, township")
	}
	if v.Required("division_code", in.DivisionCode) && !tenants.ValidDivisionCode(in.DivisionCode) {
		v.Add("division_code", "tenant.division_invalid")
	}
	v.Text("name_zh", in.NameZH, 100)
	v.Text("name_en", in.NameEN, 200)
	if in.Level == tenants.LevelCity && in.ParentSlug != "" {
		v.Add("parent", "tenant.city_has_no_parent")
	}
	if in.Level != tenants.LevelCity && in.Level.Valid() && in.ParentSlug == "" {
		v.Add("parent", "field.required")
	}
	return v.Err()
}

// TenantService manages tenants. Its methods are platform operations: they
// need no tenant scope in the context, and they write audit entries into the
// chain of the tenant they change.
type TenantService interface {
	// CreateTenant creates an active tenant. EINVALID for bad input or a
	// parent of the wrong level, ENOTFOUND for an unknown parent, ECONFLICT
	// for a taken slug or division code.
	CreateTenant(ctx context.Context, in TenantCreate) (*tenants.Tenant, error)

	// TenantBySlug returns a tenant in any state, or ENOTFOUND.
	TenantBySlug(ctx context.Context, slug string) (*tenants.Tenant, error)

	// TenantByID returns a tenant in any state, or ENOTFOUND.
	TenantByID(ctx context.Context, id string) (*tenants.Tenant, error)

	// ListTenants returns all tenants ordered by path (a tree walk).
	ListTenants(ctx context.Context) ([]*tenants.Tenant, error)

	// SetTenantStatus moves a tenant to suspended, active or archived.
	// Suspending revokes every session of the tenant. ECONFLICT for a move
	// the lifecycle forbids (an archived tenant is not resumed).
	SetTenantStatus(ctx context.Context, slug string, to tenants.Status) (*tenants.Tenant, error)

	// ExportTenant writes every row the tenant owns to w as JSON lines, one
	// object per row with its table name, and records the export.
	ExportTenant(ctx context.Context, slug string, w io.Writer) error

	// DeleteTenant removes a tenant and all its rows. ECONFLICT unless the
	// tenant is archived, was exported after it was archived, and has no
	// child tenants.
	DeleteTenant(ctx context.Context, slug string) error
}
