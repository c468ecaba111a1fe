package pluginhost

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
	_ "time/tzdata" // the cron time zone must not depend on the machine

	"github.com/robfig/cron/v3"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// Scenes' jobs run from durable timers: a one-shot timer a scene schedules
// (an SLA deadline), or a cron job from its manifest, which is a timer that
// reschedules itself after each run. Timers survive restarts, and several
// servers never fire the same one twice (claims are leased).
const (
	timerLease       = 3 * time.Minute // long enough for a claimed batch (claimBatch) run in turn
	maxTimerAttempts = 8
	cronPrefix       = "cron:"
)

// cronZone is where cron specs are read: the congresses' time zone.
var cronZone, _ = time.LoadLocation("Asia/Shanghai")

func newTimerKey() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// nextCron returns the next time spec fires after t.
func nextCron(spec string, t time.Time) (time.Time, error) {
	sch, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}, err
	}
	return sch.Next(t.In(cronZone)), nil
}

// ensureCron makes sure each cron job of the release has its timer in the
// scope's tenant.
func (h *Host) ensureCron(ctx context.Context, rel *Release) error {
	for _, j := range rel.Manifest.Jobs {
		if j.Cron == "" {
			continue
		}
		next, err := nextCron(j.Cron, time.Now())
		if err != nil {
			return err
		}
		if err := h.store.PutTimer(ctx, core.Timer{SceneID: rel.SceneID, Key: cronPrefix + j.Name, Job: j.Name, DueAt: next}, true); err != nil {
			return err
		}
	}
	return nil
}

// fireTimers runs the tenant's due timers.
func (h *Host) fireTimers(ctx context.Context, t *tenants.Tenant) {
	due, err := h.store.ClaimTimers(ctx, claimBatch, timerLease)
	if err != nil {
		h.log.Error("timers: claim", "tenant", t.Slug, "err", err)
		return
	}
	for _, tm := range due {
		err := h.runTimer(ctx, t, tm)
		var retry *time.Time
		errText := ""
		if err != nil {
			errText = err.Error()
			if tm.Attempts < maxTimerAttempts {
				r := time.Now().Add(time.Duration(1<<min(tm.Attempts, 9)) * time.Second)
				retry = &r
			}
			h.log.Warn("scene job failed", "tenant", t.Slug, "scene", tm.SceneID, "job", tm.Job, "attempt", tm.Attempts,
				"gave_up", retry == nil, "err", errText)
		}
		if err == nil || retry == nil {
			if job, ok := strings.CutPrefix(tm.Key, cronPrefix); ok {
				h.rescheduleCron(ctx, tm, job)
			}
		}
		if derr := h.store.TimerDone(ctx, tm.SceneID, tm.Key, tm.DueAt, errText, retry); derr != nil {
			h.log.Error("timers: record", "tenant", t.Slug, "scene", tm.SceneID, "err", derr)
		}
	}
}

// rescheduleCron moves a cron timer to its next run, per the manifest of
// the version the tenant runs now.
func (h *Host) rescheduleCron(ctx context.Context, tm *core.Timer, job string) {
	ts, err := h.store.TenantScene(ctx, tm.SceneID)
	if err != nil || !ts.Enabled {
		return
	}
	rel := h.release(ts.SceneID, ts.Version)
	if rel == nil {
		return
	}
	for _, j := range rel.Manifest.Jobs {
		if j.Name == job && j.Cron != "" {
			next, err := nextCron(j.Cron, time.Now())
			if err == nil {
				err = h.store.PutTimer(ctx, core.Timer{SceneID: tm.SceneID, Key: tm.Key, Job: job, DueAt: next}, false)
			}
			if err != nil {
				h.log.Error("timers: reschedule cron", "scene", tm.SceneID, "job", job, "err", err)
			}
		}
	}
}

func (h *Host) runTimer(ctx context.Context, t *tenants.Tenant, tm *core.Timer) error {
	return h.background(ctx, t, tm.SceneID, func(ctx context.Context, conn *scene.Client, tok string, settings []byte) error {
		return conn.RunJob(ctx, tok, scene.Job{Name: tm.Job, Payload: tm.Payload, Tenant: sceneTenant(t), Settings: settings})
	})
}
