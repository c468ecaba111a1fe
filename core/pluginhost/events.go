package pluginhost

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// Event delivery: at least once, to every scene enabled in the tenant that
// subscribes to the type, with retries and back-off; after maxAttempts the
// delivery is dead and waits for an administrator's replay. Each event has
// an id, so a subscriber applies it once however often it arrives.
const (
	maxAttempts = 8
	// claimBatch deliveries are claimed at a time, leased for long enough
	// to attempt them all one after another (each within the call timeout).
	claimBatch    = 10
	deliveryLease = 3 * time.Minute
	pollEvery     = time.Second
)

// systemPrincipal acts for work no person started: event deliveries, jobs.
var systemPrincipal = &core.Principal{UserID: "system", Username: "system", DisplayName: "system", Kind: core.KindService}

// CoreSubscriber is the subscriber name of the platform's own handlers.
const CoreSubscriber = "core"

// EscalateSubscriber is the delivery that carries an event a scene
// escalates (Manifest.Escalates) up to the parent congress: durable and
// retried like any delivery.
const EscalateSubscriber = "escalate"

// RelaySubscriberPrefix, followed by a congress's slug, is the delivery
// that carries an event a scene relays (Manifest.Relays, EventDraft.To) to
// a congress of its line: durable and retried like any delivery.
const RelaySubscriberPrefix = "relay:"

// CoreHandler consumes scene events inside the platform (at least once, so
// it must apply each event id once).
type CoreHandler func(ctx context.Context, t *tenants.Tenant, e core.SceneEvent) error

// SubscribeCore registers a platform handler for an event type. Call it
// before serving.
func (h *Host) SubscribeCore(typ string, fn CoreHandler) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.core == nil {
		h.core = map[string]CoreHandler{}
	}
	h.core[typ] = fn
}

func (h *Host) coreHandler(typ string) CoreHandler {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.core[typ]
}

// subscribers returns the scenes enabled in ctx's tenant whose manifest
// (at the pinned version) subscribes to typ, and the core if it does.
func (h *Host) subscribers(ctx context.Context, typ string) ([]string, error) {
	list, err := h.store.TenantScenes(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	if h.coreHandler(typ) != nil {
		out = append(out, CoreSubscriber)
	}
	for _, ts := range list {
		if !ts.Enabled {
			continue
		}
		if r := h.release(ts.SceneID, ts.Version); r != nil && slices.Contains(r.Manifest.Subscribes, typ) {
			out = append(out, ts.SceneID)
		}
	}
	return out, nil
}

func (h *Host) wakeDispatcher() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// RunEvents delivers events until ctx ends.
func (h *Host) RunEvents(ctx context.Context) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		h.DeliverDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-h.wake:
		}
	}
}

// DeliverDue makes one pass over every active tenant's due event
// deliveries and timers.
func (h *Host) DeliverDue(ctx context.Context) {
	ts, err := h.store.ListTenants(ctx)
	if err != nil {
		h.log.Error("event dispatch: list tenants", "err", err)
		return
	}
	for _, t := range ts {
		if t.Status != tenants.StatusActive || ctx.Err() != nil {
			continue
		}
		tctx := core.WithPrincipal(tenants.WithScope(ctx, tenants.Home(t)), systemPrincipal)
		due, err := h.store.ClaimDeliveries(tctx, claimBatch, deliveryLease)
		if err != nil {
			h.log.Error("event dispatch: claim", "tenant", t.Slug, "err", err)
			continue
		}
		for _, d := range due {
			h.deliver(tctx, t, d)
		}
		h.fireTimers(tctx, t)
	}
}

// deliver makes one attempt and records its outcome.
func (h *Host) deliver(ctx context.Context, t *tenants.Tenant, d *core.Delivery) {
	errText := ""
	if err := h.attempt(ctx, t, d); err != nil {
		errText = err.Error()
	}
	dead := errText != "" && d.Attempts >= maxAttempts
	backoff := time.Duration(1<<min(d.Attempts, 9)) * time.Second / 2
	backoff += time.Duration(rand.Int64N(int64(backoff)/4 + 1))
	if err := h.store.DeliveryDone(ctx, d.Event.ID, d.Subscriber, d.NextAt, errText, time.Now().Add(backoff), dead); err != nil {
		h.log.Error("event dispatch: record", "tenant", t.Slug, "event", d.Event.ID, "err", err)
	}
	if errText != "" {
		h.log.Warn("event delivery failed", "tenant", t.Slug, "event", d.Event.ID, "type", d.Event.Type,
			"subscriber", d.Subscriber, "attempt", d.Attempts, "dead", dead, "err", errText)
	}
}

func (h *Host) attempt(ctx context.Context, t *tenants.Tenant, d *core.Delivery) error {
	if d.Subscriber == EscalateSubscriber {
		return h.escalate(ctx, t, d.Event)
	}
	if slug, ok := strings.CutPrefix(d.Subscriber, RelaySubscriberPrefix); ok {
		return h.relay(ctx, t, slug, d.Event)
	}
	if d.Subscriber == CoreSubscriber {
		fn := h.coreHandler(d.Event.Type)
		if fn == nil {
			return core.Errorf(core.EUNAVAILABLE, "scene.not_enabled")
		}
		return fn(ctx, t, d.Event)
	}
	return h.background(ctx, t, d.Subscriber, func(ctx context.Context, conn *scene.Client, tok string, settings []byte) error {
		return conn.DeliverEvent(ctx, tok, scene.Event{ID: d.Event.ID, Type: d.Event.Type, Source: d.Event.Source, Payload: d.Event.Payload,
			OccurredAt: d.Event.OccurredAt.Format(time.RFC3339Nano), Attempt: d.Attempts, Tenant: sceneTenant(t), Settings: settings,
			Origin: d.Event.Origin})
	})
}

// background runs work no request started (an event delivery, a job) in
// the version of sceneID the tenant runs, with a capability of its own.
func (h *Host) background(ctx context.Context, t *tenants.Tenant, sceneID string, call func(context.Context, *scene.Client, string, []byte) error) error {
	ts, err := h.store.TenantScene(ctx, sceneID)
	if err != nil || !ts.Enabled {
		return core.Errorf(core.EUNAVAILABLE, "scene.not_enabled")
	}
	rel, err := h.Release(ts.SceneID, ts.Version)
	if err != nil {
		return err
	}
	conn, done, err := h.sup.Acquire(ctx, &rel.SceneRelease)
	if err != nil {
		return err
	}
	defer done()
	tok, revoke := h.caps.Issue(Grant{Scope: tenants.Home(t), Principal: systemPrincipal, SceneID: rel.SceneID, Version: rel.Version,
		SHA256: rel.SHA256, Manifest: &rel.Manifest}, h.sup.cfg.CallTimeout+time.Second)
	defer revoke()
	cctx, cancel := context.WithTimeout(ctx, h.sup.cfg.CallTimeout)
	defer cancel()
	return call(cctx, conn, tok, []byte(ts.Settings))
}

func sceneTenant(t *tenants.Tenant) scene.Tenant {
	return scene.Tenant{Slug: t.Slug, Level: string(t.Level), NameZH: t.NameZH, NameEN: t.NameEN}
}

// Events returns the event store (for the dead-letter list).
func (h *Host) Events() core.EventStore { return h.store }

// Replayed wakes the dispatcher after an administrator's replay.
func (h *Host) Replayed() { h.wakeDispatcher() }

// escalate records an event of congress t in its parent, for the parent's
// scenes that subscribe to it; the copy names t as its origin. The platform
// does this, not the scene: a congress never writes another's data.
func (h *Host) escalate(ctx context.Context, t *tenants.Tenant, e core.SceneEvent) error {
	if t.ParentID == "" {
		return nil
	}
	parent, err := h.store.TenantByID(ctx, t.ParentID)
	if err != nil {
		return err
	}
	return h.carry(ctx, t, parent, e)
}

// relay records an event of congress t in the congress slug names, if it
// is still of t's line (the line is checked again: a congress may have
// moved or been archived since the event was published). Otherwise the
// event is dropped, as escalation drops it at a suspended parent.
func (h *Host) relay(ctx context.Context, t *tenants.Tenant, slug string, e core.SceneEvent) error {
	to, err := h.store.TenantBySlug(ctx, slug)
	if err != nil {
		if core.ErrorCode(err) == core.ENOTFOUND {
			h.log.Warn("relayed event dropped: no such congress", "tenant", t.Slug, "to", slug, "event", e.ID)
			return nil
		}
		return err
	}
	if !to.IsAncestorOf(t) && !t.IsAncestorOf(to) {
		h.log.Warn("relayed event dropped: not of the sender's line", "tenant", t.Slug, "to", slug, "event", e.ID)
		return nil
	}
	return h.carry(ctx, t, to, e)
}

// carry records a copy of congress from's event in congress to, naming
// from as its origin, for to's scenes that subscribe to it. The platform
// does this, not the scene: a congress never writes another's data.
func (h *Host) carry(ctx context.Context, from, to *tenants.Tenant, e core.SceneEvent) error {
	if to.Status != tenants.StatusActive {
		return nil
	}
	tctx := core.WithPrincipal(tenants.WithScope(ctx, tenants.Home(to)), systemPrincipal)
	subs, err := h.subscribers(tctx, e.Type)
	if err != nil {
		return err
	}
	if len(subs) == 0 {
		return nil
	}
	if _, err := h.store.EscalateEvent(tctx, e, from.Slug, subs); err != nil {
		return err
	}
	h.wakeDispatcher()
	return nil
}
