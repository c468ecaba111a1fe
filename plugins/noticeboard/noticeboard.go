// Package noticeboard is the example scene: a congress's notice board
// (公告栏). Staff post notices, deputies read them, and published notices
// are public. It uses the scene SDK only, like every scene, and serves as
// the plugin authors' guide's worked example.
package noticeboard

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// ID is the scene's id.
const ID = "renda.notice-board"

// Notice is one notice.
type Notice struct {
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	Status      string    `json:"status"` // draft or published
	Pinned      bool      `json:"pinned"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	Author      string    `json:"author"`
}

// NoticeInput is what staff send.
type NoticeInput struct {
	Title   string `json:"title"`
	Body    string `json:"body"`
	Publish bool   `json:"publish"`
	Pinned  bool   `json:"pinned"`
	Version int64  `json:"version,omitempty"`
}

// Validate checks the input.
func (in NoticeInput) Validate() error {
	var v scene.Validator
	v.Required("title", strings.TrimSpace(in.Title))
	v.MaxLen("title", in.Title, 100)
	v.MaxLen("body", in.Body, 5000)
	return v.Err()
}

// NoticeJSON is a notice as the API shows it.
type NoticeJSON struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Notice
}

// ListJSON is a page of notices.
type ListJSON struct {
	Items        []NoticeJSON `json:"items"`
	NextCursor   string       `json:"next_cursor,omitempty"`
	SceneVersion string       `json:"scene_version"`
}

// Settings are a tenant's settings for the scene.
type Settings struct {
	MaxPinned int `json:"max_pinned"`
}

const settingsSchema = `{
  "type": "object",
  "properties": {
    "max_pinned": {"type": "integer", "minimum": 0, "maximum": 10, "description": "how many notices may be pinned at once"}
  },
  "additionalProperties": false
}`

const collection = "notices"

// EventPublished is published, with the notice's id and title, when a
// notice is published.
const EventPublished = "notice.published"

// PublishedEvent is the payload of EventPublished.
type PublishedEvent struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

var errNotFound = scene.NotFound("notice.not_found", scene.T("找不到该公告。", "No such notice."))

// New returns the scene at the given version.
func New(version string) *scene.Scene {
	s := scene.New(scene.Manifest{
		ID:          ID,
		Version:     version,
		Title:       scene.T("公告栏", "Notice board"),
		Description: scene.T("人大常委会向代表和群众发布通知公告。", "Notices from the standing committee to deputies and the public."),
		Permissions: []scene.PermissionDef{
			{Object: "notices", Action: "read", Title: scene.T("查看公告", "Read notices"), DefaultRoles: []string{"tenant_admin", "staff", "deputy"}},
			{Object: "notices", Action: "write", Title: scene.T("发布公告", "Post notices"), DefaultRoles: []string{"tenant_admin", "staff"}},
		},
		Collections: []scene.Collection{{Name: collection, Indexes: []scene.IndexedField{
			{Field: "status", Type: "string"}, {Field: "published_at", Type: "time"}, {Field: "pinned", Type: "bool"},
		}}},
		Settings:     settingsSchema,
		Publishes:    []string{EventPublished},
		Capabilities: []string{scene.CapStore, scene.CapAudit, scene.CapEvents},
		Pages:        pages(),
	})
	b := &board{version: version}
	s.Handle(http.MethodGet, "/notices", "notices:read", scene.T("公告列表", "List notices"), b.list)
	s.Handle(http.MethodPost, "/notices", "notices:write", scene.T("新建公告", "Post a notice"), b.create)
	s.Handle(http.MethodGet, "/notices/{id}", "notices:read", scene.T("查看公告", "Read a notice"), b.get)
	s.Handle(http.MethodPut, "/notices/{id}", "notices:write", scene.T("修改公告", "Edit a notice"), b.update)
	s.Handle(http.MethodDelete, "/notices/{id}", "notices:write", scene.T("删除公告", "Delete a notice"), b.remove)
	s.Handle(http.MethodGet, "/stats", "notices:read", scene.T("公告统计", "Notice counts"), b.stats)
	s.Public(http.MethodGet, "/public/notices", scene.T("公开的公告", "Published notices"), b.public)
	return s
}

type board struct{ version string }

// newID makes a notice id: time-ordered and unique.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("n%x%x", time.Now().UnixNano(), b)
}

func out(d *scene.Document) (NoticeJSON, error) {
	n := NoticeJSON{ID: d.ID, Version: d.Version}
	return n, d.Decode(&n.Notice)
}

func (b *board) page(ctx context.Context, r *scene.Request, filters []scene.Filter) (*scene.Response, error) {
	docs, next, err := r.Host.Store().Query(ctx, collection, scene.Query{Filters: filters, Sort: "-created_at", Limit: 20, Cursor: r.QueryValue("cursor")})
	if err != nil {
		return nil, err
	}
	list := ListJSON{Items: []NoticeJSON{}, NextCursor: next, SceneVersion: b.version}
	for _, d := range docs {
		n, err := out(d)
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, n)
	}
	return scene.JSON(http.StatusOK, list)
}

func (b *board) list(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var filters []scene.Filter
	if st := r.QueryValue("status"); st != "" {
		filters = append(filters, scene.Eq("status", st))
	}
	return b.page(ctx, r, filters)
}

func (b *board) public(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	return b.page(ctx, r, []scene.Filter{scene.Eq("status", "published")})
}

func (b *board) create(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in NoticeInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	if err := b.checkPinned(ctx, r, in.Pinned, ""); err != nil {
		return nil, err
	}
	n := Notice{Title: in.Title, Body: in.Body, Status: "draft", Pinned: in.Pinned, Author: r.Principal.DisplayName}
	if in.Publish {
		n.Status, n.PublishedAt = "published", time.Now().UTC()
	}
	// The notice, its event and its audit entry commit together (the host's
	// outbox): a subscriber never hears of a notice that was not stored, and
	// no notice is stored unaudited.
	id := newID()
	var events []scene.EventDraft
	if in.Publish {
		events = append(events, scene.EventDraft{Type: EventPublished, Payload: PublishedEvent{ID: id, Title: n.Title}})
	}
	docs, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "create", Collection: collection, ID: id, Data: n}}, events,
		scene.AuditDraft{Action: "notice.create", TargetType: "notice", TargetID: id, After: n})
	if err != nil {
		return nil, err
	}
	j, err := out(docs[0])
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusCreated, j)
}

// checkPinned enforces the tenant's max_pinned setting.
func (b *board) checkPinned(ctx context.Context, r *scene.Request, pinned bool, self string) error {
	if !pinned {
		return nil
	}
	s := Settings{MaxPinned: 3}
	if len(r.Settings) > 0 {
		_ = json.Unmarshal(r.Settings, &s)
	}
	docs, _, err := r.Host.Store().Query(ctx, collection, scene.Query{Filters: []scene.Filter{scene.Eq("pinned", "true")}, Limit: 50})
	if err != nil {
		return err
	}
	n := 0
	for _, d := range docs {
		if d.ID != self {
			n++
		}
	}
	if n >= s.MaxPinned {
		return scene.Invalid(scene.Field("pinned", scene.T("置顶公告已达上限。", "Too many pinned notices.")))
	}
	return nil
}

func (b *board) get(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	d, err := r.Host.Store().Get(ctx, collection, r.Param("id"))
	if err != nil {
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeNotFound {
			return nil, errNotFound
		}
		return nil, err
	}
	j, err := out(d)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, j)
}

func (b *board) update(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in NoticeInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	st := r.Host.Store()
	d, err := st.Get(ctx, collection, r.Param("id"))
	if err != nil {
		return nil, errNotFound
	}
	var n Notice
	if err := d.Decode(&n); err != nil {
		return nil, err
	}
	before := n
	if err := b.checkPinned(ctx, r, in.Pinned && !n.Pinned, d.ID); err != nil {
		return nil, err
	}
	n.Title, n.Body, n.Pinned = in.Title, in.Body, in.Pinned
	var events []scene.EventDraft
	if in.Publish && n.Status != "published" {
		n.Status, n.PublishedAt = "published", time.Now().UTC()
		events = append(events, scene.EventDraft{Type: EventPublished, Payload: PublishedEvent{ID: d.ID, Title: n.Title}})
	}
	version := in.Version
	if version == 0 {
		version = d.Version
	}
	docs, err := st.Batch(ctx, []scene.Write{{Op: "update", Collection: collection, ID: d.ID, Version: version, Data: n}}, events,
		scene.AuditDraft{Action: "notice.update", TargetType: "notice", TargetID: d.ID, Before: before, After: n})
	if err != nil {
		return nil, err
	}
	j, err := out(docs[0])
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, j)
}

func (b *board) remove(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	_, err := r.Host.Store().Batch(ctx, []scene.Write{{Op: "delete", Collection: collection, ID: r.Param("id")}}, nil,
		scene.AuditDraft{Action: "notice.delete", TargetType: "notice", TargetID: r.Param("id")})
	if err != nil {
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeNotFound {
			return nil, errNotFound
		}
		return nil, err
	}
	return scene.NoContent()
}

// StatsJSON counts notices by status.
type StatsJSON struct {
	ByStatus map[string]int64 `json:"by_status"`
}

func (b *board) stats(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	groups, err := r.Host.Store().Aggregate(ctx, collection, nil, "status", "")
	if err != nil {
		return nil, err
	}
	// Both statuses are always there: the console shows 0, not nothing.
	s := StatsJSON{ByStatus: map[string]int64{"draft": 0, "published": 0}}
	for _, g := range groups {
		s.ByStatus[g.Key] = g.Count
	}
	return scene.JSON(http.StatusOK, s)
}
