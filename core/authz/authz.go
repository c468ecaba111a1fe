// Package authz decides who may do what, with casbin: role-based access with
// domains, one domain per tenant. Policies live in the database (casbin's
// gorm adapter, table casbin_rule); each tenant gets a cached enforcer that
// loads only that tenant's rules and the built-in templates, and reloads
// when the tenant's policy version moves, so an edit made on one server is
// effective on every server without a restart.
package authz

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"

	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/tenants"
)

//go:embed model.conf
var modelText string

// platformTTL bounds how stale the platform domain's rules can be on a
// server that did not make the change itself.
const platformTTL = 30 * time.Second

// VersionBumper records that a tenant's policies changed.
type VersionBumper interface {
	BumpPolicyVersion(ctx context.Context, tenantID string) (int64, error)
}

// Conn returns the database handle for ctx: its transaction if it has one.
type Conn func(ctx context.Context) *gorm.DB

// Authorizer implements core.Authorizer.
type Authorizer struct {
	conn   Conn
	model  model.Model
	bumper VersionBumper
	known  map[core.Permission]bool

	mu        sync.Mutex
	enforcers map[string]*domainEnforcer
}

type domainEnforcer struct {
	version  int64
	loadedAt time.Time
	e        *casbin.SyncedCachedEnforcer
}

var _ core.Authorizer = (*Authorizer)(nil)

// New returns an authorizer over the casbin_rule table reached through
// conn. known lists every permission a role may be granted.
func New(conn Conn, bumper VersionBumper, known []core.Permission) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("authz: model: %w", err)
	}
	k := make(map[core.Permission]bool, len(known))
	for _, p := range known {
		k[p] = true
	}
	return &Authorizer{conn: conn, model: m, bumper: bumper, known: k, enforcers: map[string]*domainEnforcer{}}, nil
}

// AddKnown adds permissions roles may be granted (scene plugins bring theirs).
func (a *Authorizer) AddKnown(perms ...core.Permission) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range perms {
		a.known[p] = true
	}
}

func subject(userID string) string { return "user:" + userID }

// adapter returns casbin's gorm adapter on the context's connection. It is
// cheap: the adapter is a thin wrapper and migrations are off (the schema
// comes from migrations/, never from AutoMigrate).
func (a *Authorizer) adapter(ctx context.Context) (*gormadapter.Adapter, error) {
	db := a.conn(ctx)
	gormadapter.TurnOffAutoMigrate(db)
	ad, err := gormadapter.NewAdapterByDBUseTableName(db, "", "casbin_rule")
	if err != nil {
		return nil, fmt.Errorf("authz: adapter: %w", err)
	}
	return ad, nil
}

// enforcer returns the domain's enforcer, loading it if it is missing or
// older than version (version < 0: reload after platformTTL).
func (a *Authorizer) enforcer(ctx context.Context, domain string, version int64) (*casbin.SyncedCachedEnforcer, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	de := a.enforcers[domain]
	fresh := de != nil && de.version == version && (version >= 0 || time.Since(de.loadedAt) < platformTTL)
	if fresh {
		return de.e, nil
	}
	m := a.model.Copy()
	e, err := casbin.NewSyncedCachedEnforcer(m)
	if err != nil {
		return nil, fmt.Errorf("authz: enforcer: %w", err)
	}
	ad, err := a.adapter(ctx)
	if err != nil {
		return nil, err
	}
	e.SetAdapter(ad)
	filter := []gormadapter.Filter{
		{Ptype: []string{"p"}, V1: []string{domain, "*"}},
		{Ptype: []string{"g"}, V2: []string{domain}},
	}
	if err := e.LoadFilteredPolicy(filter); err != nil {
		return nil, fmt.Errorf("authz: load policies of %s: %w", domain, err)
	}
	a.enforcers[domain] = &domainEnforcer{version: version, loadedAt: time.Now(), e: e}
	return e, nil
}

// forget drops a domain's enforcer so the next check reloads it.
func (a *Authorizer) forget(domain string) {
	a.mu.Lock()
	delete(a.enforcers, domain)
	a.mu.Unlock()
}

// Enforce implements core.Authorizer.
func (a *Authorizer) Enforce(ctx context.Context, userID string, t *tenants.Tenant, perm core.Permission) (bool, error) {
	e, err := a.enforcer(ctx, t.ID, t.PolicyVersion)
	if err != nil {
		return false, err
	}
	return check(e, userID, t.ID, perm)
}

// EnforcePlatform implements core.Authorizer.
func (a *Authorizer) EnforcePlatform(ctx context.Context, userID string, perm core.Permission) (bool, error) {
	e, err := a.enforcer(ctx, core.PlatformDomain, -1)
	if err != nil {
		return false, err
	}
	return check(e, userID, core.PlatformDomain, perm)
}

// check asks casbin about each role the user holds rather than about the
// user. Rules name roles only: a user holds permissions through roles,
// never directly (SetUserRoles and GrantPlatformAdmin write only g rules),
// so the answer is the model's. It is much cheaper: casbin caches each
// answer by its question, and roles are few while users are many. Asked
// about the user, every deputy voting once evaluated the matcher over
// every rule for each permission a scene call checks.
func check(e *casbin.SyncedCachedEnforcer, userID, domain string, perm core.Permission) (bool, error) {
	roles, err := e.GetImplicitRolesForUser(subject(userID), domain)
	if err != nil {
		return false, fmt.Errorf("authz: roles of %s: %w", userID, err)
	}
	for _, r := range roles {
		ok, err := e.Enforce(r, domain, perm.Object, perm.Action)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// Roles implements core.Authorizer.
func (a *Authorizer) Roles(ctx context.Context, t *tenants.Tenant) ([]*core.Role, error) {
	e, err := a.enforcer(ctx, t.ID, t.PolicyVersion)
	if err != nil {
		return nil, err
	}
	byName := map[string]*core.Role{}
	for _, name := range core.BuiltinRoles {
		byName[name] = &core.Role{Name: name, Builtin: true}
	}
	policies, err := e.GetPolicy()
	if err != nil {
		return nil, err
	}
	for _, p := range policies {
		if len(p) < 4 || (p[1] != t.ID && p[1] != "*") {
			continue
		}
		r := byName[p[0]]
		if r == nil {
			if p[1] == "*" {
				continue // a template of a role that is not a tenant role
			}
			r = &core.Role{Name: p[0]}
			byName[p[0]] = r
		}
		r.Grants = append(r.Grants, core.Permission{Object: p[2], Action: p[3]})
	}
	out := make([]*core.Role, 0, len(byName))
	for _, r := range byName {
		sort.Slice(r.Grants, func(i, j int) bool { return r.Grants[i].String() < r.Grants[j].String() })
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Builtin != out[j].Builtin {
			return out[i].Builtin
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

var roleName = regexp.MustCompile(`^[a-z][a-z0-9_]{2,39}$`)

func (a *Authorizer) validGrant(p core.Permission) bool {
	if p.Object == "*" && p.Action == "*" {
		return true
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.known[p]
}

// PutRole implements core.Authorizer.
func (a *Authorizer) PutRole(ctx context.Context, t *tenants.Tenant, name string, grants []core.Permission) (*core.Role, error) {
	var v core.Validator
	switch {
	case !roleName.MatchString(name):
		v.Add("name", "role.name_invalid")
	case name == core.RolePlatformAdmin:
		v.Add("name", "role.reserved")
	}
	seen := map[core.Permission]bool{}
	rules := [][]string{}
	for i, g := range grants {
		if !a.validGrant(g) {
			v.Add(fmt.Sprintf("grants[%d]", i), "permission.unknown", g.String())
			continue
		}
		if !seen[g] {
			seen[g] = true
			rules = append(rules, []string{name, t.ID, g.Object, g.Action})
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := a.changed(ctx, t); err != nil { // locks the tenant's row first
		return nil, err
	}
	ad, err := a.adapter(ctx)
	if err != nil {
		return nil, err
	}
	if err := ad.RemoveFilteredPolicy("p", "p", 0, name, t.ID); err != nil {
		return nil, fmt.Errorf("authz: put role: %w", err)
	}
	if len(rules) > 0 {
		if err := ad.AddPolicies("p", "p", rules); err != nil {
			return nil, fmt.Errorf("authz: put role: %w", err)
		}
	}
	roles, err := a.Roles(ctx, t)
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if r.Name == name {
			return r, nil
		}
	}
	return &core.Role{Name: name}, nil
}

// changed bumps the tenant's policy version and drops the local cache.
func (a *Authorizer) changed(ctx context.Context, t *tenants.Tenant) error {
	a.forget(t.ID)
	v, err := a.bumper.BumpPolicyVersion(ctx, t.ID)
	if err != nil {
		return err
	}
	t.PolicyVersion = v
	return nil
}

// roleExists asks the table, not the enforcer: loading the tenant's whole
// policy to answer it made assigning roles to n users cost n² (each
// assignment drops the cache, the next one loaded every rule again).
func (a *Authorizer) roleExists(ctx context.Context, t *tenants.Tenant, name string) (bool, error) {
	if slices.Contains(core.BuiltinRoles, name) {
		return true, nil
	}
	var n int64
	err := a.conn(ctx).Table("casbin_rule").Where("ptype = 'p' AND v0 = ? AND v1 = ?", name, t.ID).Limit(1).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("authz: role %s: %w", name, err)
	}
	return n > 0, nil
}

// DeleteRole implements core.Authorizer.
func (a *Authorizer) DeleteRole(ctx context.Context, t *tenants.Tenant, name string) error {
	if slices.Contains(core.BuiltinRoles, name) {
		return core.Errorf(core.ECONFLICT, "role.builtin")
	}
	if err := a.changed(ctx, t); err != nil { // locks the tenant's row first
		return err
	}
	ok, err := a.roleExists(ctx, t, name)
	if err != nil {
		return err
	}
	if !ok {
		return core.Errorf(core.ENOTFOUND, "role.not_found")
	}
	ad, err := a.adapter(ctx)
	if err != nil {
		return err
	}
	if err := ad.RemoveFilteredPolicy("p", "p", 0, name, t.ID); err != nil {
		return fmt.Errorf("authz: delete role: %w", err)
	}
	if err := ad.RemoveFilteredPolicy("g", "g", 1, name, t.ID); err != nil {
		return fmt.Errorf("authz: delete role: %w", err)
	}
	return nil
}

// UserRoles implements core.Authorizer.
func (a *Authorizer) UserRoles(ctx context.Context, t *tenants.Tenant, userID string) ([]string, error) {
	e, err := a.enforcer(ctx, t.ID, t.PolicyVersion)
	if err != nil {
		return nil, err
	}
	roles := e.GetRolesForUserInDomain(subject(userID), t.ID)
	sort.Strings(roles)
	return roles, nil
}

// SetUserRoles implements core.Authorizer.
func (a *Authorizer) SetUserRoles(ctx context.Context, t *tenants.Tenant, userID string, roles []string) error {
	// Bump first: it locks the tenant's row, so a role deleted meanwhile
	// cannot be assigned after it was found to exist.
	if err := a.changed(ctx, t); err != nil {
		return err
	}
	var v core.Validator
	rules := [][]string{}
	for i, r := range roles {
		ok, err := a.roleExists(ctx, t, r)
		if err != nil {
			return err
		}
		if !ok {
			v.Add(fmt.Sprintf("roles[%d]", i), "role.unknown", r)
			continue
		}
		rule := []string{subject(userID), r, t.ID}
		if !slices.ContainsFunc(rules, func(x []string) bool { return slices.Equal(x, rule) }) {
			rules = append(rules, rule)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	ad, err := a.adapter(ctx)
	if err != nil {
		return err
	}
	if err := ad.RemoveFilteredPolicy("g", "g", 0, subject(userID), "", t.ID); err != nil {
		return fmt.Errorf("authz: set roles: %w", err)
	}
	if len(rules) > 0 {
		if err := ad.AddPolicies("g", "g", rules); err != nil {
			return fmt.Errorf("authz: set roles: %w", err)
		}
	}
	return nil
}

// GrantPlatformAdmin implements core.Authorizer.
func (a *Authorizer) GrantPlatformAdmin(ctx context.Context, userID string) error {
	ad, err := a.adapter(ctx)
	if err != nil {
		return err
	}
	err = ad.AddPolicy("g", "g", []string{subject(userID), core.RolePlatformAdmin, core.PlatformDomain})
	if err != nil && !isDuplicate(err) {
		return fmt.Errorf("authz: grant platform admin: %w", err)
	}
	a.forget(core.PlatformDomain)
	return nil
}

// GrantDefaults adds grants to the tenant's built-in roles (a scene's
// default permissions when it is enabled), keeping any already there.
func (a *Authorizer) GrantDefaults(ctx context.Context, t *tenants.Tenant, grants map[string][]core.Permission) error {
	e, err := a.enforcer(ctx, t.ID, t.PolicyVersion)
	if err != nil {
		return err
	}
	var rules [][]string
	for role, perms := range grants {
		if !slices.Contains(core.BuiltinRoles, role) {
			return fmt.Errorf("authz: grant defaults: %q is not a built-in role", role)
		}
		for _, p := range perms {
			rule := []string{role, t.ID, p.Object, p.Action}
			if has, _ := e.HasPolicy(rule[0], rule[1], rule[2], rule[3]); !has {
				rules = append(rules, rule)
			}
		}
	}
	if len(rules) == 0 {
		return nil
	}
	ad, err := a.adapter(ctx)
	if err != nil {
		return err
	}
	if err := ad.AddPolicies("p", "p", rules); err != nil {
		return fmt.Errorf("authz: grant defaults: %w", err)
	}
	return a.changed(ctx, t)
}
