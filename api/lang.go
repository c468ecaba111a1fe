package api

import (
	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"
)

var (
	supported = []language.Tag{language.SimplifiedChinese, language.English}
	matcher   = language.NewMatcher(supported)
)

// langOf returns "zh-CN" or "en" from the request's Accept-Language;
// Chinese is the default, as for most of the platform's users.
func langOf(c *fiber.Ctx) string {
	if l, ok := c.Locals(localLang).(string); ok {
		return l
	}
	lang := "zh-CN"
	if h := c.Get(fiber.HeaderAcceptLanguage); h != "" {
		tags, _, err := language.ParseAcceptLanguage(h)
		if err == nil && len(tags) > 0 {
			_, i, conf := matcher.Match(tags...)
			if conf != language.No && i == 1 {
				lang = "en"
			}
		}
	}
	c.Locals(localLang, lang)
	return lang
}
