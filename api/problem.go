package api

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// Problem is an RFC 9457 problem details object, the one error shape of the
// API. Code is the stable message key, for clients to switch on.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail"`
	Code      string         `json:"code"`
	Instance  string         `json:"instance,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
}

// ProblemField is one invalid field.
type ProblemField struct {
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
	Code    string `json:"code"`
}

// statusOf maps an error code to an HTTP status: the one place that does.
func statusOf(c core.Code) int {
	switch c {
	case core.EINVALID:
		return http.StatusBadRequest
	case core.ENOTFOUND:
		return http.StatusNotFound
	case core.ECONFLICT:
		return http.StatusConflict
	case core.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case core.EFORBIDDEN, core.ESUSPENDED:
		return http.StatusForbidden
	case core.ELOCKED:
		return http.StatusTooManyRequests
	case core.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case core.EUNPROCESSABLE:
		return http.StatusUnprocessableEntity
	case core.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case core.ETIMEOUT:
		return http.StatusGatewayTimeout
	case core.EBADGATEWAY:
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}

// fromFiber classifies fiber's own errors (unknown route, body limit).
func fromFiber(fe *fiber.Error) *core.Error {
	switch fe.Code {
	case http.StatusNotFound:
		return core.Errorf(core.ENOTFOUND, "http.not_found")
	case http.StatusMethodNotAllowed:
		return &core.Error{Code: core.ENOTFOUND, Msg: core.Msg("http.method_not_allowed")}
	case http.StatusRequestEntityTooLarge:
		return core.Errorf(core.ETOOLARGE, "body.too_large", maxBodyBytes>>10)
	case http.StatusBadRequest:
		return core.Errorf(core.EINVALID, "body.malformed", fe.Message)
	case http.StatusUnsupportedMediaType:
		return core.Errorf(core.EINVALID, "body.content_type")
	case http.StatusTooManyRequests:
		return core.Errorf(core.ELOCKED, "auth.locked", 60)
	}
	return &core.Error{Code: core.EINTERNAL, Msg: core.Msg("internal"), Err: fe}
}

// errorHandler renders every error as problem details in the caller's
// language. Internal errors are logged with the request id and shown only
// as "internal error".
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var ce *core.Error
	var fe *fiber.Error
	switch {
	case errors.As(err, &ce):
	case errors.As(err, &fe):
		ce = fromFiber(fe)
	default:
		ce = &core.Error{Code: core.EINTERNAL, Msg: core.Msg("internal"), Err: err}
	}
	status := statusOf(ce.Code)
	if ce.Code == core.EINTERNAL {
		ce = &core.Error{Code: core.EINTERNAL, Msg: core.Msg("internal"), Err: err}
	}
	lang := langOf(c)
	rid := requestID(c)
	if status >= 500 {
		s.log.ErrorContext(c.UserContext(), "request failed", "err", err.Error(), "request_id", rid,
			"method", c.Method(), "path", c.Path())
	}
	p := Problem{
		Type:      "urn:renda:problem:" + string(ce.Code),
		Title:     http.StatusText(status),
		Status:    status,
		Detail:    ce.Msg.Render(lang),
		Code:      ce.Msg.Key,
		Instance:  c.Path(),
		RequestID: rid,
	}
	for _, f := range ce.Fields {
		p.Errors = append(p.Errors, ProblemField{Pointer: pointer(f.Path), Detail: f.Msg.Render(lang), Code: f.Msg.Key})
	}
	if ce.Code == core.ELOCKED && len(ce.Msg.Args) == 1 {
		if secs, ok := ce.Msg.Args[0].(int); ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
		}
	}
	if ce.Code == core.EUNAVAILABLE {
		c.Set(fiber.HeaderRetryAfter, "1")
	}
	c.Set(fiber.HeaderContentLanguage, lang)
	c.Status(status)
	c.Set(fiber.HeaderContentType, "application/problem+json")
	return c.JSON(p, "application/problem+json")
}

// pointer turns a dotted field path ("grants[2].action") into a JSON
// pointer ("#/grants/2/action"), as RFC 9457's errors[] examples use.
func pointer(path string) string {
	if path == "" || path == "$" {
		return "#" // the whole document
	}
	out := []byte("#/")
	for i := 0; i < len(path); i++ {
		switch ch := path[i]; ch {
		case '.':
			out = append(out, '/')
		case '[':
			out = append(out, '/')
		case ']':
		default:
			out = append(out, ch)
		}
	}
	return string(out)
}

// logAttrs are the attributes every request log line carries.
func logAttrs(c *fiber.Ctx) []any {
	attrs := []any{"request_id", requestID(c)}
	if t := tenantOf(c); t != nil {
		attrs = append(attrs, "tenant", t.Slug)
	}
	if p := core.PrincipalFrom(c.UserContext()); p != nil {
		attrs = append(attrs, "user", p.UserID)
	}
	return attrs
}
