package scene

import (
	"context"
	"encoding/json"
	"time"
)

// Host is the services the platform offers a scene, bound to the request,
// event or job being served. Every method fails with a *Problem of code
// "forbidden" when the manifest did not declare the capability it needs,
// or when the work it belongs to has ended.
type Host interface {
	// Store is the scene's document store in this tenant.
	Store() Store
	// Publish publishes an event (capability events).
	Publish(ctx context.Context, typ string, payload any) (string, error)
	// Deputies searches the tenant's deputies (capability directory).
	Deputies(ctx context.Context, query string, limit int, cursor string) ([]DirectoryEntry, string, error)
	// Users searches the tenant's users (capability directory).
	Users(ctx context.Context, query string, limit int, cursor string) ([]DirectoryEntry, string, error)
	// Departments lists the tenant's active government departments
	// (capability directory).
	Departments(ctx context.Context) ([]DirectoryEntry, error)
	// Roles lists the tenant's roles (capability directory).
	Roles(ctx context.Context) ([]DirectoryEntry, error)
	// Congresses lists the active congresses of the tenant's line, those
	// above it and those below it (capability directory): ID is the slug,
	// Name the Chinese name, Kind the level (city, district, township),
	// Attributes "relation" (ancestor or descendant), "parent" (the slug
	// of the congress above it) and "name_en".
	Congresses(ctx context.Context) ([]DirectoryEntry, error)
	// RecordDuty adds to a deputy's duty archive (capability duty).
	RecordDuty(ctx context.Context, a DutyActivity) (string, error)
	// Audit records an action in the tenant's audit log (capability audit).
	Audit(ctx context.Context, action, targetType, targetID string, before, after any) error
	// Notify puts a message in users' inboxes (capability notifications).
	Notify(ctx context.Context, userIDs []string, title, body Text, link string) error
	// Schedule runs a job at a time, durably (capability scheduler).
	Schedule(ctx context.Context, job string, at time.Time, key string, payload any) error
	// HTTP calls a host the tenant allowed for this scene (capability http).
	// The host signs the request and follows no redirects; any other host
	// is refused with a forbidden Problem.
	HTTP(ctx context.Context, req HTTPRequest) (*HTTPResponse, error)
	// PutFile stores an attachment (capability files): JPEG, PNG, WebP or
	// PDF, sniffed from the bytes, at most 10 MB.
	PutFile(ctx context.Context, name string, data []byte) (*File, error)
	// GetFile returns an attachment stored by this scene in this tenant.
	GetFile(ctx context.Context, id string) (*File, []byte, error)
}

// HTTPRequest is an outbound request.
type HTTPRequest struct {
	Method  string
	URL     string
	Headers map[string]string
	Body    []byte
	Timeout time.Duration // 0: the host's default; capped at 10 s
}

// HTTPResponse is the answer to an outbound request.
type HTTPResponse struct {
	Status  int
	Headers map[string]string
	Body    []byte
}

// File is a stored attachment.
type File struct {
	ID          string
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	CreatedAt   time.Time
}

// Store is a document store: JSON objects in the collections the manifest
// declares, private to the scene and the tenant.
type Store interface {
	// Create stores a new document; id may be empty (the host makes one).
	// A conflict Problem if the id is taken.
	Create(ctx context.Context, collection, id string, data any) (*Document, error)
	// Get returns a document, or a not_found Problem.
	Get(ctx context.Context, collection, id string) (*Document, error)
	// Update replaces a document's data if its version is still version,
	// else a conflict Problem.
	Update(ctx context.Context, collection, id string, version int64, data any) (*Document, error)
	// Delete removes a document (version 0: whatever its version).
	Delete(ctx context.Context, collection, id string, version int64) error
	// Query lists documents matching every filter.
	Query(ctx context.Context, collection string, q Query) ([]*Document, string, error)
	// Aggregate counts (and sums) documents, grouped by a field or not.
	Aggregate(ctx context.Context, collection string, filters []Filter, groupBy, sum string) ([]Group, error)
	// Batch applies writes, publishes events and records audit entries
	// (capability audit) in one transaction: all of them, or none. It is
	// BatchWith with audit entries only.
	Batch(ctx context.Context, writes []Write, events []EventDraft, audits ...AuditDraft) ([]*Document, error)
	// BatchWith applies writes and publishes events in one transaction,
	// with what the extras add to it: audit entries (AuditDraft, capability
	// audit), timers (TimerDraft, capability scheduler) and duty archive
	// entries (DutyActivity, capability duty), each checked as Host.Audit,
	// Host.Schedule and Host.RecordDuty check it: all of them, or none. A
	// missing capability fails with a forbidden Problem and an undeclared
	// job or duty kind with an invalid one, before anything is written. A
	// batch holds at least one item, and at most 100 of each kind.
	BatchWith(ctx context.Context, writes []Write, events []EventDraft, extras ...BatchExtra) ([]*Document, error)
}

// Document is a stored JSON object.
type Document struct {
	Collection string
	ID         string
	Version    int64
	Data       json.RawMessage
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// Tenant is the slug of the congress the document belongs to; in a
	// city-wide read it may be one below the request's.
	Tenant string
}

// Decode unmarshals the document's data into v.
func (d *Document) Decode(v any) error { return json.Unmarshal(d.Data, v) }

// Query selects documents. Filters and Sort name indexed fields only.
type Query struct {
	Filters []Filter
	Sort    string // field, "-field" for descending; default -created_at
	Limit   int
	Cursor  string
}

// Filter compares an indexed field: eq, ne, lt, lte, gt, gte, in, prefix.
type Filter struct {
	Field  string
	Op     string
	Values []string
}

// Eq is a shorthand for an equality filter.
func Eq(field, value string) Filter { return Filter{Field: field, Op: "eq", Values: []string{value}} }

// Group is one row of an aggregate.
type Group struct {
	Key   string
	Count int64
	Sum   float64
}

// Write is one write of a batch: create, update or delete.
type Write struct {
	Op         string
	Collection string
	ID         string
	Version    int64
	Data       any
}

// EventDraft is an event to publish with a batch.
type EventDraft struct {
	Type    string
	Payload any
	// To addresses the event to other congresses of the tenant's line (see
	// Host.Congresses) by slug; its type must be among the manifest's
	// Relays. Empty: published in the tenant only, as usual.
	To []string
}

// AuditDraft is an audit entry to record with a batch (protocol 1), as
// Host.Audit records one: by the principal of the request, event or job,
// but in the batch's transaction, so a write and its audit entry are
// stored together or not at all.
type AuditDraft struct {
	Action     string
	TargetType string
	TargetID   string
	Before     any
	After      any
}

// TimerDraft is a timer to schedule with a batch (protocol 1), as
// Host.Schedule schedules one: Job is declared in the manifest, and a
// timer scheduled again with the same Key replaces it ("" makes a new
// one). It is scheduled in the batch's transaction, so a write and the
// timer that follows from it are stored together or not at all.
type TimerDraft struct {
	Job     string
	At      time.Time
	Key     string
	Payload any
}

// BatchExtra is what Store.BatchWith records with a batch's writes and
// events: an AuditDraft, a TimerDraft or a DutyActivity, or a pointer to
// one (a nil pointer adds nothing, so an optional entry can be passed as
// it is). Only these types implement it.
type BatchExtra interface{ batchExtra() }

func (AuditDraft) batchExtra()   {}
func (TimerDraft) batchExtra()   {}
func (DutyActivity) batchExtra() {}

// batchExtras sorts a batch's extras by kind, leaving out nil ones.
func batchExtras(extras []BatchExtra) (audits []AuditDraft, timers []TimerDraft, duties []DutyActivity) {
	for _, x := range extras {
		switch x := x.(type) {
		case AuditDraft:
			audits = append(audits, x)
		case *AuditDraft:
			if x != nil {
				audits = append(audits, *x)
			}
		case TimerDraft:
			timers = append(timers, x)
		case *TimerDraft:
			if x != nil {
				timers = append(timers, *x)
			}
		case DutyActivity:
			duties = append(duties, x)
		case *DutyActivity:
			if x != nil {
				duties = append(duties, *x)
			}
		}
	}
	return audits, timers, duties
}

// DirectoryEntry is a deputy or user of the tenant.
type DirectoryEntry struct {
	ID         string
	Name       string
	Kind       string
	Attributes map[string]string
}

// DutyActivity is an act of a deputy for their duty archive, recorded
// alone (Host.RecordDuty) or with a batch (Store.BatchWith, protocol 1).
type DutyActivity struct {
	DeputyID   string
	Kind       string // declared in the manifest's DutyKinds
	Ref        string
	Title      string
	OccurredAt time.Time
}
