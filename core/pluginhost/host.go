package pluginhost

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// Grants is what the host needs of the authorizer.
type Grants interface {
	AddKnown(perms ...core.Permission)
	Roles(ctx context.Context, t *tenants.Tenant) ([]*core.Role, error)
	GrantDefaults(ctx context.Context, t *tenants.Tenant, grants map[string][]core.Permission) error
}

// Host is the plugin runtime: the catalog of installed scene releases, the
// supervisor of their processes, and the capabilities of work in flight.
type Host struct {
	store Store
	authz Grants
	caps  *Capabilities
	sup   *Supervisor
	log   *slog.Logger

	mu       sync.RWMutex
	releases map[string]*Release
	// wake tells the event dispatcher an event was published.
	wake chan struct{}
	// installer is how Install takes scenes in.
	installer Installer
	// core are the platform's own event handlers, by type.
	core map[string]CoreHandler
	// scenes caches which scenes each tenant runs.
	scenes sceneCache
}

// Release is an installed scene version with its parsed manifest.
type Release struct {
	core.SceneRelease
	Manifest scene.Manifest
	settings *jsonschema.Schema
}

// New returns a host. Call Load before serving.
func New(store Store, authz Grants, cfg Config) *Host {
	h := &Host{store: store, authz: authz, caps: NewCapabilities(), log: cfg.Logger, releases: map[string]*Release{}, installer: cfg.Install}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.wake = make(chan struct{}, 1)
	h.sup = NewSupervisor(cfg, h.caps, func(rel *core.SceneRelease) scene.HostServices {
		r := h.release(rel.SceneID, rel.Version)
		svc := HostServicesFor(store, h.caps, rel, &r.Manifest, h.log)
		svc.subscribers, svc.published, svc.roles = h.subscribers, h.wakeDispatcher, h.roles
		svc.client = outboundClient(cfg.AllowPrivateHosts)
		return svc
	})
	return h
}

// Supervisor returns the process supervisor.
func (h *Host) Supervisor() *Supervisor { return h.sup }

// Capabilities returns the capability registry.
func (h *Host) Capabilities() *Capabilities { return h.caps }

// Load reads the catalog, so that installed scenes can be served.
func (h *Host) Load(ctx context.Context) error {
	rels, err := h.store.SceneReleases(ctx)
	if err != nil {
		return err
	}
	for _, r := range rels {
		var m scene.Manifest
		if err := json.Unmarshal([]byte(r.Manifest), &m); err != nil {
			return fmt.Errorf("pluginhost: manifest of %s@%s: %w", r.SceneID, r.Version, err)
		}
		if err := h.add(*r, m); err != nil {
			return err
		}
	}
	return nil
}

func (h *Host) add(r core.SceneRelease, m scene.Manifest) error {
	rel := &Release{SceneRelease: r, Manifest: m}
	if m.Settings != "" {
		sch, err := compileSchema(m.Settings)
		if err != nil {
			return fmt.Errorf("pluginhost: settings schema of %s@%s: %w", r.SceneID, r.Version, err)
		}
		rel.settings = sch
	}
	perms := make([]core.Permission, 0, len(m.Permissions))
	for _, p := range m.Permissions {
		perms = append(perms, Permission(m.ID, p.Object+":"+p.Action))
	}
	h.authz.AddKnown(perms...)
	h.mu.Lock()
	h.releases[key(r.SceneID, r.Version)] = rel
	h.mu.Unlock()
	return nil
}

func compileSchema(s string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(s))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("settings.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("settings.json")
}

// Permission is the platform permission of a scene permission
// ("notices:read" of renda.notice-board → object "renda.notice-board/notices").
func Permission(sceneID, perm string) core.Permission {
	obj, act, _ := strings.Cut(perm, ":")
	return core.Permission{Object: sceneID + "/" + obj, Action: act}
}

func (h *Host) release(id, version string) *Release {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.releases[key(id, version)]
}

// Release returns an installed release, or ENOTFOUND.
func (h *Host) Release(id, version string) (*Release, error) {
	r := h.release(id, version)
	if r == nil {
		return nil, core.Errorf(core.ENOTFOUND, "scene.version_not_installed", id, version)
	}
	return r, nil
}

// Releases lists installed releases by scene and version.
func (h *Host) Releases() []*Release {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]*Release, 0, len(h.releases))
	for _, r := range h.releases {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i].SceneID, out[i].Version) < key(out[j].SceneID, out[j].Version) })
	return out
}

// register records the scene binary at path (already placed and, where
// required, verified): it hashes the binary, starts it once to read and
// validate its manifest, records the release and creates the indexes its
// collections declare.
func (h *Host) register(ctx context.Context, path string) (*Release, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	sum, err := fileSHA256(abs)
	if err != nil {
		return nil, err
	}
	m, err := ReadManifest(ctx, abs, sum)
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("scene.manifest_invalid", err.Error()), Err: err}
	}
	raw, _ := json.Marshal(m)
	rel := core.SceneRelease{SceneID: m.ID, Version: m.Version, BinaryPath: abs, SHA256: sum, Manifest: string(raw)}
	if err := h.store.InstallScene(ctx, rel); err != nil {
		return nil, err
	}
	for _, c := range m.Collections {
		for _, ix := range c.Indexes {
			if err := h.store.EnsureSceneIndex(ctx, m.ID, c.Name, core.DocField{Name: ix.Field, Type: ix.Type}); err != nil {
				return nil, err
			}
		}
	}
	if err := h.add(rel, m); err != nil {
		return nil, err
	}
	return h.release(m.ID, m.Version), nil
}

func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("pluginhost: open %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("pluginhost: hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ReadManifest starts the binary once, with no host services, and returns
// its manifest.
func ReadManifest(ctx context.Context, path, sum string) (scene.Manifest, error) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sup := NewSupervisor(Config{Logger: quiet, LogOutput: io.Discard}, NewCapabilities(), nil)
	// No capability is ever issued here, so every host call is refused.
	deny := HostServicesFor(nil, sup.caps, &core.SceneRelease{}, &scene.Manifest{}, quiet)
	cl, conn, err := sup.launchBinary(path, sum, "scene.install", deny)
	if err != nil {
		return scene.Manifest{}, &core.Error{Code: core.EINVALID, Msg: core.Msg("scene.not_a_scene", err.Error()), Err: err}
	}
	defer cl.Kill()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return conn.Manifest(ctx)
}

// Enable turns a scene on for the scope's tenant at version, with settings
// (JSON; "" keeps the current ones), and grants the manifest's default
// permissions to the built-in roles. Moving a tenant to another version is
// the same call.
func (h *Host) Enable(ctx context.Context, t *tenants.Tenant, sceneID, version, settings string) (*core.TenantScene, error) {
	rel, err := h.Release(sceneID, version)
	if err != nil {
		return nil, err
	}
	cur, curErr := h.store.TenantScene(ctx, sceneID)
	switch {
	case settings == "" && curErr == nil:
		settings = cur.Settings
	case settings == "":
		settings = "{}"
	case curErr == nil:
		settings = core.KeepRedacted(settings, cur.Settings) // secrets shown as *** stay as they were
	}
	if err := rel.ValidateSettings(settings); err != nil {
		return nil, err
	}
	ts, err := h.store.PutTenantScene(ctx, core.TenantScene{SceneID: sceneID, Version: version, Enabled: true, Settings: settings})
	if err != nil {
		return nil, err
	}
	grants := map[string][]core.Permission{}
	for _, p := range rel.Manifest.Permissions {
		for _, role := range p.DefaultRoles {
			grants[role] = append(grants[role], Permission(sceneID, p.Object+":"+p.Action))
		}
	}
	if err := h.authz.GrantDefaults(ctx, t, grants); err != nil {
		return nil, err
	}
	if err := h.ensureCron(ctx, rel); err != nil {
		return nil, err
	}
	return ts, nil
}

// Disable stops routing a scene for the scope's tenant; its data stays.
func (h *Host) Disable(ctx context.Context, sceneID string) (*core.TenantScene, error) {
	cur, err := h.store.TenantScene(ctx, sceneID)
	if err != nil {
		return nil, err
	}
	cur.Enabled = false
	return h.store.PutTenantScene(ctx, *cur)
}

// ValidateSettings checks settings against the manifest's JSON Schema.
func (r *Release) ValidateSettings(settings string) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(settings)))
	if err != nil {
		return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"),
			Fields: []core.FieldError{{Path: "settings", Msg: core.Msg("body.malformed", err.Error())}}}
	}
	if _, ok := doc.(map[string]any); !ok {
		return &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed"),
			Fields: []core.FieldError{{Path: "settings", Msg: core.Msg("scene.settings_object")}}}
	}
	if r.settings == nil {
		return nil
	}
	err = r.settings.Validate(doc)
	if err == nil {
		return nil
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return err
	}
	out := &core.Error{Code: core.EINVALID, Msg: core.Msg("validation.failed")}
	for _, u := range ve.BasicOutput().Errors {
		if u.Error == nil || u.InstanceLocation == "" && len(ve.Causes) > 0 && u.KeywordLocation == "" {
			continue
		}
		path := "settings" + strings.ReplaceAll(u.InstanceLocation, "/", ".")
		if slices.ContainsFunc(out.Fields, func(f core.FieldError) bool { return f.Path == path }) {
			continue
		}
		out.Fields = append(out.Fields, core.FieldError{Path: path, Msg: core.Msg("scene.settings_invalid", u.Error.String())})
	}
	if len(out.Fields) == 0 {
		out.Fields = []core.FieldError{{Path: "settings", Msg: core.Msg("scene.settings_invalid", ve.Error())}}
	}
	return out
}

// Shutdown drains and stops every scene process.
func (h *Host) Shutdown(ctx context.Context) error { return h.sup.Shutdown(ctx) }

// Statuses reports every scene process.
func (h *Host) Statuses() []Status { return h.sup.Statuses() }

var hostPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$`)

// AllowHosts sets the hosts the scene may call in the scope's tenant
// (host, or host:port to allow only that port).
func (h *Host) AllowHosts(ctx context.Context, sceneID string, hosts []string) (*core.TenantScene, error) {
	var v core.Validator
	for i, host := range hosts {
		if !hostPattern.MatchString(host) {
			v.Add(fmt.Sprintf("allowed_hosts[%d]", i), "scene.host_invalid", host)
		}
	}
	if len(hosts) > 50 {
		v.Add("allowed_hosts", "scene.hosts_count")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	cur, err := h.store.TenantScene(ctx, sceneID)
	if err != nil {
		return nil, err
	}
	cur.AllowedHosts = hosts
	return h.store.PutTenantScene(ctx, *cur)
}

// roles lists the roles of the scope's tenant, for the directory.
func (h *Host) roles(ctx context.Context) ([]*core.Role, error) {
	sc, ok := tenants.FromContext(ctx)
	if !ok || sc.Tenant == nil {
		return nil, nil
	}
	return h.authz.Roles(ctx, sc.Tenant)
}
