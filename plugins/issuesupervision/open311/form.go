package open311

import (
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDescription is the longest description the specification allows, in characters.
const MaxDescription = 4000

// RequestForm is the body of POST requests, sent as application/x-www-form-urlencoded.
type RequestForm struct {
	APIKey         string // api_key; checked by the server (403), not by Validate
	JurisdictionID string // only for endpoints that serve several jurisdictions
	ServiceCode    string
	// The location: Lat and Long together, or AddressString, or AddressID.
	Lat, Long     *float64
	AddressString string
	AddressID     string
	// Who reports.
	Email     string
	DeviceID  string
	AccountID string
	FirstName string
	LastName  string
	Phone     string
	// What is reported.
	Description string
	MediaURL    string
	// Attributes holds attribute[code]=value pairs; a multivaluelist has several values.
	Attributes map[string][]string
}

// FieldError is one problem with one field of a form or query.
type FieldError struct {
	Field   string // the argument's name, e.g. "lat" or "attribute[WHISPAWN]"
	Problem string
}

// FormError lists every problem found in a form or query. The functions of this package that
// validate return it, so that a server can answer 400 with all of them at once.
type FormError []FieldError

// Error lists the problems.
func (e FormError) Error() string {
	parts := make([]string, len(e))
	for i, f := range e {
		parts[i] = f.Field + ": " + f.Problem
	}
	return "open311: invalid arguments: " + strings.Join(parts, "; ")
}

// Errors converts the problems to an error response, code 400 each.
func (e FormError) Errors() Errors {
	out := make(Errors, len(e))
	for i, f := range e {
		out[i] = Error{Code: 400, Description: f.Field + ": " + f.Problem}
	}
	return out
}

func (e *FormError) add(field, format string, args ...any) {
	*e = append(*e, FieldError{Field: field, Problem: fmt.Sprintf(format, args...)})
}

func (e FormError) err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// ParseRequestForm reads the arguments of POST requests and validates them as Validate does.
// It returns the form as far as it could be read and, when anything is wrong, a FormError
// naming every bad field. Unknown arguments are ignored, as jurisdictions may add their own.
func ParseRequestForm(v url.Values) (RequestForm, error) {
	var problems FormError
	f := RequestForm{
		APIKey: v.Get("api_key"), JurisdictionID: v.Get("jurisdiction_id"), ServiceCode: strings.TrimSpace(v.Get("service_code")),
		AddressString: v.Get("address_string"), AddressID: v.Get("address_id"),
		Email: strings.TrimSpace(v.Get("email")), DeviceID: v.Get("device_id"), AccountID: v.Get("account_id"),
		FirstName: v.Get("first_name"), LastName: v.Get("last_name"), Phone: v.Get("phone"),
		Description: v.Get("description"), MediaURL: strings.TrimSpace(v.Get("media_url")),
	}
	f.Lat = parseCoord(v, "lat", &problems)
	f.Long = parseCoord(v, "long", &problems)
	badCoord := len(problems) > 0
	for key, values := range v {
		if !strings.HasPrefix(key, "attribute[") {
			continue
		}
		code, ok := attributeCode(key)
		if !ok {
			problems.add(key, "want attribute[code]=value or attribute[code][]=value")
			continue
		}
		if f.Attributes == nil {
			f.Attributes = map[string][]string{}
		}
		f.Attributes[code] = append(f.Attributes[code], values...)
	}
	if err := f.Validate(); err != nil {
		for _, p := range err.(FormError) {
			// A coordinate that did not parse is reported once, not again as a missing location.
			if badCoord && (p.Field == "lat" || p.Field == "long" || p.Field == "location") {
				continue
			}
			problems = append(problems, p)
		}
	}
	slices.SortStableFunc(problems, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
	return f, problems.err()
}

func parseCoord(v url.Values, name string, problems *FormError) *float64 {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		problems.add(name, "%q is not a number", s)
		return nil
	}
	return &x
}

// attributeCode returns the code of attribute[code] or attribute[code][].
func attributeCode(key string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "attribute[")
	if !ok {
		return "", false
	}
	if r, multi := strings.CutSuffix(rest, "][]"); multi {
		rest = r
	} else if rest, ok = strings.CutSuffix(rest, "]"); !ok {
		return "", false
	}
	if rest == "" || strings.ContainsAny(rest, "[]") {
		return "", false
	}
	return rest, true
}

// Validate checks what the specification requires of a POST: a service_code; a location (lat and
// long together, address_string or address_id); coordinates in range; a description of at most
// MaxDescription characters; a well-formed email and an absolute http(s) media_url when given. It
// returns a FormError, or nil. Attributes are checked against their definition by
// ServiceDefinition.Check; the api_key is the server's to check.
func (f RequestForm) Validate() error {
	var problems FormError
	if f.ServiceCode == "" {
		problems.add("service_code", "required")
	}
	switch {
	case (f.Lat == nil) != (f.Long == nil):
		problems.add("lat", "lat and long must be sent together")
	case f.Lat == nil && strings.TrimSpace(f.AddressString) == "" && strings.TrimSpace(f.AddressID) == "":
		problems.add("location", "one of lat & long, address_string or address_id is required")
	}
	if f.Lat != nil && (*f.Lat < -90 || *f.Lat > 90) {
		problems.add("lat", "%v is outside -90..90", *f.Lat)
	}
	if f.Long != nil && (*f.Long < -180 || *f.Long > 180) {
		problems.add("long", "%v is outside -180..180", *f.Long)
	}
	if n := utf8.RuneCountInString(f.Description); n > MaxDescription {
		problems.add("description", "%d characters, at most %d allowed", n, MaxDescription)
	}
	if f.Email != "" {
		if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email {
			problems.add("email", "%q is not an email address", f.Email)
		}
	}
	if f.MediaURL != "" {
		if u, err := url.Parse(f.MediaURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems.add("media_url", "%q is not an absolute http(s) URL", f.MediaURL)
		}
	}
	for code := range f.Attributes {
		if code == "" || strings.ContainsAny(code, "[]") {
			problems.add("attribute["+code+"]", "bad attribute code")
		}
	}
	return problems.err()
}

// Values encodes the form as POST arguments: attribute[code]=value for one value,
// attribute[code][]=value for each of several.
func (f RequestForm) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("api_key", f.APIKey)
	set("jurisdiction_id", f.JurisdictionID)
	set("service_code", f.ServiceCode)
	if f.Lat != nil {
		v.Set("lat", strconv.FormatFloat(*f.Lat, 'f', -1, 64))
	}
	if f.Long != nil {
		v.Set("long", strconv.FormatFloat(*f.Long, 'f', -1, 64))
	}
	set("address_string", f.AddressString)
	set("address_id", f.AddressID)
	set("email", f.Email)
	set("device_id", f.DeviceID)
	set("account_id", f.AccountID)
	set("first_name", f.FirstName)
	set("last_name", f.LastName)
	set("phone", f.Phone)
	set("description", f.Description)
	set("media_url", f.MediaURL)
	for code, values := range f.Attributes {
		key := "attribute[" + code + "]"
		if len(values) > 1 {
			key += "[]"
		}
		v[key] = append([]string(nil), values...)
	}
	return v
}
