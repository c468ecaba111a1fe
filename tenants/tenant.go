// Package tenants models the congresses that share the platform: a city
// congress, the district and county congresses under it, and their townships.
// Every piece of data in Renda belongs to exactly one tenant.
//
// The package is a leaf: it imports no framework, so every layer can use it.
package tenants

import (
	"regexp"
	"strings"
	"time"
)

// Level is the administrative level of a congress.
type Level string

// The levels, from the top down.
const (
	LevelCity     Level = "city"
	LevelDistrict Level = "district" // district or county
	LevelTownship Level = "township"
)

// Valid reports whether l is one of the known levels.
func (l Level) Valid() bool {
	return l == LevelCity || l == LevelDistrict || l == LevelTownship
}

// Below reports whether a congress of level l may sit directly under one of
// level parent.
func (l Level) Below(parent Level) bool {
	switch l {
	case LevelDistrict:
		return parent == LevelCity
	case LevelTownship:
		return parent == LevelDistrict
	}
	return false
}

// Status is the lifecycle state of a tenant.
type Status string

// Tenant states. Only an active tenant serves logins and calls.
const (
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
	StatusArchived  Status = "archived"
)

// Tenant is one congress.
type Tenant struct {
	ID           string
	Slug         string // short lowercase name used in URLs, e.g. "haishu"
	Level        Level
	ParentID     string // empty for a top-level (city) congress
	Path         string // "/<root id>/.../<own id>/": ancestry, for descendant checks
	DivisionCode string // administrative-division code, e.g. "330203"
	NameZH       string
	NameEN       string
	Status       Status
	// PolicyVersion changes whenever the tenant's roles or grants change, so
	// that every server instance reloads its authorization cache.
	PolicyVersion int64
	// ScenesVersion changes whenever the tenant's scene configuration
	// changes, for the same reason.
	ScenesVersion int64
	ArchivedAt    *time.Time
	ExportedAt    *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// IsAncestorOf reports whether t sits above other (strictly).
func (t *Tenant) IsAncestorOf(other *Tenant) bool {
	return t.ID != other.ID && strings.HasPrefix(other.Path, t.Path)
}

// Name returns the tenant's name in the given language ("zh-CN" or "en").
func (t *Tenant) Name(lang string) string {
	if strings.HasPrefix(lang, "en") {
		return t.NameEN
	}
	return t.NameZH
}

var (
	slugPattern     = regexp.MustCompile(`^[a-z][a-z0-9-]{1,38}[a-z0-9]$`)
	divisionPattern = regexp.MustCompile(`^[0-9]{6}([0-9]{3})?$`)
)

// ValidSlug reports whether s can name a tenant in URLs: 3 to 40 lowercase
// letters, digits and dashes, starting with a letter.
func ValidSlug(s string) bool { return slugPattern.MatchString(s) }

// ValidDivisionCode reports whether s looks like an administrative-division
// code: six digits (county level and above) or nine (township level).
func ValidDivisionCode(s string) bool { return divisionPattern.MatchString(s) }
