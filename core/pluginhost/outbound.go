package pluginhost

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/tenants"
)

// Outbound HTTP limits.
const (
	httpTimeout     = 10 * time.Second
	maxHTTPResponse = 8 << 20
)

// outboundClient follows no redirects (a redirect could lead anywhere,
// including to a host the tenant did not allow), and, unless private hosts
// are allowed, refuses to connect to loopback, private, link-local and
// other internal addresses whatever name resolved to them.
func outboundClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return err
			}
			if internal(ip) {
				return fmt.Errorf("refusing to connect to the internal address %s", ip)
			}
			return nil
		}
	}
	return &http.Client{
		Transport:     &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// internal reports whether ip is not a public unicast address.
func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() ||
		netip.MustParsePrefix("100.64.0.0/10").Contains(ip) // carrier-grade NAT
}

var problemHostNotAllowed = scene.Forbidden("http.host_not_allowed", scene.T(
	"该地址不在本人大为此场景允许的范围内。", "The tenant has not allowed this host for the scene."))

// HTTP calls a host the tenant allowed for the scene, signed with the
// tenant's secret for the scene:
//
//	X-Renda-Timestamp: unix seconds
//	X-Renda-Signature: v1=hex(HMAC-SHA256(secret, timestamp "\n" METHOD "\n" path?query "\n" hex(SHA-256(body))))
func (s *services) HTTP(ctx context.Context, tok string, req scene.HTTPRequest) (*scene.HTTPResponse, error) {
	ctx, g, err := s.enter(ctx, tok, scene.CapHTTP)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, scene.Invalid(scene.Field("url", scene.T("地址须为 http 或 https 的绝对地址。", "The URL must be an absolute http or https URL.")))
	}
	// The addressed congress's allow-list and secret, never another's in a
	// wider read.
	own := tenants.WithScope(ctx, tenants.ReadOnly(g.Scope.Tenant, g.Scope.Tenant.ID))
	ts, err := s.store.TenantScene(own, s.rel.SceneID)
	if err != nil {
		return nil, problemOf(err)
	}
	if !slices.Contains(ts.AllowedHosts, u.Host) && !slices.Contains(ts.AllowedHosts, u.Hostname()) {
		s.refused(ctx, g, "http.host_not_allowed", u.Host)
		return nil, problemHostNotAllowed
	}
	method := strings.ToUpper(req.Method)
	if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, method) {
		return nil, scene.Invalid(scene.Field("method", scene.T("不支持的请求方法。", "Unsupported method.")))
	}
	if method != "GET" && g.Scope.WriteTenantID == "" {
		s.refused(ctx, g, "http.read_only", u.Host)
		return nil, scene.Forbidden("tenant.read_only", scene.T("只读访问中不能向外部平台提交。", "A read-only view cannot send to another platform."))
	}
	timeout := req.Timeout
	if timeout <= 0 || timeout > httpTimeout {
		timeout = httpTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(req.Body))
	if err != nil {
		return nil, err
	}
	for k, v := range req.Headers {
		if !strings.HasPrefix(strings.ToLower(k), "x-renda-") {
			hr.Header.Set(k, v)
		}
	}
	sign(hr, ts.SigningSecret, req.Body, time.Now())
	hr.Header.Set("X-Renda-Scene", s.rel.SceneID)
	resp, err := s.client.Do(hr)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, scene.Conflict("http.timeout", scene.T("对方平台未能及时响应。", "The remote platform did not answer in time."))
		}
		s.log.Warn("scene outbound call failed", "scene", s.rel.SceneID, "host", u.Host, "err", err)
		return nil, scene.Conflict("http.unreachable", scene.T("无法连接对方平台。", "Cannot reach the remote platform."))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHTTPResponse+1))
	if err != nil {
		return nil, scene.Conflict("http.unreachable", scene.T("读取对方平台响应失败。", "Reading the remote platform's answer failed."))
	}
	if len(body) > maxHTTPResponse {
		return nil, scene.Conflict("http.too_large", scene.T("对方平台响应过大。", "The remote platform's answer is too large."))
	}
	out := &scene.HTTPResponse{Status: resp.StatusCode, Body: body, Headers: map[string]string{}}
	for k := range resp.Header {
		out.Headers[k] = resp.Header.Get(k)
	}
	return out, nil
}

// sign adds the timestamp and signature headers.
func sign(r *http.Request, secret string, body []byte, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	sum := sha256.Sum256(body)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + r.Method + "\n" + r.URL.RequestURI() + "\n" + hex.EncodeToString(sum[:])))
	r.Header.Set("X-Renda-Timestamp", ts)
	r.Header.Set("X-Renda-Signature", "v1="+hex.EncodeToString(mac.Sum(nil)))
}

// VerifySignature checks a request signed by sign, within maxSkew of now;
// receivers (and the test stand-ins we ship) use it.
func VerifySignature(r *http.Request, secret string, body []byte, now time.Time, maxSkew time.Duration) bool {
	ts, err := strconv.ParseInt(r.Header.Get("X-Renda-Timestamp"), 10, 64)
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > maxSkew {
		return false
	}
	sum := sha256.Sum256(body)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(r.Header.Get("X-Renda-Timestamp") + "\n" + r.Method + "\n" + r.URL.RequestURI() + "\n" + hex.EncodeToString(sum[:])))
	want := "v1=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(want), []byte(r.Header.Get("X-Renda-Signature")))
}

func (s *services) PutFile(ctx context.Context, tok, name string, data []byte) (*scene.File, error) {
	ctx, _, err := s.enter(ctx, tok, scene.CapFiles)
	if err != nil {
		return nil, err
	}
	f, err := s.store.PutFile(ctx, s.rel.SceneID, name, data)
	if err != nil {
		return nil, problemOf(err)
	}
	return &scene.File{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256, CreatedAt: f.CreatedAt}, nil
}

func (s *services) GetFile(ctx context.Context, tok, id string) (*scene.File, []byte, error) {
	ctx, _, err := s.enter(ctx, tok, scene.CapFiles)
	if err != nil {
		return nil, nil, err
	}
	f, data, err := s.store.GetFile(ctx, s.rel.SceneID, id)
	if err != nil {
		return nil, nil, problemOf(err)
	}
	return &scene.File{ID: f.ID, Name: f.Name, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256, CreatedAt: f.CreatedAt}, data, nil
}
