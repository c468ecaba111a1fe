package scene

import (
	"context"
	"encoding/json"
	"time"

	pb "github.com/renda-platform/renda/plugins/scene/internal/scenev1"
)

// HostServices is what the host implements to serve scenes. Every method
// takes the capability the scene presented; the host resolves it to the
// tenant, scene and principal it was issued for, and refuses it (a
// forbidden *Problem) when it is unknown, expired, or not for this scene.
// A scene never names a tenant.
type HostServices interface {
	StoreCreate(ctx context.Context, capability, collection, id string, data json.RawMessage) (*Document, error)
	StoreGet(ctx context.Context, capability, collection, id string) (*Document, error)
	StoreUpdate(ctx context.Context, capability, collection, id string, version int64, data json.RawMessage) (*Document, error)
	StoreDelete(ctx context.Context, capability, collection, id string, version int64) error
	StoreQuery(ctx context.Context, capability, collection string, q Query) ([]*Document, string, error)
	StoreAggregate(ctx context.Context, capability, collection string, filters []Filter, groupBy, sum string) ([]Group, error)
	// StoreBatch's audits carry Before and After, and its timers Payload,
	// as json.RawMessage.
	StoreBatch(ctx context.Context, capability string, writes []Write, events []EventDraft, audits []AuditDraft, timers []TimerDraft, duties []DutyActivity) ([]*Document, error)
	Publish(ctx context.Context, capability, typ string, payload json.RawMessage) (string, error)
	Directory(ctx context.Context, capability, kind, query string, limit int, cursor string) ([]DirectoryEntry, string, error)
	RecordDuty(ctx context.Context, capability string, a DutyActivity) (string, error)
	Audit(ctx context.Context, capability, action, targetType, targetID string, before, after json.RawMessage) error
	Notify(ctx context.Context, capability string, userIDs []string, title, body Text, link string) error
	Schedule(ctx context.Context, capability, job string, at time.Time, key string, payload json.RawMessage) error
	HTTP(ctx context.Context, capability string, req HTTPRequest) (*HTTPResponse, error)
	PutFile(ctx context.Context, capability, name string, data []byte) (*File, error)
	GetFile(ctx context.Context, capability, id string) (*File, []byte, error)
}

// hostServer adapts HostServices to the gRPC service (host side). Write
// data and event payloads arrive as json.RawMessage.
type hostServer struct {
	pb.UnimplementedHostServer
	h HostServices
}

func (s *hostServer) StoreCreate(ctx context.Context, in *pb.StoreCreateRequest) (*pb.StoreDocumentResponse, error) {
	d, err := s.h.StoreCreate(ctx, in.GetCapability(), in.GetCollection(), in.GetId(), in.GetData())
	return &pb.StoreDocumentResponse{Document: documentPB(d)}, statusOf(err)
}

func (s *hostServer) StoreGet(ctx context.Context, in *pb.StoreGetRequest) (*pb.StoreDocumentResponse, error) {
	d, err := s.h.StoreGet(ctx, in.GetCapability(), in.GetCollection(), in.GetId())
	return &pb.StoreDocumentResponse{Document: documentPB(d)}, statusOf(err)
}

func (s *hostServer) StoreUpdate(ctx context.Context, in *pb.StoreUpdateRequest) (*pb.StoreDocumentResponse, error) {
	d, err := s.h.StoreUpdate(ctx, in.GetCapability(), in.GetCollection(), in.GetId(), in.GetVersion(), in.GetData())
	return &pb.StoreDocumentResponse{Document: documentPB(d)}, statusOf(err)
}

func (s *hostServer) StoreDelete(ctx context.Context, in *pb.StoreDeleteRequest) (*pb.StoreDeleteResponse, error) {
	return &pb.StoreDeleteResponse{}, statusOf(s.h.StoreDelete(ctx, in.GetCapability(), in.GetCollection(), in.GetId(), in.GetVersion()))
}

func (s *hostServer) StoreQuery(ctx context.Context, in *pb.StoreQueryRequest) (*pb.StoreQueryResponse, error) {
	docs, next, err := s.h.StoreQuery(ctx, in.GetCapability(), in.GetCollection(),
		Query{Filters: filtersOf(in.GetFilters()), Sort: in.GetSort(), Limit: int(in.GetLimit()), Cursor: in.GetCursor()})
	if err != nil {
		return nil, statusOf(err)
	}
	out := &pb.StoreQueryResponse{NextCursor: next}
	for _, d := range docs {
		out.Documents = append(out.Documents, documentPB(d))
	}
	return out, nil
}

func (s *hostServer) StoreAggregate(ctx context.Context, in *pb.StoreAggregateRequest) (*pb.StoreAggregateResponse, error) {
	gs, err := s.h.StoreAggregate(ctx, in.GetCapability(), in.GetCollection(), filtersOf(in.GetFilters()), in.GetGroupBy(), in.GetSum())
	if err != nil {
		return nil, statusOf(err)
	}
	out := &pb.StoreAggregateResponse{}
	for _, g := range gs {
		out.Groups = append(out.Groups, &pb.Group{Key: g.Key, Count: g.Count, Sum: g.Sum})
	}
	return out, nil
}

func (s *hostServer) StoreBatch(ctx context.Context, in *pb.StoreBatchRequest) (*pb.StoreBatchResponse, error) {
	writes := make([]Write, len(in.GetWrites()))
	for i, w := range in.GetWrites() {
		writes[i] = Write{Op: w.GetOp(), Collection: w.GetCollection(), ID: w.GetId(), Version: w.GetVersion(), Data: json.RawMessage(w.GetData())}
	}
	events := make([]EventDraft, len(in.GetEvents()))
	for i, e := range in.GetEvents() {
		events[i] = EventDraft{Type: e.GetType(), Payload: json.RawMessage(e.GetPayload()), To: e.GetTo()}
	}
	audits := make([]AuditDraft, len(in.GetAudits()))
	for i, a := range in.GetAudits() {
		audits[i] = AuditDraft{Action: a.GetAction(), TargetType: a.GetTargetType(), TargetID: a.GetTargetId(),
			Before: json.RawMessage(a.GetBefore()), After: json.RawMessage(a.GetAfter())}
	}
	timers := make([]TimerDraft, len(in.GetTimers()))
	for i, t := range in.GetTimers() {
		at, err := time.Parse(time.RFC3339Nano, t.GetAt())
		if err != nil {
			return nil, statusOf(Invalid(Field("at", T("时间格式应为 RFC 3339。", "Must be an RFC 3339 time."))))
		}
		timers[i] = TimerDraft{Job: t.GetJob(), At: at, Key: t.GetKey(), Payload: json.RawMessage(t.GetPayload())}
	}
	duties := make([]DutyActivity, len(in.GetDuties()))
	for i, a := range in.GetDuties() {
		at, err := time.Parse(time.RFC3339Nano, a.GetOccurredAt())
		if err != nil {
			return nil, statusOf(Invalid(Field("occurred_at", T("时间格式应为 RFC 3339。", "Must be an RFC 3339 time."))))
		}
		duties[i] = DutyActivity{DeputyID: a.GetDeputyId(), Kind: a.GetKind(), Ref: a.GetRef(), Title: a.GetTitle(), OccurredAt: at}
	}
	docs, err := s.h.StoreBatch(ctx, in.GetCapability(), writes, events, audits, timers, duties)
	if err != nil {
		return nil, statusOf(err)
	}
	out := &pb.StoreBatchResponse{}
	for _, d := range docs {
		out.Documents = append(out.Documents, documentPB(d))
	}
	return out, nil
}

func (s *hostServer) PublishEvent(ctx context.Context, in *pb.PublishEventRequest) (*pb.PublishEventResponse, error) {
	if len(in.GetEvent().GetTo()) > 0 {
		// Relayed events go with the writes they belong to, in a batch.
		return nil, statusOf(Invalid(Field("to", T("转送的事件须随批量写入一起发布。", "Relay an event with a batch, not alone."))))
	}
	id, err := s.h.Publish(ctx, in.GetCapability(), in.GetEvent().GetType(), in.GetEvent().GetPayload())
	return &pb.PublishEventResponse{Id: id}, statusOf(err)
}

func (s *hostServer) Directory(ctx context.Context, in *pb.DirectoryRequest) (*pb.DirectoryResponse, error) {
	es, next, err := s.h.Directory(ctx, in.GetCapability(), in.GetKind(), in.GetQuery(), int(in.GetLimit()), in.GetCursor())
	if err != nil {
		return nil, statusOf(err)
	}
	out := &pb.DirectoryResponse{NextCursor: next}
	for _, e := range es {
		out.Entries = append(out.Entries, &pb.DirectoryEntry{Id: e.ID, Name: e.Name, Kind: e.Kind, Attributes: e.Attributes})
	}
	return out, nil
}

func (s *hostServer) RecordDuty(ctx context.Context, in *pb.RecordDutyRequest) (*pb.RecordDutyResponse, error) {
	at, err := time.Parse(time.RFC3339Nano, in.GetOccurredAt())
	if err != nil {
		return nil, statusOf(Invalid(Field("occurred_at", T("时间格式应为 RFC 3339。", "Must be an RFC 3339 time."))))
	}
	id, err := s.h.RecordDuty(ctx, in.GetCapability(), DutyActivity{DeputyID: in.GetDeputyId(), Kind: in.GetKind(), Ref: in.GetRef(), Title: in.GetTitle(), OccurredAt: at})
	return &pb.RecordDutyResponse{Id: id}, statusOf(err)
}

func (s *hostServer) Audit(ctx context.Context, in *pb.AuditRequest) (*pb.AuditResponse, error) {
	err := s.h.Audit(ctx, in.GetCapability(), in.GetAction(), in.GetTargetType(), in.GetTargetId(), in.GetBefore(), in.GetAfter())
	return &pb.AuditResponse{}, statusOf(err)
}

func (s *hostServer) Notify(ctx context.Context, in *pb.NotifyRequest) (*pb.NotifyResponse, error) {
	err := s.h.Notify(ctx, in.GetCapability(), in.GetUserIds(), textOf(in.GetTitle()), textOf(in.GetBody()), in.GetLink())
	return &pb.NotifyResponse{}, statusOf(err)
}

func (s *hostServer) Schedule(ctx context.Context, in *pb.ScheduleRequest) (*pb.ScheduleResponse, error) {
	at, err := time.Parse(time.RFC3339Nano, in.GetAt())
	if err != nil {
		return nil, statusOf(Invalid(Field("at", T("时间格式应为 RFC 3339。", "Must be an RFC 3339 time."))))
	}
	err = s.h.Schedule(ctx, in.GetCapability(), in.GetJob(), at, in.GetKey(), in.GetPayload())
	return &pb.ScheduleResponse{}, statusOf(err)
}

func (s *hostServer) HTTPRequest(ctx context.Context, in *pb.HTTPRequestRequest) (*pb.HTTPRequestResponse, error) {
	r, err := s.h.HTTP(ctx, in.GetCapability(), HTTPRequest{Method: in.GetMethod(), URL: in.GetUrl(), Headers: in.GetHeaders(),
		Body: in.GetBody(), Timeout: time.Duration(in.GetTimeoutMs()) * time.Millisecond})
	if err != nil {
		return nil, statusOf(err)
	}
	return &pb.HTTPRequestResponse{Status: int32(r.Status), Headers: r.Headers, Body: r.Body}, nil
}

func (s *hostServer) FilePut(ctx context.Context, in *pb.FilePutRequest) (*pb.FilePutResponse, error) {
	f, err := s.h.PutFile(ctx, in.GetCapability(), in.GetName(), in.GetData())
	if err != nil {
		return nil, statusOf(err)
	}
	return &pb.FilePutResponse{File: filePB(f)}, nil
}

func (s *hostServer) FileGet(ctx context.Context, in *pb.FileGetRequest) (*pb.FileGetResponse, error) {
	f, data, err := s.h.GetFile(ctx, in.GetCapability(), in.GetId())
	if err != nil {
		return nil, statusOf(err)
	}
	return &pb.FileGetResponse{File: filePB(f), Data: data}, nil
}

// Client is the host's handle on a running scene.
type Client struct {
	c pb.SceneClient
}

// Call is one request for the scene, with the capability the host issued.
type Call struct {
	Capability  string
	Method      string
	Path        string
	Query       map[string][]string
	Body        []byte
	ContentType string
	Principal   *Principal
	Tenant      Tenant
	Locale      string
	RequestID   string
	Settings    json.RawMessage
	Headers     map[string]string // less credentials
}

// Manifest asks the scene for its manifest.
func (c *Client) Manifest(ctx context.Context) (Manifest, error) {
	r, err := c.c.GetManifest(ctx, &pb.GetManifestRequest{})
	if err != nil {
		return Manifest{}, errorOf(err)
	}
	return manifestOf(r.GetManifest())
}

// Health asks whether the scene is well.
func (c *Client) Health(ctx context.Context) error {
	_, err := c.c.Health(ctx, &pb.HealthRequest{})
	return errorOf(err)
}

// Handle sends a request. A handler's user-facing error comes back as a
// *Problem error; a failure of the scene as any other error.
func (c *Client) Handle(ctx context.Context, call Call) (*Response, error) {
	in := &pb.HandleRequestRequest{Capability: call.Capability, Method: call.Method, Path: call.Path, Body: call.Body,
		ContentType: call.ContentType, Tenant: tenantPB(call.Tenant), Locale: call.Locale, RequestId: call.RequestID,
		Settings: call.Settings, Headers: call.Headers, Query: map[string]*pb.Values{}}
	for k, v := range call.Query {
		in.Query[k] = &pb.Values{Values: v}
	}
	if p := call.Principal; p != nil {
		in.Principal = &pb.Principal{UserId: p.UserID, Username: p.Username, DisplayName: p.DisplayName, Kind: p.Kind,
			DeputyId: p.DeputyID, Permissions: p.Permissions}
	}
	r, err := c.c.HandleRequest(ctx, in)
	if err != nil {
		return nil, errorOf(err)
	}
	if r.GetProblem() != nil {
		return nil, problemOf(r.GetProblem())
	}
	return &Response{Status: int(r.GetStatus()), Body: r.GetBody(), ContentType: r.GetContentType(), Headers: r.GetHeaders()}, nil
}

// DeliverEvent hands an event to the scene.
func (c *Client) DeliverEvent(ctx context.Context, capability string, e Event) error {
	_, err := c.c.HandleEvent(ctx, &pb.HandleEventRequest{Capability: capability, Tenant: tenantPB(e.Tenant), Attempt: int32(e.Attempt), Settings: e.Settings,
		Event: &pb.Event{Id: e.ID, Type: e.Type, Source: e.Source, Origin: e.Origin, Payload: e.Payload, OccurredAt: e.OccurredAt}})
	return errorOf(err)
}

// RunJob runs a job in the scene.
func (c *Client) RunJob(ctx context.Context, capability string, j Job) error {
	_, err := c.c.RunJob(ctx, &pb.RunJobRequest{Capability: capability, Job: j.Name, Tenant: tenantPB(j.Tenant), Payload: j.Payload, Settings: j.Settings})
	return errorOf(err)
}
