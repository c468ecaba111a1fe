package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

const testKey = "test-key"

// testConfig has delays short enough for a test and long enough to see each state.
func testConfig() config {
	return config{apiKey: testKey, acceptAfter: 30 * time.Millisecond, resolveAfter: 30 * time.Millisecond}
}

// start serves a platform for the test and shuts it down after.
func start(t *testing.T, cfg config) (*platform, *httptest.Server) {
	t.Helper()
	p, err := newPlatform(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.handler())
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		p.shutdown(ctx)
	})
	return p, srv
}

// httpDo is the open311.DoFunc over net/http, as the host's outbound HTTP would be.
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

func client(t *testing.T, srv *httptest.Server, key string) *open311.Client {
	t.Helper()
	c, err := open311.NewClient(srv.URL, key, httpDo)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ptr(f float64) *float64 { return &f }

// waitFor polls the request until done says so, for at most two seconds.
func waitFor(t *testing.T, c *open311.Client, id string, what string, done func(open311.ServiceRequest) bool) open311.ServiceRequest {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		r, err := c.Request(id)
		if err != nil {
			t.Fatalf("poll %s: %v", id, err)
		}
		if done(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("request %s never became %s; last: %+v", id, what, r)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestTyphoonStory follows the case of 2021-07-25: after the typhoon a deputy reports fallen
// trees on a road in Haishu; the platform dispatches the nearest grid worker, who clears them.
// A missing manhole cover in Yinzhou goes to the worker there.
func TestTyphoonStory(t *testing.T) {
	_, srv := start(t, testConfig())
	c := client(t, srv, testKey)

	svcs, err := c.Services()
	if err != nil {
		t.Fatal(err)
	}
	if !containsService(svcs, "road-fallen-tree", "树木倒伏") || !containsService(svcs, "road-manhole", "井盖缺失") {
		t.Fatalf("catalogue lacks the typhoon's services: %+v", svcs)
	}

	receipt, err := c.PostRequest(open311.RequestForm{
		ServiceCode: "road-fallen-tree", Lat: ptr(29.8752), Long: ptr(121.5490), AddressString: "海曙区中山西路鼓楼段",
		Description: "台风过后中山西路多棵行道树倒伏，阻断非机动车道。", AccountID: "deputy-0042",
		Attributes: map[string][]string{"blocking": {"yes"}, "count": {"3"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if receipt.ServiceRequestID == "" || receipt.AccountID != "deputy-0042" || receipt.ServiceNotice == "" {
		t.Fatalf("receipt %+v", receipt)
	}
	id := receipt.ServiceRequestID

	r, err := c.Request(id)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != open311.Open || r.ServiceName != "树木倒伏" || r.RequestedAt.IsZero() || *r.Lat != 29.8752 {
		t.Fatalf("just submitted: %+v", r)
	}

	accepted := waitFor(t, c, id, "dispatched", func(r open311.ServiceRequest) bool { return strings.Contains(r.StatusNotes, "已派单") })
	if accepted.Status != open311.Open {
		t.Errorf("dispatched request has status %s, want open", accepted.Status)
	}
	for _, s := range []string{"网格员 张海军", "鼓楼街道第1网格", "公里"} {
		if !strings.Contains(accepted.StatusNotes, s) {
			t.Errorf("dispatch notes %q lack %q", accepted.StatusNotes, s)
		}
	}
	if !strings.Contains(accepted.AgencyResponsible, "张海军") || accepted.ExpectedAt.IsZero() {
		t.Errorf("dispatched: agency %q, expected %v", accepted.AgencyResponsible, accepted.ExpectedAt)
	}

	closed := waitFor(t, c, id, "closed", func(r open311.ServiceRequest) bool { return r.Status == open311.Closed })
	for _, s := range []string{"已办结", "网格员 张海军", "倒伏树木"} {
		if !strings.Contains(closed.StatusNotes, s) {
			t.Errorf("closing notes %q lack %q", closed.StatusNotes, s)
		}
	}
	if closed.UpdatedAt.Before(accepted.UpdatedAt) {
		t.Errorf("closed at %v, before it was dispatched at %v", closed.UpdatedAt, accepted.UpdatedAt)
	}

	manhole, err := c.PostRequest(open311.RequestForm{ServiceCode: "road-manhole", Lat: ptr(29.8685), Long: ptr(121.5822),
		Description: "明楼路口井盖缺失", Attributes: map[string][]string{"position": {"motorway"}}})
	if err != nil {
		t.Fatal(err)
	}
	m := waitFor(t, c, manhole.ServiceRequestID, "dispatched", func(r open311.ServiceRequest) bool { return r.AgencyResponsible != commandCentre })
	if !strings.Contains(m.StatusNotes, "网格员 王建国") {
		t.Errorf("manhole in Minglou dispatched as %q, want 王建国", m.StatusNotes)
	}

	closedOnly, err := c.Requests(open311.RequestsQuery{Statuses: []open311.Status{open311.Closed}})
	if err != nil {
		t.Fatal(err)
	}
	if len(closedOnly) != 1 || closedOnly[0].ServiceRequestID != id {
		t.Errorf("closed requests: %+v", closedOnly)
	}
}

func containsService(l open311.Services, code, name string) bool {
	for _, s := range l {
		if s.Code == code && s.Name == name {
			return true
		}
	}
	return false
}

func TestHousingQuestionGoesToTheDepartment(t *testing.T) {
	_, srv := start(t, testConfig())
	c := client(t, srv, testKey)
	rec, err := c.PostRequest(open311.RequestForm{ServiceCode: "housing-subsidy", AddressString: "鄞州区明楼街道",
		Description: "居民咨询住房补贴如何申请"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.ServiceNotice, "3至5个工作日") {
		t.Errorf("notice %q", rec.ServiceNotice)
	}
	r := waitFor(t, c, rec.ServiceRequestID, "closed", func(r open311.ServiceRequest) bool { return r.Status == open311.Closed })
	if r.AgencyResponsible != "鄞州区住房和城乡建设局" || !strings.Contains(r.StatusNotes, "住房补贴") {
		t.Errorf("closed housing question: agency %q, notes %q", r.AgencyResponsible, r.StatusNotes)
	}
}

// post sends a raw form and returns the status and body.
func post(t *testing.T, srv *httptest.Server, path string, form url.Values, header http.Header) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", open311.ContentTypeForm)
	for k, v := range header {
		req.Header[k] = v
	}
	return do(t, req)
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func treeForm(key string) url.Values {
	return url.Values{"api_key": {key}, "service_code": {"road-fallen-tree"}, "lat": {"29.8752"}, "long": {"121.549"}}
}

func TestErrors(t *testing.T) {
	_, srv := start(t, testConfig())
	for _, tc := range []struct {
		name   string
		method string
		path   string
		form   url.Values
		ctype  string
		status int
		want   string // in the body
	}{
		{"bad api_key", "POST", "/requests.json", treeForm("wrong"), "", 403, `"code":403`},
		{"missing api_key", "POST", "/requests.json", url.Values{"service_code": {"road-fallen-tree"}}, "", 403, "Invalid api_key"},
		{"bad api_key in XML", "POST", "/requests.xml", treeForm("wrong"), "", 403, "<errors>"},
		{"unknown service", "POST", "/requests.json", url.Values{"api_key": {testKey}, "service_code": {"pothole"}, "address_id": {"1"}}, "", 404, `service_code \"pothole\" not found`},
		{"no service_code", "POST", "/requests.json", url.Values{"api_key": {testKey}, "address_id": {"1"}}, "", 400, "service_code: required"},
		{"no location", "POST", "/requests.json", url.Values{"api_key": {testKey}, "service_code": {"other"}}, "", 400, "location"},
		{"bad attribute", "POST", "/requests.json", func() url.Values {
			v := treeForm(testKey)
			v.Set("attribute[blocking]", "maybe")
			return v
		}(), "", 400, "attribute[blocking]"},
		{"JSON body", "POST", "/requests.json", treeForm(testKey), "application/json", 400, "x-www-form-urlencoded"},
		{"unknown request", "GET", "/requests/19990101-0001.json", nil, "", 404, "not found"},
		{"unknown request in XML", "GET", "/requests/nope.xml", nil, "", 404, "<error>"},
		{"unknown service definition", "GET", "/services/pothole.json", nil, "", 404, "not found"},
		{"no format", "GET", "/requests/20210725", nil, "", 404, ".json or .xml"},
		{"bad status filter", "GET", "/requests.json?status=pending", nil, "", 400, "status"},
		{"bad date filter", "GET", "/requests.json?start_date=yesterday", nil, "", 400, "start_date"},
		{"unknown resource", "GET", "/tokens/1.json", nil, "", 404, "no resource"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var status int
			var body string
			if tc.method == "POST" {
				h := http.Header{}
				if tc.ctype != "" {
					h.Set("Content-Type", tc.ctype)
				}
				status, body = post(t, srv, tc.path, tc.form, h)
			} else {
				status, body = get(t, srv, tc.path)
			}
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d %s; want %d with %q", status, body, tc.status, tc.want)
			}
			var errs open311.Errors
			f := open311.JSON
			if strings.HasPrefix(body, "<?xml") {
				f = open311.XML
			}
			if err := open311.Decode([]byte(body), f, &errs); err != nil || len(errs) == 0 || errs[0].Code != tc.status {
				t.Errorf("body is not an Open311 error document with code %d: %v %+v", tc.status, err, errs)
			}
		})
	}
}

func TestXMLAndDiscovery(t *testing.T) {
	_, srv := start(t, testConfig())
	status, body := post(t, srv, "/requests.xml", treeForm(testKey), nil)
	if status != http.StatusCreated {
		t.Fatalf("POST requests.xml: %d %s", status, body)
	}
	var receipts open311.Receipts
	if err := open311.Decode([]byte(body), open311.XML, &receipts); err != nil || len(receipts) != 1 {
		t.Fatalf("receipt %v %s", err, body)
	}
	for path, root := range map[string]string{
		"/services.xml":                  "services",
		"/services/road-fallen-tree.xml": "service_definition",
		"/requests.xml":                  "service_requests",
		"/requests/" + receipts[0].ServiceRequestID + ".xml": "service_requests",
		"/discovery.xml": "discovery",
	} {
		status, body := get(t, srv, path)
		if status != http.StatusOK || !strings.HasPrefix(body, xml.Header) {
			t.Errorf("%s: %d %s", path, status, body)
			continue
		}
		if got := rootOf(t, body); got != root {
			t.Errorf("%s: root <%s>, want <%s>", path, got, root)
		}
	}
	var d open311.Discovery
	_, body = get(t, srv, "/discovery.json")
	if err := open311.Decode([]byte(body), open311.JSON, &d); err != nil || len(d.Endpoints) != 1 ||
		d.Endpoints[0].URL != srv.URL || d.Endpoints[0].Specification != open311.SpecificationV2 {
		t.Errorf("discovery %+v %v", d, err)
	}
	var def open311.ServiceDefinition
	_, body = get(t, srv, "/services/road-fallen-tree.json")
	if err := open311.Decode([]byte(body), open311.JSON, &def); err != nil || len(def.Attributes) != 2 {
		t.Errorf("definition %+v %v", def, err)
	}
}

func rootOf(t *testing.T, doc string) string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("%v in %s", err, doc)
		}
		if s, ok := tok.(xml.StartElement); ok {
			return s.Name.Local
		}
	}
}

func TestRequestFilters(t *testing.T) {
	_, srv := start(t, config{apiKey: testKey, acceptAfter: time.Hour, resolveAfter: time.Hour})
	c := client(t, srv, testKey)
	tree, err := c.PostRequest(open311.RequestForm{ServiceCode: "road-fallen-tree", AddressString: "鼓楼"})
	if err != nil {
		t.Fatal(err)
	}
	drain, err := c.PostRequest(open311.RequestForm{ServiceCode: "drainage-waterlogging", AddressString: "白沙"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tc := range []struct {
		name string
		q    open311.RequestsQuery
		want []string
	}{
		{"all, newest first", open311.RequestsQuery{}, []string{drain.ServiceRequestID, tree.ServiceRequestID}},
		{"by id", open311.RequestsQuery{IDs: []string{tree.ServiceRequestID}}, []string{tree.ServiceRequestID}},
		{"by service", open311.RequestsQuery{ServiceCodes: []string{"drainage-waterlogging"}}, []string{drain.ServiceRequestID}},
		{"open", open311.RequestsQuery{Statuses: []open311.Status{open311.Open}}, []string{drain.ServiceRequestID, tree.ServiceRequestID}},
		{"closed", open311.RequestsQuery{Statuses: []open311.Status{open311.Closed}}, nil},
		{"window before them", open311.RequestsQuery{Start: now.Add(-48 * time.Hour), End: now.Add(-24 * time.Hour)}, nil},
		{"window around them", open311.RequestsQuery{Start: now.Add(-time.Hour), End: now.Add(time.Hour)}, []string{drain.ServiceRequestID, tree.ServiceRequestID}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Requests(tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range got {
				ids = append(ids, r.ServiceRequestID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", ids, tc.want)
			}
		})
	}
}
