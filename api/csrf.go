package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// CSRF protection for the browser session. The session cookie is HttpOnly
// and SameSite=Strict; on top of that, a request that changes something
// and is signed in by the cookie (not by a bearer token) must carry the
// header X-Renda-CSRF with the value of the readable cookie renda_csrf,
// which login sets. The value is derived from the session token, so it
// cannot be guessed or planted: a page on another site can neither read
// the cookie nor set the header.
const (
	csrfCookie = "renda_csrf"
	// CSRFHeader carries the renda_csrf cookie's value.
	CSRFHeader = "X-Renda-Csrf"
)

// csrfToken derives a session's CSRF token.
func csrfToken(session string) string {
	sum := sha256.Sum256([]byte("renda-csrf\x00" + session))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// setCSRFCookie gives the browser the session's CSRF token to echo.
func (s *Server) setCSRFCookie(c *fiber.Ctx, session string, clear bool) {
	ck := &fiber.Cookie{Name: csrfCookie, Value: csrfToken(session), Path: "/", Secure: s.cfg.SecureCookies, SameSite: fiber.CookieSameSiteStrictMode}
	if clear {
		ck.Value, ck.MaxAge = "", -1
	}
	c.Cookie(ck)
}

// safeMethod reports whether a method only reads.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// checkCSRF refuses a state-changing request signed in by the session
// cookie without the matching X-Renda-CSRF header, or sent from another
// site (Sec-Fetch-Site: cross-site). A browser that has the session but
// lost the readable cookie gets it back on its next read.
func (s *Server) checkCSRF(c *fiber.Ctx, session string) error {
	want := csrfToken(session)
	if safeMethod(c.Method()) {
		if c.Cookies(csrfCookie) != want {
			s.setCSRFCookie(c, session, false)
		}
		return nil
	}
	got := c.Get(CSRFHeader)
	if strings.EqualFold(c.Get("Sec-Fetch-Site"), "cross-site") || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return core.Errorf(core.EFORBIDDEN, "auth.csrf")
	}
	return nil
}

// fromCookie reports whether the request's credential is the session
// cookie rather than an Authorization header.
func fromCookie(c *fiber.Ctx) bool {
	return c.Get(fiber.HeaderAuthorization) == "" && c.Cookies(sessionCookie) != ""
}
