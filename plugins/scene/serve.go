package scene

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/renda-platform/renda/plugins/scene/internal/scenev1"
)

// Handshake is the go-plugin handshake: a process that is not a Renda scene
// (or is started by hand) refuses to run.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "RENDA_SCENE_PLUGIN",
	MagicCookieValue: "d4a1c9f2-renda-scene",
}

// PluginName is the name under which the scene is dispensed.
const PluginName = "scene"

// hostBrokerID is the broker stream on which the host serves host services.
const hostBrokerID = 1

// Serve runs the scene as a plugin process; it returns when the host stops
// it. Call it from main and nothing else.
func Serve(s *Scene) {
	m := s.Manifest()
	if err := m.Validate(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{
			ProtocolVersion: {PluginName: &GRPCPlugin{scene: s}},
		},
		GRPCServer: plugin.DefaultGRPCServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name: m.ID, Level: hclog.Info, Output: os.Stderr, JSONFormat: true,
		}),
	})
}

// GRPCPlugin is the go-plugin binding of protocol scene.v1. The plugin side
// holds a Scene; the host side holds the host services.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	scene *Scene
	host  HostServices
}

var _ plugin.GRPCPlugin = (*GRPCPlugin)(nil)

// NewHostPlugin returns the binding the host dispenses: its GRPCClient
// serves h to the plugin over the broker and returns a *Client.
func NewHostPlugin(h HostServices) *GRPCPlugin { return &GRPCPlugin{host: h} }

// GRPCServer registers the scene (plugin side).
func (p *GRPCPlugin) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterSceneServer(s, &sceneServer{scene: p.scene, broker: broker})
	return nil
}

// GRPCClient starts the host services on the broker and returns the client
// of the scene (host side).
func (p *GRPCPlugin) GRPCClient(_ context.Context, broker *plugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	if p.host == nil {
		return nil, errors.New("scene: the host side needs host services")
	}
	go broker.AcceptAndServe(hostBrokerID, func(opts []grpc.ServerOption) *grpc.Server {
		s := grpc.NewServer(append(opts, grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes))...)
		pb.RegisterHostServer(s, &hostServer{h: p.host})
		return s
	})
	return &Client{c: pb.NewSceneClient(c)}, nil
}

// MaxMessageBytes bounds every message between host and scene.
const MaxMessageBytes = 8 << 20

// sceneServer serves the scene (plugin side).
type sceneServer struct {
	pb.UnimplementedSceneServer
	scene  *Scene
	broker *plugin.GRPCBroker

	once sync.Once
	host pb.HostClient
	err  error
}

func (s *sceneServer) hostClient() (pb.HostClient, error) {
	s.once.Do(func() {
		conn, err := s.broker.Dial(hostBrokerID)
		if err != nil {
			s.err = fmt.Errorf("scene: dial host services: %w", err)
			return
		}
		s.host = pb.NewHostClient(conn)
	})
	return s.host, s.err
}

func (s *sceneServer) bind(capability string) (Host, error) {
	hc, err := s.hostClient()
	if err != nil {
		return nil, err
	}
	return &remoteHost{c: hc, cap: capability}, nil
}

func (s *sceneServer) GetManifest(context.Context, *pb.GetManifestRequest) (*pb.GetManifestResponse, error) {
	m, err := manifestPB(s.scene.Manifest())
	if err != nil {
		return nil, statusOf(err)
	}
	return &pb.GetManifestResponse{Manifest: m}, nil
}

func (s *sceneServer) Health(context.Context, *pb.HealthRequest) (*pb.HealthResponse, error) {
	return &pb.HealthResponse{Ok: true}, nil
}

func (s *sceneServer) HandleRequest(ctx context.Context, in *pb.HandleRequestRequest) (*pb.HandleRequestResponse, error) {
	host, err := s.bind(in.GetCapability())
	if err != nil {
		return nil, statusOf(err)
	}
	r := &Request{Method: in.GetMethod(), Path: in.GetPath(), Body: in.GetBody(), ContentType: in.GetContentType(),
		Tenant: tenantOf(in.GetTenant()), Locale: in.GetLocale(), RequestID: in.GetRequestId(), Settings: in.GetSettings(),
		Query: map[string][]string{}, Headers: in.GetHeaders(), Host: host}
	for k, v := range in.GetQuery() {
		r.Query[k] = v.GetValues()
	}
	if p := in.GetPrincipal(); p != nil {
		r.Principal = &Principal{UserID: p.GetUserId(), Username: p.GetUsername(), DisplayName: p.GetDisplayName(),
			Kind: p.GetKind(), DeputyID: p.GetDeputyId(), Permissions: p.GetPermissions()}
	}
	resp, err := s.scene.Dispatch(ctx, r)
	if err != nil {
		if p, ok := AsProblem(err); ok {
			return &pb.HandleRequestResponse{Problem: problemPB(p)}, nil
		}
		return nil, statusOf(err)
	}
	if resp == nil {
		resp = &Response{Status: 204}
	}
	return &pb.HandleRequestResponse{Status: int32(resp.Status), Body: resp.Body, ContentType: resp.ContentType, Headers: resp.Headers}, nil
}

func (s *sceneServer) HandleEvent(ctx context.Context, in *pb.HandleEventRequest) (*pb.HandleEventResponse, error) {
	host, err := s.bind(in.GetCapability())
	if err != nil {
		return nil, statusOf(err)
	}
	ev := in.GetEvent()
	e := &Event{ID: ev.GetId(), Type: ev.GetType(), Source: ev.GetSource(), Origin: ev.GetOrigin(), Payload: ev.GetPayload(), OccurredAt: ev.GetOccurredAt(),
		Tenant: tenantOf(in.GetTenant()), Attempt: int(in.GetAttempt()), Settings: in.GetSettings(), Host: host}
	return &pb.HandleEventResponse{}, statusOf(s.scene.DeliverEvent(ctx, e))
}

func (s *sceneServer) RunJob(ctx context.Context, in *pb.RunJobRequest) (*pb.RunJobResponse, error) {
	host, err := s.bind(in.GetCapability())
	if err != nil {
		return nil, statusOf(err)
	}
	j := &Job{Name: in.GetJob(), Payload: in.GetPayload(), Tenant: tenantOf(in.GetTenant()), Settings: in.GetSettings(), Host: host}
	return &pb.RunJobResponse{}, statusOf(s.scene.RunJob(ctx, j))
}
