package open311_test

import (
	"errors"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

func TestParseRequestFormSpecExample(t *testing.T) {
	body, err := os.ReadFile("testdata/post_request.form")
	if err != nil {
		t.Fatal(err)
	}
	v, err := url.ParseQuery(strings.TrimSpace(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := open311.ParseRequestForm(v)
	if err != nil {
		t.Fatalf("ParseRequestForm: %v", err)
	}
	want := open311.RequestForm{
		APIKey: "xyz", JurisdictionID: "city.gov", ServiceCode: "001",
		Lat: ptr(37.76524078), Long: ptr(-122.4212043), AddressString: "1234 5th street",
		Email: "smit333@sfgov.edu", DeviceID: "tt222111", AccountID: "123456",
		FirstName: "john", LastName: "smith", Phone: "111111111",
		Description: "A large sinkhole is destroying the street",
		MediaURL:    "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
		Attributes:  map[string][]string{"WHISPAWN": {"123456"}, "WHISDORN": {"COISL001"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	again, err := open311.ParseRequestForm(got.Values())
	if err != nil {
		t.Fatalf("parse own encoding: %v", err)
	}
	if !reflect.DeepEqual(again, want) {
		t.Errorf("Values round trip: got %#v, want %#v", again, want)
	}
}

func TestRequestFormMultiValueAttributes(t *testing.T) {
	v, _ := url.ParseQuery("service_code=road-fallen-tree&address_id=A1&attribute[kind][]=a&attribute[kind][]=b&attribute[one]=x")
	f, err := open311.ParseRequestForm(v)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Attributes, map[string][]string{"kind": {"a", "b"}, "one": {"x"}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("attributes: got %v, want %v", got, want)
	}
	enc := f.Values()
	if got := enc["attribute[kind][]"]; !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("attribute[kind][] encodes as %v", got)
	}
	if got := enc.Get("attribute[one]"); got != "x" {
		t.Errorf("attribute[one] encodes as %q", got)
	}
}

func TestParseRequestFormValidation(t *testing.T) {
	ningbo := "service_code=road-fallen-tree&lat=29.8683&long=121.544"
	for _, tc := range []struct {
		name   string
		form   string
		fields []string // the fields named in the FormError, sorted; nil for a valid form
	}{
		{"lat and long", ningbo, nil},
		{"address_string alone", "service_code=x&address_string=中山西路", nil},
		{"address_id alone", "service_code=x&address_id=545483", nil},
		{"no service_code", "lat=29.8683&long=121.544", []string{"service_code"}},
		{"blank service_code", "service_code=+&address_id=1", []string{"service_code"}},
		{"no location", "service_code=x", []string{"location"}},
		{"lat without long", "service_code=x&lat=29.8", []string{"lat"}},
		{"lat not a number, reported once", "service_code=x&lat=north&long=121.5", []string{"lat"}},
		{"lat out of range", "service_code=x&lat=91&long=121.5", []string{"lat"}},
		{"long out of range", "service_code=x&lat=29&long=-181", []string{"long"}},
		{"NaN", "service_code=x&lat=NaN&long=1", []string{"lat"}},
		{"description too long", ningbo + "&description=" + strings.Repeat("树", open311.MaxDescription+1), []string{"description"}},
		{"description at the limit", ningbo + "&description=" + strings.Repeat("树", open311.MaxDescription), nil},
		{"bad email", ningbo + "&email=not-an-address", []string{"email"}},
		{"email with a name", ningbo + "&email=Zhang+%3Cz%40example.cn%3E", []string{"email"}},
		{"relative media_url", ningbo + "&media_url=/photo.jpg", []string{"media_url"}},
		{"ftp media_url", ningbo + "&media_url=ftp://example.cn/p.jpg", []string{"media_url"}},
		{"empty attribute code", ningbo + "&attribute[]=1", []string{"attribute[]"}},
		{"unclosed attribute", ningbo + "&attribute[x=1", []string{"attribute[x"}},
		{"everything wrong", "lat=200&long=0&email=x&media_url=y", []string{"email", "lat", "media_url", "service_code"}},
		{"unknown arguments ignored", ningbo + "&attributes=1&priority=high", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.form)
			if err != nil {
				t.Fatal(err)
			}
			_, err = open311.ParseRequestForm(v)
			if got := fieldsOf(t, err); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields in error: got %v, want %v (%v)", got, tc.fields, err)
			}
		})
	}
}

func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var fe open311.FormError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not a FormError", err)
	}
	var out []string
	for _, f := range fe {
		out = append(out, f.Field)
	}
	slices.Sort(out)
	return out
}

func TestFormErrorAsErrors(t *testing.T) {
	fe := open311.FormError{{Field: "service_code", Problem: "required"}, {Field: "lat", Problem: "x"}}
	got := fe.Errors()
	want := open311.Errors{{Code: 400, Description: "service_code: required"}, {Code: 400, Description: "lat: x"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestServiceDefinitionCheck(t *testing.T) {
	def := open311.ServiceDefinition{ServiceCode: "road-fallen-tree", Attributes: []open311.Attribute{
		{Variable: true, Code: "blocking", Datatype: open311.SingleValueList, Required: true,
			Values: []open311.AttributeValue{{Key: "yes", Name: "是"}, {Key: "no", Name: "否"}}},
		{Variable: true, Code: "kinds", Datatype: open311.MultiValueList,
			Values: []open311.AttributeValue{{Key: "tree", Name: "树木"}, {Key: "pole", Name: "电杆"}}},
		{Variable: true, Code: "count", Datatype: open311.Number},
		{Variable: true, Code: "seen", Datatype: open311.Datetime},
		{Variable: true, Code: "plate", Datatype: open311.String},
		{Variable: false, Code: "note", Datatype: open311.Text, Description: "请注意安全"},
	}}
	for _, tc := range []struct {
		name   string
		attrs  map[string][]string
		fields []string
	}{
		{"minimal", map[string][]string{"blocking": {"yes"}}, nil},
		{"all", map[string][]string{"blocking": {"no"}, "kinds": {"tree", "pole"}, "count": {"3"},
			"seen": {"2021-07-25T08:00:00+08:00"}, "plate": {"浙B"}}, nil},
		{"required missing", map[string][]string{"count": {"3"}}, []string{"attribute[blocking]"}},
		{"required blank", map[string][]string{"blocking": {" "}}, []string{"attribute[blocking]"}},
		{"not a listed key", map[string][]string{"blocking": {"maybe"}}, []string{"attribute[blocking]"}},
		{"two values for a single list", map[string][]string{"blocking": {"yes", "no"}}, []string{"attribute[blocking]"}},
		{"multi with a bad key", map[string][]string{"blocking": {"yes"}, "kinds": {"tree", "car"}}, []string{"attribute[kinds]"}},
		{"not a number", map[string][]string{"blocking": {"yes"}, "count": {"three"}}, []string{"attribute[count]"}},
		{"date without zone", map[string][]string{"blocking": {"yes"}, "seen": {"2021-07-25 08:00"}}, []string{"attribute[seen]"}},
		{"line break in a string", map[string][]string{"blocking": {"yes"}, "plate": {"a\nb"}}, []string{"attribute[plate]"}},
		{"unknown code", map[string][]string{"blocking": {"yes"}, "colour": {"red"}}, []string{"attribute[colour]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := def.Check(tc.attrs)
			if got := fieldsOf(t, err); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields in error: got %v, want %v (%v)", got, tc.fields, err)
			}
		})
	}
}

func TestParseRequestsQuery(t *testing.T) {
	q, err := open311.ParseRequestsQuery(url.Values{
		"service_request_id": {"1,2", "3"},
		"service_code":       {"a, b"},
		"status":             {"open", "CLOSED"},
		"start_date":         {"2021-07-01T00:00:00+08:00"},
		"end_date":           {"2021-07-31T00:00:00+08:00"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(q.IDs, []string{"1", "2", "3"}) || !slices.Equal(q.ServiceCodes, []string{"a", "b"}) ||
		!slices.Equal(q.Statuses, []open311.Status{open311.Open, open311.Closed}) {
		t.Fatalf("parsed %+v", q)
	}
	back, err := open311.ParseRequestsQuery(q.Values())
	if err != nil || !reflect.DeepEqual(back.IDs, q.IDs) || !back.Start.Equal(q.Start) || !back.End.Equal(q.End) {
		t.Fatalf("Values round trip: %+v, %v", back, err)
	}

	for _, tc := range []struct {
		name   string
		query  string
		fields []string
	}{
		{"empty", "", nil},
		{"bad status", "status=pending", []string{"status"}},
		{"bad date", "start_date=2021-07-01", []string{"start_date"}},
		{"reversed", "start_date=2021-07-31T00:00:00Z&end_date=2021-07-01T00:00:00Z", []string{"end_date"}},
		{"wider than 90 days", "start_date=2021-01-01T00:00:00Z&end_date=2021-07-01T00:00:00Z", []string{"end_date"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, _ := url.ParseQuery(tc.query)
			_, err := open311.ParseRequestsQuery(v)
			if got := fieldsOf(t, err); !slices.Equal(got, tc.fields) {
				t.Fatalf("fields in error: got %v, want %v (%v)", got, tc.fields, err)
			}
		})
	}
}

func TestRequestsQueryMatch(t *testing.T) {
	at := time.Date(2021, 7, 25, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	r := open311.ServiceRequest{ServiceRequestID: "7", ServiceCode: "road-fallen-tree", Status: open311.Open, RequestedAt: at}
	for _, tc := range []struct {
		name string
		q    open311.RequestsQuery
		want bool
	}{
		{"no filters", open311.RequestsQuery{}, true},
		{"id overrides the rest", open311.RequestsQuery{IDs: []string{"7"}, Statuses: []open311.Status{open311.Closed}}, true},
		{"other id", open311.RequestsQuery{IDs: []string{"8"}}, false},
		{"service code", open311.RequestsQuery{ServiceCodes: []string{"road-manhole", "road-fallen-tree"}}, true},
		{"other service", open311.RequestsQuery{ServiceCodes: []string{"road-manhole"}}, false},
		{"status", open311.RequestsQuery{Statuses: []open311.Status{open311.Closed}}, false},
		{"inside the window", open311.RequestsQuery{Start: at.Add(-time.Hour), End: at}, true},
		{"before the window", open311.RequestsQuery{Start: at.Add(time.Second)}, false},
		{"after the window", open311.RequestsQuery{End: at.Add(-time.Second)}, false},
	} {
		if got := tc.q.Match(r); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCallbackSignature(t *testing.T) {
	secret, body := []byte("s3cret"), []byte(`[{"service_request_id":"1"}]`)
	sig := open311.SignCallback(secret, body)
	if !strings.HasPrefix(sig, "sha256=") || len(sig) != len("sha256=")+64 {
		t.Fatalf("signature %q", sig)
	}
	for _, tc := range []struct {
		name   string
		secret []byte
		body   []byte
		sig    string
		want   bool
	}{
		{"valid", secret, body, sig, true},
		{"other secret", []byte("other"), body, sig, false},
		{"changed body", secret, []byte(`[{"service_request_id":"2"}]`), sig, false},
		{"no prefix", secret, body, strings.TrimPrefix(sig, "sha256="), false},
		{"not hex", secret, body, "sha256=zz", false},
	} {
		if got := open311.VerifyCallback(tc.secret, tc.body, tc.sig); got != tc.want {
			t.Errorf("%s: VerifyCallback = %v, want %v", tc.name, got, tc.want)
		}
	}
}
