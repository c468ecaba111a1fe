package pluginhost

import (
	"context"
	"errors"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// Match returns the manifest route for method and path (relative to the
// scene), and its path parameters.
func (r *Release) Match(method, path string) (*scene.RouteDef, bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for i := range r.Manifest.Routes {
		rt := &r.Manifest.Routes[i]
		if rt.Method != method {
			continue
		}
		want := strings.Split(strings.Trim(rt.Path, "/"), "/")
		if len(want) != len(parts) {
			continue
		}
		ok := true
		for j, w := range want {
			if !strings.HasPrefix(w, "{") && w != parts[j] || parts[j] == "" {
				ok = false
				break
			}
		}
		if ok {
			return rt, true
		}
	}
	return nil, false
}

// Incoming is a request for a scene, already authorized by the API.
type Incoming struct {
	Tenant      *tenants.Tenant
	Scope       tenants.Scope
	Principal   *core.Principal
	Permissions []string // the scene permissions the principal holds
	Method      string
	Path        string
	Query       map[string][]string
	Body        []byte
	ContentType string
	Locale      string
	RequestID   string
	Settings    string
	Headers     map[string]string // less credentials
	// Descendants are the tenants below Tenant that Scope also reads (a
	// city-wide view), for the scene to know.
	Descendants []*tenants.Tenant
}

// Call serves one request with the release's process: it issues a
// capability for exactly this request, calls the scene within the call
// timeout, and ends the capability when the call returns.
func (h *Host) Call(ctx context.Context, rel *Release, in Incoming) (*scene.Response, error) {
	conn, done, err := h.sup.Acquire(ctx, &rel.SceneRelease)
	if err != nil {
		return nil, err
	}
	defer done()
	slugs := map[string]string{in.Tenant.ID: in.Tenant.Slug}
	var below []string
	for _, d := range in.Descendants {
		slugs[d.ID] = d.Slug
		below = append(below, d.Slug)
	}
	tok, revoke := h.caps.Issue(Grant{Scope: in.Scope, Principal: in.Principal, SceneID: rel.SceneID, Version: rel.Version,
		SHA256: rel.SHA256, Manifest: &rel.Manifest, RequestID: in.RequestID, Locale: in.Locale, Slugs: slugs}, h.sup.cfg.CallTimeout+time.Second)
	defer revoke()
	ctx, cancel := context.WithTimeout(ctx, h.sup.cfg.CallTimeout)
	defer cancel()
	call := scene.Call{Capability: tok, Method: in.Method, Path: in.Path, Query: in.Query, Body: in.Body, ContentType: in.ContentType,
		Tenant: scene.Tenant{Slug: in.Tenant.Slug, Level: string(in.Tenant.Level), NameZH: in.Tenant.NameZH, NameEN: in.Tenant.NameEN,
			ReadOnly: in.Scope.WriteTenantID == "", Descendants: below},
		Locale: in.Locale, RequestID: in.RequestID, Settings: []byte(in.Settings), Headers: in.Headers}
	if p := in.Principal; p != nil {
		call.Principal = &scene.Principal{UserID: p.UserID, Username: p.Username, DisplayName: p.DisplayName, Kind: string(p.Kind),
			DeputyID: p.DeputyID, Permissions: in.Permissions}
	}
	resp, err := conn.Handle(ctx, call)
	if err == nil {
		return resp, nil
	}
	if _, ok := scene.AsProblem(err); ok {
		return nil, err
	}
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, core.Errorf(core.ETIMEOUT, "scene.timeout", rel.SceneID)
	case strings.HasPrefix(err.Error(), codes.Unavailable.String()), status.Code(err) == codes.Unavailable, strings.Contains(err.Error(), "connection"):
		h.sup.kickByKey(rel.SceneID, rel.Version)
		return nil, errUnavailable(rel.SceneID)
	}
	h.log.Error("scene call failed", "scene", rel.SceneID, "version", rel.Version, "request_id", in.RequestID, "err", err)
	return nil, &core.Error{Code: core.EBADGATEWAY, Msg: core.Msg("scene.failed", rel.SceneID), Err: err}
}
