package scenetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/renda-platform/renda/plugins/scene"
)

// The limits and defaults of the real host's document store.
const (
	defaultLimit     = 50
	maxLimit         = 200
	maxDocumentBytes = 1 << 20
	maxBatchWrites   = 100
	maxFilterValues  = 100
	maxGroups        = 1000
)

var docIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$`)

// docSet is a tenant's documents: collection → id → document. Stored
// documents are never changed in place, only replaced, so a shallow copy of
// the set is a snapshot (which is how a batch rolls back).
type docSet map[string]map[string]*scene.Document

func (s docSet) clone() docSet {
	out := make(docSet, len(s))
	for c, docs := range s {
		out[c] = maps.Clone(docs)
	}
	return out
}

// fakeStore is the document store as one host binding sees it.
type fakeStore struct{ host *fakeHost }

var _ scene.Store = (*fakeStore)(nil)

func (s *fakeStore) Create(_ context.Context, collection, id string, data any) (*scene.Document, error) {
	if err := s.begin(collection); err != nil {
		return nil, err
	}
	b, err := rawJSON(data)
	if err != nil {
		return nil, err
	}
	h := s.host.h
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := s.create(h.tenant(s.host.tenant).docs, collection, id, b)
	return copyDoc(d), err
}

func (s *fakeStore) Get(_ context.Context, collection, id string) (*scene.Document, error) {
	if err := s.begin(collection); err != nil {
		return nil, err
	}
	h := s.host.h
	h.mu.Lock()
	defer h.mu.Unlock()
	d, ok := h.tenant(s.host.tenant).docs[collection][id]
	if !ok {
		return nil, problemDocNotFound()
	}
	return copyDoc(d), nil
}

func (s *fakeStore) Update(_ context.Context, collection, id string, version int64, data any) (*scene.Document, error) {
	if err := s.begin(collection); err != nil {
		return nil, err
	}
	b, err := rawJSON(data)
	if err != nil {
		return nil, err
	}
	h := s.host.h
	h.mu.Lock()
	defer h.mu.Unlock()
	d, err := s.update(h.tenant(s.host.tenant).docs, collection, id, version, b)
	return copyDoc(d), err
}

func (s *fakeStore) Delete(_ context.Context, collection, id string, version int64) error {
	if err := s.begin(collection); err != nil {
		return err
	}
	h := s.host.h
	h.mu.Lock()
	defer h.mu.Unlock()
	return s.delete(h.tenant(s.host.tenant).docs, collection, id, version)
}

// begin checks the capability and the collection, in the host's order.
func (s *fakeStore) begin(collection string) error {
	if err := s.host.enter(scene.CapStore); err != nil {
		return err
	}
	_, err := s.host.h.collection(collection)
	return err
}

func (s *fakeStore) create(docs docSet, collection, id string, data []byte) (*scene.Document, error) {
	data, err := checkDocument(id, data)
	if err != nil {
		return nil, err
	}
	if err := s.host.writable(); err != nil {
		return nil, err
	}
	h := s.host.h
	if id == "" {
		id = h.newID()
	}
	if _, taken := docs[collection][id]; taken {
		return nil, scene.Conflict("document.exists", scene.T("该文档编号已存在。", "A document with that id exists."))
	}
	now := h.now()
	d := &scene.Document{Collection: collection, ID: id, Version: 1, Data: data, CreatedAt: now, UpdatedAt: now}
	if docs[collection] == nil {
		docs[collection] = map[string]*scene.Document{}
	}
	docs[collection][id] = d
	return d, nil
}

func (s *fakeStore) update(docs docSet, collection, id string, version int64, data []byte) (*scene.Document, error) {
	data, err := checkDocument(id, data)
	if err != nil {
		return nil, err
	}
	old, ok := docs[collection][id]
	if !ok {
		return nil, problemDocNotFound()
	}
	if old.Version != version {
		return nil, problemStale(version, old.Version)
	}
	if err := s.host.writable(); err != nil {
		return nil, err
	}
	d := &scene.Document{Collection: collection, ID: id, Version: version + 1, Data: data, CreatedAt: old.CreatedAt, UpdatedAt: s.host.h.now()}
	docs[collection][id] = d
	return d, nil
}

func (s *fakeStore) delete(docs docSet, collection, id string, version int64) error {
	old, ok := docs[collection][id]
	if !ok {
		return problemDocNotFound()
	}
	if version != 0 && old.Version != version {
		return problemStale(version, old.Version)
	}
	if err := s.host.writable(); err != nil {
		return err
	}
	delete(docs[collection], id)
	return nil
}

// Batch applies every write, publishes every event and records every audit
// entry, or does nothing. A delete gives an empty document in the result,
// as it does over the wire.
func (s *fakeStore) Batch(_ context.Context, writes []scene.Write, events []scene.EventDraft, audits ...scene.AuditDraft) ([]*scene.Document, error) {
	return s.batch(writes, events, audits, nil, nil)
}

// BatchWith is Batch that also schedules timers and records duty entries,
// checked as Schedule and RecordDuty check them; a failed batch records
// none of them.
func (s *fakeStore) BatchWith(_ context.Context, writes []scene.Write, events []scene.EventDraft, extras ...scene.BatchExtra) ([]*scene.Document, error) {
	var (
		audits []scene.AuditDraft
		timers []scene.TimerDraft
		duties []scene.DutyActivity
	)
	for _, x := range extras {
		switch x := x.(type) {
		case scene.AuditDraft:
			audits = append(audits, x)
		case *scene.AuditDraft:
			if x != nil {
				audits = append(audits, *x)
			}
		case scene.TimerDraft:
			timers = append(timers, x)
		case *scene.TimerDraft:
			if x != nil {
				timers = append(timers, *x)
			}
		case scene.DutyActivity:
			duties = append(duties, x)
		case *scene.DutyActivity:
			if x != nil {
				duties = append(duties, *x)
			}
		}
	}
	return s.batch(writes, events, audits, timers, duties)
}

func (s *fakeStore) batch(writes []scene.Write, events []scene.EventDraft, audits []scene.AuditDraft, timers []scene.TimerDraft, duties []scene.DutyActivity) ([]*scene.Document, error) {
	if err := s.beginBatch(writes, events, audits, timers, duties); err != nil {
		return nil, err
	}
	sched := make([]Scheduled, len(timers))
	for i, t := range timers {
		var err error
		if sched[i], err = scheduled(t); err != nil {
			return nil, err
		}
	}
	h := s.host.h
	h.mu.Lock()
	defer h.mu.Unlock()
	td := h.tenant(s.host.tenant)
	docs := td.docs.clone()
	var out []*scene.Document
	for _, w := range writes {
		if _, err := h.collection(w.Collection); err != nil {
			return nil, err
		}
		data, err := rawJSON(w.Data)
		if err != nil {
			return nil, err
		}
		var d *scene.Document
		switch w.Op {
		case "create":
			d, err = s.create(docs, w.Collection, w.ID, data)
		case "update":
			d, err = s.update(docs, w.Collection, w.ID, w.Version, data)
		case "delete":
			err = s.delete(docs, w.Collection, w.ID, w.Version)
		default:
			err = scene.Invalid(scene.Field("op", scene.T("操作须为 create、update 或 delete。", "The op must be create, update or delete.")))
		}
		if err != nil {
			return nil, err
		}
		if d == nil {
			d = &scene.Document{}
		}
		out = append(out, copyDoc(d))
	}
	published, err := s.host.stamp(events)
	if err != nil {
		return nil, err
	}
	entries := make([]AuditEntry, len(audits))
	for i, a := range audits {
		b, err := auditJSON(a.Before)
		if err != nil {
			return nil, err
		}
		after, err := auditJSON(a.After)
		if err != nil {
			return nil, err
		}
		entries[i] = AuditEntry{Action: a.Action, TargetType: a.TargetType, TargetID: a.TargetID, Before: b, After: after,
			ActorID: s.host.actor(), At: h.now()}
	}
	scheduledNow := slices.Clone(td.scheduled)
	for _, t := range sched {
		scheduledNow = schedule(scheduledNow, t)
	}
	dutiesNow := slices.Clone(td.duties)
	for _, a := range duties {
		if dutiesNow, _, err = s.host.recordDuty(td, dutiesNow, a); err != nil {
			return nil, err
		}
	}
	td.docs = docs
	td.events = append(td.events, published...)
	td.audit = append(td.audit, entries...)
	td.scheduled = scheduledNow
	td.duties = dutiesNow
	return out, nil
}

// beginBatch checks what the real host checks before a batch's transaction:
// the capabilities it needs, its size, and the jobs and duty kinds it
// names.
func (s *fakeStore) beginBatch(writes []scene.Write, events []scene.EventDraft, audits []scene.AuditDraft, timers []scene.TimerDraft, duties []scene.DutyActivity) error {
	f := s.host
	if err := f.enter(scene.CapStore); err != nil {
		return err
	}
	for _, need := range []struct {
		n    int
		name string
	}{{len(events), scene.CapEvents}, {len(audits), scene.CapAudit}, {len(timers), scene.CapScheduler}, {len(duties), scene.CapDuty}} {
		if need.n == 0 {
			continue
		}
		if err := f.enter(need.name); err != nil {
			return err
		}
	}
	if len(writes)+len(events)+len(audits)+len(timers)+len(duties) == 0 || len(writes) > maxBatchWrites ||
		len(events) > maxBatchWrites || len(audits) > maxBatchWrites || len(timers) > maxBatchWrites || len(duties) > maxBatchWrites {
		return scene.Invalid(scene.Field("writes", scene.T("一次批量写入须有 1–100 项。", "A batch holds 1 to 100 writes.")))
	}
	for _, t := range timers {
		if err := f.declaredJob(t.Job); err != nil {
			return err
		}
	}
	for _, a := range duties {
		if err := f.declaredDutyKind(a.Kind); err != nil {
			return err
		}
	}
	return nil
}

// collection returns a collection the manifest declares.
func (h *Harness) collection(name string) (scene.Collection, error) {
	c, ok := h.manifest.Collection(name)
	if !ok {
		return c, scene.NotFound("collection.undeclared", scene.T("场景清单未声明集合“"+name+"”。", "The manifest declares no collection "+name+"."))
	}
	return c, nil
}

func indexed(c scene.Collection, name string) (scene.IndexedField, error) {
	for _, ix := range c.Indexes {
		if ix.Field == name {
			return ix, nil
		}
	}
	return scene.IndexedField{}, invalidField("field", "字段“"+name+"”未在清单中声明为索引字段。", "Field "+name+" is not an indexed field of the collection.")
}

// checkDocument checks an id and data as the real store does, and returns
// the data compacted (PostgreSQL keeps jsonb, not the bytes sent).
func checkDocument(id string, data []byte) ([]byte, error) {
	var fields []scene.FieldProblem
	if id != "" && !docIDPattern.MatchString(id) {
		fields = append(fields, scene.Field("id", scene.T("文档编号须为 1–100 个字母、数字或 _ . : -。", "Document ids are 1–100 letters, digits or _ . : -.")))
	}
	var buf bytes.Buffer
	switch {
	case len(data) > maxDocumentBytes:
		fields = append(fields, scene.Field("data", scene.T("文档不能超过 1024 KB。", "A document must be at most 1024 KB.")))
	case !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) || json.Compact(&buf, data) != nil:
		fields = append(fields, scene.Field("data", scene.T("文档须为 JSON 对象。", "A document must be a JSON object.")))
	}
	if len(fields) > 0 {
		return nil, scene.Invalid(fields...)
	}
	return buf.Bytes(), nil
}

func problemDocNotFound() *scene.Problem {
	return scene.NotFound("document.not_found", scene.T("找不到该文档。", "No such document."))
}

func problemStale(yours, now int64) *scene.Problem {
	return scene.Conflict("document.stale", scene.T(
		fmt.Sprintf("文档已被他人修改（您的版本 %d，当前版本 %d），请刷新后重试。", yours, now),
		fmt.Sprintf("The document changed meanwhile (your version %d, now %d); reload and retry.", yours, now)))
}

func invalidField(path, zh, en string) *scene.Problem {
	return scene.Invalid(scene.Field(path, scene.T(zh, en)))
}

// copyDoc returns a copy a scene may change without changing the store.
func copyDoc(d *scene.Document) *scene.Document {
	if d == nil {
		return nil
	}
	c := *d
	c.Data = bytes.Clone(d.Data)
	return &c
}

// rawJSON encodes v as the SDK does: JSON bytes pass as they are.
func rawJSON(v any) ([]byte, error) {
	switch b := v.(type) {
	case nil:
		return []byte("null"), nil
	case json.RawMessage:
		return b, nil
	case []byte:
		return b, nil
	}
	return json.Marshal(v)
}
