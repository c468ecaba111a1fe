package api

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
)

// homePage is what a person sees at / until the web interface lands: what
// is running and where to go next, in both languages.
var homePage = template.Must(template.New("home").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Renda 人大</title>
<style>body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.6;color:#222}
h1{color:#b71c1c}code{background:#f4f4f4;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>Renda 人大 · 数字人大平台</h1>
<p>平台 API 正在运行。接口说明见 <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>；健康检查见 <a href="/readyz">/readyz</a>。</p>
<p>The platform API is running. The API is described at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>; readiness at <a href="/readyz">/readyz</a>.</p>
<p>登录 / Sign in: <code>POST /api/v1/t/{congress}/auth/login</code></p>
</body></html>`))

func (s *Server) home(c *fiber.Ctx) error {
	c.Type("html", "utf-8")
	return homePage.Execute(c.Response().BodyWriter(), map[string]string{"Lang": langOf(c)})
}
