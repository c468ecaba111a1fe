// Command listener is a test scene that subscribes to the notice board's
// notice.published events. While the file named by RENDA_TEST_CRASH_ONCE
// does not exist, it creates it and crashes mid-delivery; after that it
// applies each event once, keyed by the event id. It also relays "ping"
// events to other congresses (POST /relay/{to}) and records those it
// receives with their origin (GET /pings). POST /follow stores a document
// with a timer and a duty entry in one batch, and reports how it went.
// POST /whisper publishes a local "whisper" event, and a "ping" to its own
// congress, with a write; it records the whispers it receives.
package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

func main() {
	s := scene.New(scene.Manifest{
		ID: "test.listener", Version: "1.0.0",
		Title:        scene.T("事件订阅测试", "Event listener test"),
		Permissions:  []scene.PermissionDef{{Object: "seen", Action: "read", Title: scene.T("查看", "Read"), DefaultRoles: []string{"tenant_admin", "staff"}}},
		Collections:  []scene.Collection{{Name: "seen", Indexes: []scene.IndexedField{{Field: "type", Type: "string"}}}},
		Capabilities: []string{scene.CapStore, scene.CapScheduler, scene.CapNotifications, scene.CapEvents, scene.CapDuty},
		Publishes:    []string{"ping", "whisper"},
		Relays:       []string{"ping"},
		Local:        []string{"whisper"},
		DutyKinds:    []scene.DutyKind{{Kind: "seen.follow", Title: scene.T("跟进", "Follow-up")}},
	})
	// POST /follow creates (version 0) or updates the document id and, in
	// the same batch, schedules job an hour ahead with key follow-<ref> and
	// records a duty entry of kind and ref for the deputy (ref defaults to
	// id). It answers 200 with what the batch returned: ok, or the
	// Problem's code, key and field paths.
	s.Handle(http.MethodPost, "/follow", "seen:read", scene.T("跟进", "Follow up"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		var in struct {
			ID, Ref, Deputy, Job, Kind string
			Version                    int64
		}
		if err := r.Bind(&in); err != nil {
			return nil, err
		}
		if in.Ref == "" {
			in.Ref = in.ID
		}
		w := scene.Write{Op: "create", Collection: "seen", ID: in.ID, Data: map[string]string{"type": "follow"}}
		if in.Version > 0 {
			w.Op, w.Version = "update", in.Version
		}
		now := time.Now()
		_, err := r.Host.Store().BatchWith(ctx, []scene.Write{w}, nil,
			scene.TimerDraft{Job: in.Job, At: now.Add(time.Hour), Key: "follow-" + in.Ref, Payload: map[string]string{"User": r.Principal.UserID}},
			scene.DutyActivity{DeputyID: in.Deputy, Kind: in.Kind, Ref: in.Ref, Title: "跟进 " + in.Ref, OccurredAt: now})
		out := map[string]any{"ok": err == nil}
		if p, ok := scene.AsProblem(err); ok {
			var fields []string
			for _, f := range p.Fields {
				fields = append(fields, f.Path)
			}
			out["code"], out["key"], out["fields"] = p.Code, p.Key, fields
		} else if err != nil {
			return nil, err
		}
		return scene.JSON(http.StatusOK, out)
	})
	s.Handle(http.MethodPost, "/relay/{to}", "seen:read", scene.T("转送", "Relay"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		_, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "create", Collection: "seen", Data: map[string]string{"type": "sent"}}},
			[]scene.EventDraft{{Type: "ping", To: []string{r.Param("to")}, Payload: map[string]string{"from": r.Tenant.Slug}}})
		if err != nil {
			return nil, err
		}
		return scene.NoContent()
	})
	// POST /whisper?to={slug} stores a "sent" document with a whisper
	// (addressed to slug, if given: refused) and a ping in one batch.
	s.Handle(http.MethodPost, "/whisper", "seen:read", scene.T("私语", "Whisper"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		whisper := scene.EventDraft{Type: "whisper", Payload: map[string]string{"secret": "s3cret"}}
		if to := r.QueryValue("to"); to != "" {
			whisper.To = []string{to}
		}
		_, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "create", Collection: "seen", Data: map[string]string{"type": "sent"}}},
			[]scene.EventDraft{whisper, {Type: "ping", Payload: map[string]string{"from": r.Tenant.Slug}}})
		if err != nil {
			return nil, err
		}
		return scene.NoContent()
	})
	s.OnEvent("whisper", func(ctx context.Context, e *scene.Event) error {
		_, err := e.Host.Store().Create(ctx, "seen", e.ID, map[string]string{"type": "whisper"})
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeConflict {
			return nil
		}
		return err
	})
	s.OnEvent("ping", func(ctx context.Context, e *scene.Event) error {
		if e.Origin == "" {
			return nil
		}
		_, err := e.Host.Store().Create(ctx, "seen", e.ID, map[string]string{"type": "ping", "origin": e.Origin})
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeConflict {
			return nil
		}
		return err
	})
	s.Handle(http.MethodGet, "/pings", "seen:read", scene.T("收到的转送", "Pings received"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		docs, _, err := r.Host.Store().Query(ctx, "seen", scene.Query{Filters: []scene.Filter{scene.Eq("type", "ping")}, Limit: 100})
		if err != nil {
			return nil, err
		}
		var origins []string
		for _, d := range docs {
			var v struct{ Origin string }
			if err := d.Decode(&v); err != nil {
				return nil, err
			}
			origins = append(origins, v.Origin)
		}
		return scene.JSON(http.StatusOK, map[string]any{"origins": origins})
	})
	// POST /remind schedules the "remind" job 200 ms ahead; the job notifies
	// the caller and records that it ran.
	s.OnJob("remind", "", func(ctx context.Context, j *scene.Job) error {
		var p struct{ User string }
		if err := json.Unmarshal(j.Payload, &p); err != nil {
			return err
		}
		if _, err := j.Host.Store().Create(ctx, "seen", "job-"+p.User, map[string]string{"type": "job"}); err != nil {
			if pr, ok := scene.AsProblem(err); !ok || pr.Code != scene.CodeConflict {
				return err
			}
		}
		return j.Host.Notify(ctx, []string{p.User}, scene.T("督办提醒：期限将至", "Reminder: deadline near"), scene.T("请及时处理。", "Please act."), "")
	})
	s.Handle(http.MethodPost, "/remind", "seen:read", scene.T("提醒", "Remind"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		err := r.Host.Schedule(ctx, "remind", time.Now().Add(200*time.Millisecond), "r-"+r.Principal.UserID, map[string]string{"User": r.Principal.UserID})
		if err != nil {
			return nil, err
		}
		return scene.NoContent()
	})
	s.OnEvent("notice.published", func(ctx context.Context, e *scene.Event) error {
		if mark := os.Getenv("RENDA_TEST_CRASH_ONCE"); mark != "" {
			if _, err := os.Stat(mark); os.IsNotExist(err) {
				_ = os.WriteFile(mark, nil, 0o600)
				os.Exit(3)
			}
		}
		_, err := e.Host.Store().Create(ctx, "seen", e.ID, map[string]any{"type": e.Type, "attempt": e.Attempt, "payload": e.Payload})
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeConflict {
			return nil // seen before: applied once
		}
		return err
	})
	s.Handle(http.MethodGet, "/seen", "seen:read", scene.T("已收到", "Seen"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		g, err := r.Host.Store().Aggregate(ctx, "seen", nil, "", "")
		if err != nil {
			return nil, err
		}
		n := int64(0)
		if len(g) > 0 {
			n = g[0].Count
		}
		return scene.JSON(http.StatusOK, map[string]string{"count": strconv.FormatInt(n, 10)})
	})
	scene.Serve(s)
}
