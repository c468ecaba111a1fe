package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

// LoginRequest signs a person in.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// LoginResponse carries the session token once. Browsers also get it as
// an HttpOnly cookie and need not keep it.
type LoginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Me        MeJSON    `json:"me"`
}

// MeJSON describes the signed-in principal.
type MeJSON struct {
	UserID      string     `json:"user_id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Kind        string     `json:"kind"`
	DeputyID    string     `json:"deputy_id,omitempty"`
	Tenant      TenantJSON `json:"tenant"`
	Roles       []string   `json:"roles"`
	// Permissions are the core permissions ("object:action") the caller
	// holds in their congress; a scene's are in GET /t/{tenant}/scene-pages.
	Permissions []string `json:"permissions"`
	Platform    bool     `json:"platform_admin"`
}

// PasswordChange replaces the caller's password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// RevokedJSON reports how many sessions ended.
type RevokedJSON struct {
	Revoked int `json:"revoked"`
}

func (s *Server) authRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/t/:tenant/auth/login", Summary: "Sign in with username and password", Tag: "auth",
			Access: Public(), OwnTx: true, Secret: true, Body: LoginRequest{}, Resp: LoginResponse{}, handler: s.login},
		{Method: http.MethodPost, Path: "/t/:tenant/auth/logout", Summary: "End this session", Tag: "auth",
			Access: SignedIn(), Status: http.StatusNoContent, handler: s.logout},
		{Method: http.MethodPost, Path: "/t/:tenant/auth/logout-all", Summary: "End every session of the caller", Tag: "auth",
			Access: SignedIn(), Resp: RevokedJSON{}, handler: s.logoutAll},
		{Method: http.MethodGet, Path: "/t/:tenant/auth/me", Summary: "Who am I", Tag: "auth",
			Access: SignedIn(), Resp: MeJSON{}, handler: s.me},
		{Method: http.MethodPut, Path: "/t/:tenant/auth/password", Summary: "Change my password", Tag: "auth",
			Access: SignedIn(), Body: PasswordChange{}, Status: http.StatusNoContent, handler: s.changePassword},
	}
}

func (s *Server) login(c *fiber.Ctx) error {
	// Only JSON: an HTML form on another site cannot send it, so it cannot
	// sign a browser into the attacker's account (login CSRF).
	if ct, _, _ := strings.Cut(string(c.Request().Header.ContentType()), ";"); !strings.EqualFold(strings.TrimSpace(ct), fiber.MIMEApplicationJSON) {
		return core.Errorf(core.EINVALID, "body.content_type")
	}
	var in LoginRequest
	if err := bind(c, &in); err != nil {
		return err
	}
	var v core.Validator
	v.Required("username", in.Username)
	v.Required("password", in.Password)
	v.MaxLen("username", in.Username, 64)
	v.MaxLen("password", in.Password, core.MaxPasswordLen)
	if err := v.Err(); err != nil {
		return err
	}
	t := tenantOf(c)
	sess, p, err := s.svc.Auth.Login(c.UserContext(), core.Credentials{
		Username: in.Username, Password: in.Password, UserAgent: c.Get(fiber.HeaderUserAgent), IP: c.IP(),
	})
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: sess.Token, Path: "/", Expires: sess.ExpiresAt,
		HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: fiber.CookieSameSiteStrictMode,
	})
	s.setCSRFCookie(c, sess.Token, false)
	me, err := s.meOf(c, p, t)
	if err != nil {
		return err
	}
	return c.JSON(LoginResponse{Token: sess.Token, ExpiresAt: sess.ExpiresAt, Me: me})
}

func (s *Server) meOf(c *fiber.Ctx, p *core.Principal, t *tenants.Tenant) (MeJSON, error) {
	roles, err := s.svc.Authz.UserRoles(c.UserContext(), t, p.UserID)
	if err != nil {
		return MeJSON{}, err
	}
	platform, err := s.svc.Authz.EnforcePlatform(c.UserContext(), p.UserID, core.Permission{Object: core.ObjPlatform, Action: core.ActRead})
	if err != nil {
		return MeJSON{}, err
	}
	perms := []string{}
	for _, perm := range core.CorePermissions {
		ok, err := s.svc.Authz.Enforce(c.UserContext(), p.UserID, t, perm)
		if err != nil {
			return MeJSON{}, err
		}
		if ok {
			perms = append(perms, perm.String())
		}
	}
	return MeJSON{UserID: p.UserID, Username: p.Username, DisplayName: p.DisplayName, Kind: string(p.Kind),
		DeputyID: p.DeputyID, Tenant: tenantJSON(t), Roles: roles, Permissions: perms, Platform: platform}, nil
}

func (s *Server) clearCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: s.cfg.SecureCookies, SameSite: fiber.CookieSameSiteStrictMode})
	s.setCSRFCookie(c, "", true)
}

func (s *Server) logout(c *fiber.Ctx) error {
	p := principalOf(c)
	if p.SessionID != "" {
		if err := s.svc.Auth.Logout(s.homeCtx(c), p.SessionID); err != nil {
			return err
		}
	}
	s.clearCookie(c)
	return noContent(c)
}

func (s *Server) logoutAll(c *fiber.Ctx) error {
	n, err := s.svc.Auth.RevokeSessions(s.homeCtx(c), principalOf(c).UserID)
	if err != nil {
		return err
	}
	s.clearCookie(c)
	return c.JSON(RevokedJSON{Revoked: n})
}

func (s *Server) me(c *fiber.Ctx) error {
	me, err := s.meOf(c, principalOf(c), homeOf(c))
	if err != nil {
		return err
	}
	return c.JSON(me)
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	var in PasswordChange
	if err := bind(c, &in); err != nil {
		return err
	}
	p := principalOf(c)
	if p.Kind != core.KindHuman {
		return core.Errorf(core.ECONFLICT, "user.service_has_no_password")
	}
	if err := s.svc.Auth.ChangePassword(s.homeCtx(c), p.UserID, in.CurrentPassword, in.NewPassword, p.SessionID); err != nil {
		return err
	}
	return noContent(c)
}
