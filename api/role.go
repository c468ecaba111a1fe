package api

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// GrantJSON is one permission.
type GrantJSON struct {
	Object string `json:"object"`
	Action string `json:"action"`
}

// RoleJSON is a role and its grants.
type RoleJSON struct {
	Name    string      `json:"name"`
	Builtin bool        `json:"builtin"`
	Grants  []GrantJSON `json:"grants"`
}

// RolePutJSON sets a role's grants.
type RolePutJSON struct {
	Grants []GrantJSON `json:"grants"`
}

// RoleListJSON lists roles.
type RoleListJSON struct {
	Items []RoleJSON `json:"items"`
}

// PermissionListJSON lists what roles may be granted.
type PermissionListJSON struct {
	Items []GrantJSON `json:"items"`
}

func roleJSON(r *core.Role) RoleJSON {
	out := RoleJSON{Name: r.Name, Builtin: r.Builtin, Grants: make([]GrantJSON, len(r.Grants))}
	for i, g := range r.Grants {
		out.Grants[i] = GrantJSON{Object: g.Object, Action: g.Action}
	}
	return out
}

func (s *Server) roleRoutes() []Route {
	read, write := Perm(core.ObjRoles, core.ActRead), Perm(core.ObjRoles, core.ActWrite)
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/roles", Summary: "List roles and their grants", Tag: "roles",
			Access: read, Resp: RoleListJSON{}, handler: s.listRoles},
		{Method: http.MethodPut, Path: "/t/:tenant/roles/:name", Summary: "Create a role or replace its grants (effective at once)", Tag: "roles",
			Access: write, Body: RolePutJSON{}, Resp: RoleJSON{}, handler: s.putRole},
		{Method: http.MethodDelete, Path: "/t/:tenant/roles/:name", Summary: "Delete a custom role", Tag: "roles",
			Access: write, Status: http.StatusNoContent, handler: s.deleteRole},
		{Method: http.MethodGet, Path: "/t/:tenant/permissions", Summary: "Permissions a role may be granted", Tag: "roles",
			Access: read, Resp: PermissionListJSON{}, handler: s.listPermissions},
	}
}

func (s *Server) listRoles(c *fiber.Ctx) error {
	roles, err := s.svc.Authz.Roles(c.UserContext(), tenantOf(c))
	if err != nil {
		return err
	}
	out := RoleListJSON{Items: make([]RoleJSON, len(roles))}
	for i, r := range roles {
		out.Items[i] = roleJSON(r)
	}
	return c.JSON(out)
}

func (s *Server) putRole(c *fiber.Ctx) error {
	var in RolePutJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	grants := make([]core.Permission, len(in.Grants))
	for i, g := range in.Grants {
		grants[i] = core.Permission{Object: g.Object, Action: g.Action}
	}
	ctx, t, name := c.UserContext(), tenantOf(c), c.Params("name")
	r, err := s.svc.Authz.PutRole(ctx, t, name, grants)
	if err != nil {
		return err
	}
	if err := s.svc.Audit.Record(ctx, core.AuditRecord{Action: "role.put", TargetType: "role", TargetID: name, After: in.Grants}); err != nil {
		return err
	}
	return c.JSON(roleJSON(r))
}

func (s *Server) deleteRole(c *fiber.Ctx) error {
	ctx, name := c.UserContext(), c.Params("name")
	if err := s.svc.Authz.DeleteRole(ctx, tenantOf(c), name); err != nil {
		return err
	}
	if err := s.svc.Audit.Record(ctx, core.AuditRecord{Action: "role.delete", TargetType: "role", TargetID: name}); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) listPermissions(c *fiber.Ctx) error {
	out := PermissionListJSON{Items: make([]GrantJSON, len(core.CorePermissions))}
	for i, p := range core.CorePermissions {
		out.Items[i] = GrantJSON{Object: p.Object, Action: p.Action}
	}
	return c.JSON(out)
}
