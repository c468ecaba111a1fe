// Package pluginhost runs scene plugins for the platform: it keeps one
// process per (scene, version) in use, issues the capabilities that scope
// every host-service call to one tenant, scene and principal, and serves
// the host services (store, directory, duty ledger, audit) to the scenes.
package pluginhost

import (
	"crypto/rand"
	"encoding/base64"
	"sync"
	"time"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// Grant is what a capability stands for: one piece of work (a request, an
// event delivery, a job run) of one scene version in one tenant.
type Grant struct {
	Scope     tenants.Scope
	Principal *core.Principal
	SceneID   string
	Version   string
	SHA256    string
	Manifest  *scene.Manifest
	RequestID string
	Locale    string
	// Slugs name the tenants of Scope.ReadTenantIDs, for documents read in
	// a city-wide view.
	Slugs   map[string]string
	expires time.Time
}

// Capabilities issues and resolves capability tokens. A token is 32 random
// bytes, unguessable, valid until the work it was issued for ends (revoke)
// or its deadline passes, whichever is first.
type Capabilities struct {
	mu sync.RWMutex
	m  map[string]*Grant
	// now is the clock (tests move it).
	now func() time.Time
}

// NewCapabilities returns an empty registry.
func NewCapabilities() *Capabilities {
	return &Capabilities{m: map[string]*Grant{}, now: time.Now}
}

// Issue returns a token for g, valid for ttl, and the function that ends it.
func (c *Capabilities) Issue(g Grant, ttl time.Duration) (string, func()) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	tok := "cap_" + base64.RawURLEncoding.EncodeToString(b)
	g.expires = c.now().Add(ttl)
	c.mu.Lock()
	c.m[tok] = &g
	c.mu.Unlock()
	return tok, func() {
		c.mu.Lock()
		delete(c.m, tok)
		c.mu.Unlock()
	}
}

// Resolve returns the grant of a live token issued to sceneID@version.
// A token of another scene, an ended or expired token and a made-up one are
// all refused alike.
func (c *Capabilities) Resolve(tok, sceneID, version string) (*Grant, bool) {
	c.mu.RLock()
	g, ok := c.m[tok]
	c.mu.RUnlock()
	if !ok || g.SceneID != sceneID || g.Version != version || !c.now().Before(g.expires) {
		return nil, false
	}
	return g, true
}

// Live returns how many capabilities are outstanding (tests, metrics).
func (c *Capabilities) Live() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.m)
}
