// Package scene is the SDK for Renda scene plugins. Every scene, first-party
// or third-party, is written against this package alone: it declares a
// Manifest, registers handlers on a Scene, and calls Serve from main. The
// scene runs as its own process; the host talks to it over gRPC
// (hashicorp/go-plugin, protocol scene.v1) and serves back the host
// services (document store, events, directory, duty ledger, audit,
// notifications, scheduler), every call scoped by a capability the host
// issued for the request being served. A scene never names a tenant and
// never sees database credentials.
//
// The lifecycle of a scene process:
//  1. The host starts the binary (checksum verified) when a tenant that
//     enabled it first needs it; one process serves every tenant pinned to
//     that version.
//  2. The host asks for the Manifest and checks it.
//  3. For each request, event or job the host calls the scene with a fresh
//     capability; the scene calls host services with it.
//  4. On shutdown the host drains in-flight calls and stops the process.
package scene

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/robfig/cron/v3"
)

// ProtocolVersion is the scene protocol this SDK speaks.
const ProtocolVersion = 1

// Text is a user-facing string in both languages of the platform.
type Text struct {
	ZH string `json:"zh-CN"`
	EN string `json:"en"`
}

// T makes a Text.
func T(zh, en string) Text { return Text{ZH: zh, EN: en} }

// In returns the text in locale ("zh-CN" or "en").
func (t Text) In(locale string) string {
	if strings.HasPrefix(locale, "en") && t.EN != "" {
		return t.EN
	}
	return t.ZH
}

// Host capabilities a scene may declare.
const (
	CapStore         = "store"
	CapEvents        = "events"
	CapDirectory     = "directory"
	CapDuty          = "duty"
	CapAudit         = "audit"
	CapNotifications = "notifications"
	CapScheduler     = "scheduler"
	CapFiles         = "files"
	CapHTTP          = "http"
)

var knownCaps = []string{CapStore, CapEvents, CapDirectory, CapDuty, CapAudit, CapNotifications, CapScheduler, CapFiles, CapHTTP}

// Manifest describes a scene to the host. Routes are filled in from the
// handlers registered on the Scene.
type Manifest struct {
	ID          string
	Version     string
	Title       Text
	Description Text
	MinProtocol int
	Routes      []RouteDef
	Permissions []PermissionDef
	Publishes   []string
	Subscribes  []string
	// Escalates are event types (among Publishes) the host also delivers
	// to the congress above, where Event.Origin names where they happened.
	Escalates []string
	// Relays are event types (among Publishes) the scene may address to
	// other congresses of its line — those above it and those below it,
	// never a sibling — with EventDraft.To; the host delivers each to the
	// named congress, where Event.Origin names the sender.
	Relays []string
	// Local are event types (among Publishes) the scene publishes only to
	// itself: the host delivers them to this scene in the publishing
	// congress, if it subscribes to them, and to no other scene; it never
	// escalates or relays them, and refuses EventDraft.To on them. Use
	// them for work that must follow a write and carries data other
	// scenes must not see; protocol 1.
	Local        []string
	Collections  []Collection
	Settings     string // JSON Schema of per-tenant settings; "" means none
	DutyKinds    []DutyKind
	Jobs         []JobDef
	Capabilities []string
	// Pages are the screens the web console renders for the scene (the
	// page vocabulary, pages.go); protocol 1.
	Pages []Page
}

// RouteDef is one route of the scene, relative to
// /api/v1/t/{tenant}/scenes/{scene id}.
type RouteDef struct {
	Method     string
	Path       string // e.g. /notices/{id}
	Permission string // "object:action" defined in Permissions; "" for public routes
	Public     bool
	Summary    Text
}

// PermissionDef is a permission the scene defines. The host namespaces the
// object with the scene id ("renda.notice-board/notices").
type PermissionDef struct {
	Object       string
	Action       string
	Title        Text
	DefaultRoles []string // built-in roles that get it: tenant_admin, staff, deputy
}

// Collection is a document collection and the fields it may be filtered
// and sorted on.
type Collection struct {
	Name    string
	Indexes []IndexedField
}

// IndexedField is a top-level JSON field the host indexes.
type IndexedField struct {
	Field string
	Type  string // string, number, time, bool
}

// DutyKind is a kind of duty activity the scene reports.
type DutyKind struct {
	Kind  string
	Title Text
}

// JobDef is a scheduled job.
type JobDef struct {
	Name string
	Cron string // five fields; empty for timer-only jobs
}

var (
	idPattern    = regexp.MustCompile(`^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$`)
	namePattern  = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)
	fieldPattern = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]{0,39}$`)
	pathPattern  = regexp.MustCompile(`^(/([a-z0-9._-]+|\{[a-z_][a-z0-9_]*\}))+$|^/$`)
)

// Validate checks a manifest and returns every problem found.
func (m *Manifest) Validate() error {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if !idPattern.MatchString(m.ID) || len(m.ID) > 64 {
		add("id %q: want a namespaced lowercase id such as renda.notice-board", m.ID)
	}
	if _, err := semver.StrictNewVersion(m.Version); err != nil {
		add("version %q: want semver such as 1.0.0", m.Version)
	}
	if m.Title.ZH == "" || m.Title.EN == "" {
		add("title: both zh-CN and en are required")
	}
	if m.MinProtocol < 1 || m.MinProtocol > ProtocolVersion {
		add("min protocol %d: this host speaks 1..%d", m.MinProtocol, ProtocolVersion)
	}
	perms := map[string]bool{}
	for _, p := range m.Permissions {
		if !namePattern.MatchString(p.Object) || !namePattern.MatchString(p.Action) {
			add("permission %s:%s: lowercase names", p.Object, p.Action)
		}
		for _, r := range p.DefaultRoles {
			if !slices.Contains([]string{"tenant_admin", "staff", "deputy"}, r) {
				add("permission %s:%s: unknown default role %q", p.Object, p.Action, r)
			}
		}
		perms[p.Object+":"+p.Action] = true
	}
	seen := map[string]bool{}
	for _, r := range m.Routes {
		if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, r.Method) {
			add("route %s %s: unsupported method", r.Method, r.Path)
		}
		if !pathPattern.MatchString(r.Path) {
			add("route %s %s: path must be /segments with {params}", r.Method, r.Path)
		}
		if r.Public == (r.Permission != "") {
			add("route %s %s: a route is either public or needs a permission", r.Method, r.Path)
		}
		if r.Permission != "" && !perms[r.Permission] {
			add("route %s %s: permission %q is not defined", r.Method, r.Path, r.Permission)
		}
		key := r.Method + " " + r.Path
		if seen[key] {
			add("route %s: declared twice", key)
		}
		seen[key] = true
	}
	for _, c := range m.Collections {
		if !namePattern.MatchString(c.Name) {
			add("collection %q: lowercase name", c.Name)
		}
		for _, ix := range c.Indexes {
			if !fieldPattern.MatchString(ix.Field) || !slices.Contains([]string{"string", "number", "time", "bool"}, ix.Type) {
				add("collection %s: index %s %s: want a top-level field and a type of string, number, time or bool", c.Name, ix.Field, ix.Type)
			}
		}
	}
	for _, c := range m.Capabilities {
		if !slices.Contains(knownCaps, c) {
			add("capability %q: unknown", c)
		}
	}
	for _, e := range m.Escalates {
		if !slices.Contains(m.Publishes, e) {
			add("escalates %q: not among publishes", e)
		}
	}
	for _, e := range m.Relays {
		if !slices.Contains(m.Publishes, e) {
			add("relays %q: not among publishes", e)
		}
	}
	for _, e := range m.Local {
		if !slices.Contains(m.Publishes, e) {
			add("local %q: not among publishes", e)
		}
		if slices.Contains(m.Escalates, e) || slices.Contains(m.Relays, e) {
			add("local %q: a local event is neither escalated nor relayed", e)
		}
	}
	for _, j := range m.Jobs {
		if !namePattern.MatchString(j.Name) {
			add("job %q: lowercase name", j.Name)
		}
		if j.Cron != "" {
			if _, err := cron.ParseStandard(j.Cron); err != nil {
				add("job %s: cron %q: %v", j.Name, j.Cron, err)
			}
		}
	}
	for _, k := range m.DutyKinds {
		if !namePattern.MatchString(strings.ReplaceAll(k.Kind, ".", "_")) {
			add("duty kind %q: lowercase", k.Kind)
		}
	}
	m.validatePages(perms, add)
	if len(errs) > 0 {
		return fmt.Errorf("manifest %s: %s", m.ID, strings.Join(errs, "; "))
	}
	return nil
}

// Has reports whether the manifest declares capability c.
func (m *Manifest) Has(c string) bool { return slices.Contains(m.Capabilities, c) }

// Collection returns the named collection, if declared.
func (m *Manifest) Collection(name string) (Collection, bool) {
	for _, c := range m.Collections {
		if c.Name == name {
			return c, true
		}
	}
	return Collection{}, false
}
