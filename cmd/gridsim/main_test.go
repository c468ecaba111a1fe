package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that run's logger and the test may use at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"--addr", "127.0.0.1:0", "--api-key", "k"}, &out) }()

	addr := regexp.MustCompile(`url=(http://[0-9.:]+)`)
	deadline := time.Now().Add(2 * time.Second)
	var base string
	for base == "" {
		if m := addr.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("gridsim did not say where it listens:\n%s", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	resp, err := http.Get(base + "/discovery.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "GeoReport_v2") {
		t.Fatalf("discovery: %d %s", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("run did not return after the context was cancelled")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--api-key is required"},
		{[]string{"--api-key", "k", "--fail-rate", "2"}, "--fail-rate"},
		{[]string{"--api-key", "k", "--fail", "-1"}, "--fail"},
		{[]string{"--api-key", "k", "--accept-after", "-1s"}, "negative"},
		{[]string{"--api-key", "k", "--callback", "http://127.0.0.1:9/hook"}, "--callback-secret"},
		{[]string{"--api-key", "k", "--callback", "hook", "--callback-secret", "s"}, "absolute"},
		{[]string{"--api-key", "k", "extra"}, "unexpected arguments"},
		{[]string{"--api-key", "k", "--addr", "256.0.0.1:bad"}, "listen"},
	} {
		err := run(context.Background(), tc.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %v: err = %v, want one mentioning %q", tc.args, err, tc.want)
		}
	}
	if err := run(context.Background(), []string{"-h"}, io.Discard); err != nil {
		t.Errorf("-h: %v", err)
	}
}
