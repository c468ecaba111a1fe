package api

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// UserJSON is an account.
type UserJSON struct {
	ID          string     `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Kind        string     `json:"kind"`
	Status      string     `json:"status"`
	DeputyID    string     `json:"deputy_id,omitempty"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
}

// UserCreateJSON creates a person's account.
type UserCreateJSON struct {
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Password    string   `json:"password"`
	DeputyID    string   `json:"deputy_id,omitempty"`
	Roles       []string `json:"roles,omitempty"`
}

// UserPatchJSON changes an account; absent fields stay.
type UserPatchJSON struct {
	DisplayName *string `json:"display_name,omitempty"`
	Status      *string `json:"status,omitempty"`
	DeputyID    *string `json:"deputy_id,omitempty"`
}

// PasswordReset sets a password chosen by an administrator.
type PasswordReset struct {
	Password string `json:"password"`
}

// RolesJSON is a user's roles.
type RolesJSON struct {
	Roles []string `json:"roles"`
}

type userListQuery struct {
	Q string `query:"q" doc:"matches username or display name"`
	pageQuery
}

func userJSON(u *core.User) UserJSON {
	return UserJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Kind: string(u.Kind),
		Status: string(u.Status), DeputyID: u.DeputyID, LockedUntil: u.LockedUntil, CreatedAt: u.CreatedAt}
}

func (s *Server) userRoutes() []Route {
	read, write := Perm(core.ObjUsers, core.ActRead), Perm(core.ObjUsers, core.ActWrite)
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/users", Summary: "List accounts", Tag: "users",
			Access: read, Query: userListQuery{}, Resp: PageJSON[UserJSON]{}, handler: s.listUsers},
		{Method: http.MethodPost, Path: "/t/:tenant/users", Summary: "Create an account", Tag: "users",
			Access: write, Body: UserCreateJSON{}, Resp: UserJSON{}, Status: http.StatusCreated, handler: s.createUser},
		{Method: http.MethodGet, Path: "/t/:tenant/users/:id", Summary: "Get an account", Tag: "users",
			Access: read, Resp: UserJSON{}, handler: s.getUser},
		{Method: http.MethodPatch, Path: "/t/:tenant/users/:id", Summary: "Change an account", Tag: "users",
			Access: write, Body: UserPatchJSON{}, Resp: UserJSON{}, handler: s.patchUser},
		{Method: http.MethodPost, Path: "/t/:tenant/users/:id/reset-password", Summary: "Set a new password and end the sessions", Tag: "users",
			Access: write, Body: PasswordReset{}, Status: http.StatusNoContent, handler: s.resetPassword},
		{Method: http.MethodPost, Path: "/t/:tenant/users/:id/revoke-sessions", Summary: "End every session of an account", Tag: "users",
			Access: write, Resp: RevokedJSON{}, handler: s.revokeUserSessions},
		{Method: http.MethodGet, Path: "/t/:tenant/users/:id/roles", Summary: "An account's roles", Tag: "users",
			Access: read, Resp: RolesJSON{}, handler: s.getUserRoles},
		{Method: http.MethodPut, Path: "/t/:tenant/users/:id/roles", Summary: "Replace an account's roles", Tag: "users",
			Access: Perm(core.ObjRoles, core.ActWrite), Body: RolesJSON{}, Resp: RolesJSON{}, handler: s.putUserRoles},
	}
}

func (s *Server) listUsers(c *fiber.Ctx) error {
	var v core.Validator
	f := core.UserFilter{Query: c.Query("q"), PageRequest: pageRequest(c, &v)}
	v.MaxLen("q", f.Query, 100)
	if err := v.Err(); err != nil {
		return err
	}
	p, err := s.svc.Users.ListUsers(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(pageOf(p, userJSON))
}

func (s *Server) createUser(c *fiber.Ctx) error {
	var in UserCreateJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	u, err := s.svc.Users.CreateUser(c.UserContext(), core.UserCreate{Username: in.Username, DisplayName: in.DisplayName, Password: in.Password, DeputyID: in.DeputyID})
	if err != nil {
		return err
	}
	return s.createdWithRoles(c, u, in.Roles)
}

// createdWithRoles gives a new account its roles, in the same transaction,
// and answers 201 with it.
func (s *Server) createdWithRoles(c *fiber.Ctx, u *core.User, roles []string) error {
	if len(roles) > 0 {
		if err := s.setRoles(c, u.ID, roles); err != nil {
			return err
		}
	}
	return created(c, userJSON(u))
}

func (s *Server) getUser(c *fiber.Ctx) error {
	u, err := s.svc.Users.User(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(userJSON(u))
}

func (s *Server) patchUser(c *fiber.Ctx) error {
	var in UserPatchJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	up := core.UserUpdate{DisplayName: in.DisplayName, DeputyID: in.DeputyID}
	if in.Status != nil {
		st := core.UserStatus(*in.Status)
		up.Status = &st
	}
	u, err := s.svc.Users.UpdateUser(c.UserContext(), c.Params("id"), up)
	if err != nil {
		return err
	}
	return c.JSON(userJSON(u))
}

func (s *Server) resetPassword(c *fiber.Ctx) error {
	var in PasswordReset
	if err := bind(c, &in); err != nil {
		return err
	}
	if err := s.svc.Users.ResetPassword(c.UserContext(), c.Params("id"), in.Password); err != nil {
		return err
	}
	return noContent(c)
}

func (s *Server) revokeUserSessions(c *fiber.Ctx) error {
	u, err := s.svc.Users.User(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	n, err := s.svc.Auth.RevokeSessions(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(RevokedJSON{Revoked: n})
}

func (s *Server) getUserRoles(c *fiber.Ctx) error {
	u, err := s.svc.Users.User(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	roles, err := s.svc.Authz.UserRoles(c.UserContext(), tenantOf(c), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(RolesJSON{Roles: roles})
}

func (s *Server) putUserRoles(c *fiber.Ctx) error {
	var in RolesJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	u, err := s.svc.Users.User(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.setRoles(c, u.ID, in.Roles); err != nil {
		return err
	}
	return c.JSON(RolesJSON{Roles: in.Roles})
}

// setRoles replaces a user's roles and records the change.
func (s *Server) setRoles(c *fiber.Ctx, userID string, roles []string) error {
	ctx := c.UserContext()
	t := tenantOf(c)
	before, err := s.svc.Authz.UserRoles(ctx, t, userID)
	if err != nil {
		return err
	}
	if roles == nil {
		roles = []string{}
	}
	if err := s.svc.Authz.SetUserRoles(ctx, t, userID, roles); err != nil {
		return err
	}
	return s.svc.Audit.Record(ctx, core.AuditRecord{Action: "user.roles", TargetType: "user", TargetID: userID, Before: before, After: roles})
}
