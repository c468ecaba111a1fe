package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

// cst is China Standard Time; the platform stamps its times with +08:00.
var cst = time.FixedZone("CST", 8*3600)

// commandCentre is the agency responsible before a worker is dispatched.
const commandCentre = "基层治理“四个平台”指挥中心"

// maxListed is the specification's default cap on GET requests.
const maxListed = 1000

// record is a request and what the platform keeps about it beyond the GeoReport fields.
type record struct {
	Request      open311.ServiceRequest `json:"request"`
	Attributes   map[string][]string    `json:"attributes,omitempty"`
	Worker       string                 `json:"worker,omitempty"`
	DispatchedAt time.Time              `json:"dispatched_at,omitzero"`
}

// savedState is the --state file.
type savedState struct {
	Seq      int       `json:"seq"`
	Requests []*record `json:"requests"`
}

// platform is the simulated grassroots governance platform: the catalogue, the grid workers,
// the requests and their timed transitions open → dispatched (still open) → closed.
type platform struct {
	cfg      config
	log      *slog.Logger
	now      func() time.Time
	started  time.Time
	services []service
	workers  []worker
	faults   *faults
	notify   *notifier // nil without --callback

	mu      sync.Mutex
	seq     int
	records map[string]*record
	ids     []string // in submission order
	timers  map[string]*time.Timer
	stopped bool
}

// newPlatform builds the platform and, with --state, reloads the requests and resumes their
// pending transitions. It returns an error when the state file cannot be read.
func newPlatform(cfg config, log *slog.Logger) (*platform, error) {
	now := func() time.Time { return time.Now().In(cst) }
	p := &platform{
		cfg: cfg, log: log, now: now, started: now(),
		services: catalogue(), workers: workers(),
		faults:  &faults{next: cfg.failNext, status: 503, rate: cfg.failRate, roll: rand.Float64},
		records: map[string]*record{}, timers: map[string]*time.Timer{},
	}
	if cfg.callbackURL != "" {
		p.notify = newNotifier(cfg.callbackURL, []byte(cfg.callbackSecret), log)
	}
	if err := p.load(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *platform) service(code string) (service, bool) {
	i := slices.IndexFunc(p.services, func(s service) bool { return s.Code == code })
	if i < 0 {
		return service{}, false
	}
	return p.services[i], true
}

// create records a new request and schedules its dispatch.
func (p *platform) create(f open311.RequestForm, svc service) open311.ServiceRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	p.seq++
	r := open311.ServiceRequest{
		ServiceRequestID: fmt.Sprintf("%s%04d", now.Format("20060102"), p.seq),
		Status:           open311.Open, StatusNotes: "已接收，正在派单。",
		ServiceName: svc.Name, ServiceCode: svc.Code, Description: f.Description,
		AgencyResponsible: commandCentre, ServiceNotice: svc.notice,
		RequestedAt: now, UpdatedAt: now,
		Address: f.AddressString, AddressID: f.AddressID, Lat: f.Lat, Long: f.Long, MediaURL: f.MediaURL,
	}
	p.records[r.ServiceRequestID] = &record{Request: r, Attributes: f.Attributes}
	p.ids = append(p.ids, r.ServiceRequestID)
	p.scheduleLocked(r.ServiceRequestID, p.cfg.acceptAfter, p.dispatch)
	p.saveLocked()
	p.log.Info("request received", "id", r.ServiceRequestID, "service", svc.Code)
	return r
}

// dispatch sends the nearest grid worker, or hands a department question to the worker's
// district department; the request stays open.
func (p *platform) dispatch(id string) {
	p.mu.Lock()
	rec := p.records[id]
	if p.stopped || rec == nil || !rec.DispatchedAt.IsZero() {
		p.mu.Unlock()
		return
	}
	svc, _ := p.service(rec.Request.ServiceCode)
	r := &rec.Request
	w, km := nearest(p.workers, r.Lat, r.Long, r.Address)
	now := p.now()
	rec.Worker, rec.DispatchedAt = w.Name, now
	r.UpdatedAt, r.ExpectedAt = now, now.Add(p.cfg.resolveAfter)
	distance := ""
	if km >= 0 {
		distance = fmt.Sprintf("，距上报位置约 %.1f 公里", km)
	}
	if svc.department != "" {
		r.AgencyResponsible = w.District + svc.department
		r.StatusNotes = fmt.Sprintf("已受理，已转 %s 办理（%s 网格员 %s 跟进）。", r.AgencyResponsible, w.area(), w.Name)
	} else {
		r.AgencyResponsible = w.area() + " 网格员 " + w.Name
		r.StatusNotes = fmt.Sprintf("已受理，已派单：网格员 %s（%s%s）前往处置。", w.Name, w.area(), distance)
	}
	p.scheduleLocked(id, p.cfg.resolveAfter, p.resolve)
	p.saveLocked()
	snapshot := *r
	p.mu.Unlock()
	p.log.Info("request dispatched", "id", id, "worker", w.Name, "km", km)
	p.notify.send("accepted", snapshot)
}

// resolve closes the request with a note naming the worker and what was done.
func (p *platform) resolve(id string) {
	p.mu.Lock()
	rec := p.records[id]
	if p.stopped || rec == nil || rec.Request.Status == open311.Closed {
		p.mu.Unlock()
		return
	}
	svc, _ := p.service(rec.Request.ServiceCode)
	r := &rec.Request
	now := p.now()
	r.Status, r.UpdatedAt = open311.Closed, now
	if svc.department != "" {
		r.StatusNotes = fmt.Sprintf("已办结：%s%s网格员 %s 已回访。", r.AgencyResponsible, svc.done, rec.Worker)
	} else {
		r.StatusNotes = fmt.Sprintf("已办结：网格员 %s %s", rec.Worker, svc.done)
	}
	delete(p.timers, id)
	p.saveLocked()
	snapshot := *r
	p.mu.Unlock()
	p.log.Info("request closed", "id", id, "worker", rec.Worker)
	p.notify.send("closed", snapshot)
}

func (p *platform) scheduleLocked(id string, after time.Duration, step func(string)) {
	if old := p.timers[id]; old != nil {
		old.Stop()
	}
	p.timers[id] = time.AfterFunc(max(after, 0), func() { step(id) })
}

// get returns one request.
func (p *platform) get(id string) (open311.ServiceRequest, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, ok := p.records[id]
	if !ok {
		return open311.ServiceRequest{}, false
	}
	return rec.Request, true
}

// list returns the requests q matches, newest first, at most maxListed.
func (p *platform) list(q open311.RequestsQuery) open311.ServiceRequests {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := open311.ServiceRequests{}
	for i := len(p.ids) - 1; i >= 0 && len(out) < maxListed; i-- {
		if r := p.records[p.ids[i]].Request; q.Match(r) {
			out = append(out, r)
		}
	}
	return out
}

// shutdown stops pending transitions, writes the state file and lets queued callbacks finish
// until ctx is done.
func (p *platform) shutdown(ctx context.Context) {
	p.mu.Lock()
	p.stopped = true
	for _, t := range p.timers {
		t.Stop()
	}
	p.saveLocked()
	p.mu.Unlock()
	p.notify.close(ctx)
}

// load reads the --state file, if any, and resumes what was pending when it was written.
func (p *platform) load() error {
	if p.cfg.stateFile == "" {
		return nil
	}
	b, err := os.ReadFile(p.cfg.stateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read state: %w", err)
	}
	var s savedState
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("read state %s: %w", p.cfg.stateFile, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq = s.Seq
	now := p.now()
	for _, rec := range s.Requests {
		id := rec.Request.ServiceRequestID
		p.records[id] = rec
		p.ids = append(p.ids, id)
		switch {
		case rec.Request.Status == open311.Closed:
		case rec.DispatchedAt.IsZero():
			p.scheduleLocked(id, rec.Request.RequestedAt.Add(p.cfg.acceptAfter).Sub(now), p.dispatch)
		default:
			p.scheduleLocked(id, rec.DispatchedAt.Add(p.cfg.resolveAfter).Sub(now), p.resolve)
		}
	}
	p.log.Info("state loaded", "file", p.cfg.stateFile, "requests", len(s.Requests))
	return nil
}

// saveLocked writes the --state file atomically; a failure is logged, as the simulation can go
// on in memory.
func (p *platform) saveLocked() {
	if p.cfg.stateFile == "" {
		return
	}
	s := savedState{Seq: p.seq, Requests: make([]*record, 0, len(p.ids))}
	for _, id := range p.ids {
		s.Requests = append(s.Requests, p.records[id])
	}
	if err := writeFileAtomic(p.cfg.stateFile, s); err != nil {
		p.log.Error("state not saved", "file", p.cfg.stateFile, "err", err)
	}
}

func writeFileAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gridsim-state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
