package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/plugins/noticeboard"
	"github.com/renda-platform/renda/plugins/scene"
)

// BenchmarkSceneRoute compares a GET of one record routed core → scene
// process → host store → PostgreSQL with a GET of one record served by a
// core handler directly (a deputy by id), through the same HTTP stack,
// middleware and database, over real loopback HTTP, in one run. Each
// sub-benchmark reports req/s at saturation (GOMAXPROCS×4 clients) and
// the latency quantiles at that load; the "half" runs pace requests at half
// the saturated throughput (an open loop) and report p50/p99 there.
//
//	go test -run='^$' -bench=SceneRoute -benchtime=3s ./api/
func BenchmarkSceneRoute(b *testing.B) {
	dir := sceneBinariesB(b)
	e := apitest.New(b, "postgres", apitest.WithScenes(pluginhost.Config{MaxConcurrent: 256}))
	install := e.Do(http.MethodPost, "/api/v1/platform/scenes", e.Tokens["ningbo/platform_admin"], map[string]string{"path": filepath.Join(dir, "noticeboard-1.0.0")})
	if install.Code != http.StatusCreated {
		b.Fatalf("install: %d %s", install.Code, install.Body)
	}
	e.Do(http.MethodPost, "/api/v1/platform/scenes/"+noticeboard.ID+"/enable", e.Tokens["ningbo/platform_admin"], map[string]any{"version": "1.0.0", "tenants": []string{"haishu"}})
	tok := e.Tokens["haishu/staff"]
	r := e.Do(http.MethodPost, "/api/v1/t/haishu/scenes/"+noticeboard.ID+"/notices", tok, map[string]any{"title": "关于召开代表小组活动的通知", "body": strings.Repeat("请各位代表准时参加。", 10), "publish": true})
	var n noticeboard.NoticeJSON
	r.JSON(b, &n)
	d := e.Do(http.MethodPost, "/api/v1/t/haishu/deputies", tok, map[string]any{"name": "王建国", "level": "district", "delegation": "海曙区代表团", "occupation": strings.Repeat("社区工作者", 10)})
	var dep api.DeputyJSON
	d.JSON(b, &dep)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = e.Server.App().Listener(ln) }()
	b.Cleanup(func() { _ = e.Server.App().Shutdown() })
	base := "http://" + ln.Addr().String()
	paths := map[string]string{
		"direct": base + "/api/v1/t/haishu/deputies/" + dep.ID,
		"plugin": base + "/api/v1/t/haishu/scenes/" + noticeboard.ID + "/notices/" + n.ID,
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}
	peak := map[string]float64{}
	for _, name := range []string{"direct", "plugin"} {
		b.Run(name, func(b *testing.B) {
			var lat latencies
			var count atomic.Int64
			b.SetParallelism(4)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					lat.add(get(b, client, paths[name], tok))
					count.Add(1)
				}
			})
			rps := float64(count.Load()) / time.Since(start).Seconds()
			peak[name] = rps
			b.ReportMetric(rps, "req/s")
			lat.report(b)
		})
	}
	for _, name := range []string{"direct", "plugin"} {
		b.Run(name+"-half", func(b *testing.B) {
			rate := peak[name] / 2
			if rate <= 0 {
				b.Skip("no peak measured")
			}
			// Four paced clients share the offered rate; a client that falls
			// behind does not make up for it in a burst.
			const clients = 4
			var lat latencies
			var wg sync.WaitGroup
			gap := time.Duration(float64(time.Second) * clients / rate)
			per := max(b.N/clients, 1)
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					next := time.Now().Add(time.Duration(c) * gap / clients)
					for i := 0; i < per; i++ {
						time.Sleep(time.Until(next))
						lat.add(get(b, client, paths[name], tok))
						next = next.Add(gap)
						if now := time.Now(); next.Before(now) {
							next = now
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(rate, "offered-req/s")
			lat.report(b)
		})
	}
	if peak["direct"] > 0 {
		fmt.Fprintf(os.Stderr, "scene route keeps %.0f%% of the direct route's throughput (%.0f vs %.0f req/s)\n",
			100*peak["plugin"]/peak["direct"], peak["plugin"], peak["direct"])
	}
}

// BenchmarkSceneColdStart starts the notice board's process (checksum,
// handshake, mutual TLS, manifest) and reports its resident memory once up.
func BenchmarkSceneColdStart(b *testing.B) {
	// A release build, stripped as shipped (-s -w): the host hashes the
	// whole binary at every start, so its size counts.
	bin := filepath.Join(b.TempDir(), "noticeboard")
	if out, err := exec.Command("go", "build", "-ldflags", "-s -w", "-o", bin, "../cmd/renda-noticeboard").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	e := apitest.New(b, "sqlite", apitest.WithScenes(pluginhost.Config{}))
	rel, err := e.Scenes.Install(b.Context(), bin)
	if err != nil {
		b.Fatal(err)
	}
	var rss int64
	for b.Loop() {
		caps := pluginhost.NewCapabilities()
		sup := pluginhost.NewSupervisor(pluginhost.Config{LogOutput: io.Discard, Logger: quietLogger()}, caps,
			func(rel *core.SceneRelease) scene.HostServices {
				return pluginhost.HostServicesFor(nil, caps, rel, &scene.Manifest{}, quietLogger())
			})
		_, done, err := sup.Acquire(b.Context(), &rel.SceneRelease)
		if err != nil {
			b.Fatal(err)
		}
		done()
		b.StopTimer()
		time.Sleep(100 * time.Millisecond) // let it settle before reading its memory
		for _, st := range sup.Statuses() {
			rss = rssKB(st.PID)
		}
		_ = sup.Shutdown(b.Context())
		b.StartTimer()
	}
	b.ReportMetric(float64(rss)/1024, "idle-RSS-MiB")
}

func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return n
		}
	}
	return 0
}

func get(b *testing.B, c *http.Client, url, tok string) time.Duration {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		b.Error(err)
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Errorf("GET %s: %d", url, resp.StatusCode)
	}
	return time.Since(start)
}

type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B) {
	if len(l.d) == 0 {
		return
	}
	slices.Sort(l.d)
	q := func(p float64) float64 { return float64(l.d[int(p*float64(len(l.d)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
