package api

import (
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/tenants"
)

// CongressJSON is a congress as anyone may see it, for choosing one at
// sign-in: what its name plate says, and where it sits in the tree.
type CongressJSON struct {
	Slug   string `json:"slug"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Level  string `json:"level"`
	// Parent is the slug of the congress above; absent for the city.
	Parent string `json:"parent,omitempty"`
}

// CongressListJSON lists the congresses that serve sign-ins.
type CongressListJSON struct {
	Items []CongressJSON `json:"items"`
}

func (s *Server) congressRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/congresses", Summary: "The active congresses (slug, names, level, parent), for the sign-in page", Tag: "tenants",
			Access: Public(), Resp: CongressListJSON{}, handler: s.listCongresses},
	}
}

// listCongresses answers the active congresses in tree order. Suspended
// and archived ones are left out (nobody signs in to them); a parent that
// is not active is still named, since its name is public.
func (s *Server) listCongresses(c *fiber.Ctx) error {
	all, err := s.svc.Tenants.ListTenants(c.UserContext())
	if err != nil {
		return err
	}
	slugs := make(map[string]string, len(all))
	for _, t := range all {
		slugs[t.ID] = t.Slug
	}
	out := CongressListJSON{Items: []CongressJSON{}}
	for _, t := range all {
		if t.Status != tenants.StatusActive {
			continue
		}
		out.Items = append(out.Items, CongressJSON{Slug: t.Slug, NameZH: t.NameZH, NameEN: t.NameEN, Level: string(t.Level), Parent: slugs[t.ParentID]})
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.JSON(out)
}
