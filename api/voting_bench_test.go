package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting"
)

// BenchmarkVoting8000 has RENDA_BENCH_VOTERS deputies (default 8,000) cast a secret ballot at
// once, each from their own session, through the HTTP API to the scene process, on
// PostgreSQL. A cast the host turns away as busy (503, more calls in flight than the scene
// process takes) is retried by its client, as the portal does. It reports throughput and the
// p50/p99 time from a deputy's first attempt to their receipt, then closes the ballot and
// checks every deputy is counted exactly once and the chain verifies. Target: all accepted in
// under 10 s on 2 cores.
//
//	go test -run='^$' -bench=Voting8000 -benchtime=1x -timeout=30m ./api/
//
// RENDA_BENCH_CPUPROFILE=FILE writes a CPU profile of the casts alone (go test's -cpuprofile
// also covers seating the deputies). It covers the API's process, not the scene's.
func BenchmarkVoting8000(b *testing.B) {
	n := 8000
	if v, err := strconv.Atoi(os.Getenv("RENDA_BENCH_VOTERS")); err == nil && v > 0 {
		n = v
	}
	for range b.N {
		b.StopTimer()
		e := sceneEnvB(b, "voting")
		if r := e.Do(http.MethodPost, "/api/v1/platform/scenes/"+livelihoodvoting.ID+"/enable", e.Tokens["ningbo/platform_admin"],
			map[string]any{"version": "0.1.0", "tenants": []string{"haishu"}}); r.Code != http.StatusOK {
			b.Fatalf("enable: %d %s", r.Code, r.Body)
		}
		voters := seatDeputies(b, e, "haishu", n)
		roundID, ids := votingRound(b, e, true)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go func() { _ = e.Server.App().Listener(ln) }()
		url := "http://" + ln.Addr().String() + votingBase + "/rounds/" + roundID + "/ballot/cast"
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 512}, Timeout: time.Minute}
		lat := make([]time.Duration, n)
		var retries, failures sync.Map
		var wg sync.WaitGroup
		stopProfile := profileCasts(b)
		b.StartTimer()
		start := time.Now()
		for i, v := range voters {
			wg.Add(1)
			go func() {
				defer wg.Done()
				body, _ := json.Marshal(ballotOf(i, ids))
				t0 := time.Now()
				for attempt := 0; ; attempt++ {
					req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+v.Token)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					code := 0
					if err == nil {
						code = resp.StatusCode
						resp.Body.Close()
					}
					if code == http.StatusCreated {
						lat[i] = time.Since(t0)
						return
					}
					if (err != nil || code == http.StatusServiceUnavailable) && attempt < 200 {
						retries.Store(i, attempt+1)
						time.Sleep(time.Duration(20+attempt*5) * time.Millisecond)
						continue
					}
					failures.Store(i, fmt.Sprintf("%d %v", code, err))
					return
				}
			}()
		}
		wg.Wait()
		took := time.Since(start)
		b.StopTimer()
		stopProfile()
		failed := 0
		failures.Range(func(k, v any) bool { failed++; b.Errorf("deputy %v: %v", k, v); return failed < 10 })
		retried := 0
		retries.Range(func(any, any) bool { retried++; return true })
		_ = ln.Close()
		sorted := slices.Clone(lat)
		slices.Sort(sorted)
		b.ReportMetric(float64(n)/took.Seconds(), "casts/s")
		b.ReportMetric(float64(sorted[n/2].Milliseconds()), "p50_ms")
		b.ReportMetric(float64(sorted[n*99/100].Milliseconds()), "p99_ms")
		b.ReportMetric(took.Seconds(), "all_s")
		b.Logf("%d casts in %s (%.0f/s), p50 %s, p99 %s, max %s; %d deputies retried after 503", n, took.Round(time.Millisecond),
			float64(n)/took.Seconds(), sorted[n/2], sorted[n*99/100], sorted[n-1], retried)

		staff := e.Tokens["haishu/staff"]
		base := votingBase + "/rounds/" + roundID
		must(b, e.Do(http.MethodPost, base+"/ballot/close", staff, nil), http.StatusOK, "close")
		var res livelihoodvoting.Result
		for range 120 {
			if r := e.Do(http.MethodGet, base+"/result", staff, nil); r.Code == http.StatusOK {
				r.JSON(b, &res)
				break
			}
			time.Sleep(500 * time.Millisecond) // a large count continues in a job
		}
		var v livelihoodvoting.Verification
		must(b, e.Do(http.MethodGet, base+"/ballot/verify", staff, nil), http.StatusOK, "verify").JSON(b, &v)
		if res.Ballots != int64(n) || res.Voted != n || !v.Verified || v.Voters != int64(n) {
			b.Fatalf("counted %d ballots of %d voters (verified %v, %d voter records), want %d each", res.Ballots, res.Voted, v.Verified, v.Voters, n)
		}
	}
}

// profileCasts starts a CPU profile into $RENDA_BENCH_CPUPROFILE, if set, and returns what
// stops it.
func profileCasts(b *testing.B) func() {
	path := os.Getenv("RENDA_BENCH_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Error(err)
		}
	}
}
