package scene

import (
	"context"
	"time"

	pb "github.com/renda-platform/renda/plugins/scene/internal/scenev1"
)

// remoteHost is Host on the plugin side: every call goes to the host with
// the capability of the work being served.
type remoteHost struct {
	c   pb.HostClient
	cap string
}

var (
	_ Host  = (*remoteHost)(nil)
	_ Store = (*remoteStore)(nil)
)

func (h *remoteHost) Store() Store { return &remoteStore{h: h} }

func (h *remoteHost) Publish(ctx context.Context, typ string, payload any) (string, error) {
	b, err := rawJSON(payload)
	if err != nil {
		return "", err
	}
	r, err := h.c.PublishEvent(ctx, &pb.PublishEventRequest{Capability: h.cap, Event: &pb.EventDraft{Type: typ, Payload: b}})
	return r.GetId(), errorOf(err)
}

func (h *remoteHost) directory(ctx context.Context, kind, query string, limit int, cursor string) ([]DirectoryEntry, string, error) {
	r, err := h.c.Directory(ctx, &pb.DirectoryRequest{Capability: h.cap, Kind: kind, Query: query, Limit: int32(limit), Cursor: cursor})
	if err != nil {
		return nil, "", errorOf(err)
	}
	out := make([]DirectoryEntry, len(r.GetEntries()))
	for i, e := range r.GetEntries() {
		out[i] = DirectoryEntry{ID: e.GetId(), Name: e.GetName(), Kind: e.GetKind(), Attributes: e.GetAttributes()}
	}
	return out, r.GetNextCursor(), nil
}

func (h *remoteHost) Deputies(ctx context.Context, query string, limit int, cursor string) ([]DirectoryEntry, string, error) {
	return h.directory(ctx, "deputies", query, limit, cursor)
}

func (h *remoteHost) Users(ctx context.Context, query string, limit int, cursor string) ([]DirectoryEntry, string, error) {
	return h.directory(ctx, "users", query, limit, cursor)
}

func (h *remoteHost) Departments(ctx context.Context) ([]DirectoryEntry, error) {
	out, _, err := h.directory(ctx, "departments", "", 0, "")
	return out, err
}

func (h *remoteHost) Roles(ctx context.Context) ([]DirectoryEntry, error) {
	out, _, err := h.directory(ctx, "roles", "", 0, "")
	return out, err
}

func (h *remoteHost) Congresses(ctx context.Context) ([]DirectoryEntry, error) {
	out, _, err := h.directory(ctx, "congresses", "", 0, "")
	return out, err
}

func (h *remoteHost) RecordDuty(ctx context.Context, a DutyActivity) (string, error) {
	r, err := h.c.RecordDuty(ctx, &pb.RecordDutyRequest{Capability: h.cap, DeputyId: a.DeputyID, Kind: a.Kind, Ref: a.Ref,
		Title: a.Title, OccurredAt: a.OccurredAt.UTC().Format(time.RFC3339Nano)})
	return r.GetId(), errorOf(err)
}

func (h *remoteHost) Audit(ctx context.Context, action, targetType, targetID string, before, after any) error {
	b, err := rawJSON(before)
	if err != nil {
		return err
	}
	a, err := rawJSON(after)
	if err != nil {
		return err
	}
	_, err = h.c.Audit(ctx, &pb.AuditRequest{Capability: h.cap, Action: action, TargetType: targetType, TargetId: targetID, Before: b, After: a})
	return errorOf(err)
}

func (h *remoteHost) Notify(ctx context.Context, userIDs []string, title, body Text, link string) error {
	_, err := h.c.Notify(ctx, &pb.NotifyRequest{Capability: h.cap, UserIds: userIDs, Title: textPB(title), Body: textPB(body), Link: link})
	return errorOf(err)
}

func (h *remoteHost) Schedule(ctx context.Context, job string, at time.Time, key string, payload any) error {
	b, err := rawJSON(payload)
	if err != nil {
		return err
	}
	_, err = h.c.Schedule(ctx, &pb.ScheduleRequest{Capability: h.cap, Job: job, At: at.UTC().Format(time.RFC3339Nano), Key: key, Payload: b})
	return errorOf(err)
}

func (h *remoteHost) HTTP(ctx context.Context, req HTTPRequest) (*HTTPResponse, error) {
	r, err := h.c.HTTPRequest(ctx, &pb.HTTPRequestRequest{Capability: h.cap, Method: req.Method, Url: req.URL, Headers: req.Headers,
		Body: req.Body, TimeoutMs: int32(req.Timeout / time.Millisecond)})
	if err != nil {
		return nil, errorOf(err)
	}
	return &HTTPResponse{Status: int(r.GetStatus()), Headers: r.GetHeaders(), Body: r.GetBody()}, nil
}

func (h *remoteHost) PutFile(ctx context.Context, name string, data []byte) (*File, error) {
	r, err := h.c.FilePut(ctx, &pb.FilePutRequest{Capability: h.cap, Name: name, Data: data})
	if err != nil {
		return nil, errorOf(err)
	}
	return fileOf(r.GetFile()), nil
}

func (h *remoteHost) GetFile(ctx context.Context, id string) (*File, []byte, error) {
	r, err := h.c.FileGet(ctx, &pb.FileGetRequest{Capability: h.cap, Id: id})
	if err != nil {
		return nil, nil, errorOf(err)
	}
	return fileOf(r.GetFile()), r.GetData(), nil
}

type remoteStore struct{ h *remoteHost }

func (s *remoteStore) Create(ctx context.Context, collection, id string, data any) (*Document, error) {
	b, err := rawJSON(data)
	if err != nil {
		return nil, err
	}
	r, err := s.h.c.StoreCreate(ctx, &pb.StoreCreateRequest{Capability: s.h.cap, Collection: collection, Id: id, Data: b})
	return documentOf(r.GetDocument()), errorOf(err)
}

func (s *remoteStore) Get(ctx context.Context, collection, id string) (*Document, error) {
	r, err := s.h.c.StoreGet(ctx, &pb.StoreGetRequest{Capability: s.h.cap, Collection: collection, Id: id})
	return documentOf(r.GetDocument()), errorOf(err)
}

func (s *remoteStore) Update(ctx context.Context, collection, id string, version int64, data any) (*Document, error) {
	b, err := rawJSON(data)
	if err != nil {
		return nil, err
	}
	r, err := s.h.c.StoreUpdate(ctx, &pb.StoreUpdateRequest{Capability: s.h.cap, Collection: collection, Id: id, Version: version, Data: b})
	return documentOf(r.GetDocument()), errorOf(err)
}

func (s *remoteStore) Delete(ctx context.Context, collection, id string, version int64) error {
	_, err := s.h.c.StoreDelete(ctx, &pb.StoreDeleteRequest{Capability: s.h.cap, Collection: collection, Id: id, Version: version})
	return errorOf(err)
}

func (s *remoteStore) Query(ctx context.Context, collection string, q Query) ([]*Document, string, error) {
	r, err := s.h.c.StoreQuery(ctx, &pb.StoreQueryRequest{Capability: s.h.cap, Collection: collection, Filters: filtersPB(q.Filters),
		Sort: q.Sort, Limit: int32(q.Limit), Cursor: q.Cursor})
	if err != nil {
		return nil, "", errorOf(err)
	}
	out := make([]*Document, len(r.GetDocuments()))
	for i, d := range r.GetDocuments() {
		out[i] = documentOf(d)
	}
	return out, r.GetNextCursor(), nil
}

func (s *remoteStore) Aggregate(ctx context.Context, collection string, filters []Filter, groupBy, sum string) ([]Group, error) {
	r, err := s.h.c.StoreAggregate(ctx, &pb.StoreAggregateRequest{Capability: s.h.cap, Collection: collection, Filters: filtersPB(filters), GroupBy: groupBy, Sum: sum})
	if err != nil {
		return nil, errorOf(err)
	}
	out := make([]Group, len(r.GetGroups()))
	for i, g := range r.GetGroups() {
		out[i] = Group{Key: g.GetKey(), Count: g.GetCount(), Sum: g.GetSum()}
	}
	return out, nil
}

func (s *remoteStore) Batch(ctx context.Context, writes []Write, events []EventDraft, audits ...AuditDraft) ([]*Document, error) {
	return s.batch(ctx, writes, events, audits, nil, nil)
}

func (s *remoteStore) BatchWith(ctx context.Context, writes []Write, events []EventDraft, extras ...BatchExtra) ([]*Document, error) {
	audits, timers, duties := batchExtras(extras)
	return s.batch(ctx, writes, events, audits, timers, duties)
}

func (s *remoteStore) batch(ctx context.Context, writes []Write, events []EventDraft, audits []AuditDraft, timers []TimerDraft, duties []DutyActivity) ([]*Document, error) {
	in := &pb.StoreBatchRequest{Capability: s.h.cap}
	for _, w := range writes {
		b, err := rawJSON(w.Data)
		if err != nil {
			return nil, err
		}
		in.Writes = append(in.Writes, &pb.StoreWrite{Op: w.Op, Collection: w.Collection, Id: w.ID, Version: w.Version, Data: b})
	}
	for _, e := range events {
		b, err := rawJSON(e.Payload)
		if err != nil {
			return nil, err
		}
		in.Events = append(in.Events, &pb.EventDraft{Type: e.Type, Payload: b, To: e.To})
	}
	for _, a := range audits {
		before, err := rawJSON(a.Before)
		if err != nil {
			return nil, err
		}
		after, err := rawJSON(a.After)
		if err != nil {
			return nil, err
		}
		in.Audits = append(in.Audits, &pb.AuditDraft{Action: a.Action, TargetType: a.TargetType, TargetId: a.TargetID, Before: before, After: after})
	}
	for _, t := range timers {
		b, err := rawJSON(t.Payload)
		if err != nil {
			return nil, err
		}
		in.Timers = append(in.Timers, &pb.TimerDraft{Job: t.Job, At: t.At.UTC().Format(time.RFC3339Nano), Key: t.Key, Payload: b})
	}
	for _, a := range duties {
		in.Duties = append(in.Duties, &pb.DutyDraft{DeputyId: a.DeputyID, Kind: a.Kind, Ref: a.Ref, Title: a.Title,
			OccurredAt: a.OccurredAt.UTC().Format(time.RFC3339Nano)})
	}
	r, err := s.h.c.StoreBatch(ctx, in)
	if err != nil {
		return nil, errorOf(err)
	}
	out := make([]*Document, len(r.GetDocuments()))
	for i, d := range r.GetDocuments() {
		out[i] = documentOf(d)
	}
	return out, nil
}
