package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// Access says who may call a route. Every route declares one where it is
// registered; the zero value is invalid and refused at start-up.
type Access struct {
	kind accessKind
	perm core.Permission
}

type accessKind int

const (
	accessUnset accessKind = iota
	accessPublic
	accessSignedIn
	accessPermission
	accessPlatform
	accessScene
)

// Public routes need no credentials (login, health).
func Public() Access { return Access{kind: accessPublic} }

// SignedIn routes need any valid credentials of the tenant (the caller's own
// profile, logout).
func SignedIn() Access { return Access{kind: accessSignedIn} }

// Perm routes need the permission in the tenant (or, for reads, in an
// ancestor tenant holding descendants:read).
func Perm(object, action string) Access {
	return Access{kind: accessPermission, perm: core.Permission{Object: object, Action: action}}
}

// Platform routes need the permission in the platform domain.
func Platform(object, action string) Access {
	return Access{kind: accessPlatform, perm: core.Permission{Object: object, Action: action}}
}

// SceneRoute routes need what the scene's manifest declares for the
// matched route: checked per request, after the scene is resolved.
func SceneRoute() Access { return Access{kind: accessScene} }

// String describes the access for docs and tests.
func (a Access) String() string {
	switch a.kind {
	case accessPublic:
		return "public"
	case accessSignedIn:
		return "signed-in"
	case accessPermission:
		return a.perm.String()
	case accessPlatform:
		return "platform:" + a.perm.String()
	case accessScene:
		return "scene"
	}
	return "unset"
}

// Route is one endpoint: how it is reached, who may call it, and what it
// takes and returns (for the OpenAPI document).
type Route struct {
	Method  string
	Path    string // under /api/v1, fiber syntax: /t/:tenant/deputies/:id
	Summary string
	Tag     string
	Access  Access
	Query   any // struct with `query` tags, for docs
	Body    any // request body type, for docs
	Resp    any // response body type, for docs (nil: no body)
	Status  int // success status, default 200
	// OwnTx routes manage their transactions themselves (login must commit
	// a failed attempt even though it answers with an error).
	OwnTx bool
	// Secret routes return a secret shown once; a retried POST with the same
	// Idempotency-Key is refused rather than replayed.
	Secret bool
	// RawBody routes take a non-JSON body (photo uploads) of this type.
	RawBody string

	handler fiber.Handler
}

// Routes returns every registered route (for docs and tests).
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }
