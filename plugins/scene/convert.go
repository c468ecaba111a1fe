package scene

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/renda-platform/renda/plugins/scene/internal/scenev1"
)

func textPB(t Text) *pb.Text { return &pb.Text{ZhCn: t.ZH, En: t.EN} }
func textOf(t *pb.Text) Text {
	if t == nil {
		return Text{}
	}
	return Text{ZH: t.ZhCn, EN: t.En}
}

func manifestPB(m Manifest) (*pb.Manifest, error) {
	out := &pb.Manifest{Id: m.ID, Version: m.Version, Title: textPB(m.Title), Description: textPB(m.Description),
		MinProtocol: int32(m.MinProtocol), Publishes: m.Publishes, Subscribes: m.Subscribes, SettingsSchema: m.Settings,
		Capabilities: m.Capabilities, Escalates: m.Escalates, Relays: m.Relays, Local: m.Local}
	for _, r := range m.Routes {
		out.Routes = append(out.Routes, &pb.Route{Method: r.Method, Path: r.Path, Permission: r.Permission, Public: r.Public, Summary: textPB(r.Summary)})
	}
	for _, p := range m.Permissions {
		out.Permissions = append(out.Permissions, &pb.PermissionDef{Object: p.Object, Action: p.Action, Title: textPB(p.Title), DefaultRoles: p.DefaultRoles})
	}
	for _, c := range m.Collections {
		pc := &pb.Collection{Name: c.Name}
		for _, ix := range c.Indexes {
			pc.Indexes = append(pc.Indexes, &pb.IndexedField{Field: ix.Field, Type: ix.Type})
		}
		out.Collections = append(out.Collections, pc)
	}
	for _, k := range m.DutyKinds {
		out.DutyKinds = append(out.DutyKinds, &pb.DutyKind{Kind: k.Kind, Title: textPB(k.Title)})
	}
	for _, j := range m.Jobs {
		out.Jobs = append(out.Jobs, &pb.Job{Name: j.Name, Cron: j.Cron})
	}
	if len(m.Pages) > 0 {
		b, err := json.Marshal(m.Pages)
		if err != nil {
			return nil, fmt.Errorf("scene: encode pages: %w", err)
		}
		out.PagesJson = string(b)
	}
	return out, nil
}

func manifestOf(p *pb.Manifest) (Manifest, error) {
	m := Manifest{ID: p.GetId(), Version: p.GetVersion(), Title: textOf(p.GetTitle()), Description: textOf(p.GetDescription()),
		MinProtocol: int(p.GetMinProtocol()), Publishes: p.GetPublishes(), Subscribes: p.GetSubscribes(), Settings: p.GetSettingsSchema(),
		Capabilities: p.GetCapabilities(), Escalates: p.GetEscalates(), Relays: p.GetRelays(), Local: p.GetLocal()}
	for _, r := range p.GetRoutes() {
		m.Routes = append(m.Routes, RouteDef{Method: r.GetMethod(), Path: r.GetPath(), Permission: r.GetPermission(), Public: r.GetPublic(), Summary: textOf(r.GetSummary())})
	}
	for _, x := range p.GetPermissions() {
		m.Permissions = append(m.Permissions, PermissionDef{Object: x.GetObject(), Action: x.GetAction(), Title: textOf(x.GetTitle()), DefaultRoles: x.GetDefaultRoles()})
	}
	for _, c := range p.GetCollections() {
		col := Collection{Name: c.GetName()}
		for _, ix := range c.GetIndexes() {
			col.Indexes = append(col.Indexes, IndexedField{Field: ix.GetField(), Type: ix.GetType()})
		}
		m.Collections = append(m.Collections, col)
	}
	for _, k := range p.GetDutyKinds() {
		m.DutyKinds = append(m.DutyKinds, DutyKind{Kind: k.GetKind(), Title: textOf(k.GetTitle())})
	}
	for _, j := range p.GetJobs() {
		m.Jobs = append(m.Jobs, JobDef{Name: j.GetName(), Cron: j.GetCron()})
	}
	if pj := p.GetPagesJson(); pj != "" {
		if err := json.Unmarshal([]byte(pj), &m.Pages); err != nil {
			return m, fmt.Errorf("scene: manifest %s: pages: %w", m.ID, err)
		}
	}
	return m, nil
}

func tenantPB(t Tenant) *pb.TenantInfo {
	return &pb.TenantInfo{Slug: t.Slug, Level: t.Level, NameZh: t.NameZH, NameEn: t.NameEN, ReadOnly: t.ReadOnly, Descendants: t.Descendants}
}

func tenantOf(t *pb.TenantInfo) Tenant {
	return Tenant{Slug: t.GetSlug(), Level: t.GetLevel(), NameZH: t.GetNameZh(), NameEN: t.GetNameEn(), ReadOnly: t.GetReadOnly(), Descendants: t.GetDescendants()}
}

func documentPB(d *Document) *pb.Document {
	if d == nil {
		return nil
	}
	return &pb.Document{Collection: d.Collection, Id: d.ID, Version: d.Version, Data: d.Data, Tenant: d.Tenant,
		CreatedAt: d.CreatedAt.UTC().Format(time.RFC3339Nano), UpdatedAt: d.UpdatedAt.UTC().Format(time.RFC3339Nano)}
}

func documentOf(p *pb.Document) *Document {
	if p == nil {
		return nil
	}
	c, _ := time.Parse(time.RFC3339Nano, p.GetCreatedAt())
	u, _ := time.Parse(time.RFC3339Nano, p.GetUpdatedAt())
	return &Document{Collection: p.GetCollection(), ID: p.GetId(), Version: p.GetVersion(), Data: p.GetData(), CreatedAt: c, UpdatedAt: u, Tenant: p.GetTenant()}
}

func filtersPB(fs []Filter) []*pb.Filter {
	out := make([]*pb.Filter, len(fs))
	for i, f := range fs {
		out[i] = &pb.Filter{Field: f.Field, Op: f.Op, Values: f.Values}
	}
	return out
}

func filtersOf(fs []*pb.Filter) []Filter {
	out := make([]Filter, len(fs))
	for i, f := range fs {
		out[i] = Filter{Field: f.GetField(), Op: f.GetOp(), Values: f.GetValues()}
	}
	return out
}

func problemPB(p *Problem) *pb.Problem {
	out := &pb.Problem{Code: p.Code, Key: p.Key, Message: textPB(p.Message)}
	for _, f := range p.Fields {
		out.Fields = append(out.Fields, &pb.FieldProblem{Path: f.Path, Message: textPB(f.Message)})
	}
	return out
}

func problemOf(p *pb.Problem) *Problem {
	out := &Problem{Code: p.GetCode(), Key: p.GetKey(), Message: textOf(p.GetMessage())}
	for _, f := range p.GetFields() {
		out.Fields = append(out.Fields, FieldProblem{Path: f.GetPath(), Message: textOf(f.GetMessage())})
	}
	return out
}

var problemCodes = map[string]codes.Code{
	CodeInvalid: codes.InvalidArgument, CodeNotFound: codes.NotFound, CodeConflict: codes.AlreadyExists, CodeForbidden: codes.PermissionDenied,
}

// statusOf turns an error into a gRPC status: a *Problem keeps its code and
// travels as JSON in the message, so the other side gets it back whole.
func statusOf(err error) error {
	if err == nil {
		return nil
	}
	if p, ok := AsProblem(err); ok {
		b, _ := json.Marshal(p)
		c, ok := problemCodes[p.Code]
		if !ok {
			c = codes.FailedPrecondition
		}
		return status.Error(c, string(b))
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	return status.Error(codes.Internal, err.Error())
}

// errorOf reverses statusOf.
func errorOf(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	switch st.Code() {
	case codes.InvalidArgument, codes.NotFound, codes.AlreadyExists, codes.PermissionDenied, codes.FailedPrecondition:
		var p Problem
		if jerr := json.Unmarshal([]byte(st.Message()), &p); jerr == nil && p.Code != "" {
			return &p
		}
	}
	return errors.New(st.Code().String() + ": " + st.Message())
}

// rawJSON marshals v unless it already is JSON bytes.
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

func filePB(f *File) *pb.FileInfo {
	if f == nil {
		return nil
	}
	return &pb.FileInfo{Id: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, Sha256: f.SHA256,
		CreatedAt: f.CreatedAt.UTC().Format(time.RFC3339Nano)}
}

func fileOf(p *pb.FileInfo) *File {
	if p == nil {
		return nil
	}
	t, _ := time.Parse(time.RFC3339Nano, p.GetCreatedAt())
	return &File{ID: p.GetId(), Name: p.GetName(), ContentType: p.GetContentType(), Size: p.GetSize(), SHA256: p.GetSha256(), CreatedAt: t}
}
