package api

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// ServiceAccountCreateJSON creates an integration's account.
type ServiceAccountCreateJSON struct {
	Username    string   `json:"username"`
	DisplayName string   `json:"display_name"`
	Roles       []string `json:"roles,omitempty"`
}

// APIKeyCreateJSON issues a key.
type APIKeyCreateJSON struct {
	Name      string     `json:"name"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// APIKeyJSON is a key; Secret is present only in the response that created it.
type APIKeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Secret     string     `json:"secret,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// APIKeyListJSON lists keys.
type APIKeyListJSON struct {
	Items []APIKeyJSON `json:"items"`
}

func apiKeyJSON(k *core.APIKey) APIKeyJSON {
	return APIKeyJSON{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Secret: k.Secret, CreatedAt: k.CreatedAt,
		ExpiresAt: k.ExpiresAt, RevokedAt: k.RevokedAt, LastUsedAt: k.LastUsedAt}
}

func (s *Server) serviceAccountRoutes() []Route {
	read, write := Perm(core.ObjServiceAccounts, core.ActRead), Perm(core.ObjServiceAccounts, core.ActWrite)
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/service-accounts", Summary: "List service accounts", Tag: "service accounts",
			Access: read, Query: pageQuery{}, Resp: PageJSON[UserJSON]{}, handler: s.listServiceAccounts},
		{Method: http.MethodPost, Path: "/t/:tenant/service-accounts", Summary: "Create a service account", Tag: "service accounts",
			Access: write, Body: ServiceAccountCreateJSON{}, Resp: UserJSON{}, Status: http.StatusCreated, handler: s.createServiceAccount},
		{Method: http.MethodGet, Path: "/t/:tenant/service-accounts/:id/keys", Summary: "List a service account's API keys", Tag: "service accounts",
			Access: read, Resp: APIKeyListJSON{}, handler: s.listAPIKeys},
		{Method: http.MethodPost, Path: "/t/:tenant/service-accounts/:id/keys", Summary: "Issue an API key (the secret is shown once)", Tag: "service accounts",
			Access: write, Secret: true, Body: APIKeyCreateJSON{}, Resp: APIKeyJSON{}, Status: http.StatusCreated, handler: s.createAPIKey},
		{Method: http.MethodDelete, Path: "/t/:tenant/service-accounts/:id/keys/:key", Summary: "Revoke an API key", Tag: "service accounts",
			Access: write, Status: http.StatusNoContent, handler: s.revokeAPIKey},
	}
}

func (s *Server) listServiceAccounts(c *fiber.Ctx) error {
	var v core.Validator
	f := core.UserFilter{Kind: core.KindService, PageRequest: pageRequest(c, &v)}
	if err := v.Err(); err != nil {
		return err
	}
	p, err := s.svc.Users.ListUsers(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(pageOf(p, userJSON))
}

func (s *Server) createServiceAccount(c *fiber.Ctx) error {
	var in ServiceAccountCreateJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	u, err := s.svc.Auth.CreateServiceAccount(c.UserContext(), core.ServiceAccountCreate{Username: in.Username, DisplayName: in.DisplayName})
	if err != nil {
		return err
	}
	return s.createdWithRoles(c, u, in.Roles)
}

func (s *Server) listAPIKeys(c *fiber.Ctx) error {
	keys, err := s.svc.Auth.ListAPIKeys(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	out := APIKeyListJSON{Items: make([]APIKeyJSON, len(keys))}
	for i, k := range keys {
		out.Items[i] = apiKeyJSON(k)
	}
	return c.JSON(out)
}

func (s *Server) createAPIKey(c *fiber.Ctx) error {
	var in APIKeyCreateJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	k, err := s.svc.Auth.CreateAPIKey(c.UserContext(), c.Params("id"), in.Name, in.ExpiresAt)
	if err != nil {
		return err
	}
	return created(c, apiKeyJSON(k))
}

func (s *Server) revokeAPIKey(c *fiber.Ctx) error {
	if err := s.svc.Auth.RevokeAPIKey(c.UserContext(), c.Params("id"), c.Params("key")); err != nil {
		return err
	}
	return noContent(c)
}
