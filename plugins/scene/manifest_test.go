package scene_test

import (
	"strings"
	"testing"

	"github.com/renda-platform/renda/plugins/scene"
)

// goodManifest returns a fresh valid manifest that uses every section.
func goodManifest() scene.Manifest {
	return scene.Manifest{
		ID:          "renda.notice-board",
		Version:     "1.2.3",
		Title:       scene.T("公告栏", "Notice board"),
		MinProtocol: scene.ProtocolVersion,
		Routes: []scene.RouteDef{
			{Method: "GET", Path: "/notices", Permission: "notices:read"},
			{Method: "PUT", Path: "/notices/{id}", Permission: "notices:write"},
			{Method: "GET", Path: "/public/notices", Public: true},
			{Method: "GET", Path: "/", Public: true},
		},
		Permissions: []scene.PermissionDef{
			{Object: "notices", Action: "read", DefaultRoles: []string{"tenant_admin", "staff", "deputy"}},
			{Object: "notices", Action: "write", DefaultRoles: []string{"staff"}},
		},
		Collections: []scene.Collection{{Name: "notices", Indexes: []scene.IndexedField{
			{Field: "status", Type: "string"}, {Field: "published_at", Type: "time"}, {Field: "pinned", Type: "bool"}, {Field: "votes", Type: "number"},
		}}},
		Publishes:    []string{"notice.published", "notice.expired", "notice.sent", "notice.followups"},
		Subscribes:   []string{"notice.followups"},
		Escalates:    []string{"notice.expired"},
		Relays:       []string{"notice.sent"},
		Local:        []string{"notice.followups"},
		DutyKinds:    []scene.DutyKind{{Kind: "notice.read"}},
		Jobs:         []scene.JobDef{{Name: "expire", Cron: "0 3 * * *"}},
		Capabilities: []string{scene.CapStore, scene.CapAudit, scene.CapDuty, scene.CapEvents},
	}
}

func TestManifestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(m *scene.Manifest)
		want   string // in the error; "" for a valid manifest
	}{
		{"good", func(*scene.Manifest) {}, ""},
		{"id without namespace", func(m *scene.Manifest) { m.ID = "noticeboard" }, `id "noticeboard"`},
		{"id with capitals", func(m *scene.Manifest) { m.ID = "Renda.Notice" }, `id "Renda.Notice"`},
		{"id too long", func(m *scene.Manifest) { m.ID = "renda." + strings.Repeat("x", 60) }, `: id "renda.xxx`},
		{"version not semver", func(m *scene.Manifest) { m.Version = "1.2" }, `version "1.2"`},
		{"version with v", func(m *scene.Manifest) { m.Version = "v1.2.3" }, `version "v1.2.3"`},
		{"no English title", func(m *scene.Manifest) { m.Title.EN = "" }, "title: both zh-CN and en"},
		{"no Chinese title", func(m *scene.Manifest) { m.Title.ZH = "" }, "title: both zh-CN and en"},
		{"protocol from the future", func(m *scene.Manifest) { m.MinProtocol = scene.ProtocolVersion + 1 }, "min protocol"},
		{"public with a permission", func(m *scene.Manifest) { m.Routes[2].Permission = "notices:read" }, "either public or needs a permission"},
		{"neither public nor a permission", func(m *scene.Manifest) { m.Routes[0].Permission = "" }, "either public or needs a permission"},
		{"undefined permission", func(m *scene.Manifest) { m.Routes[0].Permission = "notices:delete" }, `permission "notices:delete" is not defined`},
		{"path without slash", func(m *scene.Manifest) { m.Routes[0].Path = "notices" }, "path must be"},
		{"path with capitals", func(m *scene.Manifest) { m.Routes[0].Path = "/Notices" }, "path must be"},
		{"path with trailing slash", func(m *scene.Manifest) { m.Routes[0].Path = "/notices/" }, "path must be"},
		{"path with a bad parameter", func(m *scene.Manifest) { m.Routes[1].Path = "/notices/{ID}" }, "path must be"},
		{"unsupported method", func(m *scene.Manifest) { m.Routes[0].Method = "get" }, "unsupported method"},
		{"duplicate route", func(m *scene.Manifest) { m.Routes = append(m.Routes, m.Routes[0]) }, "GET /notices: declared twice"},
		{"bad permission name", func(m *scene.Manifest) { m.Permissions[0].Action = "Read" }, "lowercase names"},
		{"unknown default role", func(m *scene.Manifest) { m.Permissions[1].DefaultRoles = []string{"clerk"} }, `unknown default role "clerk"`},
		{"bad collection name", func(m *scene.Manifest) { m.Collections[0].Name = "Notices" }, `collection "Notices"`},
		{"index on a nested field", func(m *scene.Manifest) { m.Collections[0].Indexes[0].Field = "meta.status" }, "index meta.status"},
		{"index of an unknown type", func(m *scene.Manifest) { m.Collections[0].Indexes[0].Type = "date" }, "index status date"},
		{"unknown capability", func(m *scene.Manifest) { m.Capabilities = append(m.Capabilities, "database") }, `capability "database": unknown`},
		{"escalated type not published", func(m *scene.Manifest) { m.Escalates = []string{"notice.lost"} }, `escalates "notice.lost": not among publishes`},
		{"relayed type not published", func(m *scene.Manifest) { m.Relays = []string{"notice.lost"} }, `relays "notice.lost": not among publishes`},
		{"local type not published", func(m *scene.Manifest) { m.Local = []string{"notice.lost"} }, `local "notice.lost": not among publishes`},
		{"local type escalated", func(m *scene.Manifest) { m.Local = append(m.Local, "notice.expired") }, `local "notice.expired": a local event is neither escalated nor relayed`},
		{"local type relayed", func(m *scene.Manifest) { m.Local = append(m.Local, "notice.sent") }, `local "notice.sent": a local event is neither escalated nor relayed`},
		{"bad duty kind", func(m *scene.Manifest) { m.DutyKinds[0].Kind = "Notice Read" }, `duty kind "Notice Read"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := goodManifest()
			c.change(&m)
			err := m.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case c.want == "":
			case err == nil:
				t.Fatalf("Validate() = nil, want an error containing %q", c.want)
			case !strings.Contains(err.Error(), c.want):
				t.Fatalf("Validate() = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestManifestValidateReportsEveryProblem(t *testing.T) {
	m := goodManifest()
	m.ID, m.Version, m.Capabilities = "x", "one", []string{"telepathy"}
	err := m.Validate()
	if err == nil {
		t.Fatal("Validate() = nil, want three problems")
	}
	for _, want := range []string{`id "x"`, `version "one"`, `capability "telepathy"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to contain %q", err, want)
		}
	}
}

func TestNewFillsTheManifest(t *testing.T) {
	s := scene.New(scene.Manifest{ID: "renda.hello", Version: "1.0.0", Title: scene.T("你好", "Hello")})
	s.Public("GET", "/hello", scene.T("问好", "Greet"), nil)
	s.OnEvent("deputy.created", nil)
	s.OnJob("tidy", "", nil)
	m := s.Manifest()
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if m.MinProtocol != scene.ProtocolVersion || len(m.Routes) != 1 || !m.Routes[0].Public ||
		len(m.Subscribes) != 1 || m.Subscribes[0] != "deputy.created" || len(m.Jobs) != 1 || m.Jobs[0].Name != "tidy" {
		t.Errorf("manifest = %+v, want the protocol, the route, the subscription and the job filled in", m)
	}
}
