package api

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

// TenantJSON is a congress.
type TenantJSON struct {
	ID           string     `json:"id"`
	Slug         string     `json:"slug"`
	Level        string     `json:"level"`
	ParentID     string     `json:"parent_id,omitempty"`
	DivisionCode string     `json:"division_code"`
	NameZH       string     `json:"name_zh"`
	NameEN       string     `json:"name_en"`
	Status       string     `json:"status"`
	ArchivedAt   *time.Time `json:"archived_at,omitempty"`
	ExportedAt   *time.Time `json:"exported_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

// TenantCreateJSON creates a congress.
type TenantCreateJSON struct {
	Slug         string `json:"slug"`
	Level        string `json:"level"`
	Parent       string `json:"parent,omitempty"`
	DivisionCode string `json:"division_code"`
	NameZH       string `json:"name_zh"`
	NameEN       string `json:"name_en"`
}

// TenantListJSON lists congresses.
type TenantListJSON struct {
	Items []TenantJSON `json:"items"`
}

func tenantJSON(t *tenants.Tenant) TenantJSON {
	return TenantJSON{ID: t.ID, Slug: t.Slug, Level: string(t.Level), ParentID: t.ParentID, DivisionCode: t.DivisionCode,
		NameZH: t.NameZH, NameEN: t.NameEN, Status: string(t.Status), ArchivedAt: t.ArchivedAt, ExportedAt: t.ExportedAt, CreatedAt: t.CreatedAt}
}

func tenantList(ts []*tenants.Tenant) TenantListJSON {
	out := TenantListJSON{Items: make([]TenantJSON, len(ts))}
	for i, t := range ts {
		out.Items[i] = tenantJSON(t)
	}
	return out
}

func (s *Server) platformRoutes() []Route {
	read, write := Platform(core.ObjPlatform, core.ActRead), Platform(core.ObjPlatform, core.ActWrite)
	status := func(verb string, to tenants.Status) Route {
		return Route{Method: http.MethodPost, Path: "/platform/tenants/:slug/" + verb, Summary: "Set a congress " + string(to), Tag: "platform",
			Access: write, Resp: TenantJSON{}, handler: func(c *fiber.Ctx) error { return s.setTenantStatus(c, to) }}
	}
	return []Route{
		{Method: http.MethodGet, Path: "/platform/tenants", Summary: "List every congress", Tag: "platform",
			Access: read, Resp: TenantListJSON{}, handler: s.listTenants},
		{Method: http.MethodPost, Path: "/platform/tenants", Summary: "Create a congress", Tag: "platform",
			Access: write, Body: TenantCreateJSON{}, Resp: TenantJSON{}, Status: http.StatusCreated, handler: s.createTenant},
		{Method: http.MethodGet, Path: "/platform/tenants/:slug", Summary: "Get a congress", Tag: "platform",
			Access: read, Resp: TenantJSON{}, handler: s.getTenant},
		status("suspend", tenants.StatusSuspended),
		status("resume", tenants.StatusActive),
		status("archive", tenants.StatusArchived),
		{Method: http.MethodGet, Path: "/platform/tenants/:slug/export", Summary: "Export all rows of a congress as JSON lines", Tag: "platform",
			Access: write, OwnTx: true, RawBody: "application/x-ndjson", handler: s.exportTenant},
		{Method: http.MethodDelete, Path: "/platform/tenants/:slug", Summary: "Delete an archived, exported congress", Tag: "platform",
			Access: write, Status: http.StatusNoContent, handler: s.deleteTenant},
	}
}

func (s *Server) tenantRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant", Summary: "This congress", Tag: "tenant",
			Access: Perm(core.ObjTenant, core.ActRead), Resp: TenantJSON{}, handler: s.thisTenant},
		{Method: http.MethodGet, Path: "/t/:tenant/children", Summary: "The congresses below this one", Tag: "tenant",
			Access: Perm(core.ObjTenant, core.ActRead), Resp: TenantListJSON{}, handler: s.childTenants},
	}
}

func (s *Server) listTenants(c *fiber.Ctx) error {
	ts, err := s.svc.Tenants.ListTenants(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(tenantList(ts))
}

func (s *Server) createTenant(c *fiber.Ctx) error {
	var in TenantCreateJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	t, err := s.svc.Tenants.CreateTenant(c.UserContext(), core.TenantCreate{Slug: in.Slug, Level: tenants.Level(in.Level),
		ParentSlug: in.Parent, DivisionCode: in.DivisionCode, NameZH: in.NameZH, NameEN: in.NameEN})
	if err != nil {
		return err
	}
	return created(c, tenantJSON(t))
}

func (s *Server) getTenant(c *fiber.Ctx) error {
	t, err := s.svc.Tenants.TenantBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return c.JSON(tenantJSON(t))
}

func (s *Server) setTenantStatus(c *fiber.Ctx, to tenants.Status) error {
	t, err := s.svc.Tenants.SetTenantStatus(c.UserContext(), c.Params("slug"), to)
	if err != nil {
		return err
	}
	return c.JSON(tenantJSON(t))
}

func (s *Server) exportTenant(c *fiber.Ctx) error {
	var buf bytes.Buffer
	slug := c.Params("slug")
	if err := s.svc.Tenants.ExportTenant(c.UserContext(), slug, &buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/x-ndjson")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+slug+`.jsonl"`)
	return c.Send(buf.Bytes())
}

func (s *Server) deleteTenant(c *fiber.Ctx) error {
	if err := s.svc.Tenants.DeleteTenant(c.UserContext(), c.Params("slug")); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) thisTenant(c *fiber.Ctx) error { return c.JSON(tenantJSON(tenantOf(c))) }

func (s *Server) childTenants(c *fiber.Ctx) error {
	ts, err := s.svc.Tenants.Descendants(c.UserContext(), tenantOf(c))
	if err != nil {
		return err
	}
	return c.JSON(tenantList(ts))
}

// homeCtx is the request context scoped to the caller's own tenant, for
// acts on the caller's own account.
func (s *Server) homeCtx(c *fiber.Ctx) context.Context {
	return tenants.WithScope(c.UserContext(), tenants.Home(homeOf(c)))
}
