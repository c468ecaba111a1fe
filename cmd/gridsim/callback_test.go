package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

// callbackSink records the deliveries it receives.
type callbackSink struct {
	mu     sync.Mutex
	got    []*http.Request
	bodies [][]byte
	fail   int // answer 500 to this many deliveries first
}

func (s *callbackSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	s.got = append(s.got, r)
	s.bodies = append(s.bodies, b)
}

func (s *callbackSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

func TestCallbacks(t *testing.T) {
	sink := &callbackSink{fail: 1}
	hook := httptest.NewServer(sink)
	t.Cleanup(hook.Close)
	cfg := testConfig()
	cfg.callbackURL, cfg.callbackSecret = hook.URL, "cb-secret"
	p, srv := start(t, cfg)
	p.notify.backoff = 5 * time.Millisecond

	receipt, err := client(t, srv, testKey).PostRequest(open311.RequestForm{ServiceCode: "road-fallen-tree", Lat: ptr(29.8752), Long: ptr(121.549)})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for sink.count() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("got %d callbacks, want 2", sink.count())
		}
		time.Sleep(5 * time.Millisecond)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	for i, want := range []open311.Status{open311.Open, open311.Closed} {
		r, body := sink.got[i], sink.bodies[i]
		if sig := r.Header.Get(open311.SignatureHeader); !open311.VerifyCallback([]byte("cb-secret"), body, sig) {
			t.Errorf("callback %d: signature %q does not verify", i, sig)
		}
		if open311.VerifyCallback([]byte("other"), body, r.Header.Get(open311.SignatureHeader)) {
			t.Errorf("callback %d verifies under another secret", i)
		}
		var rs open311.ServiceRequests
		if err := open311.Decode(body, open311.JSON, &rs); err != nil || len(rs) != 1 {
			t.Fatalf("callback %d body %s: %v", i, body, err)
		}
		if rs[0].ServiceRequestID != receipt.ServiceRequestID || rs[0].Status != want || !strings.Contains(rs[0].StatusNotes, "张海军") {
			t.Errorf("callback %d: %+v, want status %s naming 张海军", i, rs[0], want)
		}
	}
	if got := []string{sink.got[0].Header.Get(open311.EventHeader), sink.got[1].Header.Get(open311.EventHeader)}; got[0] != "accepted" || got[1] != "closed" {
		t.Errorf("events %v, want [accepted closed]", got)
	}
}
