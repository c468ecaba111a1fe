package api

import (
	"context"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/plugins/scene"
)

// ConsoleSceneJSON is a scene as the web console shows it to the caller:
// the scene permissions they hold and the pages they may see.
type ConsoleSceneJSON struct {
	ID          string      `json:"id"`
	Version     string      `json:"version"`
	Title       scene.Label `json:"title"`
	Description scene.Label `json:"description"`
	// Permissions are the scene's permissions ("object:action") the caller
	// holds in their congress.
	Permissions []string     `json:"permissions"`
	Pages       []scene.Page `json:"pages"`
}

// ConsoleSceneListJSON lists the scenes a congress runs, for the caller.
type ConsoleSceneListJSON struct {
	Items []ConsoleSceneJSON `json:"items"`
}

// PublicSceneJSON is a scene with the pages anyone may open.
type PublicSceneJSON struct {
	ID          string       `json:"id"`
	Version     string       `json:"version"`
	Title       scene.Label  `json:"title"`
	Description scene.Label  `json:"description"`
	Pages       []scene.Page `json:"pages"`
}

// PublicSceneListJSON lists the public pages of the scenes a congress
// runs, for anyone (a published vote result).
type PublicSceneListJSON struct {
	Tenant PublicTenantJSON  `json:"tenant"`
	Items  []PublicSceneJSON `json:"items"`
}

func (s *Server) consoleRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/scene-pages", Summary: "The scenes this congress runs, with the pages the caller may see", Tag: "scenes",
			Access: SignedIn(), Resp: ConsoleSceneListJSON{}, handler: s.myScenes},
		{Method: http.MethodGet, Path: "/t/:tenant/public/scene-pages", Summary: "The scenes this congress runs that have public pages, with those pages (no sign-in)", Tag: "public",
			Access: Public(), Resp: PublicSceneListJSON{}, handler: s.publicScenes},
		{Method: http.MethodGet, Path: "/t/:tenant/scene-files/:scene/:id", Summary: "A file a scene stored (a photo of an issue), for users of the scene", Tag: "scenes",
			Access: SignedIn(), RawBody: "image/*", handler: s.sceneFile},
	}
}

// sceneFile serves a scene's file to a caller who holds any permission
// of that scene, in a congress that runs it. File ids are random: the
// scene's records are what hand them out.
func (s *Server) sceneFile(c *fiber.Ctx) error {
	if s.svc.Scenes == nil {
		return core.Errorf(core.ENOTFOUND, "scene.not_enabled")
	}
	ctx, p := c.UserContext(), principalOf(c)
	ts, err := s.svc.Scenes.TenantScene(ctx, tenantOf(c), c.Params("scene"))
	if err != nil || !ts.Enabled {
		return core.Errorf(core.ENOTFOUND, "scene.not_enabled")
	}
	rel, err := s.svc.Scenes.Release(ts.SceneID, ts.Version)
	if err != nil {
		return err
	}
	allowed := false
	for _, pd := range rel.Manifest.Permissions {
		ok, err := s.svc.Authz.Enforce(ctx, p.UserID, homeOf(c), pluginhost.Permission(rel.SceneID, pd.Object+":"+pd.Action))
		if err != nil {
			return err
		}
		if allowed = ok; ok {
			break
		}
	}
	if !allowed {
		return core.Errorf(core.EFORBIDDEN, "auth.forbidden")
	}
	f, data, err := s.svc.Scenes.File(ctx, rel.SceneID, c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderCacheControl, "private, max-age=3600")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	return c.Send(data)
}

// myScenes lists the enabled scenes of the addressed congress with the
// pages the caller may see. Permissions are the caller's, in their own
// congress (a city user reading a district reads what they hold at home).
func (s *Server) myScenes(c *fiber.Ctx) error {
	ctx, p := c.UserContext(), principalOf(c)
	out := ConsoleSceneListJSON{Items: []ConsoleSceneJSON{}}
	if s.svc.Scenes == nil {
		return c.JSON(out) // a server without the plugin runtime runs no scenes
	}
	rels, err := s.enabledReleases(ctx)
	if err != nil {
		return err
	}
	for _, rel := range rels {
		held := []string{}
		for _, pd := range rel.Manifest.Permissions {
			perm := pd.Object + ":" + pd.Action
			ok, err := s.svc.Authz.Enforce(ctx, p.UserID, homeOf(c), pluginhost.Permission(rel.SceneID, perm))
			if err != nil {
				return err
			}
			if ok {
				held = append(held, perm)
			}
		}
		m := rel.Manifest
		out.Items = append(out.Items, ConsoleSceneJSON{ID: m.ID, Version: m.Version, Title: scene.Label(m.Title), Description: scene.Label(m.Description),
			Permissions: held, Pages: VisiblePages(m, held)})
	}
	return c.JSON(out)
}

// publicScenes lists, for anyone, the enabled scenes of the addressed
// congress that have public pages, with only those pages (the tenant
// middleware already refused a suspended or archived congress). The
// pages are trimmed as for a caller holding no permission, so nothing
// that needs sign-in leaks even from a page the scene got wrong.
func (s *Server) publicScenes(c *fiber.Ctx) error {
	t := tenantOf(c)
	out := PublicSceneListJSON{Tenant: PublicTenantJSON{Slug: t.Slug, NameZH: t.NameZH, NameEN: t.NameEN}, Items: []PublicSceneJSON{}}
	if s.svc.Scenes == nil {
		return c.JSON(out)
	}
	rels, err := s.enabledReleases(c.UserContext())
	if err != nil {
		return err
	}
	for _, rel := range rels {
		m := rel.Manifest
		m.Pages = slices.DeleteFunc(slices.Clone(m.Pages), func(p scene.Page) bool { return !p.Public || p.Permission != "" })
		pages := VisiblePages(m, nil)
		if len(pages) == 0 {
			continue
		}
		out.Items = append(out.Items, PublicSceneJSON{ID: m.ID, Version: m.Version, Title: scene.Label(m.Title), Description: scene.Label(m.Description), Pages: pages})
	}
	return c.JSON(out)
}

// enabledReleases returns the releases of the scenes the context's
// congress runs, skipping one installed elsewhere but not on this server
// (there is nothing of it to render here).
func (s *Server) enabledReleases(ctx context.Context) ([]*pluginhost.Release, error) {
	list, err := s.svc.SceneStore.TenantScenes(ctx)
	if err != nil {
		return nil, err
	}
	var out []*pluginhost.Release
	for _, ts := range list {
		if !ts.Enabled {
			continue
		}
		if rel, err := s.svc.Scenes.Release(ts.SceneID, ts.Version); err == nil {
			out = append(out, rel)
		}
	}
	return out, nil
}

// VisiblePages returns the pages of m a caller holding the scene
// permissions held may see: a page needs its own permission and that of
// its data route (a list's or detail page's source, a form's submit);
// actions, cards and charts are dropped likewise, and links to dropped
// pages removed. The manifest is not changed.
func VisiblePages(m scene.Manifest, held []string) []scene.Page {
	v := visibility{m: m, held: held}
	pages := []scene.Page{}
	kept := map[string]bool{}
	for _, p := range m.Pages {
		if !v.may(p.Permission) || !v.page(p) {
			continue
		}
		kept[p.ID] = true
		pages = append(pages, p)
	}
	for i := range pages {
		pages[i] = v.trim(pages[i], kept)
	}
	return pages
}

type visibility struct {
	m    scene.Manifest
	held []string
}

func (v visibility) may(perm string) bool { return perm == "" || slices.Contains(v.held, perm) }

// route reports whether the caller may call a page's route reference.
func (v visibility) route(ref string) bool {
	method, path, _, ok := scene.RouteRef(ref)
	if !ok {
		return false
	}
	for _, r := range v.m.Routes {
		if r.Method == method && r.Path == path {
			return r.Public || v.may(r.Permission)
		}
	}
	return false
}

func (v visibility) page(p scene.Page) bool {
	switch {
	case p.List != nil:
		return v.route(p.List.Source)
	case p.Detail != nil:
		return v.route(p.Detail.Source)
	case p.Form != nil:
		return v.route(p.Form.Submit) && (p.Form.Source == "" || v.route(p.Form.Source))
	}
	if p.Dashboard == nil {
		return false
	}
	for _, c := range p.Dashboard.Cards {
		if v.route(c.Source) {
			return true
		}
	}
	for _, c := range p.Dashboard.Charts {
		if v.route(c.Source) {
			return true
		}
	}
	return false
}

// trim copies p without what the caller may not use.
func (v visibility) trim(p scene.Page, kept map[string]bool) scene.Page {
	actions := func(as []scene.Action) []scene.Action {
		out := []scene.Action{}
		for _, a := range as {
			if v.may(a.Permission) && (a.Call == "" || v.route(a.Call)) && (a.Page == "" || kept[a.Page]) {
				out = append(out, a)
			}
		}
		return out
	}
	switch {
	case p.List != nil:
		l := *p.List
		l.Columns = slices.Clone(l.Columns)
		for i := range l.Columns {
			if !kept[l.Columns[i].Link] {
				l.Columns[i].Link = ""
			}
		}
		l.Actions, l.RowActions = actions(l.Actions), actions(l.RowActions)
		p.List = &l
	case p.Detail != nil:
		d := *p.Detail
		d.Actions = actions(d.Actions)
		d.Attachments = slices.Clone(d.Attachments)
		for i, a := range d.Attachments {
			if a.Source != "" && !v.route(a.Source) {
				d.Attachments[i].Source = ""
			}
		}
		p.Detail = &d
	case p.Form != nil:
		f := *p.Form
		if f.Then != "" && !kept[f.Then] {
			f.Then = ""
		}
		p.Form = &f
	case p.Dashboard != nil:
		d := scene.DashboardPage{Cards: []scene.Card{}, Charts: []scene.Chart{}}
		for _, c := range p.Dashboard.Cards {
			if v.route(c.Source) {
				d.Cards = append(d.Cards, c)
			}
		}
		for _, c := range p.Dashboard.Charts {
			if v.route(c.Source) {
				d.Charts = append(d.Charts, c)
			}
		}
		p.Dashboard = &d
	}
	return p
}
