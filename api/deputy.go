package api

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

// DeputyJSON is a deputy. In lists, phone and email are masked.
type DeputyJSON struct {
	ID           string    `json:"id"`
	Tenant       string    `json:"tenant_id"`
	Name         string    `json:"name"`
	Gender       string    `json:"gender,omitempty"`
	Level        string    `json:"level"`
	Delegation   string    `json:"delegation,omitempty"`
	Constituency string    `json:"constituency,omitempty"`
	Term         string    `json:"term,omitempty"`
	Occupation   string    `json:"occupation,omitempty"`
	Phone        string    `json:"phone,omitempty"`
	Email        string    `json:"email,omitempty"`
	Status       string    `json:"status"`
	HasPhoto     bool      `json:"has_photo"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// DeputyInputJSON creates or replaces a deputy.
type DeputyInputJSON struct {
	Name         string `json:"name"`
	Gender       string `json:"gender,omitempty"`
	Level        string `json:"level"`
	Delegation   string `json:"delegation,omitempty"`
	Constituency string `json:"constituency,omitempty"`
	Term         string `json:"term,omitempty"`
	Occupation   string `json:"occupation,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	Status       string `json:"status,omitempty"`
}

type deputyListQuery struct {
	Q          string `query:"q" doc:"matches name, delegation, constituency or occupation"`
	Status     string `query:"status" doc:"active, suspended or terminated"`
	Level      string `query:"level" doc:"city, district or township"`
	Delegation string `query:"delegation"`
	Scope      string `query:"scope" doc:"descendants: include the congresses below (needs descendants:read)"`
	pageQuery
}

func deputyJSON(d *core.Deputy) DeputyJSON {
	return DeputyJSON{ID: d.ID, Tenant: d.TenantID, Name: d.Name, Gender: d.Gender, Level: d.Level, Delegation: d.Delegation,
		Constituency: d.Constituency, Term: d.Term, Occupation: d.Occupation, Phone: d.Phone, Email: d.Email,
		Status: string(d.Status), HasPhoto: d.HasPhoto, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

func maskedDeputyJSON(d *core.Deputy) DeputyJSON {
	j := deputyJSON(d)
	if j.Phone != "" {
		j.Phone = core.MaskPhone(j.Phone)
	}
	if j.Email != "" {
		j.Email = core.MaskEmail(j.Email)
	}
	return j
}

func (in DeputyInputJSON) toCore() core.DeputyInput {
	st := core.DeputyStatus(in.Status)
	if st == "" {
		st = core.DeputyActive
	}
	return core.DeputyInput{Name: in.Name, Gender: in.Gender, Level: in.Level, Delegation: in.Delegation,
		Constituency: in.Constituency, Term: in.Term, Occupation: in.Occupation, Phone: in.Phone, Email: in.Email, Status: st}
}

func (s *Server) deputyRoutes() []Route {
	read, write := Perm(core.ObjDeputies, core.ActRead), Perm(core.ObjDeputies, core.ActWrite)
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/deputies", Summary: "List deputies (contacts masked)", Tag: "deputies",
			Access: read, Query: deputyListQuery{}, Resp: PageJSON[DeputyJSON]{}, handler: s.listDeputies},
		{Method: http.MethodPost, Path: "/t/:tenant/deputies", Summary: "Add a deputy", Tag: "deputies",
			Access: write, Body: DeputyInputJSON{}, Resp: DeputyJSON{}, Status: http.StatusCreated, handler: s.createDeputy},
		{Method: http.MethodGet, Path: "/t/:tenant/deputies/:id", Summary: "Get a deputy", Tag: "deputies",
			Access: read, Resp: DeputyJSON{}, handler: s.getDeputy},
		{Method: http.MethodPut, Path: "/t/:tenant/deputies/:id", Summary: "Replace a deputy's record", Tag: "deputies",
			Access: write, Body: DeputyInputJSON{}, Resp: DeputyJSON{}, handler: s.putDeputy},
		{Method: http.MethodGet, Path: "/t/:tenant/deputies/:id/photo", Summary: "A deputy's portrait", Tag: "deputies",
			Access: read, RawBody: "image/*", handler: s.getDeputyPhoto},
		{Method: http.MethodPut, Path: "/t/:tenant/deputies/:id/photo", Summary: "Upload a portrait (JPEG, PNG or WebP, at most 2 MB)", Tag: "deputies",
			Access: write, RawBody: "image/*", Status: http.StatusNoContent, handler: s.putDeputyPhoto},
	}
}

func (s *Server) listDeputies(c *fiber.Ctx) error {
	var v core.Validator
	f := core.DeputyFilter{Query: c.Query("q"), Status: core.DeputyStatus(c.Query("status")), Level: c.Query("level"),
		Delegation: c.Query("delegation"), PageRequest: pageRequest(c, &v)}
	v.MaxLen("q", f.Query, 100)
	v.MaxLen("delegation", f.Delegation, 100)
	if f.Status != "" {
		v.OneOf("status", string(f.Status), string(core.DeputyActive), string(core.DeputySuspended), string(core.DeputyTerminated))
	}
	if f.Level != "" {
		v.OneOf("level", f.Level, "city", "district", "township")
	}
	scope := c.Query("scope")
	if scope != "" {
		v.OneOf("scope", scope, "descendants")
	}
	if err := v.Err(); err != nil {
		return err
	}
	ctx := c.UserContext()
	if scope == "descendants" {
		wide, err := s.descendantScope(c)
		if err != nil {
			return err
		}
		ctx = tenants.WithScope(ctx, wide)
	}
	p, err := s.svc.Deputies.ListDeputies(ctx, f)
	if err != nil {
		return err
	}
	return c.JSON(pageOf(p, maskedDeputyJSON))
}

// descendantScope widens the request's read scope to every congress below
// the addressed one, for city-wide views; it needs descendants:read.
func (s *Server) descendantScope(c *fiber.Ctx) (tenants.Scope, error) {
	ctx, t, p := c.UserContext(), tenantOf(c), principalOf(c)
	ok, err := s.svc.Authz.Enforce(ctx, p.UserID, homeOf(c), core.Permission{Object: core.ObjDescendants, Action: core.ActRead})
	if err != nil {
		return tenants.Scope{}, err
	}
	if !ok {
		return tenants.Scope{}, core.Errorf(core.EFORBIDDEN, "auth.forbidden")
	}
	kids, err := s.svc.Tenants.Descendants(ctx, t)
	if err != nil {
		return tenants.Scope{}, err
	}
	scope, _ := tenants.FromContext(ctx)
	for _, k := range kids {
		if k.Status == tenants.StatusActive { // suspended and archived congresses are not served
			scope.ReadTenantIDs = append(scope.ReadTenantIDs, k.ID)
		}
	}
	return scope, nil
}

func (s *Server) createDeputy(c *fiber.Ctx) error {
	var in DeputyInputJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Deputies.CreateDeputy(c.UserContext(), in.toCore())
	if err != nil {
		return err
	}
	return created(c, deputyJSON(d))
}

func (s *Server) getDeputy(c *fiber.Ctx) error {
	d, err := s.svc.Deputies.Deputy(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(deputyJSON(d))
}

func (s *Server) putDeputy(c *fiber.Ctx) error {
	var in DeputyInputJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	d, err := s.svc.Deputies.UpdateDeputy(c.UserContext(), c.Params("id"), in.toCore())
	if err != nil {
		return err
	}
	return c.JSON(deputyJSON(d))
}

func (s *Server) getDeputyPhoto(c *fiber.Ctx) error {
	p, err := s.svc.Deputies.DeputyPhoto(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, p.ContentType)
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(p.Data)
}

func (s *Server) putDeputyPhoto(c *fiber.Ctx) error {
	if err := s.svc.Deputies.SetDeputyPhoto(c.UserContext(), c.Params("id"), core.Photo{Data: c.Body()}); err != nil {
		return err
	}
	return noContent(c)
}
