package api

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
)

// The public page a deputy's code (代表码) opens: who the deputy is, and
// how a constituent can reach them. No sign-in; contacts never shown.

// PublicDeputyJSON is a deputy as constituents see them.
type PublicDeputyJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Level        string `json:"level"`
	Delegation   string `json:"delegation,omitempty"`
	Constituency string `json:"constituency,omitempty"`
	Occupation   string `json:"occupation,omitempty"`
	Term         string `json:"term,omitempty"`
	HasPhoto     bool   `json:"has_photo"`
	// PhotoURL is the portrait's address under /api/v1, when there is one.
	PhotoURL string           `json:"photo_url,omitempty"`
	Tenant   PublicTenantJSON `json:"tenant"`
	// Contact lists the scenes this congress runs that take a message for
	// the deputy: POST the path (under /api/v1) with the scene's body.
	Contact []DeputyContactJSON `json:"contact"`
}

// PublicTenantJSON names a congress.
type PublicTenantJSON struct {
	Slug   string `json:"slug"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
}

// DeputyContactJSON is one way to reach a deputy through a scene.
type DeputyContactJSON struct {
	Scene string      `json:"scene"`
	Title scene.Label `json:"title"`
	Path  string      `json:"path"`
}

func (s *Server) publicDeputyRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/public/deputies/:id", Summary: "A deputy's public page (deputy code): profile and how to reach them", Tag: "public",
			Access: Public(), Resp: PublicDeputyJSON{}, handler: s.publicDeputy},
		{Method: http.MethodGet, Path: "/t/:tenant/public/deputies/:id/photo", Summary: "A deputy's portrait, for the public page", Tag: "public",
			Access: Public(), RawBody: "image/*", handler: s.publicDeputyPhoto},
	}
}

// activeDeputy returns an active deputy of the addressed congress, or
// ENOTFOUND for anyone else (suspended, terminated, unknown).
func (s *Server) activeDeputy(c *fiber.Ctx) (*core.Deputy, error) {
	d, err := s.svc.Deputies.Deputy(c.UserContext(), c.Params("id"))
	if err != nil {
		return nil, err
	}
	if d.Status != core.DeputyActive {
		return nil, core.Errorf(core.ENOTFOUND, "deputy.not_found")
	}
	return d, nil
}

func (s *Server) publicDeputy(c *fiber.Ctx) error {
	d, err := s.activeDeputy(c)
	if err != nil {
		return err
	}
	t := tenantOf(c)
	out := PublicDeputyJSON{ID: d.ID, Name: d.Name, Level: d.Level, Delegation: d.Delegation, Constituency: d.Constituency,
		Occupation: d.Occupation, Term: d.Term, HasPhoto: d.HasPhoto, Tenant: PublicTenantJSON{Slug: t.Slug, NameZH: t.NameZH, NameEN: t.NameEN},
		Contact: []DeputyContactJSON{}}
	if d.HasPhoto {
		out.PhotoURL = "/api/v1/t/" + t.Slug + "/public/deputies/" + d.ID + "/photo"
	}
	if s.svc.Scenes != nil {
		list, err := s.svc.SceneStore.TenantScenes(c.UserContext())
		if err != nil {
			return err
		}
		for _, ts := range list {
			rel, err := s.svc.Scenes.Release(ts.SceneID, ts.Version)
			if !ts.Enabled || err != nil {
				continue
			}
			for _, rt := range rel.Manifest.Routes {
				if rt.Public && rt.Method == http.MethodPost && strings.HasPrefix(rt.Path, "/public/deputies/{deputy}/") {
					out.Contact = append(out.Contact, DeputyContactJSON{Scene: rel.SceneID, Title: scene.Label(rt.Summary),
						Path: "/t/" + t.Slug + "/scenes/" + rel.SceneID + strings.Replace(rt.Path, "{deputy}", d.ID, 1)})
				}
			}
		}
	}
	return c.JSON(out)
}

func (s *Server) publicDeputyPhoto(c *fiber.Ctx) error {
	d, err := s.activeDeputy(c)
	if err != nil {
		return err
	}
	p, err := s.svc.Deputies.DeputyPhoto(c.UserContext(), d.ID)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, p.ContentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	return c.Send(p.Data)
}
