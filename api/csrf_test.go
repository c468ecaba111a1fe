package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
)

// browserLogin signs in as a browser does and returns the cookies it got:
// the session and the readable CSRF token.
func browserLogin(t *testing.T, e *apitest.Env, slug, username string) (session, csrf string) {
	t.Helper()
	r := e.Do(http.MethodPost, "/api/v1/t/"+slug+"/auth/login", "", map[string]string{"username": username, "password": apitest.Password})
	if r.Code != http.StatusOK {
		t.Fatalf("login: %d %s", r.Code, r.Body)
	}
	for _, c := range r.Header.Values("Set-Cookie") {
		name, rest, _ := strings.Cut(c, "=")
		value, attrs, _ := strings.Cut(rest, ";")
		switch name {
		case "renda_session":
			session = value
		case "renda_csrf":
			csrf = value
			if strings.Contains(strings.ToLower(attrs), "httponly") || !strings.Contains(attrs, "SameSite=Strict") {
				t.Errorf("renda_csrf cookie %q: want readable by the page and SameSite=Strict", c)
			}
		}
	}
	if session == "" || csrf == "" {
		t.Fatalf("login set cookies %q, want renda_session and renda_csrf", r.Header.Values("Set-Cookie"))
	}
	return session, csrf
}

func TestCSRF(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		session, csrf := browserLogin(t, e, "haishu", "haishu-tenant_admin")
		cookie := "renda_session=" + session + "; renda_csrf=" + csrf
		admin := e.Tokens["haishu/tenant_admin"]
		deputies := "/api/v1/t/haishu/deputies"
		count := func() int {
			var page api.PageJSON[api.DeputyJSON]
			e.Do(http.MethodGet, deputies+"?limit=200", admin, nil).JSON(t, &page)
			return len(page.Items)
		}
		before := count()
		body := map[string]string{"name": "周岚", "level": "district"}
		// One character changed (a token beginning with "x" made "x"+csrf[1:]
		// the right one, once in 64 runs).
		wrong := "x" + csrf[1:]
		if csrf[0] == 'x' {
			wrong = "y" + csrf[1:]
		}

		refused := []struct {
			name    string
			headers []string
		}{
			{"no token", []string{"Cookie", cookie}},
			{"a wrong token", []string{"Cookie", cookie, api.CSRFHeader, wrong}},
			{"the token only as a cookie", []string{"Cookie", cookie, api.CSRFHeader, ""}},
			{"from another site", []string{"Cookie", cookie, api.CSRFHeader, csrf, "Sec-Fetch-Site", "cross-site"}},
		}
		for _, tc := range refused {
			t.Run(tc.name, func(t *testing.T) {
				for lang, want := range map[string]string{"en": "anti-forgery token", "zh-CN": "防跨站令牌"} {
					r := e.Do(http.MethodPost, deputies, "", body, append(tc.headers, "Accept-Language", lang)...)
					if r.Code != http.StatusForbidden {
						t.Fatalf("%s: %d %s, want 403", lang, r.Code, r.Body)
					}
					if p := problemOf(t, r); !strings.Contains(p.Detail, want) {
						t.Errorf("%s detail %q, want %q", lang, p.Detail, want)
					}
				}
				if got := count(); got != before {
					t.Errorf("%d deputies after a refused request, want %d", got, before)
				}
			})
		}
		// Another session's token does not fit this session.
		_, other := browserLogin(t, e, "haishu", "haishu-tenant_admin")
		if other == csrf {
			t.Fatal("two sessions got the same token")
		}
		if r := e.Do(http.MethodPost, deputies, "", body, "Cookie", cookie, api.CSRFHeader, other); r.Code != http.StatusForbidden {
			t.Errorf("another session's token: %d, want 403", r.Code)
		}

		// With the token the browser's write goes through.
		if r := e.Do(http.MethodPost, deputies, "", body, "Cookie", cookie, api.CSRFHeader, csrf, "Sec-Fetch-Site", "same-origin"); r.Code != http.StatusCreated {
			t.Fatalf("with the token: %d %s", r.Code, r.Body)
		}
		// Reads need no token.
		if r := e.Do(http.MethodGet, deputies, "", nil, "Cookie", cookie); r.Code != http.StatusOK {
			t.Errorf("read by cookie: %d %s", r.Code, r.Body)
		}
		// Bearer tokens are not ambient: no CSRF token needed, even with a
		// cookie beside them.
		if r := e.Do(http.MethodPost, deputies, admin, body); r.Code != http.StatusCreated {
			t.Errorf("bearer: %d %s", r.Code, r.Body)
		}
		if r := e.Do(http.MethodPost, deputies, admin, body, "Cookie", cookie); r.Code != http.StatusCreated {
			t.Errorf("bearer with a cookie: %d %s", r.Code, r.Body)
		}
		if got := count(); got != before+3 {
			t.Errorf("%d deputies, want %d", got, before+3)
		}
		// Logout is a write too.
		if r := e.Do(http.MethodPost, "/api/v1/t/haishu/auth/logout", "", nil, "Cookie", cookie); r.Code != http.StatusForbidden {
			t.Errorf("logout without the token: %d, want 403", r.Code)
		}
		if r := e.Do(http.MethodPost, "/api/v1/t/haishu/auth/logout", "", nil, "Cookie", cookie, api.CSRFHeader, csrf); r.Code != http.StatusNoContent {
			t.Errorf("logout with the token: %d %s", r.Code, r.Body)
		}
	})
}

// TestCSRFLogin: login needs no token (it hands one out), but only takes
// JSON, which a form on another site cannot send; a browser that lost the
// readable cookie gets it again on a read.
func TestCSRFLogin(t *testing.T) {
	e := apitest.New(t, "sqlite")
	login := "/api/v1/t/haishu/auth/login"
	form := `{"username":"haishu-staff","password":"` + apitest.Password + `"}`
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded"} {
		r := e.Do(http.MethodPost, login, "", form, "Content-Type", ct, "Accept-Language", "en")
		if r.Code != http.StatusBadRequest || len(r.Header.Values("Set-Cookie")) != 0 {
			t.Errorf("login as %s: %d, cookies %q; want 400 and none", ct, r.Code, r.Header.Values("Set-Cookie"))
		}
		if p := problemOf(t, r); !strings.Contains(p.Detail, "application/json") {
			t.Errorf("login as %s: %q", ct, p.Detail)
		}
	}
	session, csrf := browserLogin(t, e, "haishu", "haishu-staff")
	r := e.Do(http.MethodGet, "/api/v1/t/haishu/auth/me", "", nil, "Cookie", "renda_session="+session)
	if r.Code != http.StatusOK {
		t.Fatalf("me: %d %s", r.Code, r.Body)
	}
	if got := r.Header.Get("Set-Cookie"); !strings.HasPrefix(got, "renda_csrf="+csrf+";") {
		t.Errorf("a read without the token cookie set %q, want renda_csrf=%s", got, csrf)
	}
	r = e.Do(http.MethodGet, "/api/v1/t/haishu/auth/me", "", nil, "Cookie", "renda_session="+session+"; renda_csrf="+csrf)
	if got := r.Header.Get("Set-Cookie"); got != "" {
		t.Errorf("a read with the token cookie set %q, want nothing", got)
	}
}
