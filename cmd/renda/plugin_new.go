package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/format"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/renda-platform/renda/plugins/scene"
)

func newPluginNewCmd() *cobra.Command {
	var dir, id, module string
	c := &cobra.Command{
		Use:   "new NAME",
		Short: "Write a new scene: its package, its tests and its ten-line main",
		Long: `new writes a minimal but complete scene into the module at --dir (default: the
current folder, which must hold go.mod unless --module names the module):

  plugins/PKG/PKG.go        the scene: one collection, a list and a create route
                            guarded by permissions with default roles, a settings
                            schema, the store and audit capabilities
  plugins/PKG/PKG_test.go   its tests, through the SDK harness scenetest
  cmd/renda-NAME/main.go    the plugin binary's main

NAME is lowercase letters, digits and dashes, starting with a letter; PKG is NAME
without dashes. The scene id is local.NAME unless --id gives another (a namespaced
lowercase id such as ningbo.road-works). new never overwrites a file.`,
		Example: `  renda plugin new roadworks
  renda plugin new road-works --id ningbo.road-works --dir ~/src/ningbo-scenes`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := newScene(args[0], id, dir, module)
			if err != nil {
				return err
			}
			for _, f := range files {
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", f)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "next: go test ./%s/ && go build -o bin/renda-%s ./cmd/renda-%s && renda plugin check bin/renda-%s\n",
				filepath.ToSlash(filepath.Dir(files[0])), args[0], args[0], args[0])
			return nil
		},
	}
	c.Flags().StringVar(&dir, "dir", ".", "root of the Go module to write into")
	c.Flags().StringVar(&id, "id", "", "scene id (default local.NAME)")
	c.Flags().StringVar(&module, "module", "", "module path of --dir (default: read from its go.mod)")
	return c
}

var sceneNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// reservedNames would clash with the SDK's folder or mean something else
// to the go tool.
var reservedNames = []string{"scene", "main", "internal", "testdata", "vendor"}

// sceneTemplate is what the templates are filled with.
type sceneTemplate struct {
	Name   string // as given: road-works
	Pkg    string // the Go package: roadworks
	ID     string // local.road-works
	Module string // module path of the target
}

// newScene writes a scene named name into the module at dir and returns
// the files it wrote, relative to dir. Bad input is a usage error.
func newScene(name, id, dir, module string) ([]string, error) {
	if !sceneNamePattern.MatchString(name) || len(name) > 40 {
		return nil, usagef("scene name %q: want lowercase letters, digits and dashes, starting with a letter, at most 40", name)
	}
	pkg := strings.ReplaceAll(name, "-", "")
	if token.IsKeyword(pkg) || slices.Contains(reservedNames, pkg) {
		return nil, usagef("scene name %q: %q cannot be a scene's package name; choose another", name, pkg)
	}
	if id == "" {
		id = "local." + name
	}
	m := scene.Manifest{ID: id, Version: "0.1.0", Title: scene.T("x", "x"), MinProtocol: scene.ProtocolVersion}
	if err := m.Validate(); err != nil {
		return nil, usagef("scene id %q: want a namespaced lowercase id such as local.%s or ningbo.%s", id, name, name)
	}
	if module == "" {
		var err error
		if module, err = modulePath(dir); err != nil {
			return nil, err
		}
	}
	data := sceneTemplate{Name: name, Pkg: pkg, ID: id, Module: module}
	files := []struct {
		path string
		tmpl *template.Template
	}{
		{filepath.Join("plugins", pkg, pkg+".go"), sceneGo},
		{filepath.Join("plugins", pkg, pkg+"_test.go"), sceneTestGo},
		{filepath.Join("cmd", "renda-"+name, "main.go"), sceneMainGo},
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(dir, f.path)); !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("new scene: %s exists; new never overwrites a file", filepath.Join(dir, f.path))
		}
	}
	var wrote []string
	for _, f := range files {
		var b bytes.Buffer
		if err := f.tmpl.Execute(&b, data); err != nil {
			return nil, fmt.Errorf("new scene: %s: %w", f.path, err)
		}
		src, err := format.Source(b.Bytes())
		if err != nil {
			return nil, fmt.Errorf("new scene: %s does not format (a bug in renda): %w", f.path, err)
		}
		full := filepath.Join(dir, f.path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		if err := writeNew(full, src, 0o644); err != nil {
			return nil, err
		}
		wrote = append(wrote, f.path)
	}
	return wrote, nil
}

// modulePath reads the module path from dir/go.mod.
func modulePath(dir string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", usagef("%s has no readable go.mod (%v): run new at the root of your module, or pass --dir or --module", dir, err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`), nil
		}
	}
	return "", usagef("%s/go.mod has no module line; pass --module", dir)
}

// mustTemplate parses a file template. In the templates [[ ]] delimit
// actions (Go code is full of braces) and ‵ stands for a backquote, which
// a raw string cannot hold.
func mustTemplate(name, text string) *template.Template {
	return template.Must(template.New(name).Delims("[[", "]]").Parse(strings.ReplaceAll(text, "‵", "`")))
}

var sceneGo = mustTemplate("scene", `// Package [[.Pkg]] is the [[.ID]] scene. 'renda plugin new' wrote this
// skeleton: one collection of items, a route to list them and one to create
// them, each guarded by a permission, and a per-congress setting. Make it
// the scene you need; like every scene it imports plugins/scene (and
// libraries) only, and its binary is the ten-line main in cmd/renda-[[.Name]].
package [[.Pkg]]

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/renda-platform/renda/plugins/scene"
)

// ID is the scene's id: the platform serves its routes under
// /api/v1/t/{congress}/scenes/[[.ID]].
const ID = "[[.ID]]"

// Item is one stored item.
type Item struct {
	Title    string ‵json:"title"‵
	Body     string ‵json:"body"‵
	AuthorID string ‵json:"author_id"‵
	Author   string ‵json:"author"‵
}

// ItemInput is what staff send to create an item.
type ItemInput struct {
	Title string ‵json:"title"‵
	Body  string ‵json:"body"‵
}

// ItemJSON is an item as the API shows it.
type ItemJSON struct {
	ID      string ‵json:"id"‵
	Version int64  ‵json:"version"‵
	Item
}

// ListJSON is a page of items, newest first.
type ListJSON struct {
	Items      []ItemJSON ‵json:"items"‵
	NextCursor string     ‵json:"next_cursor,omitempty"‵
}

// Settings are a congress's settings for the scene. The host checks them
// against settingsSchema when the congress enables or configures the scene.
type Settings struct {
	MaxTitle int ‵json:"max_title"‵
}

const settingsSchema = ‵{
  "type": "object",
  "properties": {
    "max_title": {"type": "integer", "minimum": 10, "maximum": 200, "description": "the longest title allowed (default 100)"}
  },
  "additionalProperties": false
}‵

const collection = "items"

// New returns the scene at version (main sets it at build time).
func New(version string) *scene.Scene {
	s := scene.New(scene.Manifest{
		ID:          ID,
		Version:     version,
		Title:       scene.T("[[.Name]]", "[[.Name]]"),
		Description: scene.T("由 renda plugin new 生成的场景。", "A scene made with renda plugin new."),
		Permissions: []scene.PermissionDef{
			{Object: "items", Action: "read", Title: scene.T("查看条目", "Read items"), DefaultRoles: []string{"tenant_admin", "staff", "deputy"}},
			{Object: "items", Action: "write", Title: scene.T("新建条目", "Create items"), DefaultRoles: []string{"tenant_admin", "staff"}},
		},
		Collections:  []scene.Collection{{Name: collection, Indexes: []scene.IndexedField{{Field: "author_id", Type: "string"}}}},
		Settings:     settingsSchema,
		Capabilities: []string{scene.CapStore, scene.CapAudit},
	})
	s.Handle(http.MethodGet, "/items", "items:read", scene.T("条目列表", "List items"), list)
	s.Handle(http.MethodPost, "/items", "items:write", scene.T("新建条目", "Create an item"), create)
	return s
}

func list(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	docs, next, err := r.Host.Store().Query(ctx, collection, scene.Query{Sort: "-created_at", Limit: 20, Cursor: r.QueryValue("cursor")})
	if err != nil {
		return nil, err
	}
	out := ListJSON{Items: []ItemJSON{}, NextCursor: next}
	for _, d := range docs {
		j := ItemJSON{ID: d.ID, Version: d.Version}
		if err := d.Decode(&j.Item); err != nil {
			return nil, err
		}
		out.Items = append(out.Items, j)
	}
	return scene.JSON(http.StatusOK, out)
}

func create(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in ItemInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	set, err := settingsOf(r)
	if err != nil {
		return nil, err
	}
	var v scene.Validator
	v.Required("title", strings.TrimSpace(in.Title))
	v.MaxLen("title", in.Title, set.MaxTitle)
	v.MaxLen("body", in.Body, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	it := Item{Title: in.Title, Body: in.Body, AuthorID: r.Principal.UserID, Author: r.Principal.DisplayName}
	d, err := r.Host.Store().Create(ctx, collection, "", it)
	if err != nil {
		return nil, err
	}
	if err := r.Host.Audit(ctx, "item.create", "item", d.ID, nil, it); err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusCreated, ItemJSON{ID: d.ID, Version: d.Version, Item: it})
}

// settingsOf reads the congress's settings over the defaults.
func settingsOf(r *scene.Request) (Settings, error) {
	s := Settings{MaxTitle: 100}
	if len(r.Settings) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(r.Settings, &s); err != nil {
		return s, fmt.Errorf("[[.Pkg]]: settings: %w", err)
	}
	return s, nil
}
`)

var sceneMainGo = mustTemplate("main", `// Command renda-[[.Name]] is the [[.ID]] scene plugin. The host starts it;
// run by hand it says so and exits.
package main

import (
	"github.com/renda-platform/renda/plugins/scene"
	"[[.Module]]/plugins/[[.Pkg]]"
)

// version is set at build time: -ldflags "-X main.version=0.2.0".
var version = "0.1.0"

func main() { scene.Serve([[.Pkg]].New(version)) }
`)

var sceneTestGo = mustTemplate("test", `package [[.Pkg]]_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"

	"[[.Module]]/plugins/[[.Pkg]]"
)

func TestCreateThenList(t *testing.T) {
	h := scenetest.New(t, [[.Pkg]].New("0.1.0"))
	res := h.Request(http.MethodPost, "/items").As(h.Principal("staff", "吴敏")).Tenant("haishu").
		JSON(map[string]any{"title": "代表接待日安排", "body": "每月第一个星期三上午。"}).Do()
	if res.Status != http.StatusCreated {
		t.Fatalf("create: got %s, want 201", res)
	}
	var item [[.Pkg]].ItemJSON
	res.Decode(t, &item)
	if item.Title != "代表接待日安排" || item.Author != "吴敏" || item.Version != 1 {
		t.Errorf("created item: got %+v", item)
	}

	var page [[.Pkg]].ListJSON
	h.Request(http.MethodGet, "/items").As(h.Principal("deputy", "李秀英")).Tenant("haishu").Do().Decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].ID != item.ID {
		t.Errorf("list: got %+v, want the one item", page.Items)
	}
	if got := h.AuditLog("haishu"); len(got) != 1 || got[0].Action != "item.create" || got[0].TargetID != item.ID {
		t.Errorf("audit log: got %+v, want one item.create of %s", got, item.ID)
	}
}

// TestPermissions checks each route against the built-in roles, holding
// the permissions the manifest grants them by default.
func TestPermissions(t *testing.T) {
	h := scenetest.New(t, [[.Pkg]].New("0.1.0"))
	tests := []struct {
		name   string
		method string
		who    *scene.Principal
		want   int
	}{
		{"a deputy lists", http.MethodGet, h.Principal("deputy", "李秀英"), http.StatusOK},
		{"a deputy may not create", http.MethodPost, h.Principal("deputy", "李秀英"), http.StatusForbidden},
		{"staff create", http.MethodPost, h.Principal("staff", "吴敏"), http.StatusCreated},
		{"an administrator creates", http.MethodPost, h.Principal("tenant_admin", "刘海涛"), http.StatusCreated},
		{"anonymous callers are asked to sign in", http.MethodGet, nil, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.Request(tt.method, "/items").As(tt.who).JSON(map[string]any{"title": "议题"}).Do()
			if res.Status != tt.want {
				t.Errorf("got %s, want %d", res, tt.want)
			}
		})
	}
}

// TestCongressesAreApart writes as one congress and reads as another.
func TestCongressesAreApart(t *testing.T) {
	h := scenetest.New(t, [[.Pkg]].New("0.1.0"))
	staff := h.Principal("staff", "吴敏")
	if res := h.Request(http.MethodPost, "/items").As(staff).Tenant("haishu").JSON(map[string]any{"title": "海曙的条目"}).Do(); res.Status != http.StatusCreated {
		t.Fatalf("create in haishu: got %s", res)
	}
	var page [[.Pkg]].ListJSON
	h.Request(http.MethodGet, "/items").As(staff).Tenant("jiangbei").Do().Decode(t, &page)
	if len(page.Items) != 0 {
		t.Errorf("jiangbei sees haishu's items: %+v", page.Items)
	}
}

func TestCreateRefusesBadInput(t *testing.T) {
	h := scenetest.New(t, [[.Pkg]].New("0.1.0"))
	h.SetSettings("haishu", map[string]any{"max_title": 10})
	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"no title", map[string]any{"title": "  "}, "title"},
		{"a title over the congress's max_title", map[string]any{"title": strings.Repeat("长", 11)}, "title"},
		{"an unknown field", map[string]any{"title": "议题", "colour": "red"}, "colour"},
		{"not JSON", "{", "$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.Request(http.MethodPost, "/items").As(h.Principal("staff", "吴敏")).Locale("en").JSON(tt.body).Do()
			if res.Status != http.StatusBadRequest || res.Problem == nil || len(res.Problem.Fields) == 0 {
				t.Fatalf("got %s, want 400 with field problems", res)
			}
			if got := res.Problem.Fields[0].Path; got != tt.field {
				t.Errorf("field: got %q, want %q", got, tt.field)
			}
		})
	}
}
`)
