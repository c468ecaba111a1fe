package pluginhost

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/plugins/scene"
)

// State is the health of a scene process.
type State string

// Process states.
const (
	StateStopped    State = "stopped"    // not started yet, or drained
	StateStarting   State = "starting"   // being started
	StateUp         State = "up"         // serving
	StateRestarting State = "restarting" // crashed or unhealthy; a restart is due
	StateFailed     State = "failed"     // gave up after repeated failures
)

// Config tunes the supervisor.
type Config struct {
	HealthEvery   time.Duration // default 5s
	CallTimeout   time.Duration // default 10s: a request's deadline in the scene
	MaxConcurrent int           // calls in flight per process; default 64
	// MaxQueued calls may wait for a slot when MaxConcurrent are in flight (default 16 ×
	// MaxConcurrent), each for up to QueueWait (default 2s) or its deadline, whichever comes
	// first; beyond them, or after the wait, a call is refused as busy. A caller turned away
	// at once retries, and its retry costs the host a full request; a short wait costs a
	// goroutine the request already has.
	MaxQueued int
	QueueWait time.Duration
	// MaxRestarts within RestartWindow before giving up; default 5 in 1 min.
	MaxRestarts   int
	RestartWindow time.Duration
	// RunDir holds pid files, to reap plugins orphaned by a crashed host.
	RunDir string
	Logger *slog.Logger
	// LogOutput receives the plugins' own log lines (default stderr).
	LogOutput io.Writer
	// Install is how Host.Install takes scenes in.
	Install Installer
	// SceneEnv is the environment scenes run with ("KEY=value"), beyond a
	// minimal PATH, TZ and LANG; the host's own environment never reaches
	// them.
	SceneEnv []string
	// AllowPrivateHosts lets scenes' outbound HTTP reach loopback and
	// private addresses (a demo's or a test's stand-in platform). Off in
	// production: an allowed host name must not resolve to an internal
	// address.
	AllowPrivateHosts bool
	// FailedCooldown is how long a scene stays failed before a request
	// may start it again (default 1 minute).
	FailedCooldown time.Duration
}

// Supervisor runs scene processes: one per (scene, version) in use,
// serving every tenant pinned to that version.
type Supervisor struct {
	cfg   Config
	caps  *Capabilities
	host  func(rel *core.SceneRelease) scene.HostServices
	log   *slog.Logger
	mu    sync.Mutex
	procs map[string]*proc
	done  chan struct{}
	wg    sync.WaitGroup
}

// NewSupervisor returns a supervisor; host builds the host services for one
// release (bound to that scene and version).
func NewSupervisor(cfg Config, caps *Capabilities, host func(rel *core.SceneRelease) scene.HostServices) *Supervisor {
	if cfg.HealthEvery == 0 {
		cfg.HealthEvery = 5 * time.Second
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = 10 * time.Second
	}
	if cfg.MaxConcurrent == 0 {
		cfg.MaxConcurrent = 64
	}
	if cfg.MaxQueued == 0 {
		cfg.MaxQueued = 16 * cfg.MaxConcurrent
	}
	if cfg.QueueWait == 0 {
		cfg.QueueWait = 2 * time.Second
	}
	if cfg.MaxRestarts == 0 {
		cfg.MaxRestarts = 5
	}
	if cfg.RestartWindow == 0 {
		cfg.RestartWindow = time.Minute
	}
	if cfg.FailedCooldown == 0 {
		cfg.FailedCooldown = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.LogOutput == nil {
		cfg.LogOutput = os.Stderr
	}
	s := &Supervisor{cfg: cfg, caps: caps, host: host, log: cfg.Logger, procs: map[string]*proc{}, done: make(chan struct{})}
	if cfg.RunDir != "" {
		reapOrphans(cfg.RunDir, s.log)
	}
	return s
}

// proc is one scene process and its lifecycle.
type proc struct {
	rel  core.SceneRelease
	sem  chan struct{}
	mu   sync.Mutex
	st   State
	cl   *plugin.Client
	conn *scene.Client
	// queued counts the calls waiting for a slot of sem.
	queued atomic.Int64
	// restarts are the times of recent restarts, for giving up.
	restarts []time.Time
	// lastHour are the restarts of the last hour, for the console; a
	// reset after a failure keeps them.
	lastHour []time.Time
	lastErr  string
	pid      int
	wake     chan struct{}
	failedAt time.Time
}

// Status is a process's state, for the platform console.
type Status struct {
	SceneID  string
	Version  string
	State    State
	PID      int
	Restarts int // in the last RestartWindow
	// RestartsLastHour counts the restarts of the last hour.
	RestartsLastHour int
	LastErr          string
}

func key(id, version string) string { return id + "@" + version }

// errUnavailable answers while a scene is down: at once, never hanging.
func errUnavailable(id string) error {
	return core.Errorf(core.EUNAVAILABLE, "scene.unavailable", id)
}

// Acquire returns a client of the release's process, starting it if it is
// not running, and a release function to call when the call is done. While
// the process is restarting or failed, it answers EUNAVAILABLE at once; when
// MaxConcurrent calls are in flight, it waits for a slot in a queue of at
// most MaxQueued calls, for up to QueueWait or ctx's deadline, and then
// answers EUNAVAILABLE (busy).
func (s *Supervisor) Acquire(ctx context.Context, rel *core.SceneRelease) (*scene.Client, func(), error) {
	p := s.proc(rel)
	p.mu.Lock()
	if p.st == StateFailed && time.Since(p.failedAt) > s.cfg.FailedCooldown {
		p.st, p.restarts = StateStopped, nil // give it another chance after the cool-down
	}
	switch p.st {
	case StateStopped:
		p.st = StateStarting
		p.mu.Unlock()
		if err := s.start(p); err != nil {
			return nil, nil, err
		}
		p.mu.Lock()
	case StateStarting:
		p.mu.Unlock()
		return nil, nil, errUnavailable(rel.SceneID)
	}
	if p.st != StateUp {
		p.mu.Unlock()
		return nil, nil, errUnavailable(rel.SceneID)
	}
	p.mu.Unlock()
	if err := s.slot(ctx, p); err != nil {
		return nil, nil, err
	}
	// The process may have gone down while the call waited.
	p.mu.Lock()
	conn, up := p.conn, p.st == StateUp
	p.mu.Unlock()
	if !up {
		<-p.sem
		return nil, nil, errUnavailable(rel.SceneID)
	}
	return conn, func() { <-p.sem }, nil
}

// slot takes one of p's MaxConcurrent slots, waiting in p's queue if all are
// taken.
func (s *Supervisor) slot(ctx context.Context, p *proc) error {
	select {
	case p.sem <- struct{}{}:
		return nil
	default:
	}
	busy := core.Errorf(core.EUNAVAILABLE, "scene.busy", p.rel.SceneID)
	if p.queued.Add(1) > int64(s.cfg.MaxQueued) {
		p.queued.Add(-1)
		return busy
	}
	defer p.queued.Add(-1)
	wait := s.cfg.QueueWait
	if d, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(d))
	}
	if wait <= 0 {
		return busy
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case p.sem <- struct{}{}:
		return nil
	case <-t.C:
	case <-ctx.Done():
	case <-s.done:
	}
	return busy
}

func (s *Supervisor) proc(rel *core.SceneRelease) *proc {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(rel.SceneID, rel.Version)
	p, ok := s.procs[k]
	if !ok {
		p = &proc{rel: *rel, st: StateStopped, sem: make(chan struct{}, s.cfg.MaxConcurrent), wake: make(chan struct{}, 1)}
		s.procs[k] = p
		s.wg.Add(1)
		go s.watch(p)
	}
	return p
}

// start launches the process and checks its manifest matches the catalog.
func (s *Supervisor) start(p *proc) error {
	cl, conn, err := s.launch(&p.rel)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.st, p.lastErr = StateRestarting, err.Error()
		s.log.Error("scene failed to start", "scene", p.rel.SceneID, "version", p.rel.Version, "err", err)
		s.kick(p)
		return errUnavailable(p.rel.SceneID)
	}
	p.cl, p.conn, p.st, p.lastErr = cl, conn, StateUp, ""
	if rc := cl.ReattachConfig(); rc != nil {
		p.pid = rc.Pid
		s.writePID(p.pid)
	}
	s.log.Info("scene started", "scene", p.rel.SceneID, "version", p.rel.Version, "pid", p.pid)
	return nil
}

func (s *Supervisor) kick(p *proc) {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// launch starts one process with go-plugin: checksum checked (SecureConfig),
// mutual TLS (AutoMTLS), its own process group, killed with the host
// (parent-death signal).
func (s *Supervisor) launch(rel *core.SceneRelease) (*plugin.Client, *scene.Client, error) {
	cl, conn, err := s.launchBinary(rel.BinaryPath, rel.SHA256, "scene."+rel.SceneID+"@"+rel.Version, s.host(rel))
	if err != nil {
		return nil, nil, fmt.Errorf("scene %s@%s: %w", rel.SceneID, rel.Version, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := conn.Manifest(ctx)
	if err != nil || m.ID != rel.SceneID || m.Version != rel.Version {
		cl.Kill()
		return nil, nil, fmt.Errorf("scene %s@%s: the binary reports %s@%s (%v)", rel.SceneID, rel.Version, m.ID, m.Version, err)
	}
	return cl, conn, nil
}

// launchBinary starts a scene binary and dispenses its client.
func (s *Supervisor) launchBinary(path, sha string, name string, host scene.HostServices) (*plugin.Client, *scene.Client, error) {
	sum, err := hex.DecodeString(sha)
	if err != nil {
		return nil, nil, fmt.Errorf("bad checksum %q: %w", sha, err)
	}
	cmd := exec.Command(path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	// A scene gets none of the host's environment (which holds the
	// database URLs): only what the platform passes on purpose.
	cmd.Env = append([]string{"PATH=/usr/local/bin:/usr/bin:/bin", "TZ=Asia/Shanghai", "LANG=C.UTF-8"}, s.cfg.SceneEnv...)
	cl := plugin.NewClient(&plugin.ClientConfig{
		SkipHostEnv:      true,
		HandshakeConfig:  scene.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{scene.ProtocolVersion: {scene.PluginName: scene.NewHostPlugin(host)}},
		Cmd:              cmd,
		SecureConfig:     &plugin.SecureConfig{Checksum: sum, Hash: sha256.New()},
		AutoMTLS:         true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		StartTimeout:     10 * time.Second,
		GRPCDialOptions: []grpc.DialOption{grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(scene.MaxMessageBytes), grpc.MaxCallSendMsgSize(scene.MaxMessageBytes))},
		Logger: hclog.New(&hclog.LoggerOptions{Name: name, Output: s.cfg.LogOutput,
			JSONFormat: true, Level: hclog.Info}),
	})
	rpc, err := cl.Client()
	if err != nil {
		cl.Kill()
		return nil, nil, fmt.Errorf("start: %w", err)
	}
	raw, err := rpc.Dispense(scene.PluginName)
	if err != nil {
		cl.Kill()
		return nil, nil, fmt.Errorf("dispense: %w", err)
	}
	return cl, raw.(*scene.Client), nil
}

// watch restarts a crashed or unhealthy process with back-off, and gives
// up after MaxRestarts within RestartWindow.
func (s *Supervisor) watch(p *proc) {
	defer s.wg.Done()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	lastHealth := time.Now()
	backoff := 100 * time.Millisecond
	for {
		select {
		case <-s.done:
			return
		case <-tick.C:
		case <-p.wake:
		}
		p.mu.Lock()
		st, cl, conn := p.st, p.cl, p.conn
		p.mu.Unlock()
		switch st {
		case StateUp:
			if cl.Exited() {
				s.down(p, "the process exited")
				continue
			}
			if time.Since(lastHealth) >= s.cfg.HealthEvery {
				lastHealth = time.Now()
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				err := conn.Health(ctx)
				cancel()
				if err != nil {
					cl.Kill()
					s.down(p, "health check failed: "+err.Error())
				}
			}
			backoff = 100 * time.Millisecond
		case StateRestarting:
			if !s.allowRestart(p) {
				continue
			}
			select {
			case <-s.done:
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 5*time.Second)
			_ = s.start(p)
		}
	}
}

func (s *Supervisor) down(p *proc, why string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.st != StateUp {
		return
	}
	s.removePID(p.pid)
	p.st, p.lastErr, p.conn = StateRestarting, why, nil
	s.log.Warn("scene down", "scene", p.rel.SceneID, "version", p.rel.Version, "reason", why)
}

// allowRestart records a restart, or marks the process failed when it has
// restarted too often lately.
func (s *Supervisor) allowRestart(p *proc) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	cutoff := time.Now().Add(-s.cfg.RestartWindow)
	kept := p.restarts[:0]
	for _, t := range p.restarts {
		if t.After(cutoff) {
			kept = append(kept, t)
		}
	}
	p.restarts = kept
	if len(p.restarts) >= s.cfg.MaxRestarts {
		p.st, p.failedAt = StateFailed, time.Now()
		s.log.Error("scene failed: giving up after repeated restarts", "scene", p.rel.SceneID, "version", p.rel.Version, "restarts", len(p.restarts), "last_error", p.lastErr)
		return false
	}
	p.restarts = append(p.restarts, time.Now())
	p.lastHour = append(recent(p.lastHour, time.Hour), time.Now())
	return true
}

// recent keeps the times within d of now.
func recent(ts []time.Time, d time.Duration) []time.Time {
	cutoff := time.Now().Add(-d)
	i := 0
	for i < len(ts) && !ts[i].After(cutoff) {
		i++
	}
	return ts[i:]
}

// Reset lets a failed scene be started again.
func (s *Supervisor) Reset(id, version string) {
	s.mu.Lock()
	p, ok := s.procs[key(id, version)]
	s.mu.Unlock()
	if !ok {
		return
	}
	p.mu.Lock()
	if p.st == StateFailed {
		p.st, p.restarts = StateStopped, nil
	}
	p.mu.Unlock()
}

// Statuses reports every known process.
func (s *Supervisor) Statuses() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Status, 0, len(s.procs))
	for _, p := range s.procs {
		p.mu.Lock()
		p.lastHour = recent(p.lastHour, time.Hour)
		out = append(out, Status{SceneID: p.rel.SceneID, Version: p.rel.Version, State: p.st, PID: p.pid, Restarts: len(p.restarts),
			RestartsLastHour: len(p.lastHour), LastErr: p.lastErr})
		p.mu.Unlock()
	}
	return out
}

// Shutdown drains in-flight calls (up to ctx's deadline) and stops every
// process.
func (s *Supervisor) Shutdown(ctx context.Context) error {
	close(s.done)
	s.wg.Wait()
	s.mu.Lock()
	procs := make([]*proc, 0, len(s.procs))
	for _, p := range s.procs {
		procs = append(procs, p)
	}
	s.mu.Unlock()
	var errs []error
	for _, p := range procs {
		for i := 0; i < cap(p.sem); i++ { // wait for every slot: no call in flight
			select {
			case p.sem <- struct{}{}:
			case <-ctx.Done():
				errs = append(errs, fmt.Errorf("scene %s: drain: %w", p.rel.SceneID, ctx.Err()))
				i = cap(p.sem)
			}
		}
		p.mu.Lock()
		if p.cl != nil {
			p.cl.Kill()
			s.removePID(p.pid)
		}
		p.st = StateStopped
		p.mu.Unlock()
	}
	return errors.Join(errs...)
}

// kickByKey asks the watcher to look at a process now (a call just failed
// as if it were down).
func (s *Supervisor) kickByKey(id, version string) {
	s.mu.Lock()
	p, ok := s.procs[key(id, version)]
	s.mu.Unlock()
	if ok {
		s.kick(p)
	}
}
