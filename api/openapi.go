package api

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// OpenAPI builds the OpenAPI 3.1 document from the route table, so a route
// cannot exist without being described.
func (s *Server) OpenAPI() map[string]any {
	schemas := map[string]any{"Problem": schemaOf(reflect.TypeOf(Problem{}), nil)}
	paths := map[string]map[string]any{}
	for _, r := range s.routes {
		p := openAPIPath(r.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = operation(r, schemas)
	}
	s.sceneOperations(paths)
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Renda API",
			"version":     "1",
			"description": "Renda (人大): the platform of people's congresses. Errors are RFC 9457 problem details in zh-CN or en by Accept-Language.",
		},
		"servers": []any{map[string]any{"url": "/api/v1"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": schemas,
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "session token (rs1.…) or API key (rk1.…)"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie},
			},
		},
	}
}

func (s *Server) openAPI(c *fiber.Ctx) error { return c.JSON(s.OpenAPI()) }

var pathParam = regexp.MustCompile(`:([a-zA-Z_]+)`)

// openAPIPath turns fiber's /t/:tenant into OpenAPI's /t/{tenant}.
func openAPIPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

func operation(r Route, schemas map[string]any) map[string]any {
	op := map[string]any{
		"summary":     r.Summary,
		"tags":        []string{r.Tag},
		"operationId": strings.ToLower(r.Method) + strings.NewReplacer("/", "_", ":", "", "-", "_").Replace(r.Path),
		"x-access":    r.Access.String(),
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	if r.Query != nil {
		params = append(params, queryParams(reflect.TypeOf(r.Query))...)
	}
	if r.Method == http.MethodPost {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
			"description": "a retried POST with the same key returns the first answer and changes nothing again",
			"schema":      map[string]any{"type": "string", "maxLength": 200}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	switch {
	case r.Body != nil:
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": ref(reflect.TypeOf(r.Body), schemas)}}}
	case r.RawBody != "" && r.Method != http.MethodGet:
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			r.RawBody: map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": r.RawBody}}}}
	}
	if r.Access.kind != accessPublic {
		op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}}
	}
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	switch {
	case r.Resp != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": ref(reflect.TypeOf(r.Resp), schemas)}}
	case r.RawBody != "" && r.Method == http.MethodGet:
		ok["content"] = map[string]any{r.RawBody: map[string]any{"schema": map[string]any{"type": "string"}}}
	}
	problem := map[string]any{"description": "problem details", "content": map[string]any{
		"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	op["responses"] = map[string]any{strconv.Itoa(status): ok, "default": problem}
	return op
}

func queryParams(t reflect.Type) []any {
	var out []any
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, queryParams(f.Type)...)
			continue
		}
		name := f.Tag.Get("query")
		if name == "" {
			continue
		}
		typ := "string"
		if f.Type.Kind() == reflect.Int {
			typ = "integer"
		}
		out = append(out, map[string]any{"name": name, "in": "query", "required": false,
			"description": f.Tag.Get("doc"), "schema": map[string]any{"type": typ}})
	}
	return out
}

// ref registers a named struct's schema and returns a reference to it.
func ref(t reflect.Type, schemas map[string]any) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(time.Time{}) {
		return schemaOf(t, schemas)
	}
	name := schemaName(t)
	if _, ok := schemas[name]; !ok {
		schemas[name] = map[string]any{} // placeholder against recursion
		schemas[name] = schemaOf(t, schemas)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// schemaName makes a component name; generic types like PageJSON[X] become
// PageJSON_X.
func schemaName(t reflect.Type) string {
	n := t.Name()
	if i := strings.Index(n, "["); i >= 0 {
		inner := n[i+1 : len(n)-1]
		if j := strings.LastIndex(inner, "."); j >= 0 {
			inner = inner[j+1:]
		}
		n = n[:i] + "_" + inner
	}
	return n
}

// schemaOf is a JSON Schema (2020-12, as OpenAPI 3.1 uses) for a Go type,
// following encoding/json's rules for names and omitempty.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	if t == reflect.TypeOf(time.Time{}) {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), schemas)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Float64, reflect.Float32:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOrRef(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOrRef(t.Elem(), schemas)}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		var walk func(t reflect.Type)
		walk = func(t reflect.Type) {
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if f.Anonymous {
					walk(f.Type)
					continue
				}
				tag := f.Tag.Get("json")
				if tag == "-" || !f.IsExported() {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if name == "" {
					name = f.Name
				}
				props[name] = schemaOrRef(f.Type, schemas)
				if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
					required = append(required, name)
				}
			}
		}
		walk(t)
		s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	return map[string]any{}
}

func schemaOrRef(t reflect.Type, schemas map[string]any) map[string]any {
	if schemas != nil && t.Kind() == reflect.Struct && t != reflect.TypeOf(time.Time{}) {
		return ref(t, schemas)
	}
	return schemaOf(t, schemas)
}

// sceneOperations describes every installed scene's routes, as each
// tenant that enables the scene sees them.
func (s *Server) sceneOperations(paths map[string]map[string]any) {
	if s.svc.Scenes == nil {
		return
	}
	for _, rel := range s.svc.Scenes.Releases() {
		for _, rt := range rel.Manifest.Routes {
			p := "/t/{tenant}/scenes/" + rel.SceneID + rt.Path
			if paths[p] == nil {
				paths[p] = map[string]any{}
			}
			params := []any{map[string]any{"name": "tenant", "in": "path", "required": true, "schema": map[string]any{"type": "string"}}}
			for _, seg := range strings.Split(rt.Path, "/") {
				if strings.HasPrefix(seg, "{") {
					params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
				}
			}
			access := "scene:" + rt.Permission
			if rt.Public {
				access = "public"
			}
			op := map[string]any{
				"summary":         rt.Summary.EN,
				"description":     rt.Summary.ZH,
				"tags":            []string{"scene " + rel.SceneID},
				"operationId":     strings.ToLower(rt.Method) + "_" + strings.NewReplacer(".", "_", "-", "_", "/", "_", "{", "", "}", "").Replace(rel.SceneID+rt.Path) + "_" + strings.ReplaceAll(rel.Version, ".", "_"),
				"x-access":        access,
				"x-scene-version": rel.Version,
				"parameters":      params,
				"responses": map[string]any{
					"200":     map[string]any{"description": "the scene's answer"},
					"default": map[string]any{"description": "problem details", "content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
				},
			}
			paths[p][strings.ToLower(rt.Method)] = op
		}
	}
}
