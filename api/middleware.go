package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

// Locals keys.
const (
	localRoute  = "renda.route"
	localTenant = "renda.tenant"
	localRID    = "renda.request_id"
	localLang   = "renda.lang"
	// localHome is the principal's home tenant when it differs from the
	// addressed one.
	localHome = "renda.home"
)

// sessionCookie is the browser session cookie.
const sessionCookie = "renda_session"

func routeOf(c *fiber.Ctx) *Route {
	r, _ := c.Locals(localRoute).(*Route)
	return r
}

func tenantOf(c *fiber.Ctx) *tenants.Tenant {
	t, _ := c.Locals(localTenant).(*tenants.Tenant)
	return t
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localRID).(string)
	return id
}

func principalOf(c *fiber.Ctx) *core.Principal { return core.PrincipalFrom(c.UserContext()) }

func setCtx(c *fiber.Ctx, f func(ctx context.Context) context.Context) {
	c.SetUserContext(f(c.UserContext()))
}

// requestID takes a well-formed X-Request-ID from the caller or makes one,
// and puts it in the context, the response and every log line.
func (s *Server) requestID(c *fiber.Ctx) error {
	id := c.Get(fiber.HeaderXRequestID)
	if !validRequestID(id) {
		id = uuid.NewString()
	}
	c.Locals(localRID, id)
	c.Set(fiber.HeaderXRequestID, id)
	setCtx(c, func(ctx context.Context) context.Context { return core.WithRequestID(ctx, id) })
	return c.Next()
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// logRequests writes one structured line per request.
func (s *Server) logRequests(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.app.ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(http.StatusInternalServerError)
		}
	}
	attrs := append([]any{"method", c.Method(), "path", c.Path(), "status", c.Response().StatusCode(),
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000}, logAttrs(c)...)
	s.log.InfoContext(c.UserContext(), "request", attrs...)
	return nil
}

// resolveTenant loads the addressed tenant and refuses every call to one
// that is suspended or archived.
func (s *Server) resolveTenant(c *fiber.Ctx) error {
	slug := c.Params("tenant")
	if !tenants.ValidSlug(slug) {
		return core.Errorf(core.ENOTFOUND, "tenant.not_found")
	}
	t, err := s.svc.Tenants.TenantBySlug(c.UserContext(), slug)
	if err != nil {
		return err
	}
	if err := servable(t); err != nil {
		return err
	}
	c.Locals(localTenant, t)
	return c.Next()
}

func servable(t *tenants.Tenant) error {
	switch t.Status {
	case tenants.StatusSuspended:
		return core.Errorf(core.ESUSPENDED, "tenant.suspended")
	case tenants.StatusArchived:
		return core.Errorf(core.ESUSPENDED, "tenant.archived")
	}
	return nil
}

// credential returns the bearer token or session cookie of the request.
func credential(c *fiber.Ctx) string {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		if tok, ok := strings.CutPrefix(h, "Bearer "); ok {
			return strings.TrimSpace(tok)
		}
		return h // malformed: let Authenticate refuse it
	}
	return c.Cookies(sessionCookie)
}

// authenticate resolves the credentials, if any, in the home tenant they
// name. The home tenant must be active too: suspending a tenant cuts its
// users off everywhere at once.
func (s *Server) authenticate(c *fiber.Ctx) error {
	tok := credential(c)
	if tok == "" {
		return c.Next()
	}
	homeID, ok := core.TokenTenant(tok)
	if !ok {
		if k := routeOf(c).Access.kind; k == accessPublic || k == accessScene {
			return c.Next()
		}
		return core.Errorf(core.EUNAUTHORIZED, "auth.bad_token")
	}
	home := tenantOf(c)
	if home == nil || home.ID != homeID {
		h, err := s.svc.Tenants.TenantByID(c.UserContext(), homeID)
		if err != nil {
			return core.Errorf(core.EUNAUTHORIZED, "auth.bad_token")
		}
		home = h
	}
	if err := servable(home); err != nil {
		return err
	}
	ctx := tenants.WithScope(c.UserContext(), tenants.Home(home))
	p, err := s.svc.Auth.Authenticate(ctx, tok)
	if err != nil {
		// A stale cookie must not block the login page, nor a scene's
		// public routes; a scene route that needs a user answers 401 itself.
		if k := routeOf(c).Access.kind; k == accessPublic || k == accessScene {
			return c.Next() // a stale cookie must not block the login page
		}
		return err
	}
	if fromCookie(c) {
		if err := s.checkCSRF(c, tok); err != nil {
			return err
		}
	}
	c.Locals(localHome, home)
	setCtx(c, func(ctx context.Context) context.Context { return core.WithPrincipal(ctx, p) })
	return c.Next()
}

func homeOf(c *fiber.Ctx) *tenants.Tenant {
	t, _ := c.Locals(localHome).(*tenants.Tenant)
	return t
}

// authorize enforces the route's declared access and sets the scope of the
// work: the home tenant, read-write; or, for a user of an ancestor congress
// holding descendants:read, the addressed tenant read-only.
func (s *Server) authorize(c *fiber.Ctx) error {
	r := routeOf(c)
	p := principalOf(c)
	t := tenantOf(c)
	ctx := c.UserContext()
	switch r.Access.kind {
	case accessPublic:
		if t != nil {
			setCtx(c, func(ctx context.Context) context.Context { return tenants.WithScope(ctx, tenants.Home(t)) })
		}
		return c.Next()
	case accessScene:
		return c.Next() // the scene's manifest says what the route needs: see sceneProxy
	}
	if p == nil {
		return core.Errorf(core.EUNAUTHORIZED, "auth.required")
	}
	home := homeOf(c)
	if r.Access.kind == accessPlatform {
		ok, err := s.svc.Authz.EnforcePlatform(ctx, p.UserID, r.Access.perm)
		if err != nil {
			return err
		}
		if !ok {
			return core.Errorf(core.EFORBIDDEN, "auth.forbidden")
		}
		setCtx(c, func(ctx context.Context) context.Context { return tenants.WithScope(ctx, tenants.Home(home)) })
		return c.Next()
	}
	scope, err := s.scopeFor(c, r.Method)
	if err != nil {
		return err
	}
	if r.Access.kind == accessPermission {
		if err := s.require(c, r.Access.perm); err != nil {
			return err
		}
	}
	setCtx(c, func(ctx context.Context) context.Context { return tenants.WithScope(ctx, scope) })
	return c.Next()
}

// scopeFor returns the scope of a signed-in caller's work on the addressed
// tenant: home read-write, or read-only for an ancestor congress's user who
// holds descendants:read and only reads.
func (s *Server) scopeFor(c *fiber.Ctx, method string) (tenants.Scope, error) {
	t, home, p := tenantOf(c), homeOf(c), principalOf(c)
	if home.ID == t.ID {
		return tenants.Home(t), nil
	}
	if !home.IsAncestorOf(t) {
		return tenants.Scope{}, core.Errorf(core.EFORBIDDEN, "auth.wrong_tenant")
	}
	if method != http.MethodGet {
		return tenants.Scope{}, core.Errorf(core.EFORBIDDEN, "tenant.read_only")
	}
	ok, err := s.svc.Authz.Enforce(c.UserContext(), p.UserID, home, core.Permission{Object: core.ObjDescendants, Action: core.ActRead})
	if err != nil {
		return tenants.Scope{}, err
	}
	if !ok {
		return tenants.Scope{}, core.Errorf(core.EFORBIDDEN, "auth.wrong_tenant")
	}
	return tenants.ReadOnly(t, t.ID), nil
}

// require checks the caller holds perm in their home tenant.
func (s *Server) require(c *fiber.Ctx, perm core.Permission) error {
	ok, err := s.svc.Authz.Enforce(c.UserContext(), principalOf(c).UserID, homeOf(c), perm)
	if err != nil {
		return err
	}
	if !ok {
		return core.Errorf(core.EFORBIDDEN, "auth.forbidden")
	}
	return nil
}

// transaction runs the rest of the request in one database transaction:
// the handler's writes, their audit entries and the idempotency record
// commit together before the response leaves, or none of them does.
func (s *Server) transaction(c *fiber.Ctx) error {
	return s.svc.DB.InTx(c.UserContext(), func(ctx context.Context) error {
		outer := c.UserContext()
		c.SetUserContext(ctx)
		defer c.SetUserContext(outer)
		return c.Next()
	})
}

// idempotency honours Idempotency-Key on POST: the first request with a key
// runs; a retry with the same key and body gets the first answer again, a
// retry with a different body is refused.
func (s *Server) idempotency(c *fiber.Ctx) error {
	key := c.Get("Idempotency-Key")
	p := principalOf(c)
	if c.Method() != http.MethodPost || key == "" || p == nil {
		return c.Next()
	}
	if !validIdemKey(key) {
		return core.Errorf(core.EINVALID, "idempotency.key_invalid")
	}
	sum := sha256.New()
	sum.Write([]byte(c.Method() + " " + c.Path() + "\n"))
	sum.Write(c.Body())
	fp := hex.EncodeToString(sum.Sum(nil))
	ctx := c.UserContext()
	prev, err := s.svc.Idempotency.ClaimIdempotencyKey(ctx, p.UserID, key, fp)
	if err != nil {
		return err
	}
	if prev != nil {
		switch {
		case prev.Fingerprint != fp:
			return core.Errorf(core.EUNPROCESSABLE, "idempotency.mismatch")
		case routeOf(c).Secret:
			return core.Errorf(core.ECONFLICT, "idempotency.secret")
		}
		c.Set("Idempotent-Replayed", "true")
		c.Set(fiber.HeaderContentType, prev.ContentType)
		return c.Status(prev.Status).Send(prev.Body)
	}
	if err := c.Next(); err != nil {
		return err
	}
	resp := c.Response()
	if resp.StatusCode() >= 500 {
		return nil
	}
	body := resp.Body()
	if routeOf(c).Secret {
		body = nil // never store a secret; a replay is refused instead
	}
	return s.svc.Idempotency.SaveIdempotentResponse(ctx, p.UserID, key, core.StoredResponse{
		Fingerprint: fp, Status: resp.StatusCode(), ContentType: string(resp.Header.ContentType()), Body: bytes.Clone(body),
	})
}

func validIdemKey(k string) bool {
	if len(k) > 200 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}
