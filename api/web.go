package api

import (
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	webui "github.com/renda-platform/renda/api/web"
)

// webCSP is the content security policy of the web app's pages: scripts
// and styles from the app itself (Element Plus sets inline styles), images
// from the app, the API, data: (QR codes) and blob: (photo previews).
const webCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; " +
	"object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"

// serveWeb serves the app embedded in the binary.
func (s *Server) serveWeb() { s.web(webui.Assets()) }

// staticExt are the extensions of the files the app is built into: a
// missing one is a 404, not the app (a scene id like renda.issues in a
// client route is not an extension).
var staticExt = map[string]bool{".js": true, ".css": true, ".map": true, ".png": true, ".svg": true,
	".ico": true, ".jpg": true, ".webp": true, ".woff": true, ".woff2": true, ".ttf": true, ".txt": true, ".json": true}

// web serves the web console and deputy portal at every path outside the
// API: built files as they are (hashed /assets/ cached for a year), and
// index.html for the app's own routes (/, /login, /t/haishu/…), so a reload
// or a shared link opens the right page. Without a built app (a checkout
// that never ran the UI build) / keeps the plain home page and everything
// else is the API's 404.
func (s *Server) web(assets fs.FS, built bool) {
	// Middleware rather than a route, like fiber's own static file server:
	// it serves public files only and passes everything else on.
	s.app.Use(func(c *fiber.Ctx) error {
		p := c.Path()
		if c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead {
			return c.Next()
		}
		if strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz" {
			return c.Next()
		}
		if !built {
			if p == "/" {
				return s.home(c)
			}
			return c.Next()
		}
		name := strings.TrimPrefix(path.Clean(p), "/")
		if name != "" && name != "index.html" {
			if body, err := fs.ReadFile(assets, name); err == nil {
				if strings.HasPrefix(name, "assets/") {
					c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
				} else {
					c.Set(fiber.HeaderCacheControl, "no-cache")
				}
				c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
				if t := mime.TypeByExtension(path.Ext(name)); t != "" {
					c.Set(fiber.HeaderContentType, t)
				}
				return c.Send(body)
			}
			if strings.HasPrefix(name, "assets/") || staticExt[path.Ext(name)] {
				return c.Next() // a missing file is a 404, not the app
			}
		}
		index, err := fs.ReadFile(assets, "index.html")
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		c.Set(fiber.HeaderContentSecurityPolicy, webCSP)
		c.Set(fiber.HeaderReferrerPolicy, "same-origin")
		c.Type("html", "utf-8")
		return c.Send(index)
	})
}
