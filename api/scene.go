package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// Scenes is the plugin runtime as the API uses it.
type Scenes interface {
	Release(id, version string) (*pluginhost.Release, error)
	Releases() []*pluginhost.Release
	Install(ctx context.Context, path string) (*pluginhost.Release, error)
	Enable(ctx context.Context, t *tenants.Tenant, sceneID, version, settings string) (*core.TenantScene, error)
	Disable(ctx context.Context, sceneID string) (*core.TenantScene, error)
	AllowHosts(ctx context.Context, sceneID string, hosts []string) (*core.TenantScene, error)
	Call(ctx context.Context, rel *pluginhost.Release, in pluginhost.Incoming) (*scene.Response, error)
	Statuses() []pluginhost.Status
	TenantScene(ctx context.Context, t *tenants.Tenant, sceneID string) (*core.TenantScene, error)
	// File returns a file the scene stored in the context's tenant.
	File(ctx context.Context, sceneID, id string) (*core.File, []byte, error)
	Events() core.EventStore
	// Replayed tells the event dispatcher a delivery is due again.
	Replayed()
}

// DeliveryJSON is one subscriber's copy of a scene event.
type DeliveryJSON struct {
	EventID     string          `json:"event_id"`
	Type        string          `json:"type"`
	Source      string          `json:"source"`
	Subscriber  string          `json:"subscriber"`
	Payload     json.RawMessage `json:"payload"`
	OccurredAt  time.Time       `json:"occurred_at"`
	Attempts    int             `json:"attempts"`
	NextAt      time.Time       `json:"next_at"`
	DeliveredAt *time.Time      `json:"delivered_at,omitempty"`
	DeadAt      *time.Time      `json:"dead_at,omitempty"`
	LastError   string          `json:"last_error,omitempty"`
}

// SceneJSON is a scene as a tenant runs it.
type SceneJSON struct {
	ID          string          `json:"id"`
	Version     string          `json:"version"`
	Enabled     bool            `json:"enabled"`
	Title       scene.Text      `json:"title"`
	Description scene.Text      `json:"description"`
	Settings    json.RawMessage `json:"settings"`
	// SettingsSchema is the JSON Schema of Settings (absent when the scene
	// has no settings): the console's settings form.
	SettingsSchema json.RawMessage `json:"settings_schema,omitempty"`
	// AllowedHosts are the hosts the scene may call for this congress.
	AllowedHosts []string  `json:"allowed_hosts"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// SceneListJSON lists scenes.
type SceneListJSON struct {
	Items []SceneJSON `json:"items"`
}

// ScenePutJSON enables, pins, configures or disables a scene for a tenant.
// AllowedHosts, when present, replaces the hosts the scene may call.
type ScenePutJSON struct {
	Version      string          `json:"version,omitempty"`
	Enabled      bool            `json:"enabled"`
	Settings     json.RawMessage `json:"settings,omitempty"`
	AllowedHosts *[]string       `json:"allowed_hosts,omitempty"`
}

// ReleaseJSON is an installed scene version.
type ReleaseJSON struct {
	ID          string     `json:"id"`
	Version     string     `json:"version"`
	SHA256      string     `json:"sha256"`
	Title       scene.Text `json:"title"`
	InstalledAt time.Time  `json:"installed_at"`
	State       string     `json:"state"`
	PID         int        `json:"pid,omitempty"`
	// Restarts counts restarts within the supervisor's give-up window (a
	// minute); RestartsLastHour those of the last hour.
	Restarts         int      `json:"restarts"`
	RestartsLastHour int      `json:"restarts_last_hour"`
	LastError        string   `json:"last_error,omitempty"`
	Tenants          []string `json:"tenants"`
}

// ReleaseListJSON is the catalog.
type ReleaseListJSON struct {
	Items []ReleaseJSON `json:"items"`
}

// SceneInstallJSON installs a scene binary already on the server.
type SceneInstallJSON struct {
	Path string `json:"path"`
}

// SceneRolloutJSON enables (or disables) a scene for several congresses.
type SceneRolloutJSON struct {
	Version  string          `json:"version,omitempty"`
	Tenants  []string        `json:"tenants"`
	Settings json.RawMessage `json:"settings,omitempty"`
}

func (s *Server) sceneRoutes() []Route {
	routes := []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/scenes", Summary: "The scenes this congress runs", Tag: "scenes",
			Access: Perm(core.ObjTenant, core.ActRead), Resp: SceneListJSON{}, handler: s.listTenantScenes},
		{Method: http.MethodPut, Path: "/t/:tenant/scenes/:scene", Summary: "Enable, pin, configure or disable a scene", Tag: "scenes",
			Access: Perm(core.ObjScenes, core.ActWrite), Body: ScenePutJSON{}, Resp: SceneJSON{}, handler: s.putTenantScene},
		{Method: http.MethodGet, Path: "/platform/scenes", Summary: "Installed scenes, their processes and which congress runs which version", Tag: "platform",
			Access: Platform(core.ObjPlatform, core.ActRead), Resp: ReleaseListJSON{}, handler: s.listReleases},
		{Method: http.MethodPost, Path: "/platform/scenes", Summary: "Install a scene binary present on the server", Tag: "platform",
			Access: Platform(core.ObjPlatform, core.ActWrite), Body: SceneInstallJSON{}, Resp: ReleaseJSON{}, Status: http.StatusCreated, OwnTx: true, handler: s.installScene},
		{Method: http.MethodPost, Path: "/platform/scenes/:scene/enable", Summary: "Enable a scene version for several congresses", Tag: "platform",
			Access: Platform(core.ObjPlatform, core.ActWrite), Body: SceneRolloutJSON{}, Resp: SceneListJSON{}, handler: s.rolloutScene},
		{Method: http.MethodPost, Path: "/platform/scenes/:scene/disable", Summary: "Disable a scene for several congresses (data kept)", Tag: "platform",
			Access: Platform(core.ObjPlatform, core.ActWrite), Body: SceneRolloutJSON{}, Resp: SceneListJSON{}, handler: s.rolloutScene},
	}
	routes = append(routes,
		Route{Method: http.MethodGet, Path: "/t/:tenant/scene-deliveries", Summary: "Scene event deliveries (dead=true: the dead-letter list)", Tag: "scenes",
			Access: Perm(core.ObjScenes, core.ActWrite), Query: deliveryQuery{}, Resp: PageJSON[DeliveryJSON]{}, handler: s.listDeliveries},
		Route{Method: http.MethodPost, Path: "/t/:tenant/scene-deliveries/:event/:subscriber/replay", Summary: "Deliver an event to a subscriber again", Tag: "scenes",
			Access: Perm(core.ObjScenes, core.ActWrite), Status: http.StatusNoContent, handler: s.replayDelivery},
	)
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		routes = append(routes, Route{Method: m, Path: "/t/:tenant/scenes/:scene/*", Summary: "A scene's own route (see the scene routes below)", Tag: "scenes",
			Access: SceneRoute(), OwnTx: true, RawBody: "application/json", handler: s.sceneProxy})
	}
	return routes
}

func sceneJSON(ts *core.TenantScene, rel *pluginhost.Release) SceneJSON {
	j := SceneJSON{ID: ts.SceneID, Version: ts.Version, Enabled: ts.Enabled, Settings: json.RawMessage(core.RedactSecrets(ts.Settings)),
		AllowedHosts: ts.AllowedHosts, UpdatedAt: ts.UpdatedAt}
	if j.AllowedHosts == nil {
		j.AllowedHosts = []string{}
	}
	if rel != nil {
		j.Title, j.Description = rel.Manifest.Title, rel.Manifest.Description
		if rel.Manifest.Settings != "" {
			j.SettingsSchema = json.RawMessage(rel.Manifest.Settings)
		}
	}
	return j
}

func (s *Server) listTenantScenes(c *fiber.Ctx) error {
	list, err := s.svc.SceneStore.TenantScenes(c.UserContext())
	if err != nil {
		return err
	}
	out := SceneListJSON{Items: []SceneJSON{}}
	for _, ts := range list {
		rel, _ := s.svc.Scenes.Release(ts.SceneID, ts.Version)
		out.Items = append(out.Items, sceneJSON(ts, rel))
	}
	return c.JSON(out)
}

func (s *Server) putTenantScene(c *fiber.Ctx) error {
	var in ScenePutJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	ts, err := s.configureScene(c.UserContext(), tenantOf(c), c.Params("scene"), in.Version, in.Enabled, in.Settings)
	if err != nil {
		return err
	}
	if in.AllowedHosts != nil {
		if ts, err = s.svc.Scenes.AllowHosts(c.UserContext(), ts.SceneID, *in.AllowedHosts); err != nil {
			return err
		}
	}
	rel, _ := s.svc.Scenes.Release(ts.SceneID, ts.Version)
	return c.JSON(sceneJSON(ts, rel))
}

// configureScene enables (at version, or the current or newest one) or
// disables a scene for one tenant, in ctx's transaction.
func (s *Server) configureScene(ctx context.Context, t *tenants.Tenant, sceneID, version string, enabled bool, settings json.RawMessage) (*core.TenantScene, error) {
	ctx = tenants.WithScope(ctx, tenants.Home(t))
	if !enabled {
		return s.svc.Scenes.Disable(ctx, sceneID)
	}
	if version == "" {
		if cur, err := s.svc.SceneStore.TenantScene(ctx, sceneID); err == nil {
			version = cur.Version
		} else {
			version = s.newest(sceneID)
		}
	}
	if version == "" {
		return nil, core.Errorf(core.ENOTFOUND, "scene.not_installed", sceneID)
	}
	return s.svc.Scenes.Enable(ctx, t, sceneID, version, string(settings))
}

// newest returns the highest installed version of a scene.
func (s *Server) newest(sceneID string) string {
	v := ""
	for _, r := range s.svc.Scenes.Releases() {
		if r.SceneID == sceneID && (v == "" || semver.MustParse(v).LessThan(semver.MustParse(r.Version))) {
			v = r.Version
		}
	}
	return v
}

func (s *Server) listReleases(c *fiber.Ctx) error {
	ctx := c.UserContext()
	running := map[string]pluginhost.Status{}
	for _, st := range s.svc.Scenes.Statuses() {
		running[st.SceneID+"@"+st.Version] = st
	}
	users := map[string][]string{}
	ts, err := s.svc.Tenants.ListTenants(ctx)
	if err != nil {
		return err
	}
	for _, t := range ts {
		list, err := s.svc.SceneStore.TenantScenes(tenants.WithScope(ctx, tenants.ReadOnly(t, t.ID)))
		if err != nil {
			return err
		}
		for _, x := range list {
			if x.Enabled {
				users[x.SceneID+"@"+x.Version] = append(users[x.SceneID+"@"+x.Version], t.Slug)
			}
		}
	}
	out := ReleaseListJSON{Items: []ReleaseJSON{}}
	for _, r := range s.svc.Scenes.Releases() {
		k := r.SceneID + "@" + r.Version
		st, ok := running[k]
		if !ok {
			st.State = pluginhost.StateStopped
		}
		tl := users[k]
		if tl == nil {
			tl = []string{}
		}
		out.Items = append(out.Items, ReleaseJSON{ID: r.SceneID, Version: r.Version, SHA256: r.SHA256, Title: r.Manifest.Title,
			InstalledAt: r.InstalledAt, State: string(st.State), PID: st.PID, Restarts: st.Restarts, RestartsLastHour: st.RestartsLastHour, LastError: st.LastErr, Tenants: tl})
	}
	return c.JSON(out)
}

func (s *Server) installScene(c *fiber.Ctx) error {
	var in SceneInstallJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	var v core.Validator
	v.Text("path", in.Path, 1000)
	if err := v.Err(); err != nil {
		return err
	}
	r, err := s.svc.Scenes.Install(c.UserContext(), in.Path)
	if err != nil {
		return err
	}
	return created(c, ReleaseJSON{ID: r.SceneID, Version: r.Version, SHA256: r.SHA256, Title: r.Manifest.Title, InstalledAt: r.InstalledAt,
		State: string(pluginhost.StateStopped), Tenants: []string{}})
}

func (s *Server) rolloutScene(c *fiber.Ctx) error {
	var in SceneRolloutJSON
	if err := bind(c, &in); err != nil {
		return err
	}
	var v core.Validator
	if len(in.Tenants) == 0 || len(in.Tenants) > 500 {
		v.Add("tenants", "scene.tenants_count")
	}
	if err := v.Err(); err != nil {
		return err
	}
	enable := strings.HasSuffix(c.Path(), "/enable")
	ctx := c.UserContext()
	out := SceneListJSON{Items: []SceneJSON{}}
	for i, slug := range in.Tenants {
		t, err := s.svc.Tenants.TenantBySlug(ctx, slug)
		if err != nil {
			return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"),
				Fields: []core.FieldError{{Path: "tenants[" + strconv.Itoa(i) + "]", Msg: core.Msg("tenant.not_found")}}}
		}
		ts, err := s.configureScene(ctx, t, c.Params("scene"), in.Version, enable, in.Settings)
		if err != nil {
			return err
		}
		rel, _ := s.svc.Scenes.Release(ts.SceneID, ts.Version)
		out.Items = append(out.Items, sceneJSON(ts, rel))
	}
	return c.JSON(out)
}

// ClientIPHeader carries the caller's address to scenes; a caller's own
// X-Renda-* headers are dropped.
const ClientIPHeader = "X-Renda-Client-Ip"

// sceneProxy serves /t/{tenant}/scenes/{scene}/...: the scene must be
// enabled for the tenant; the manifest route must exist; the caller must
// hold its permission (or it is public); then the scene's process answers.
func (s *Server) sceneProxy(c *fiber.Ctx) error {
	ctx, t := c.UserContext(), tenantOf(c)
	sceneID := c.Params("scene")
	ts, err := s.svc.Scenes.TenantScene(ctx, t, sceneID)
	if err != nil || !ts.Enabled {
		return core.Errorf(core.ENOTFOUND, "scene.not_enabled")
	}
	rel, err := s.svc.Scenes.Release(ts.SceneID, ts.Version)
	if err != nil {
		return err
	}
	path := "/" + c.Params("*")
	rt, ok := rel.Match(c.Method(), path)
	if !ok {
		return core.Errorf(core.ENOTFOUND, "http.not_found")
	}
	in := pluginhost.Incoming{Tenant: t, Method: c.Method(), Path: path, Body: c.Body(), ContentType: string(c.Request().Header.ContentType()),
		Locale: langOf(c), RequestID: requestID(c), Settings: ts.Settings, Query: map[string][]string{}}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) { in.Query[string(k)] = append(in.Query[string(k)], string(v)) })
	in.Headers = map[string]string{}
	c.Request().Header.VisitAll(func(k, v []byte) {
		if name := string(k); name != fiber.HeaderAuthorization && name != fiber.HeaderCookie && !strings.HasPrefix(name, "X-Renda-") {
			in.Headers[name] = string(v)
		}
	})
	// The host, not the caller, says who is calling: scenes limit abuse of
	// public routes by it.
	in.Headers[ClientIPHeader] = c.IP()
	p := principalOf(c)
	if rt.Public && p != nil && homeOf(c).ID != t.ID {
		p = nil // someone of another congress on a public route: as anyone
	}
	switch {
	case rt.Public && p == nil:
		in.Scope = tenants.Scope{Tenant: t, ReadTenantIDs: []string{t.ID}}
		if c.Method() != http.MethodGet {
			in.Scope = tenants.Home(t)
		}
	case p == nil:
		return core.Errorf(core.EUNAUTHORIZED, "auth.required")
	default:
		scope, err := s.scopeFor(c, c.Method())
		if err != nil {
			return err
		}
		if !rt.Public {
			if err := s.require(c, pluginhost.Permission(rel.SceneID, rt.Permission)); err != nil {
				return err
			}
		}
		if c.Method() == http.MethodGet && c.Query("scope") == "descendants" {
			if scope, in.Descendants, err = s.widen(c, scope); err != nil {
				return err
			}
		}
		in.Scope, in.Principal = scope, p
		for _, pd := range rel.Manifest.Permissions {
			perm := pd.Object + ":" + pd.Action
			if ok, _ := s.svc.Authz.Enforce(ctx, p.UserID, homeOf(c), pluginhost.Permission(rel.SceneID, perm)); ok {
				in.Permissions = append(in.Permissions, perm)
			}
		}
	}
	if key := c.Get("Idempotency-Key"); key != "" && c.Method() == http.MethodPost && p != nil {
		return s.idempotentScene(c, key, func() error { return s.callScene(c, rel, in) })
	}
	return s.callScene(c, rel, in)
}

// callScene calls the scene and writes its answer.
func (s *Server) callScene(c *fiber.Ctx, rel *pluginhost.Release, in pluginhost.Incoming) error {
	resp, err := s.svc.Scenes.Call(c.UserContext(), rel, in)
	if err != nil {
		if pr, ok := scene.AsProblem(err); ok {
			return sceneProblem(pr)
		}
		return err
	}
	for k, v := range resp.Headers {
		if safeSceneHeader(k, v) {
			c.Set(k, v)
		}
	}
	ct, _, _ := strings.Cut(resp.ContentType, ";")
	switch {
	case resp.ContentType == "":
	case sceneContentTypes[strings.TrimSpace(strings.ToLower(ct))]:
		c.Set(fiber.HeaderContentType, resp.ContentType)
	default:
		// Anything else (HTML, scripts) is a download, never a page on the
		// platform's origin.
		c.Set(fiber.HeaderContentType, "application/octet-stream")
		c.Set(fiber.HeaderContentDisposition, "attachment")
	}
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	status := resp.Status
	if status < 200 || status > 599 {
		status = http.StatusOK
	}
	return c.Status(status).Send(resp.Body)
}

// widen adds every congress below the addressed one to a read scope, for
// a city-wide view: the caller must hold descendants:read, and the scope
// becomes read-only.
func (s *Server) widen(c *fiber.Ctx, scope tenants.Scope) (tenants.Scope, []*tenants.Tenant, error) {
	if err := s.require(c, core.Permission{Object: core.ObjDescendants, Action: core.ActRead}); err != nil {
		return scope, nil, err
	}
	kids, err := s.svc.Tenants.Descendants(c.UserContext(), tenantOf(c))
	if err != nil {
		return scope, nil, err
	}
	wide := tenants.ReadOnly(scope.Tenant, scope.ReadTenantIDs...)
	var served []*tenants.Tenant
	for _, k := range kids {
		if k.Status == tenants.StatusActive { // suspended and archived congresses are not served
			wide.ReadTenantIDs = append(wide.ReadTenantIDs, k.ID)
			served = append(served, k)
		}
	}
	return wide, served, nil
}

// safeSceneHeader lets a scene set only headers that cannot hijack the
// platform's session or security policy.
func safeSceneHeader(k, v string) bool {
	switch strings.ToLower(k) {
	case "cache-control", "content-disposition", "etag", "last-modified":
		return true
	case "location": // relative only: no open redirect
		return strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") && !strings.Contains(v, "\\")
	}
	return false
}

// sceneContentTypes are the answers a scene may serve as themselves.
var sceneContentTypes = map[string]bool{
	"application/json": true, "application/problem+json": true, "application/xml": true, "text/xml": true,
	"text/csv": true, "text/plain": true, "application/x-ndjson": true, "application/pdf": true,
	"image/png": true, "image/jpeg": true, "image/webp": true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": true,
}

// sceneProblem renders a scene's Problem through the one error handler.
func sceneProblem(p *scene.Problem) error {
	code := map[string]core.Code{scene.CodeInvalid: core.EINVALID, scene.CodeNotFound: core.ENOTFOUND,
		scene.CodeConflict: core.ECONFLICT, scene.CodeForbidden: core.EFORBIDDEN}[p.Code]
	if code == "" {
		code = core.EUNPROCESSABLE
	}
	e := &core.Error{Code: code, Msg: core.Message{Key: p.Key, ZH: p.Message.ZH, EN: p.Message.EN}}
	for _, f := range p.Fields {
		e.Fields = append(e.Fields, core.FieldError{Path: f.Path, Msg: core.Message{Key: p.Key, ZH: f.Message.ZH, EN: f.Message.EN}})
	}
	return e
}

type deliveryQuery struct {
	Dead string `query:"dead" doc:"true: only deliveries that gave up"`
	pageQuery
}

func (s *Server) listDeliveries(c *fiber.Ctx) error {
	var v core.Validator
	pr := pageRequest(c, &v)
	dead := c.Query("dead")
	if dead != "" {
		v.OneOf("dead", dead, "true", "false")
	}
	if err := v.Err(); err != nil {
		return err
	}
	p, err := s.svc.Scenes.Events().Deliveries(c.UserContext(), dead == "true", pr)
	if err != nil {
		return err
	}
	return c.JSON(pageOf(p, func(d *core.Delivery) DeliveryJSON {
		return DeliveryJSON{EventID: d.Event.ID, Type: d.Event.Type, Source: d.Event.Source, Subscriber: d.Subscriber,
			Payload: json.RawMessage(d.Event.Payload), OccurredAt: d.Event.OccurredAt, Attempts: d.Attempts, NextAt: d.NextAt,
			DeliveredAt: d.DeliveredAt, DeadAt: d.DeadAt, LastError: d.LastError}
	}))
}

func (s *Server) replayDelivery(c *fiber.Ctx) error {
	if err := s.svc.Scenes.Events().ReplayDelivery(c.UserContext(), c.Params("event"), c.Params("subscriber")); err != nil {
		return err
	}
	s.svc.Scenes.Replayed()
	return noContent(c)
}

// abandonedClaim is how long a pending Idempotency-Key claim may wait for
// its answer before a retry takes it over: longer than any scene call.
const abandonedClaim = 2 * time.Minute

// idempotentScene honours Idempotency-Key on a scene POST. The scene
// writes through the host in its own transactions, so the claim cannot
// commit with them: it is committed first (pending), the scene is called,
// and the answer is saved; a concurrent retry waits for the answer, and a
// failed call releases the claim so a retry runs again.
func (s *Server) idempotentScene(c *fiber.Ctx, key string, call func() error) error {
	if !validIdemKey(key) {
		return core.Errorf(core.EINVALID, "idempotency.key_invalid")
	}
	p := principalOf(c)
	ctx := tenants.WithScope(c.UserContext(), tenants.Home(homeOf(c)))
	sum := sha256.Sum256(append([]byte(c.Method()+" "+c.Path()+"\n"), c.Body()...))
	fp := hex.EncodeToString(sum[:])
	for deadline := time.Now().Add(15 * time.Second); ; {
		prev, err := s.svc.Idempotency.ClaimIdempotencyKey(ctx, p.UserID, key, fp)
		if err != nil {
			return err
		}
		if prev == nil {
			break
		}
		if prev.Fingerprint != fp {
			return core.Errorf(core.EUNPROCESSABLE, "idempotency.mismatch")
		}
		if prev.Status != 0 {
			c.Set("Idempotent-Replayed", "true")
			c.Set(fiber.HeaderContentType, prev.ContentType)
			return c.Status(prev.Status).Send(prev.Body)
		}
		if time.Since(prev.CreatedAt) > abandonedClaim {
			// The request that claimed it died before answering: let this
			// retry run (the scene's own writes are idempotent per document).
			if err := s.svc.Idempotency.ReleaseIdempotencyKey(ctx, p.UserID, key); err != nil {
				return err
			}
			continue
		}
		if time.Now().After(deadline) {
			return core.Errorf(core.ECONFLICT, "idempotency.pending")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := call(); err != nil {
		if rerr := s.svc.Idempotency.ReleaseIdempotencyKey(ctx, p.UserID, key); rerr != nil {
			s.log.Error("release idempotency key", "err", rerr)
		}
		return err
	}
	resp := c.Response()
	if resp.StatusCode() >= 500 {
		return s.svc.Idempotency.ReleaseIdempotencyKey(ctx, p.UserID, key)
	}
	return s.svc.Idempotency.SaveIdempotentResponse(ctx, p.UserID, key, core.StoredResponse{
		Fingerprint: fp, Status: resp.StatusCode(), ContentType: string(resp.Header.ContentType()), Body: bytes.Clone(resp.Body()),
	})
}
