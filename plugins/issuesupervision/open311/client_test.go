package open311_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

// httpDo is the DoFunc a test uses: net/http, as the host's outbound HTTP would be.
func httpDo(method, u string, headers map[string]string, body []byte) (int, map[string]string, []byte, error) {
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	h := map[string]string{}
	for k := range resp.Header {
		h[k] = resp.Header.Get(k)
	}
	return resp.StatusCode, h, b, err
}

// seen is what the fake endpoint received.
type seen struct {
	mu       sync.Mutex
	method   string
	path     string
	query    url.Values
	form     url.Values
	ctype    string
	accept   string
	requests int
}

func fakeEndpoint(t *testing.T, s *seen, routes map[string]func(w http.ResponseWriter)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.method, s.path, s.query = r.Method, r.URL.Path, r.URL.Query()
		s.ctype, s.accept = r.Header.Get("Content-Type"), r.Header.Get("Accept")
		s.requests++
		if r.Method == http.MethodPost {
			_ = r.ParseForm()
			s.form = r.PostForm
		}
		s.mu.Unlock()
		route, ok := routes[r.Method+" "+r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `[{"code":404,"description":"no such resource"}]`)
			return
		}
		route(w)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func reply(status int, body string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", open311.ContentTypeJSON)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func newClient(t *testing.T, endpoint string, opts ...open311.ClientOption) *open311.Client {
	t.Helper()
	c, err := open311.NewClient(endpoint+"/v2/", "key-1", httpDo, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientPostRequest(t *testing.T) {
	var s seen
	srv := fakeEndpoint(t, &s, map[string]func(http.ResponseWriter){
		"POST /v2/requests.json": reply(http.StatusCreated, `[{"service_request_id":293944,"service_notice":"网格员将在30分钟内到场","account_id":null}]`),
	})
	c := newClient(t, srv.URL, open311.WithJurisdiction("ningbo.gov.cn"))
	got, err := c.PostRequest(open311.RequestForm{
		ServiceCode: "road-fallen-tree", Lat: ptr(29.8746), Long: ptr(121.5498),
		Description: "台风过后中山西路多棵行道树倒伏", Attributes: map[string][]string{"blocking": {"yes"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := (open311.Receipt{ServiceRequestID: "293944", ServiceNotice: "网格员将在30分钟内到场"}); got != want {
		t.Errorf("receipt: got %+v, want %+v", got, want)
	}
	if s.path != "/v2/requests.json" || !strings.HasPrefix(s.ctype, "application/x-www-form-urlencoded") {
		t.Errorf("sent %s %s as %q", s.method, s.path, s.ctype)
	}
	for k, want := range map[string]string{"api_key": "key-1", "jurisdiction_id": "ningbo.gov.cn", "service_code": "road-fallen-tree",
		"lat": "29.8746", "long": "121.5498", "attribute[blocking]": "yes", "description": "台风过后中山西路多棵行道树倒伏"} {
		if got := s.form.Get(k); got != want {
			t.Errorf("form %s: got %q, want %q", k, got, want)
		}
	}
}

func TestClientPostRequestRefusesInvalidFormWithoutCalling(t *testing.T) {
	var s seen
	srv := fakeEndpoint(t, &s, nil)
	_, err := newClient(t, srv.URL).PostRequest(open311.RequestForm{ServiceCode: "road-manhole"})
	var fe open311.FormError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a FormError", err)
	}
	if s.requests != 0 {
		t.Errorf("the endpoint was called %d times", s.requests)
	}
}

func TestClientErrors(t *testing.T) {
	var s seen
	srv := fakeEndpoint(t, &s, map[string]func(http.ResponseWriter){
		"POST /v2/requests.json":     reply(http.StatusForbidden, `[{"code":403,"description":"Invalid api_key received"}]`),
		"GET /v2/requests.json":      reply(http.StatusServiceUnavailable, "upstream down"),
		"GET /v2/requests/none.json": reply(http.StatusOK, `[]`),
		"GET /v2/services.json":      reply(http.StatusOK, `{"not":"a list"}`),
	})
	c := newClient(t, srv.URL)
	form := open311.RequestForm{ServiceCode: "road-manhole", AddressString: "中山西路"}

	_, err := c.PostRequest(form)
	var apiErr *open311.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 403 || apiErr.Retryable() {
		t.Fatalf("403: err = %v", err)
	}
	if len(apiErr.Errors) != 1 || apiErr.Errors[0].Code != 403 {
		t.Errorf("403: errors %v", apiErr.Errors)
	}

	_, err = c.Requests(open311.RequestsQuery{})
	if !errors.As(err, &apiErr) || apiErr.Status != 503 || !apiErr.Retryable() || apiErr.Body != "upstream down" {
		t.Fatalf("503: err = %#v", err)
	}

	if _, err := c.Request("missing"); !errors.Is(err, open311.ErrNotFound) {
		t.Errorf("unknown path: err = %v, want ErrNotFound", err)
	}
	if _, err := c.Request("none"); !errors.Is(err, open311.ErrNotFound) {
		t.Errorf("empty answer: err = %v, want ErrNotFound", err)
	}
	if _, err := c.Services(); err == nil || errors.As(err, &apiErr) {
		t.Errorf("undecodable answer: err = %v, want a decode error", err)
	}

	failing := func(string, string, map[string]string, []byte) (int, map[string]string, []byte, error) {
		return 0, nil, nil, errors.New("connection refused")
	}
	down, err := open311.NewClient(srv.URL, "k", failing)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := down.Services(); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("transport failure: err = %v", err)
	}
}

func TestClientQueries(t *testing.T) {
	var s seen
	one := `[{"service_request_id":"202107250001","status":"open","service_code":"road-fallen-tree","requested_datetime":"2021-07-25T09:30:00+08:00","lat":29.8746,"long":121.5498}]`
	srv := fakeEndpoint(t, &s, map[string]func(http.ResponseWriter){
		"GET /v2/requests.json":              reply(http.StatusOK, one),
		"GET /v2/requests/202107250001.json": reply(http.StatusOK, one),
		"GET /v2/services.json":              reply(http.StatusOK, `[{"service_code":"road-manhole","service_name":"井盖缺失","metadata":false,"type":"realtime","keywords":"井盖","group":"道路设施"}]`),
		"GET /v2/services/road-manhole.json": reply(http.StatusOK, `{"service_code":"road-manhole","attributes":[]}`),
		"GET /v2/tokens/t1.json":             reply(http.StatusOK, `[{"service_request_id":"202107250001","token":"t1"}]`),
	})
	c := newClient(t, srv.URL)

	rs, err := c.Requests(open311.RequestsQuery{IDs: []string{"202107250001", "202107250002"}, Statuses: []open311.Status{open311.Open}})
	if err != nil || len(rs) != 1 || rs[0].ServiceRequestID != "202107250001" || *rs[0].Lat != 29.8746 {
		t.Fatalf("Requests = %+v, %v", rs, err)
	}
	if got := s.query.Get("service_request_id"); got != "202107250001,202107250002" {
		t.Errorf("service_request_id sent as %q", got)
	}
	if got := s.query.Get("status"); got != "open" {
		t.Errorf("status sent as %q", got)
	}
	if s.accept != "application/json" {
		t.Errorf("Accept %q", s.accept)
	}

	r, err := c.Request("202107250001")
	if err != nil || r.ServiceCode != "road-fallen-tree" || r.RequestedAt.IsZero() {
		t.Fatalf("Request = %+v, %v", r, err)
	}
	svcs, err := c.Services()
	if err != nil || len(svcs) != 1 || svcs[0].Name != "井盖缺失" {
		t.Fatalf("Services = %+v, %v", svcs, err)
	}
	def, err := c.ServiceDefinition("road-manhole")
	if err != nil || def.ServiceCode != "road-manhole" {
		t.Fatalf("ServiceDefinition = %+v, %v", def, err)
	}
	tok, err := c.Token("t1")
	if err != nil || tok.ServiceRequestID != "202107250001" {
		t.Fatalf("Token = %+v, %v", tok, err)
	}
}

func TestNewClientRejects(t *testing.T) {
	for _, endpoint := range []string{"", "api.city.gov/v2", "ftp://api.city.gov", "http://"} {
		if _, err := open311.NewClient(endpoint, "k", httpDo); err == nil {
			t.Errorf("NewClient(%q) accepted", endpoint)
		}
	}
	if _, err := open311.NewClient("http://api.city.gov", "k", nil); err == nil {
		t.Error("NewClient accepted a nil DoFunc")
	}
}
