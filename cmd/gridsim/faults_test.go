package main

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

func TestFailModes(t *testing.T) {
	t.Run("--fail N answers 503 to the next N POSTs", func(t *testing.T) {
		cfg := testConfig()
		cfg.failNext = 2
		_, srv := start(t, cfg)
		c := client(t, srv, testKey)
		form := open311.RequestForm{ServiceCode: "other", AddressString: "鼓楼"}
		for i := range 2 {
			_, err := c.PostRequest(form)
			var apiErr *open311.APIError
			if !errors.As(err, &apiErr) || apiErr.Status != 503 || !apiErr.Retryable() {
				t.Fatalf("POST %d: err = %v, want a retryable 503", i+1, err)
			}
		}
		if _, err := c.PostRequest(form); err != nil {
			t.Fatalf("third POST: %v", err)
		}
	})
	t.Run("header", func(t *testing.T) {
		_, srv := start(t, testConfig())
		for value, want := range map[string]int{"1": 503, "500": 500, "429": 429, "false": 201} {
			status, body := post(t, srv, "/requests.json", treeForm(testKey), http.Header{"X-Gridsim-Fail": {value}})
			if status != want {
				t.Errorf("X-Gridsim-Fail: %s: got %d %s, want %d", value, status, body, want)
			}
		}
	})
	t.Run("--fail-rate 1 fails every POST", func(t *testing.T) {
		cfg := testConfig()
		cfg.failRate = 1
		_, srv := start(t, cfg)
		if status, _ := post(t, srv, "/requests.json", treeForm(testKey), nil); status != 503 {
			t.Errorf("got %d, want 503", status)
		}
	})
	t.Run("armed over HTTP", func(t *testing.T) {
		_, srv := start(t, testConfig())
		if status, body := post(t, srv, "/_gridsim/fail", url.Values{"api_key": {"wrong"}, "next": {"1"}}, nil); status != 403 {
			t.Fatalf("arming without the key: %d %s", status, body)
		}
		if status, body := post(t, srv, "/_gridsim/fail", url.Values{"api_key": {testKey}, "next": {"1"}, "status": {"502"}}, nil); status != 200 {
			t.Fatalf("arming: %d %s", status, body)
		}
		if status, _ := post(t, srv, "/requests.json", treeForm(testKey), nil); status != 502 {
			t.Errorf("armed POST: got %d, want 502", status)
		}
		if status, _ := post(t, srv, "/requests.json", treeForm(testKey), nil); status != 201 {
			t.Errorf("next POST: got %d, want 201", status)
		}
	})
}
