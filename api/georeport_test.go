package api_test

import (
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

// TestGeoReportOverHTTP: an Open311 client (a 12345 hotline) discovers the
// scene's endpoint, files an issue for its deputy with a plain form POST
// over real loopback HTTP, and reads it back in XML; staff see it among
// the issues, the public never sees the deputy, and another congress
// never sees it at all.
func TestGeoReportOverHTTP(t *testing.T) {
	const key = "hotline-key-0123456789"
	e := sceneEnv(t, "postgres", "issues")
	enable(t, e, issuesupervision.ID, "0.1.0", "haishu", "jiangbei")
	_, deputyID := deputyToken(t, e, "haishu", "王建国")
	r := e.Do(http.MethodPut, "/api/v1/t/haishu/scenes/"+issuesupervision.ID, e.Tokens["haishu/tenant_admin"], map[string]any{"enabled": true,
		"settings": map[string]any{
			"routes":           []map[string]string{{"category": "tree", "destination": "department:greening"}},
			"open311_api_keys": []map[string]string{{"key": key, "name": "12345 市民热线", "deputy_id": deputyID}},
		}})
	if r.Code != http.StatusOK {
		t.Fatalf("configure: %d %s", r.Code, r.Body)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = e.Server.App().Listener(ln) }()
	t.Cleanup(func() { _ = e.Server.App().Shutdown() })
	root := "http://" + ln.Addr().String()
	base := root + "/api/v1/t/haishu/scenes/" + issuesupervision.ID + "/open311/v2"
	read := func(resp *http.Response, err error) (int, []byte) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}

	code, body := read(http.Get(base + "/discovery.json"))
	var d open311.Discovery
	if err := open311.Decode(body, open311.JSON, &d); code != http.StatusOK || err != nil || len(d.Endpoints) != 1 || d.Endpoints[0].URL != base {
		t.Fatalf("discovery: %d %s (%v), want the endpoint %s", code, body, err, base)
	}

	form := url.Values{"api_key": {key}, "service_code": {"tree"}, "lat": {"29.8710"}, "long": {"121.5478"},
		"address_string": {"海曙区鼓楼街道中山西路"}, "description": {"市民来电：中山西路多棵行道树倒伏，阻断非机动车道"}, "attribute[urgent]": {"true"}}
	code, body = read(http.PostForm(base+"/requests.json", form))
	var receipts open311.Receipts
	if err := open311.Decode(body, open311.JSON, &receipts); code != http.StatusCreated || err != nil || len(receipts) != 1 || receipts[0].ServiceRequestID == "" {
		t.Fatalf("post: %d %s (%v)", code, body, err)
	}
	id := receipts[0].ServiceRequestID

	for _, c := range []struct {
		name, format, key string
		status            int
	}{
		{"no key", "json", "", http.StatusForbidden},
		{"wrong key in XML", "xml", "not-the-hotline-key-at-all", http.StatusForbidden},
	} {
		f := maps.Clone(form)
		f.Set("api_key", c.key)
		code, body := read(http.PostForm(base+"/requests."+c.format, f))
		var errs open311.Errors
		if err := open311.Decode(body, open311.Format(c.format), &errs); code != c.status || err != nil || len(errs) != 1 || errs[0].Code != c.status {
			t.Errorf("%s: %d %s (%v), want %d with an Open311 errors document", c.name, code, body, err, c.status)
		}
	}

	code, body = read(http.Get(base + "/requests/" + id + ".xml"))
	var got open311.ServiceRequests
	if err := open311.Decode(body, open311.XML, &got); code != http.StatusOK || err != nil || len(got) != 1 ||
		got[0].Status != open311.Open || got[0].ServiceCode != "tree" || got[0].ExpectedAt.IsZero() {
		t.Fatalf("read back: %d %s (%v)", code, body, err)
	}
	code, body = read(http.Get(base + "/requests.json?status=open&service_code=tree"))
	if code != http.StatusOK || !strings.Contains(string(body), id) {
		t.Errorf("list: %d %s, want %s in it", code, body, id)
	}
	if strings.Contains(string(body), deputyID) || strings.Contains(string(body), "王建国") {
		t.Errorf("the public list shows the deputy: %s", body)
	}

	var iss issuesupervision.IssueJSON
	e.Do(http.MethodGet, "/api/v1/t/haishu/scenes/"+issuesupervision.ID+"/issues/"+id, e.Tokens["haishu/staff"], nil).JSON(t, &iss)
	if iss.DeputyID != deputyID || iss.Reporter != "12345 市民热线" || iss.ReporterID != e.Users["haishu/deputy"].ID || !iss.Urgent ||
		iss.Destination != "department:greening" {
		t.Errorf("staff see %+v, want the hotline's urgent report for deputy %s", iss, deputyID)
	}

	other := root + "/api/v1/t/jiangbei/scenes/" + issuesupervision.ID + "/open311/v2"
	if code, body := read(http.Get(other + "/requests/" + id + ".json")); code != http.StatusNotFound {
		t.Errorf("jiangbei reads haishu's request: %d %s", code, body)
	}
	if code, body := read(http.PostForm(other+"/requests.json", form)); code != http.StatusForbidden {
		t.Errorf("haishu's key files in jiangbei: %d %s", code, body)
	}
}
