package api

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/renda-platform/renda/core"
)

// AuditEntryJSON is one audit log entry.
type AuditEntryJSON struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	ActorID    string    `json:"actor_id"`
	ActorName  string    `json:"actor_name"`
	Action     string    `json:"action"`
	TargetType string    `json:"target_type"`
	TargetID   string    `json:"target_id"`
	Before     string    `json:"before,omitempty"`
	After      string    `json:"after,omitempty"`
	RequestID  string    `json:"request_id,omitempty"`
	Source     string    `json:"source"`
	Hash       string    `json:"hash"`
}

// AuditVerificationJSON is the result of checking the chain.
type AuditVerificationJSON struct {
	OK       bool   `json:"ok"`
	Entries  int64  `json:"entries"`
	FirstBad int64  `json:"first_bad,omitempty"`
	Problem  string `json:"problem,omitempty"`
}

type auditQuery struct {
	Actor      string `query:"actor" doc:"actor user id"`
	Action     string `query:"action" doc:"e.g. deputy.update"`
	TargetType string `query:"target_type"`
	TargetID   string `query:"target_id"`
	From       string `query:"from" doc:"RFC 3339 time, inclusive"`
	To         string `query:"to" doc:"RFC 3339 time, exclusive"`
	pageQuery
}

func auditJSON(e *core.AuditEntry) AuditEntryJSON {
	return AuditEntryJSON{Seq: e.Seq, At: e.At, ActorID: e.ActorID, ActorName: e.ActorName, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, Before: e.Before, After: e.After, RequestID: e.RequestID,
		Source: e.Source, Hash: e.Hash}
}

func (s *Server) auditRoutes() []Route {
	read := Perm(core.ObjAudit, core.ActRead)
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/audit", Summary: "The audit log, newest first", Tag: "audit",
			Access: read, Query: auditQuery{}, Resp: PageJSON[AuditEntryJSON]{}, handler: s.listAudit},
		{Method: http.MethodGet, Path: "/t/:tenant/audit/verify", Summary: "Recompute the audit hash chain", Tag: "audit",
			Access: read, Resp: AuditVerificationJSON{}, handler: s.verifyAudit},
	}
}

func (s *Server) listAudit(c *fiber.Ctx) error {
	var v core.Validator
	f := core.AuditFilter{ActorID: c.Query("actor"), Action: c.Query("action"), TargetType: c.Query("target_type"),
		TargetID: c.Query("target_id"), From: timeQuery(c, "from", &v), To: timeQuery(c, "to", &v), PageRequest: pageRequest(c, &v)}
	for name, val := range map[string]string{"actor": f.ActorID, "action": f.Action, "target_type": f.TargetType, "target_id": f.TargetID} {
		v.MaxLen(name, val, 100)
	}
	if err := v.Err(); err != nil {
		return err
	}
	p, err := s.svc.Audit.ListAudit(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(pageOf(p, auditJSON))
}

func (s *Server) verifyAudit(c *fiber.Ctx) error {
	res, err := s.svc.Audit.VerifyAudit(c.UserContext(), tenantOf(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(AuditVerificationJSON{OK: res.OK, Entries: res.Entries, FirstBad: res.FirstBad, Problem: res.Problem})
}
