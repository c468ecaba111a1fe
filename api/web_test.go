package api

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
)

// webServer is a server with only the web routes, the API's 404 after them
// and one stand-in API route, as New orders them.
func webServer(t *testing.T, built bool) *Server {
	t.Helper()
	s := &Server{}
	s.app = fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(http.StatusNotFound).SendString("api 404")
	}})
	assets := fstest.MapFS{
		"assets/index-abc123.js": {Data: []byte("console.log(1)")},
		"favicon.svg":            {Data: []byte("<svg/>")},
	}
	if built {
		assets["index.html"] = &fstest.MapFile{Data: []byte("<!doctype html><div id=app></div>")}
	}
	s.web(assets, built)
	s.app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	s.app.Get("/api/v1/openapi.json", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"openapi": "3.1.0"}) })
	s.app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return s
}

func TestWeb(t *testing.T) {
	type want struct {
		status int
		body   string // a substring
		cache  string // Cache-Control, "" for any
		ctype  string // a substring of Content-Type, "" for any
	}
	cases := []struct {
		name  string
		built bool
		path  string
		want  want
	}{
		{"built: the app at /", true, "/", want{200, "<div id=app>", "no-cache", "text/html"}},
		{"built: a client route", true, "/t/haishu/scenes/renda.issue-supervision/issues", want{200, "<div id=app>", "no-cache", "text/html"}},
		{"built: login", true, "/login", want{200, "<div id=app>", "no-cache", "text/html"}},
		{"built: a hashed asset, cached for a year", true, "/assets/index-abc123.js", want{200, "console.log", "public, max-age=31536000, immutable", "javascript"}},
		{"built: a root file, revalidated", true, "/favicon.svg", want{200, "<svg/>", "no-cache", "image/svg+xml"}},
		{"built: a missing asset is a 404", true, "/assets/gone-123.js", want{404, "api 404", "", ""}},
		{"built: a missing root file is a 404", true, "/robots.txt", want{404, "api 404", "", ""}},
		{"built: the API is not the app", true, "/api/v1/openapi.json", want{200, "3.1.0", "", "json"}},
		{"built: an unknown API route is the API's 404", true, "/api/v1/nope", want{404, "api 404", "", ""}},
		{"built: health", true, "/healthz", want{200, "ok", "", ""}},
		{"not built: the home page at /", false, "/", want{200, "openapi.json", "", "text/html"}},
		{"not built: a client route is a 404", false, "/login", want{404, "api 404", "", ""}},
		{"not built: the API", false, "/api/v1/openapi.json", want{200, "3.1.0", "", "json"}},
		{"built: a write is not the app's", true, "POST /login", want{404, "api 404", "", ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := webServer(t, tc.built)
			method, path := http.MethodGet, tc.path
			if m, p, ok := strings.Cut(tc.path, " "); ok {
				method, path = m, p
			}
			res, err := s.app.Test(httptest.NewRequest(method, path, nil), -1)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if got := res.StatusCode; got != tc.want.status {
				t.Fatalf("status: got %d, want %d (%s)", got, tc.want.status, body)
			}
			if !strings.Contains(string(body), tc.want.body) {
				t.Errorf("body: got %q, want it to contain %q", body, tc.want.body)
			}
			if tc.want.cache != "" {
				if got := res.Header.Get("Cache-Control"); got != tc.want.cache {
					t.Errorf("Cache-Control: got %q, want %q", got, tc.want.cache)
				}
			}
			if tc.want.ctype != "" {
				if got := res.Header.Get("Content-Type"); !strings.Contains(got, tc.want.ctype) {
					t.Errorf("Content-Type: got %q, want it to contain %q", got, tc.want.ctype)
				}
			}
		})
	}
}

func TestWebIndexHeaders(t *testing.T) {
	s := webServer(t, true)
	res, err := s.app.Test(httptest.NewRequest(http.MethodGet, "/t/haishu", nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy: got %q", got)
	}
	if got, want := res.Header.Get("X-Content-Type-Options"), "nosniff"; got != want {
		t.Errorf("X-Content-Type-Options: got %q, want %q", got, want)
	}
}
