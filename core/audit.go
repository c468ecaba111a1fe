package core

import (
	"context"
	"time"
)

// AuditEntry is one state change: who did what to which thing, with the
// thing's state before and after. Entries of a tenant form a hash chain:
// each entry's Hash covers its content and the previous entry's Hash.
type AuditEntry struct {
	TenantID   string
	Seq        int64
	At         time.Time
	ActorID    string
	ActorName  string
	Action     string // e.g. "deputy.create"
	TargetType string
	TargetID   string
	Before     string // JSON, "" when the thing did not exist
	After      string // JSON, "" when the thing no longer exists
	RequestID  string
	Source     string // "core" or a plugin id@version#sha256
	PrevHash   string
	Hash       string
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	ActorID    string
	Action     string
	TargetType string
	TargetID   string
	From, To   *time.Time
	PageRequest
}

// AuditVerification is the result of checking a tenant's chain.
type AuditVerification struct {
	TenantID string
	Entries  int64
	OK       bool
	// FirstBad is the sequence number where the chain breaks, 0 if OK.
	FirstBad int64
	Problem  string
}

// AuditService reads and checks the audit log. Entries are written by the
// store in the same transaction as the change they describe.
type AuditService interface {
	// ListAudit returns entries of the scope's tenant, newest first.
	ListAudit(ctx context.Context, f AuditFilter) (Page[*AuditEntry], error)
	// VerifyAudit recomputes the tenant's chain and reports the first break.
	VerifyAudit(ctx context.Context, tenantID string) (*AuditVerification, error)
}

// AuditRecord is a change recorded by a caller outside the store: the API
// for authorization edits, the plugin host for scenes' actions.
type AuditRecord struct {
	Action     string
	TargetType string
	TargetID   string
	Before     any
	After      any
	Source     string // "core" when empty
}

// AuditRecorder appends entries to the audit chain of the scope's tenant.
type AuditRecorder interface {
	Record(ctx context.Context, r AuditRecord) error
}
