// Package apitest runs the real API over a real database for tests and
// benchmarks: a demo tree of congresses, an account per built-in role in
// each, and helpers to call routes as any of them.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/authz"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/core/store"
	"github.com/renda-platform/renda/core/store/storetest"
	"github.com/renda-platform/renda/tenants"
)

// Password is every test account's password.
const Password = "Correct-Horse-42"

// Env is a running API with its database and accounts.
type Env struct {
	T      testing.TB
	DB     *storetest.DB
	Server *api.Server
	Authz  *authz.Authorizer
	// Scenes is the plugin runtime (nil unless built WithScenes).
	Scenes *pluginhost.Host
	// Tenants by slug: ningbo (city), haishu and jiangbei (districts under
	// ningbo), gulou (township under haishu).
	Tenants map[string]*tenants.Tenant
	// Tokens by "slug/role", e.g. "haishu/staff"; "ningbo/platform_admin"
	// is a platform administrator.
	Tokens map[string]string
	// Users by "slug/role".
	Users map[string]*core.User
}

// Option changes how New builds the Env.
type Option func(*options)

type options struct {
	scenes *pluginhost.Config
}

// WithScenes adds the plugin runtime with cfg (RunDir defaults to a
// temporary folder).
func WithScenes(cfg pluginhost.Config) Option {
	return func(o *options) { o.scenes = &cfg }
}

// New builds an Env on dialect d.
func New(t testing.TB, d store.Dialect, opts ...Option) *Env {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	db := storetest.Open(t, d)
	az, err := authz.New(db.Conn, db, core.CorePermissions)
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("RENDA_TEST_LOG") != "" {
		quiet = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	svc := api.Services{DB: db, Tenants: db, Auth: db, Users: db, Deputies: db, Duty: db, Audit: db, Idempotency: db, Authz: az, Inbox: db, Departments: db}
	var host *pluginhost.Host
	if o.scenes != nil {
		cfg := *o.scenes
		if cfg.RunDir == "" {
			cfg.RunDir = t.TempDir()
		}
		if cfg.Logger == nil {
			cfg.Logger = quiet
		}
		if cfg.LogOutput == nil {
			cfg.LogOutput = io.Discard
			if os.Getenv("RENDA_TEST_LOG") != "" {
				cfg.LogOutput = os.Stderr
			}
		}
		if cfg.Install.Root == "" {
			cfg.Install = pluginhost.Installer{Root: t.TempDir(), Dev: true}
		}
		host = pluginhost.New(db, az, cfg)
		if err := host.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		evctx, stopEvents := context.WithCancel(context.Background())
		go host.RunEvents(evctx)
		t.Cleanup(func() {
			stopEvents()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = host.Shutdown(ctx)
		})
		svc.Scenes, svc.SceneStore = host, db
	}
	srv, err := api.New(svc, api.Config{Logger: quiet, LoginLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{T: t, DB: db, Server: srv, Authz: az, Scenes: host, Tenants: map[string]*tenants.Tenant{}, Tokens: map[string]string{}, Users: map[string]*core.User{}}
	ctx := context.Background()
	for _, tc := range []core.TenantCreate{
		{Slug: "ningbo", Level: tenants.LevelCity, DivisionCode: "330200", NameZH: "宁波市人大常委会", NameEN: "Ningbo"},
		{Slug: "haishu", Level: tenants.LevelDistrict, ParentSlug: "ningbo", DivisionCode: "330203", NameZH: "海曙区人大常委会", NameEN: "Haishu"},
		{Slug: "jiangbei", Level: tenants.LevelDistrict, ParentSlug: "ningbo", DivisionCode: "330205", NameZH: "江北区人大常委会", NameEN: "Jiangbei"},
		{Slug: "gulou", Level: tenants.LevelTownship, ParentSlug: "haishu", DivisionCode: "330203001", NameZH: "鼓楼街道人大工委", NameEN: "Gulou"},
	} {
		tn, err := db.CreateTenant(ctx, tc)
		if err != nil {
			t.Fatalf("create tenant %s: %v", tc.Slug, err)
		}
		e.Tenants[tn.Slug] = tn
	}
	for slug, tn := range e.Tenants {
		for _, role := range core.BuiltinRoles {
			e.addUser(slug, tn, role, role)
		}
		e.addUser(slug, tn, "norole", "")
	}
	city := e.Tenants["ningbo"]
	u := e.addUser("ningbo", city, "platform_admin", core.RoleTenantAdmin)
	if err := az.GrantPlatformAdmin(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	return e
}

// AddUser adds a user with a built-in role to a congress created after New
// (e.Tenants[slug] and e.Tokens[slug+"/"+name] are set) and returns the
// user's token.
func (e *Env) AddUser(tn *tenants.Tenant, name, role string) string {
	e.T.Helper()
	e.Tenants[tn.Slug] = tn
	e.addUser(tn.Slug, tn, name, role)
	return e.Tokens[tn.Slug+"/"+name]
}

func (e *Env) addUser(slug string, tn *tenants.Tenant, name, role string) *core.User {
	e.T.Helper()
	ctx := tenants.WithScope(context.Background(), tenants.Home(tn))
	u, err := e.DB.CreateUser(ctx, core.UserCreate{Username: slug + "-" + name, DisplayName: slug + " " + name, Password: Password})
	if err != nil {
		e.T.Fatalf("create user: %v", err)
	}
	if role != "" {
		if err := e.Authz.SetUserRoles(ctx, tn, u.ID, []string{role}); err != nil {
			e.T.Fatal(err)
		}
		fresh, err := e.DB.TenantByID(ctx, tn.ID)
		if err != nil {
			e.T.Fatal(err)
		}
		*tn = *fresh
	}
	key := slug + "/" + name
	e.Users[key] = u
	e.Tokens[key] = e.Login(slug, u.Username, Password)
	return u
}

// Login signs in and returns the token; it fails the test on error.
func (e *Env) Login(slug, username, password string) string {
	e.T.Helper()
	res := e.Do(http.MethodPost, "/api/v1/t/"+slug+"/auth/login", "", map[string]string{"username": username, "password": password})
	if res.Code != http.StatusOK {
		e.T.Fatalf("login %s/%s: %d %s", slug, username, res.Code, res.Body)
	}
	var out struct {
		Token string `json:"token"`
	}
	res.JSON(e.T, &out)
	return out.Token
}

// Response is a recorded response.
type Response struct {
	Code   int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request with a JSON body (nil: none; []byte or string: raw) as
// the holder of token ("" for none).
func (e *Env) Do(method, path, token string, body any, headers ...string) *Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.Server.App().Test(req, -1)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return &Response{Code: resp.StatusCode, Header: resp.Header, Body: b}
}
