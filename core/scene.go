package core

import (
	"context"
	"time"
)

// SceneRelease is one installed version of a scene plugin: its binary, the
// binary's SHA-256 (checked each time the process starts) and the manifest
// it reported at install time, as JSON.
type SceneRelease struct {
	SceneID     string
	Version     string
	BinaryPath  string
	SHA256      string
	Manifest    string
	InstalledAt time.Time
}

// TenantScene is a scene as one tenant runs it: the version it pinned,
// whether it is on, and its settings (JSON, valid against the manifest's
// schema).
type TenantScene struct {
	TenantID string
	SceneID  string
	Version  string
	Enabled  bool
	Settings string
	// AllowedHosts are the hosts (host or host:port) the scene may call
	// through the host's outbound HTTP in this tenant.
	AllowedHosts []string
	// SigningSecret signs the scene's outbound requests in this tenant, so
	// the receiving platform can check they come from Renda.
	SigningSecret string
	UpdatedAt     time.Time
}

// SceneDocument is a JSON object a scene stores in one of its collections.
type SceneDocument struct {
	TenantID   string
	Collection string
	ID         string
	Version    int64
	Data       []byte
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// DocField is a declared, indexed field of a collection.
type DocField struct {
	Name string
	Type string // string, number, time, bool
}

// DocFilter compares a declared field.
type DocFilter struct {
	Field  DocField
	Op     string // eq, ne, lt, lte, gt, gte, in, prefix
	Values []string
}

// DocQuery selects documents of one collection.
type DocQuery struct {
	Filters []DocFilter
	Sort    *DocField // nil: created_at
	Desc    bool
	Limit   int
	Cursor  string
}

// DocGroup is one row of an aggregate.
type DocGroup struct {
	Key   string
	Count int64
	Sum   float64
}

// DocWrite is one write of a batch.
type DocWrite struct {
	Op         string // create, update, delete
	Collection string
	ID         string
	Version    int64
	Data       []byte
}

// SceneStore keeps the scene catalog, each tenant's scenes, and the scenes'
// documents. Document methods run in the context's tenant scope, for the
// one scene named: a scene's documents are private to it and its tenant.
type SceneStore interface {
	// InstallScene records a release. ECONFLICT if that version is already
	// installed from a different binary.
	InstallScene(ctx context.Context, r SceneRelease) error
	// SceneReleases lists every installed release.
	SceneReleases(ctx context.Context) ([]*SceneRelease, error)
	// EnsureSceneIndex creates the index a manifest declares (PostgreSQL).
	EnsureSceneIndex(ctx context.Context, sceneID, collection string, f DocField) error

	// TenantScenes lists the scope tenant's scenes.
	TenantScenes(ctx context.Context) ([]*TenantScene, error)
	// TenantScene returns one, or ENOTFOUND.
	TenantScene(ctx context.Context, sceneID string) (*TenantScene, error)
	// PutTenantScene enables, disables, pins or configures a scene.
	PutTenantScene(ctx context.Context, ts TenantScene) (*TenantScene, error)

	CreateDocument(ctx context.Context, sceneID, collection, id string, data []byte) (*SceneDocument, error)
	GetDocument(ctx context.Context, sceneID, collection, id string) (*SceneDocument, error)
	UpdateDocument(ctx context.Context, sceneID, collection, id string, version int64, data []byte) (*SceneDocument, error)
	DeleteDocument(ctx context.Context, sceneID, collection, id string, version int64) error
	QueryDocuments(ctx context.Context, sceneID, collection string, q DocQuery) (Page[*SceneDocument], error)
	AggregateDocuments(ctx context.Context, sceneID, collection string, filters []DocFilter, groupBy, sum *DocField) ([]DocGroup, error)
}

// SceneEvent is an event a scene published, kept in the outbox.
type SceneEvent struct {
	ID         string
	Source     string // the publishing scene's id
	Origin     string // for an event escalated from a congress below: its slug
	Type       string
	Payload    []byte
	OccurredAt time.Time
}

// Delivery is one subscriber's copy of an event, retried until delivered
// or dead.
type Delivery struct {
	TenantID    string
	Event       SceneEvent
	Subscriber  string // a scene id
	Attempts    int
	NextAt      time.Time
	DeliveredAt *time.Time
	DeadAt      *time.Time
	LastError   string
}

// EventStore is the scene events' outbox and delivery ledger, in the
// context's tenant scope.
type EventStore interface {
	// PublishEvent records an event and a delivery per subscriber, in the
	// context's transaction (so with the writes it describes).
	PublishEvent(ctx context.Context, source, typ string, payload []byte, subscribers []string) (*SceneEvent, error)
	// EscalateEvent records, in the context's tenant (a parent), a copy of
	// an event that happened in the congress origin below it.
	EscalateEvent(ctx context.Context, e SceneEvent, origin string, subscribers []string) (*SceneEvent, error)
	// ClaimDeliveries takes up to limit due deliveries and hides them from
	// other claimers for lease; each Delivery's NextAt is its lease's end.
	ClaimDeliveries(ctx context.Context, limit int, lease time.Duration) ([]*Delivery, error)
	// DeliveryDone records the outcome of an attempt: err "" for delivered;
	// otherwise the next attempt's time, or dead. It changes nothing if the
	// lease (leaseEnd, from the claim) was lost to another claimer.
	DeliveryDone(ctx context.Context, eventID, subscriber string, leaseEnd time.Time, errText string, next time.Time, dead bool) error
	// Deliveries lists deliveries, dead ones only if dead.
	Deliveries(ctx context.Context, dead bool, p PageRequest) (Page[*Delivery], error)
	// ReplayDelivery makes a delivery due again. ENOTFOUND if unknown.
	ReplayDelivery(ctx context.Context, eventID, subscriber string) error
}

// Notification is a message in a user's in-app inbox.
type Notification struct {
	ID        string
	UserID    string
	Source    string // "core" or a scene id
	TitleZH   string
	TitleEN   string
	BodyZH    string
	BodyEN    string
	Link      string
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Timer is a durable, one-shot run of a scene's job in a tenant. Scheduling
// the same key again replaces it. Cron jobs are timers that reschedule
// themselves (key "cron:<job>").
type Timer struct {
	TenantID string
	SceneID  string
	Key      string
	Job      string
	DueAt    time.Time
	Payload  []byte
	Attempts int
}

// InboxStore keeps users' notifications, in the context's tenant scope.
type InboxStore interface {
	// Notify puts one notification per user; ENOTFOUND names an unknown user.
	Notify(ctx context.Context, n Notification, userIDs []string) error
	// Inbox lists a user's notifications, newest first.
	Inbox(ctx context.Context, userID string, unreadOnly bool, p PageRequest) (Page[*Notification], error)
	// MarkRead marks a user's notification read.
	MarkRead(ctx context.Context, userID, id string) error
}

// TimerStore keeps scenes' durable timers, in the context's tenant scope.
type TimerStore interface {
	PutTimer(ctx context.Context, t Timer, onlyIfMissing bool) error
	// ClaimTimers takes up to limit due timers and hides them for lease.
	ClaimTimers(ctx context.Context, limit int, lease time.Duration) ([]*Timer, error)
	// TimerDone deletes a fired timer, or reschedules a failed one at retry
	// (dead: delete it and keep the error in the log).
	TimerDone(ctx context.Context, sceneID, key string, due time.Time, errText string, retry *time.Time) error
}

// File is an attachment a scene stored.
type File struct {
	ID          string
	SceneID     string
	Name        string
	ContentType string
	Size        int64
	SHA256      string
	CreatedBy   string
	CreatedAt   time.Time
}

// MaxFileBytes bounds one attachment.
const MaxFileBytes = 10 << 20

// FileStore keeps scenes' attachments, in the context's tenant scope.
type FileStore interface {
	// PutFile stores data after sniffing its type: JPEG, PNG, WebP or PDF.
	// EINVALID for another type, an empty or an oversize file.
	PutFile(ctx context.Context, sceneID, name string, data []byte) (*File, error)
	// GetFile returns a scene's file, or ENOTFOUND.
	GetFile(ctx context.Context, sceneID, id string) (*File, []byte, error)
}
