package main

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// failHeader on a POST makes gridsim fail that request: with the status it holds (400..599), or
// 503 for any other value except "0", "false" and "no".
const failHeader = "X-Gridsim-Fail"

// faults decides which POSTs fail, so that a client's retries and its "undeliverable" path can
// be tested: by header, by a number armed with --fail or POST /_gridsim/fail, or by --fail-rate.
type faults struct {
	mu     sync.Mutex
	next   int // fail this many more POSTs
	status int // with this status
	rate   float64
	roll   func() float64
}

// check returns the status to fail this request with and why, or 0 to serve it.
func (f *faults) check(h http.Header) (int, string) {
	if v := strings.TrimSpace(h.Get(failHeader)); v != "" {
		switch n, err := strconv.Atoi(v); {
		case err == nil && n >= 400 && n <= 599:
			return n, failHeader + " header"
		case v == "0" || strings.EqualFold(v, "false") || strings.EqualFold(v, "no"):
		default:
			return http.StatusServiceUnavailable, failHeader + " header"
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.next > 0 {
		f.next--
		return f.status, "armed failure"
	}
	if f.rate > 0 && f.roll() < f.rate {
		return http.StatusServiceUnavailable, "--fail-rate"
	}
	return 0, ""
}

// arm makes the next n POSTs fail with status.
func (f *faults) arm(n, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next, f.status = n, status
}
