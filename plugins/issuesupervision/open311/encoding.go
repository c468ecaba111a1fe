package open311

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Format is a GeoReport response format, named by the extension a client appends to a resource
// (/services.xml, /requests/42.json).
type Format string

// The formats of GeoReport v2. XML is required by the specification, JSON optional.
const (
	JSON Format = "json"
	XML  Format = "xml"
)

// Content types the specification names for each format and for the POST body.
const (
	ContentTypeJSON = "application/json; charset=utf-8"
	ContentTypeXML  = "text/xml; charset=utf-8"
	ContentTypeForm = "application/x-www-form-urlencoded; charset=utf-8"
)

// ContentType returns the HTTP content type of f.
func (f Format) ContentType() string {
	if f == XML {
		return ContentTypeXML
	}
	return ContentTypeJSON
}

// SplitFormat splits a resource path such as "/requests/42.json" into "/requests/42" and its
// format. It reports false when the path ends in neither ".json" nor ".xml".
func SplitFormat(path string) (string, Format, bool) {
	for _, f := range []Format{JSON, XML} {
		if rest, ok := strings.CutSuffix(path, "."+string(f)); ok {
			return rest, f, true
		}
	}
	return path, "", false
}

// Encode writes v as a document in format f. XML documents begin with the XML declaration the
// specification requires. v is one of this package's documents (Services, ServiceDefinition,
// ServiceRequests, Receipts, TokenResults, Discovery, Errors); other values are encoded by
// reflection and will not match the specification. It returns the writer's or encoder's error.
func Encode(w io.Writer, f Format, v any) error {
	switch f {
	case JSON:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	case XML:
		if _, err := io.WriteString(w, xml.Header); err != nil {
			return err
		}
		enc := xml.NewEncoder(w)
		enc.Indent("", "  ")
		if err := enc.Encode(v); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\n")
		return err
	}
	return fmt.Errorf("open311: encode: unknown format %q", f)
}

// Decode reads a document in format f into v, a pointer to one of this package's types.
func Decode(data []byte, f Format, v any) error {
	switch f {
	case JSON:
		return json.Unmarshal(data, v)
	case XML:
		return xml.Unmarshal(data, v)
	}
	return fmt.Errorf("open311: decode: unknown format %q", f)
}

// timeLayout is the W3C profile of ISO 8601 the specification uses, at seconds precision.
const timeLayout = "2006-01-02T15:04:05Z07:00"

// FormatTime formats t as the specification's examples do: 2010-04-14T06:37:38-08:00, keeping
// t's offset (Z for UTC).
func FormatTime(t time.Time) string { return t.Format(timeLayout) }

// ParseTime parses a W3C date-time. It accepts fractions of a second and a missing seconds
// field, and returns an error when the time zone (Z or ±hh:mm) is missing, as the specification
// requires one.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04Z07:00", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("open311: %q is not a W3C date-time with a time zone (e.g. 2010-01-01T00:00:00Z)", s)
}

// marshalString encodes s as a JSON string without the HTML escaping of json.Marshal, so that
// descriptions keep their "<" and "&" readable.
func marshalString(s string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func marshalJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// wstr is a text field on the wire: JSON null when empty; a JSON number is read as its digits,
// because the examples print identifiers as numbers.
type wstr string

func (s wstr) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return marshalString(string(s))
}

func (s *wstr) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = wstr(v)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("open311: want a string or a number, got %s", b)
	}
	*s = wstr(n)
	return nil
}

// wtime is a date-time on the wire: JSON null or an empty XML element when zero.
type wtime time.Time

func (t wtime) MarshalText() ([]byte, error) {
	if time.Time(t).IsZero() {
		return nil, nil
	}
	return []byte(FormatTime(time.Time(t))), nil
}

func (t *wtime) UnmarshalText(b []byte) error {
	if len(bytes.TrimSpace(b)) == 0 {
		*t = wtime{}
		return nil
	}
	v, err := ParseTime(string(b))
	if err != nil {
		return err
	}
	*t = wtime(v)
	return nil
}

func (t wtime) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + FormatTime(time.Time(t)) + `"`), nil
}

func (t *wtime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = wtime{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("open311: want a date-time string, got %s", b)
	}
	return t.UnmarshalText([]byte(s))
}

// wfloat is an optional coordinate on the wire: JSON null or an empty XML element when unset; a
// number given as a JSON string is accepted.
type wfloat struct{ p *float64 }

func (f wfloat) MarshalText() ([]byte, error) {
	if f.p == nil {
		return nil, nil
	}
	return []byte(strconv.FormatFloat(*f.p, 'f', -1, 64)), nil
}

func (f *wfloat) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "" {
		f.p = nil
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("open311: %q is not a number", s)
	}
	f.p = &v
	return nil
}

func (f wfloat) MarshalJSON() ([]byte, error) {
	if f.p == nil {
		return []byte("null"), nil
	}
	return f.MarshalText()
}

func (f *wfloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		f.p = nil
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		return f.UnmarshalText([]byte(s))
	}
	return f.UnmarshalText(b)
}

func floatOf(f wfloat) *float64 {
	if f.p == nil {
		return nil
	}
	v := *f.p
	return &v
}

// wint is an integer on the wire; a JSON string of digits is accepted, as some servers quote
// error codes.
type wint int

func (n *wint) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*n = 0
		return nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("open311: want an integer, got %s", b)
	}
	*n = wint(v)
	return nil
}

// mapSlice converts every element of in with f; it never returns nil, so that empty lists are
// written as [] and not null.
func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// mapNil is mapSlice for the way in: empty lists become nil, the zero value of a domain field.
func mapNil[T, U any](in []T, f func(T) U) []U {
	if len(in) == 0 {
		return nil
	}
	return mapSlice(in, f)
}

// encodeList writes <root><child>…</child>…</root>, each child through its wire type.
func encodeList[W any](e *xml.Encoder, root, child string, items []W) error {
	start := xml.StartElement{Name: xml.Name{Local: root}}
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, it := range items {
		if err := e.EncodeElement(it, xml.StartElement{Name: xml.Name{Local: child}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// errRoot is returned when an XML document has another root than the one asked for, which is
// how an <errors> body decoded as <services> shows up.
var errRoot = errors.New("open311: unexpected XML root element")

// decodeList reads <root><child>…</child>…</root>, skipping foreign elements.
func decodeList[W any](d *xml.Decoder, start xml.StartElement, root, child string) ([]W, error) {
	if start.Name.Local != root {
		return nil, fmt.Errorf("%w <%s>, want <%s>", errRoot, start.Name.Local, root)
	}
	var out []W
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != child {
				if err := d.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			var w W
			if err := d.DecodeElement(&w, &t); err != nil {
				return nil, err
			}
			out = append(out, w)
		case xml.EndElement:
			return out, nil
		}
	}
}

// decodeOne reads a single element named name into w.
func decodeOne(d *xml.Decoder, start xml.StartElement, name string, w any) error {
	if start.Name.Local != name {
		return fmt.Errorf("%w <%s>, want <%s>", errRoot, start.Name.Local, name)
	}
	return d.DecodeElement(w, &start)
}

// encodeOne writes w as an element named name.
func encodeOne(e *xml.Encoder, name string, w any) error {
	return e.EncodeElement(w, xml.StartElement{Name: xml.Name{Local: name}})
}
