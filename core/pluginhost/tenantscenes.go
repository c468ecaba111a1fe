package pluginhost

import (
	"context"
	"sync"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

// sceneCache remembers which version of a scene a tenant runs, and its
// settings, until the tenant's scenes version moves: every server sees the
// move on the next request, because the tenant row is read per request.
type sceneCache struct {
	mu sync.RWMutex
	m  map[string]cachedScene
}

type cachedScene struct {
	version int64
	ts      *core.TenantScene
}

// TenantScene returns how tenant t runs sceneID (ENOTFOUND if never
// enabled), from the cache while t's scenes version is unchanged.
func (h *Host) TenantScene(ctx context.Context, t *tenants.Tenant, sceneID string) (*core.TenantScene, error) {
	key := t.ID + "/" + sceneID
	h.scenes.mu.RLock()
	c, ok := h.scenes.m[key]
	h.scenes.mu.RUnlock()
	if ok && c.version == t.ScenesVersion {
		ts := *c.ts
		return &ts, nil
	}
	ts, err := h.store.TenantScene(tenants.WithScope(ctx, tenants.ReadOnly(t, t.ID)), sceneID)
	if err != nil {
		// Not found is not cached: scene ids come from URLs, and anyone
		// could fill the cache with made-up ones.
		return nil, err
	}
	h.scenes.mu.Lock()
	if h.scenes.m == nil {
		h.scenes.m = map[string]cachedScene{}
	}
	h.scenes.m[key] = cachedScene{version: t.ScenesVersion, ts: ts}
	h.scenes.mu.Unlock()
	cp := *ts
	return &cp, nil
}

// File returns a file a scene stored in the context's tenant (ENOTFOUND
// if it has none by that id), for the console to show attachments.
func (h *Host) File(ctx context.Context, sceneID, id string) (*core.File, []byte, error) {
	return h.store.GetFile(ctx, sceneID, id)
}
