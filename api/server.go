// Package api is Renda's HTTP interface (fiber v2, JSON under /api/v1): the
// only package that imports fiber. Requests pass request id → tenant →
// authentication → authorization → one database transaction → handler;
// every failure leaves through one error handler as RFC 9457 problem details.
package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

// Database is what the API needs of the database itself.
type Database interface {
	core.Transactor
	Ping(ctx context.Context) error
	Current(ctx context.Context) (bool, error)
}

// TenantStore is the tenant service plus the tree walk the API needs.
type TenantStore interface {
	core.TenantService
	Descendants(ctx context.Context, t *tenants.Tenant) ([]*tenants.Tenant, error)
}

// Audit reads, checks and appends to the audit log.
type Audit interface {
	core.AuditService
	core.AuditRecorder
}

// Services are the domain services behind the API.
type Services struct {
	DB          Database
	Tenants     TenantStore
	Auth        core.AuthService
	Users       core.UserService
	Deputies    core.DeputyService
	Duty        core.DutyService
	Audit       Audit
	Idempotency core.IdempotencyStore
	Authz       core.Authorizer
	Inbox       core.InboxStore
	Departments core.DepartmentService
	// Scenes and SceneStore serve scene plugins; nil Scenes leaves the scene
	// routes out.
	Scenes     Scenes
	SceneStore core.SceneStore
}

// Config tunes the server.
type Config struct {
	// SecureCookies marks the session cookie Secure (behind HTTPS).
	SecureCookies bool
	// LoginLimit is how many login attempts one IP may make per minute.
	// Default 30.
	LoginLimit int
	Logger     *slog.Logger
}

// Server is the HTTP API.
type Server struct {
	svc    Services
	cfg    Config
	log    *slog.Logger
	app    *fiber.App
	routes []Route
}

// New builds the API and registers every route.
func New(svc Services, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.LoginLimit == 0 {
		cfg.LoginLimit = 30
	}
	s := &Server{svc: svc, cfg: cfg, log: cfg.Logger}
	s.app = fiber.New(fiber.Config{
		AppName:               "renda",
		BodyLimit:             maxBodyBytes,
		Immutable:             true, // handlers may keep strings past the request
		DisableStartupMessage: true,
		ErrorHandler:          s.errorHandler,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
	})
	s.app.Use(s.requestID, s.logRequests)
	s.serveWeb()
	s.app.Get("/healthz", s.healthz)
	s.app.Get("/readyz", s.readyz)
	v1 := s.app.Group("/api/v1")
	v1.Get("/openapi.json", s.openAPI)
	// Import routes come before deputyRoutes: /deputies/import-template
	// must not be taken for /deputies/:id.
	groups := [][]Route{
		s.authRoutes(), s.platformRoutes(), s.tenantRoutes(), s.userRoutes(), s.serviceAccountRoutes(),
		s.roleRoutes(), s.deputyImportRoutes(), s.deputyRoutes(), s.dutyRoutes(), s.auditRoutes(), s.inboxRoutes(), s.departmentRoutes(),
		s.consoleRoutes(), s.publicDeputyRoutes(), s.congressRoutes(),
	}
	if svc.Scenes != nil {
		groups = append(groups, s.sceneRoutes())
	}
	for _, g := range groups {
		for _, r := range g {
			if err := s.add(v1, r); err != nil {
				return nil, err
			}
		}
	}
	s.app.Use(func(c *fiber.Ctx) error { return core.Errorf(core.ENOTFOUND, "http.not_found") })
	return s, nil
}

// add registers one route with the middleware its access needs.
func (s *Server) add(v1 fiber.Router, r Route) error {
	if r.Access.kind == accessUnset {
		return fmt.Errorf("api: route %s %s declares no access", r.Method, r.Path)
	}
	if r.handler == nil {
		return fmt.Errorf("api: route %s %s has no handler", r.Method, r.Path)
	}
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	rt := r
	chain := []fiber.Handler{func(c *fiber.Ctx) error { c.Locals(localRoute, &rt); return c.Next() }}
	tenantScoped := len(r.Path) > 3 && r.Path[:3] == "/t/"
	if tenantScoped {
		chain = append(chain, s.resolveTenant)
	}
	if r.Path == "/t/:tenant/auth/login" {
		chain = append(chain, limiter.New(limiter.Config{
			Max: s.cfg.LoginLimit, Expiration: time.Minute,
			LimitReached: func(c *fiber.Ctx) error { return core.Errorf(core.ELOCKED, "auth.locked", 60) },
		}))
	}
	chain = append(chain, s.authenticate, s.authorize)
	if !r.OwnTx {
		chain = append(chain, s.transaction, s.idempotency)
	}
	chain = append(chain, r.handler)
	v1.Add(r.Method, r.Path, chain...)
	s.routes = append(s.routes, rt)
	return nil
}

// App returns the fiber app (for tests: app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Listen serves on addr until ctx ends, then drains in-flight requests for
// up to 10 seconds.
func (s *Server) Listen(ctx context.Context, addr string) error {
	errc := make(chan error, 1)
	go func() { errc <- s.app.Listen(addr) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return s.app.ShutdownWithTimeout(10 * time.Second)
	}
}

// healthz answers while the process is alive.
func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// readyz answers 200 when the database is reachable and fully migrated.
func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	checks := fiber.Map{"database": "ok", "migrations": "ok"}
	ready := true
	if err := s.svc.DB.Ping(ctx); err != nil {
		checks["database"], ready = err.Error(), false
	} else if ok, err := s.svc.DB.Current(ctx); err != nil || !ok {
		checks["migrations"], ready = "pending", false
	}
	if !ready {
		return c.Status(http.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "checks": checks})
	}
	return c.JSON(fiber.Map{"status": "ok", "checks": checks})
}
