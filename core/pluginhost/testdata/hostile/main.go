// Command hostile is a scene that tries what a scene must not do: keep a
// capability past its request, use one tenant's capability in another's
// call, read another tenant's documents, call host services its manifest
// did not declare, flood the host, and listen to events other scenes
// publish ("ping", and the listener's local "whisper", which it must never
// receive: it keeps each as a loot document owned by the event's type).
// The runtime tests run it as a real process and check every attempt is
// refused.
package main

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

var (
	mu   sync.Mutex
	kept scene.Host
)

type result struct {
	OK   bool   `json:"ok"`
	Code string `json:"code,omitempty"`
	Key  string `json:"key,omitempty"`
	Data string `json:"data,omitempty"`
	PID  int    `json:"pid,omitempty"`
}

func report(err error, data string) (*scene.Response, error) {
	if err == nil {
		return scene.JSON(http.StatusOK, result{OK: true, Data: data})
	}
	r := result{Code: "error", Key: err.Error()}
	if p, ok := scene.AsProblem(err); ok {
		r.Code, r.Key = p.Code, p.Key
	}
	return scene.JSON(http.StatusOK, r)
}

func main() {
	s := scene.New(scene.Manifest{
		ID: "test.hostile", Version: "1.0.0",
		Title:        scene.T("恶意测试场景", "Hostile test scene"),
		Permissions:  []scene.PermissionDef{{Object: "loot", Action: "take", Title: scene.T("拿", "Take"), DefaultRoles: []string{"tenant_admin", "staff"}}},
		Collections:  []scene.Collection{{Name: "loot", Indexes: []scene.IndexedField{{Field: "owner", Type: "string"}}}},
		Capabilities: []string{scene.CapStore, scene.CapHTTP, scene.CapFiles},
	})
	take := "loot:take"
	s.Handle(http.MethodGet, "/fetch", take, scene.T("外呼", "Fetch"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		resp, err := r.Host.HTTP(ctx, scene.HTTPRequest{Method: http.MethodPost, URL: r.QueryValue("url"), Body: []byte(`{"q":1}`)})
		if err != nil {
			return report(err, "")
		}
		return report(nil, strconv.Itoa(resp.Status)+" "+string(resp.Body))
	})
	s.Handle(http.MethodPost, "/file", take, scene.T("文件", "File"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		f, err := r.Host.PutFile(ctx, "photo.png", r.Body)
		if err != nil {
			return report(err, "")
		}
		_, data, err := r.Host.GetFile(ctx, f.ID)
		if err != nil {
			return report(err, "")
		}
		return report(nil, f.ID+" "+f.ContentType+" "+strconv.Itoa(len(data)))
	})
	s.Handle(http.MethodGet, "/file/{id}", take, scene.T("读文件", "Read file"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		_, _, err := r.Host.GetFile(ctx, r.Param("id"))
		return report(err, "")
	})
	s.Handle(http.MethodPost, "/keep", take, scene.T("留存", "Keep"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		mu.Lock()
		kept = r.Host
		mu.Unlock()
		return report(nil, "")
	})
	s.Handle(http.MethodGet, "/use-kept", take, scene.T("使用留存", "Use kept"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		mu.Lock()
		h := kept
		mu.Unlock()
		_, err := h.Store().Create(ctx, "loot", "", map[string]string{"owner": "stolen"})
		return report(err, "")
	})
	s.Handle(http.MethodPost, "/write", take, scene.T("写", "Write"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		d, err := r.Host.Store().Create(ctx, "loot", "", map[string]string{"owner": r.Tenant.Slug})
		if err != nil {
			return report(err, "")
		}
		return report(nil, d.ID)
	})
	s.Handle(http.MethodGet, "/read/{id}", take, scene.T("读", "Read"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		d, err := r.Host.Store().Get(ctx, "loot", r.Param("id"))
		if err != nil {
			return report(err, "")
		}
		return report(nil, string(d.Data))
	})
	s.Handle(http.MethodGet, "/count", take, scene.T("数", "Count"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		g, err := r.Host.Store().Aggregate(ctx, "loot", nil, "", "")
		if err != nil || len(g) == 0 {
			return report(err, "0")
		}
		return report(nil, strconv.FormatInt(g[0].Count, 10))
	})
	s.Handle(http.MethodGet, "/undeclared/{what}", take, scene.T("越权", "Undeclared"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		var err error
		switch r.Param("what") {
		case "events":
			_, err = r.Host.Publish(ctx, "loot.taken", map[string]string{})
		case "directory":
			_, _, err = r.Host.Deputies(ctx, "", 10, "")
		case "duty":
			_, err = r.Host.RecordDuty(ctx, scene.DutyActivity{DeputyID: "x", Kind: "x", Title: "x", OccurredAt: time.Now()})
		case "collection":
			_, err = r.Host.Store().Create(ctx, "deputies", "", map[string]string{})
		case "batch-timer":
			_, err = r.Host.Store().BatchWith(ctx, []scene.Write{{Op: "create", Collection: "loot", Data: map[string]string{"owner": "timer"}}}, nil,
				scene.TimerDraft{Job: "x", At: time.Now()})
		case "batch-duty":
			_, err = r.Host.Store().BatchWith(ctx, []scene.Write{{Op: "create", Collection: "loot", Data: map[string]string{"owner": "duty"}}}, nil,
				scene.DutyActivity{DeputyID: "x", Kind: "x", Title: "x", OccurredAt: time.Now()})
		}
		return report(err, "")
	})
	s.Handle(http.MethodGet, "/slow", take, scene.T("慢", "Slow"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		select {
		case <-time.After(3 * time.Second):
		case <-ctx.Done():
		}
		return report(nil, "")
	})
	s.Handle(http.MethodGet, "/env", take, scene.T("环境", "Environment"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		var leaked []string
		for _, kv := range os.Environ() {
			if strings.Contains(kv, "DATABASE_URL") || strings.HasPrefix(kv, "RENDA_") && !strings.HasPrefix(kv, "RENDA_SCENE_PLUGIN") {
				leaked = append(leaked, kv)
			}
		}
		return report(nil, strings.Join(leaked, ";"))
	})
	s.Handle(http.MethodGet, "/panic", take, scene.T("崩溃", "Panic"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		var m map[string]int
		m["boom"]++ // a nil map: panics
		return nil, nil
	})
	s.Handle(http.MethodGet, "/html", take, scene.T("网页", "HTML"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		return &scene.Response{Status: http.StatusOK, ContentType: "text/html", Body: []byte("<script>alert(document.cookie)</script>"),
			Headers: map[string]string{"Location": "https://evil.example/"}}, nil
	})
	s.Handle(http.MethodGet, "/pid", take, scene.T("进程", "PID"), func(ctx context.Context, r *scene.Request) (*scene.Response, error) {
		return scene.JSON(http.StatusOK, result{OK: true, PID: os.Getpid()})
	})
	for _, typ := range []string{"ping", "whisper"} {
		s.OnEvent(typ, func(ctx context.Context, e *scene.Event) error {
			_, err := e.Host.Store().Create(ctx, "loot", e.ID, map[string]string{"owner": e.Type})
			if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeConflict {
				return nil
			}
			return err
		})
	}
	scene.Serve(s)
}
