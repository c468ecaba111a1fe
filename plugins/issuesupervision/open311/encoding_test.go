package open311_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

// The samples under testdata are the example documents of the GeoReport v2 and Service Discovery
// pages. The JSON ones differ from the pages in one way: service_code 001 and 006 are quoted,
// because a number with a leading zero is not JSON and no decoder reads it.

func ptr(f float64) *float64 { return &f }

var pst = time.FixedZone("", -8*3600)

var sampleRequests = open311.ServiceRequests{
	{
		ServiceRequestID: "638344", Status: open311.Closed, StatusNotes: "Duplicate request.",
		ServiceName: "Sidewalk and Curb Issues", ServiceCode: "006",
		RequestedAt: time.Date(2010, 4, 14, 6, 37, 38, 0, pst), UpdatedAt: time.Date(2010, 4, 14, 6, 37, 38, 0, pst),
		ExpectedAt: time.Date(2010, 4, 15, 6, 37, 38, 0, pst),
		Address:    "8TH AVE and JUDAH ST", AddressID: "545483", Zipcode: "94122",
		Lat: ptr(37.762221815), Long: ptr(-122.4651145),
		MediaURL: "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg ",
	},
	{
		ServiceRequestID: "638349", Status: open311.Open,
		ServiceName: "Sidewalk and Curb Issues", ServiceCode: "006",
		RequestedAt: time.Date(2010, 4, 19, 6, 37, 38, 0, pst), UpdatedAt: time.Date(2010, 4, 19, 6, 37, 38, 0, pst),
		ExpectedAt: time.Date(2010, 4, 19, 6, 37, 38, 0, pst),
		Address:    "8TH AVE and JUDAH ST", AddressID: "545483", Zipcode: "94122",
		Lat: ptr(37.762221815), Long: ptr(-122.4651145),
		MediaURL: "http://city.gov.s3.amazonaws.com/requests/media/638349.jpg",
	},
}

const notice = "The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code"

var sampleDefinition = open311.ServiceDefinition{
	ServiceCode: "DMV66",
	Attributes: []open311.Attribute{{
		Variable: true, Code: "WHISHETN", Datatype: open311.SingleValueList, Required: true, Order: 1,
		Description: "What is the ticket/tag/DL number?",
		Values:      []open311.AttributeValue{{Key: "123", Name: "Ford"}, {Key: "124", Name: "Chrysler"}},
	}},
}

var sampleDiscovery = open311.Discovery{
	Changeset:  "2011-02-03 14:18",
	Contact:    "You can email or call for assistance api@mycity.org +1 (555) 555-5555",
	KeyService: "You can request a key here: http://api.mycity.gov/api_key/request",
	Endpoints: []open311.Endpoint{
		{Specification: open311.SpecificationV2, URL: "http://open311.mycity.gov/v2", Changeset: "2010-11-23 09:01",
			Type: open311.Production, Formats: []string{"text/xml"}},
		{Specification: open311.SpecificationV2, URL: "http://open311.mycity.gov/test/v2", Changeset: "2010-10-02 09:01",
			Type: open311.Test, Formats: []string{"text/xml", "application/json"}},
		{Specification: "http://wiki.open311.org/GeoReport_v3", URL: "http://open311.mycity.gov/v3", Changeset: "2011-02-03 14:18",
			Type: open311.Test, Formats: []string{"text/xml", "application/json"}},
	},
}

type sample struct {
	name string
	new  func() any // a pointer to decode into
	want func(format open311.Format) any
}

var samples = []sample{
	{"services", func() any { return new(open311.Services) }, func(open311.Format) any {
		return &open311.Services{
			{Code: "001", Name: "Cans left out 24x7", Description: "Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.",
				Metadata: true, Type: open311.Realtime, Keywords: "lorem, ipsum, dolor", Group: "sanitation"},
			{Code: "002", Name: "Construction plate shifted", Description: "Metal construction plate covering the street or sidewalk has been moved.",
				Metadata: true, Type: open311.Realtime, Keywords: "lorem, ipsum, dolor", Group: "street"},
			{Code: "003", Name: "Curb or curb ramp defect", Description: "Sidewalk curb or ramp has problems such as cracking, missing pieces, holes, and/or chipped curb.",
				Metadata: true, Type: open311.Realtime, Keywords: "lorem, ipsum, dolor", Group: "street"},
		}
	}},
	{"service_definition", func() any { return new(open311.ServiceDefinition) }, func(open311.Format) any { return &sampleDefinition }},
	{"post_response", func() any { return new(open311.Receipts) }, func(f open311.Format) any {
		n := notice
		if f == open311.XML { // the XML example wraps the notice in the element's indentation
			n = "\n            " + notice + "\n        "
		}
		return &open311.Receipts{{ServiceRequestID: "293944", ServiceNotice: n}}
	}},
	{"token", func() any { return new(open311.TokenResults) }, func(open311.Format) any {
		return &open311.TokenResults{{ServiceRequestID: "638344", Token: "12345"}}
	}},
	{"requests", func() any { return new(open311.ServiceRequests) }, func(f open311.Format) any {
		want := append(open311.ServiceRequests(nil), sampleRequests...)
		if f == open311.XML { // the XML example has a trailing space in both media URLs
			want[1].MediaURL += " "
		}
		return &want
	}},
	{"errors", func() any { return new(open311.Errors) }, func(open311.Format) any {
		return &open311.Errors{{Code: 403, Description: "Invalid api_key received -- can't proceed with create_request."}}
	}},
	{"discovery", func() any { return new(open311.Discovery) }, func(open311.Format) any { return &sampleDiscovery }},
}

func TestSamplesRoundTrip(t *testing.T) {
	for _, s := range samples {
		for _, f := range []open311.Format{open311.JSON, open311.XML} {
			t.Run(s.name+"."+string(f), func(t *testing.T) {
				doc, err := os.ReadFile(filepath.Join("testdata", s.name+"."+string(f)))
				if err != nil {
					t.Fatal(err)
				}
				got := s.new()
				if err := open311.Decode(doc, f, got); err != nil {
					t.Fatalf("decode: %v", err)
				}
				if want := s.want(f); !reflect.DeepEqual(got, want) {
					t.Fatalf("decoded\n got %#v\nwant %#v", got, want)
				}
				var out bytes.Buffer
				if err := open311.Encode(&out, f, reflect.ValueOf(got).Elem().Interface()); err != nil {
					t.Fatalf("encode: %v", err)
				}
				if f == open311.XML && !strings.HasPrefix(out.String(), `<?xml version="1.0" encoding="UTF-8"?>`) {
					t.Errorf("XML output lacks the declaration:\n%s", out.String())
				}
				if g, w := canonical(t, f, out.Bytes()), canonical(t, f, doc); !reflect.DeepEqual(g, w) {
					t.Errorf("encoded document differs from the sample\n got %#v\nwant %#v\noutput:\n%s", g, w, out.String())
				}
				again := s.new()
				if err := open311.Decode(out.Bytes(), f, again); err != nil {
					t.Fatalf("decode own output: %v\n%s", err, out.String())
				}
				if !reflect.DeepEqual(again, got) {
					t.Errorf("round trip changed the value\n got %#v\nwant %#v", again, got)
				}
			})
		}
	}
}

// idKeys are the identifiers the examples print as JSON numbers and this package writes as
// strings.
var idKeys = map[string]bool{"service_request_id": true, "service_code": true, "token": true,
	"address_id": true, "zipcode": true, "account_id": true, "key": true}

// canonical turns a document into plain values that compare equal when the documents mean the
// same: JSON through encoding/json with identifiers as strings; XML as a tree of element names
// (siblings of one name keep their order), leaf text verbatim, whitespace between elements
// dropped, so that <a/> equals <a></a>.
func canonical(t *testing.T, f open311.Format, doc []byte) any {
	t.Helper()
	if f == open311.JSON {
		d := json.NewDecoder(bytes.NewReader(doc))
		d.UseNumber()
		var v any
		if err := d.Decode(&v); err != nil {
			t.Fatalf("canonical JSON: %v\n%s", err, doc)
		}
		return idsAsStrings(v, "")
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("canonical XML: %v\n%s", err, doc)
		}
		if start, ok := tok.(xml.StartElement); ok {
			return map[string][]any{start.Name.Local: {xmlNode(t, d)}}
		}
	}
}

func idsAsStrings(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = idsAsStrings(e, k)
		}
	case []any:
		for i, e := range x {
			x[i] = idsAsStrings(e, key)
		}
	case json.Number:
		if idKeys[key] {
			return x.String()
		}
	}
	return v
}

func xmlNode(t *testing.T, d *xml.Decoder) any {
	t.Helper()
	var text strings.Builder
	var children map[string][]any
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("canonical XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			if children == nil {
				children = map[string][]any{}
			}
			children[x.Name.Local] = append(children[x.Name.Local], xmlNode(t, d))
		case xml.CharData:
			text.Write(x)
		case xml.EndElement:
			if children != nil {
				return children
			}
			return text.String()
		}
	}
}

func TestEncodeEmptyLists(t *testing.T) {
	for _, tc := range []struct {
		v         any
		json, xml string
	}{
		{open311.Services(nil), "[]", "<services></services>"},
		{open311.ServiceRequests(nil), "[]", "<service_requests></service_requests>"},
		{open311.Receipts(nil), "[]", "<service_requests></service_requests>"},
		{open311.Errors(nil), "[]", "<errors></errors>"},
	} {
		var j, x bytes.Buffer
		if err := open311.Encode(&j, open311.JSON, tc.v); err != nil {
			t.Fatal(err)
		}
		if err := open311.Encode(&x, open311.XML, tc.v); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(j.String()); got != tc.json {
			t.Errorf("JSON of %T: got %s, want %s", tc.v, got, tc.json)
		}
		if got := strings.TrimSpace(strings.TrimPrefix(x.String(), xml.Header)); got != tc.xml {
			t.Errorf("XML of %T: got %s, want %s", tc.v, got, tc.xml)
		}
	}
}

func TestEncodeWritesNullsAndKeepsText(t *testing.T) {
	r := open311.ServiceRequests{{ServiceRequestID: "1", Status: open311.Open, Description: "树木倒伏 <路口> & 井盖"}}
	var b bytes.Buffer
	if err := open311.Encode(&b, open311.JSON, r); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{`"description":"树木倒伏 <路口> & 井盖"`, `"lat":null`, `"expected_datetime":null`, `"status_notes":null`} {
		if !strings.Contains(got, want) {
			t.Errorf("JSON lacks %s:\n%s", want, got)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    open311.Format
		doc  string
		into any
	}{
		{"errors document as services", open311.XML, `<errors><error><code>400</code></error></errors>`, new(open311.Services)},
		{"time without zone", open311.JSON, `[{"requested_datetime":"2010-04-14T06:37:38"}]`, new(open311.ServiceRequests)},
		{"bad latitude", open311.XML, `<service_requests><request><lat>north</lat></request></service_requests>`, new(open311.ServiceRequests)},
		{"boolean as identifier", open311.JSON, `[{"service_code":true}]`, new(open311.Services)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := open311.Decode([]byte(tc.doc), tc.f, tc.into); err == nil {
				t.Fatalf("decoded %s without error: %#v", tc.doc, tc.into)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // as FormatTime prints it, "" for an error
	}{
		{"1994-11-05T08:15:30-05:00", "1994-11-05T08:15:30-05:00"},
		{"1994-11-05T13:15:30Z", "1994-11-05T13:15:30Z"},
		{"2021-07-25T09:30:00.250+08:00", "2021-07-25T09:30:00+08:00"},
		{"2021-07-25T09:30+08:00", "2021-07-25T09:30:00+08:00"},
		{"2021-07-25T09:30:00", ""},
		{"2021-07-25", ""},
		{"yesterday", ""},
	} {
		got, err := open311.ParseTime(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseTime(%q) = %v, want an error", tc.in, got)
		case tc.want != "" && err != nil:
			t.Errorf("ParseTime(%q): %v", tc.in, err)
		case tc.want != "" && open311.FormatTime(got) != tc.want:
			t.Errorf("ParseTime(%q) formats as %s, want %s", tc.in, open311.FormatTime(got), tc.want)
		}
	}
}

func TestSplitFormat(t *testing.T) {
	for _, tc := range []struct {
		in, rest string
		f        open311.Format
		ok       bool
	}{
		{"/requests/42.json", "/requests/42", open311.JSON, true},
		{"/services.xml", "/services", open311.XML, true},
		{"/services/road-manhole.json", "/services/road-manhole", open311.JSON, true},
		{"/services.csv", "/services.csv", "", false},
	} {
		rest, f, ok := open311.SplitFormat(tc.in)
		if rest != tc.rest || f != tc.f || ok != tc.ok {
			t.Errorf("SplitFormat(%q) = %q, %q, %v; want %q, %q, %v", tc.in, rest, f, ok, tc.rest, tc.f, tc.ok)
		}
	}
}
