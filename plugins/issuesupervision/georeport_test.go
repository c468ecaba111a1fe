package issuesupervision_test

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	is "github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

const (
	hotlineKey = "hotline-key-0123456789"
	georeport  = "/open311/v2"
)

// geoHarness is the scene with an Open311 key for the deputy in haishu,
// the deputy's account, and a department.
func geoHarness(t *testing.T) (*scenetest.Harness, *scene.Principal, *scene.Principal) {
	h, deputy, staff := harness(t)
	h.AddUser("haishu", scene.DirectoryEntry{ID: deputy.UserID, Name: "王建国", Attributes: map[string]string{"deputy_id": deputy.DeputyID}})
	h.AddDepartment("haishu", scene.DirectoryEntry{ID: "dep-1", Name: "区住房和城乡建设局", Kind: "department",
		Attributes: map[string]string{"code": "housing", "name_en": "Housing bureau"}})
	h.SetSettings("haishu", map[string]any{
		"deadlines":        map[string]int{"tree": 2},
		"routes":           []map[string]string{{"category": "housing", "destination": "department:housing"}},
		"open311_api_keys": []map[string]string{{"key": hotlineKey, "name": "12345 市民热线", "deputy_id": deputy.DeputyID}},
	})
	return h, deputy, staff
}

// decode reads an Open311 document in the format of the path's extension.
func decode(t *testing.T, res *scenetest.Result, f open311.Format, v any) {
	t.Helper()
	if want := f.ContentType(); res.ContentType != want {
		t.Errorf("content type = %q, want %q", res.ContentType, want)
	}
	if err := open311.Decode(res.Body, f, v); err != nil {
		t.Fatalf("decode %s: %v\n%s", f, err, res.Body)
	}
}

// wantErrors checks an Open311 error answer: the status, and one error
// with that code whose description contains want.
func wantErrors(t *testing.T, res *scenetest.Result, f open311.Format, status int, want string) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status = %d, want %d: %s", res.Status, status, res)
	}
	var errs open311.Errors
	decode(t, res, f, &errs)
	if len(errs) == 0 || errs[0].Code != status || !strings.Contains(errs.Error(), want) {
		t.Errorf("errors = %v, want code %d mentioning %q", errs, status, want)
	}
}

var formats = []open311.Format{open311.JSON, open311.XML}

func TestGeoReportDiscovery(t *testing.T) {
	h, _, _ := geoHarness(t)
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			res := h.Request(http.MethodGet, georeport+"/discovery."+string(f)).
				Header("Host", "renda.example.cn").Header("X-Forwarded-Proto", "https").Do()
			var d open311.Discovery
			decode(t, res, f, &d)
			want := "https://renda.example.cn/api/v1/t/haishu/scenes/" + is.ID + "/open311/v2"
			if len(d.Endpoints) != 1 || d.Endpoints[0].URL != want || d.Endpoints[0].Specification != open311.SpecificationV2 ||
				!slices.Contains(d.Endpoints[0].Formats, "text/xml") || d.Changeset == "" {
				t.Errorf("discovery = %+v, want one GeoReport v2 endpoint at %s", d, want)
			}
		})
	}
}

func TestGeoReportServices(t *testing.T) {
	h, _, _ := geoHarness(t)
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			var got open311.Services
			decode(t, h.Request(http.MethodGet, georeport+"/services."+string(f)).Do(), f, &got)
			if len(got) != len(is.Categories) {
				t.Fatalf("%d services, want one per category (%d)", len(got), len(is.Categories))
			}
			for i, c := range is.Categories {
				s := got[i]
				if s.Code != c.Code || s.Name != c.Name.ZH || s.Type != open311.Realtime || !s.Metadata || s.Group == "" || s.Keywords != c.Name.EN {
					t.Errorf("service %d = %+v, want %s %s, realtime, with metadata and a group", i, s, c.Code, c.Name.ZH)
				}
			}
			if !strings.Contains(got[0].Description, "2 个工作日") {
				t.Errorf("tree's description %q does not follow the tenant's deadline of 2 days", got[0].Description)
			}

			var def open311.ServiceDefinition
			decode(t, h.Request(http.MethodGet, georeport+"/services/tree."+string(f)).Do(), f, &def)
			if def.ServiceCode != "tree" || len(def.Attributes) != 1 {
				t.Fatalf("definition = %+v, want tree with one attribute", def)
			}
			a := def.Attributes[0]
			keys := []string{}
			for _, v := range a.Values {
				keys = append(keys, v.Key)
			}
			if a.Code != "urgent" || a.Datatype != open311.SingleValueList || !a.Variable || a.Required || !reflect.DeepEqual(keys, []string{"true", "false"}) {
				t.Errorf("attribute = %+v, want an optional urgent singlevaluelist of true/false", a)
			}

			wantErrors(t, h.Request(http.MethodGet, georeport+"/services/ufo."+string(f)).Do(), f, http.StatusNotFound, "ufo")
		})
	}
	wantErrors(t, h.Request(http.MethodGet, georeport+"/services/tree").Do(), open311.JSON, http.StatusNotFound, ".json")
	wantErrors(t, h.Request(http.MethodGet, georeport+"/services.json?jurisdiction_id=jiangbei").Do(), open311.JSON, http.StatusNotFound, "jurisdiction_id")
	if r := h.Request(http.MethodGet, georeport+"/services.json?jurisdiction_id=haishu").Do(); r.Status != http.StatusOK {
		t.Errorf("this congress's own jurisdiction_id: %s", r)
	}
}

// hotlineForm is a valid POST as an Open311 client sends it.
func hotlineForm() url.Values {
	return url.Values{"api_key": {hotlineKey}, "service_code": {"tree"}, "lat": {"29.8683"}, "long": {"121.5440"},
		"address_string": {"海曙区中山西路 100 号"}, "description": {"市民来电：中山西路行道树倒伏，阻断非机动车道"},
		"attribute[urgent]": {"true"}, "first_name": {"芳"}, "last_name": {"陈"}, "phone": {"13800000000"}, "account_id": {"caller-42"}}
}

func post(h *scenetest.Harness, f open311.Format, form url.Values) *scenetest.Result {
	return h.Request(http.MethodPost, georeport+"/requests."+string(f)).Body(open311.ContentTypeForm, []byte(form.Encode())).Do()
}

func TestGeoReportPost(t *testing.T) {
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			h, deputy, staff := geoHarness(t)
			res := post(h, f, hotlineForm())
			if res.Status != http.StatusCreated {
				t.Fatalf("post: %s", res)
			}
			var receipts open311.Receipts
			decode(t, res, f, &receipts)
			if len(receipts) != 1 || receipts[0].ServiceRequestID == "" || receipts[0].AccountID != "caller-42" || receipts[0].ServiceNotice == "" {
				t.Fatalf("receipts = %+v, want one with an id, the caller's account and a notice", receipts)
			}
			// Staff see it among the issues, filed for the key's deputy.
			var list struct{ Items []is.IssueJSON }
			h.Request(http.MethodGet, "/issues").As(staff).Do().Decode(t, &list)
			if len(list.Items) != 1 {
				t.Fatalf("staff see %d issues, want 1", len(list.Items))
			}
			iss := list.Items[0]
			if iss.ID != receipts[0].ServiceRequestID || iss.DeputyID != deputy.DeputyID || iss.ReporterID != deputy.UserID ||
				iss.Reporter != "12345 市民热线" || !iss.Urgent || iss.State != is.Routed || iss.Category != "tree" || iss.Lat != 29.8683 {
				t.Errorf("issue = %+v, want the hotline's report for %s, urgent, routed", iss, deputy.DeputyID)
			}
			if d := h.Duties("haishu"); len(d) != 1 || d[0].DeputyID != deputy.DeputyID {
				t.Errorf("duties = %+v, want the report in the deputy's archive", d)
			}
		})
	}
}

func TestGeoReportPostRefused(t *testing.T) {
	with := func(change func(url.Values)) url.Values {
		v := hotlineForm()
		change(v)
		return v
	}
	cases := []struct {
		name   string
		tenant string
		form   url.Values
		status int
		want   string
	}{
		{"no api_key", "haishu", with(func(v url.Values) { v.Del("api_key") }), http.StatusForbidden, "api_key"},
		{"wrong api_key", "haishu", with(func(v url.Values) { v.Set("api_key", "guess-guess-guess-guess") }), http.StatusForbidden, "api_key"},
		{"another congress's key", "jiangbei", hotlineForm(), http.StatusForbidden, "api_key"},
		{"unknown service", "haishu", with(func(v url.Values) { v.Set("service_code", "ufo") }), http.StatusNotFound, "ufo"},
		{"no service", "haishu", with(func(v url.Values) { v.Del("service_code") }), http.StatusBadRequest, "service_code"},
		{"no lat", "haishu", with(func(v url.Values) { v.Del("lat") }), http.StatusBadRequest, "lat"},
		{"lat not a number", "haishu", with(func(v url.Values) { v.Set("lat", "north") }), http.StatusBadRequest, "lat"},
		{"outside China", "haishu", with(func(v url.Values) { v.Set("long", "2.35") }), http.StatusBadRequest, "long"},
		{"no address", "haishu", with(func(v url.Values) { v.Del("address_string") }), http.StatusBadRequest, "address_string"},
		{"no description", "haishu", with(func(v url.Values) { v.Del("description") }), http.StatusBadRequest, "description"},
		{"bad attribute", "haishu", with(func(v url.Values) { v.Set("attribute[urgent]", "very") }), http.StatusBadRequest, "attribute[urgent]"},
		{"unknown attribute", "haishu", with(func(v url.Values) { v.Set("attribute[colour]", "red") }), http.StatusBadRequest, "attribute[colour]"},
		{"another jurisdiction", "haishu", with(func(v url.Values) { v.Set("jurisdiction_id", "jiangbei") }), http.StatusNotFound, "jurisdiction_id"},
	}
	for _, f := range formats {
		for _, c := range cases {
			t.Run(string(f)+"/"+c.name, func(t *testing.T) {
				h, _, _ := geoHarness(t)
				res := h.Request(http.MethodPost, georeport+"/requests."+string(f)).Tenant(c.tenant).
					Body(open311.ContentTypeForm, []byte(c.form.Encode())).Do()
				wantErrors(t, res, f, c.status, c.want)
				if n := len(h.Events(c.tenant)); n != 0 {
					t.Errorf("a refused POST published %d events", n)
				}
			})
		}
	}
	t.Run("JSON body", func(t *testing.T) {
		h, _, _ := geoHarness(t)
		res := h.Request(http.MethodPost, georeport+"/requests.json").JSON(map[string]string{"api_key": hotlineKey}).Do()
		wantErrors(t, res, open311.JSON, http.StatusBadRequest, "x-www-form-urlencoded")
	})
	t.Run("every problem at once", func(t *testing.T) {
		h, _, _ := geoHarness(t)
		v := hotlineForm()
		v.Del("lat")
		v.Del("long")
		v.Del("address_string")
		res := post(h, open311.JSON, v)
		var errs open311.Errors
		decode(t, res, open311.JSON, &errs)
		got := errs.Error()
		for _, want := range []string{"lat", "long", "address_string"} {
			if !strings.Contains(got, want+":") {
				t.Errorf("errors %q do not name %s", got, want)
			}
		}
		if strings.Contains(got, "location:") {
			t.Errorf("errors %q repeat the missing location", got)
		}
	})
}

// seed stores issues as they stand after some days: oldest first, as the
// store orders by creation.
func seed(t *testing.T, h *scenetest.Harness, deputy *scene.Principal, now time.Time) {
	t.Helper()
	for _, x := range []struct {
		id, category string
		state        is.State
		age          time.Duration
		dest, worker string
		notes        []string
	}{
		{"iss-old", "road", is.Closed, 200 * 24 * time.Hour, "grid", "", []string{"已修复"}},
		{"iss-rejected", "tree", is.Rejected, 10 * 24 * time.Hour, "grid", "", []string{"不属于受理范围"}},
		{"iss-housing", "housing", is.Accepted, 5 * 24 * time.Hour, "department:housing", "", nil},
		{"iss-tree", "tree", is.Dispatched, 2 * 24 * time.Hour, "grid", "网格员 张海军", []string{"已派网格员 张海军"}},
		{"iss-new", "manhole", is.Routed, time.Hour, "grid", "", nil},
	} {
		at := now.Add(-x.age)
		tl := []is.Step{{Action: "report", To: is.Submitted, Actor: deputy.UserID, Name: "王建国", At: at},
			{Action: is.ActRoute, From: is.Submitted, To: is.Routed, Actor: "system", Name: "路由规则", At: at, Note: x.dest}}
		for _, n := range x.notes {
			tl = append(tl, is.Step{Action: is.ActAccept, To: x.state, Actor: "user:吴敏", Name: "吴敏", At: at.Add(time.Hour), Note: n})
		}
		iss := is.Issue{Category: x.category, Description: "问题 " + x.id, Lat: 29.87, Lng: 121.55, Address: "海曙区 " + x.id,
			State: x.state, DeputyID: deputy.DeputyID, ReporterID: deputy.UserID, Reporter: "王建国", Destination: x.dest,
			Worker: x.worker, DueAt: at.Add(72 * time.Hour), Timeline: tl, CreatedAt: at, UpdatedAt: at.Add(time.Hour)}
		if _, err := h.Store("haishu").Create(t.Context(), "issues", x.id, iss); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGeoReportRequests(t *testing.T) {
	h, deputy, _ := geoHarness(t)
	now := time.Now().UTC().Truncate(time.Second)
	seed(t, h, deputy, now)
	ids := func(f open311.Format, query string) []string {
		t.Helper()
		var got open311.ServiceRequests
		decode(t, h.Request(http.MethodGet, georeport+"/requests."+string(f)+query).Do(), f, &got)
		out := []string{}
		for _, r := range got {
			out = append(out, r.ServiceRequestID)
		}
		return out
	}
	day := func(d time.Duration) string { return url.QueryEscape(open311.FormatTime(now.Add(-d * 24 * time.Hour))) }
	cases := []struct{ name, query, want string }{
		{"the last 90 days, newest first", "", "iss-new iss-tree iss-housing iss-rejected"},
		{"open", "?status=open", "iss-new iss-tree iss-housing"},
		{"closed", "?status=closed", "iss-rejected"},
		{"both", "?status=open,closed", "iss-new iss-tree iss-housing iss-rejected"},
		{"one service", "?service_code=tree", "iss-tree iss-rejected"},
		{"services and status", "?service_code=tree,housing&status=open", "iss-tree iss-housing"},
		{"since", "?start_date=" + day(6), "iss-new iss-tree iss-housing"},
		{"between", "?start_date=" + day(6) + "&end_date=" + day(1), "iss-tree iss-housing"},
		{"long ago", "?start_date=" + day(250) + "&end_date=" + day(170), "iss-old"},
		{"until", "?end_date=" + day(3), "iss-housing iss-rejected"},
		{"ids override the rest", "?service_request_id=iss-old,nope,iss-new&status=open", "iss-old iss-new"},
	}
	for _, f := range formats {
		for _, c := range cases {
			t.Run(string(f)+"/"+c.name, func(t *testing.T) {
				if got := strings.Join(ids(f, c.query), " "); got != c.want {
					t.Errorf("got %s, want %s", got, c.want)
				}
			})
		}
		t.Run(string(f)+"/bad filters", func(t *testing.T) {
			wantErrors(t, h.Request(http.MethodGet, georeport+"/requests."+string(f)+"?status=pending").Do(), f, http.StatusBadRequest, "status")
			wantErrors(t, h.Request(http.MethodGet, georeport+"/requests."+string(f)+"?start_date=yesterday").Do(), f, http.StatusBadRequest, "start_date")
			wantErrors(t, h.Request(http.MethodGet, georeport+"/requests."+string(f)+"?start_date="+day(200)+"&end_date="+day(1)).Do(), f, http.StatusBadRequest, "90 days")
		})
		t.Run(string(f)+"/one", func(t *testing.T) {
			var got open311.ServiceRequests
			decode(t, h.Request(http.MethodGet, georeport+"/requests/iss-tree."+string(f)).Do(), f, &got)
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			r := got[0]
			at := now.Add(-48 * time.Hour)
			if r.ServiceRequestID != "iss-tree" || r.Status != open311.Open || r.ServiceCode != "tree" || r.ServiceName != "树木倒伏" ||
				r.StatusNotes != "已派网格员 张海军" || r.AgencyResponsible != "基层治理四平台 网格员 张海军" || r.Description != "问题 iss-tree" ||
				!r.RequestedAt.Equal(at) || !r.UpdatedAt.Equal(at.Add(time.Hour)) || !r.ExpectedAt.Equal(at.Add(72*time.Hour)) ||
				r.Lat == nil || *r.Lat != 29.87 || r.Long == nil || *r.Long != 121.55 || r.Address != "海曙区 iss-tree" {
				t.Errorf("request = %+v", r)
			}
			if _, off := r.RequestedAt.Zone(); off != 8*3600 {
				t.Errorf("requested_datetime offset = %d, want +08:00", off)
			}
			wantErrors(t, h.Request(http.MethodGet, georeport+"/requests/nope."+string(f)).Do(), f, http.StatusNotFound, "nope")
		})
	}
	t.Run("agency and notes", func(t *testing.T) {
		var got open311.ServiceRequests
		decode(t, h.Request(http.MethodGet, georeport+"/requests.json?service_request_id=iss-housing,iss-new,iss-rejected").Do(), open311.JSON, &got)
		want := [][2]string{{"区住房和城乡建设局", "已受理"}, {"基层治理四平台", "已分派"}, {"基层治理四平台", "不属于受理范围"}}
		for i, r := range got {
			if r.AgencyResponsible != want[i][0] || r.StatusNotes != want[i][1] {
				t.Errorf("%s: agency %q, notes %q, want %q, %q", r.ServiceRequestID, r.AgencyResponsible, r.StatusNotes, want[i][0], want[i][1])
			}
		}
		var en open311.ServiceRequests
		decode(t, h.Request(http.MethodGet, georeport+"/requests.json?service_request_id=iss-housing").Locale("en").Do(), open311.JSON, &en)
		if len(en) != 1 || en[0].AgencyResponsible != "Housing bureau" || en[0].StatusNotes != "accepted" {
			t.Errorf("in English: %+v", en)
		}
	})
	t.Run("no deputy, no reporter", func(t *testing.T) {
		for _, target := range []string{"/requests.json", "/requests.xml", "/requests/iss-tree.json", "/requests/iss-tree.xml"} {
			body := string(h.Request(http.MethodGet, georeport+target).Do().Body)
			for _, secret := range []string{deputy.DeputyID, deputy.UserID, "王建国", "吴敏", "deputy_id", "reporter"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s shows %q:\n%s", target, secret, body)
				}
			}
		}
	})
	t.Run("another congress", func(t *testing.T) {
		var got open311.ServiceRequests
		decode(t, h.Request(http.MethodGet, georeport+"/requests.json").Tenant("jiangbei").Do(), open311.JSON, &got)
		if len(got) != 0 {
			t.Errorf("jiangbei lists %d of haishu's requests", len(got))
		}
		wantErrors(t, h.Request(http.MethodGet, georeport+"/requests/iss-tree.json").Tenant("jiangbei").Do(), open311.JSON, http.StatusNotFound, "iss-tree")
	})
}

// A request filed over Open311 is read back over Open311 like any other.
func TestGeoReportRoundTrip(t *testing.T) {
	h, _, _ := geoHarness(t)
	var receipts open311.Receipts
	decode(t, post(h, open311.XML, hotlineForm()), open311.XML, &receipts)
	var got open311.ServiceRequests
	decode(t, h.Request(http.MethodGet, georeport+"/requests/"+receipts[0].ServiceRequestID+".xml").Do(), open311.XML, &got)
	if len(got) != 1 || got[0].Status != open311.Open || got[0].ServiceCode != "tree" || got[0].AgencyResponsible != "基层治理四平台" ||
		got[0].StatusNotes != "已分派" || got[0].ExpectedAt.IsZero() {
		t.Errorf("read back: %+v", got)
	}
}
