package open311

import (
	"net/url"
	"slices"
	"strings"
	"time"
)

// MaxQuerySpan is the widest start_date..end_date range GET requests allows, and the default
// window when neither is given.
const MaxQuerySpan = 90 * 24 * time.Hour

// RequestsQuery holds the filters of GET requests. Empty fields do not filter.
type RequestsQuery struct {
	IDs          []string // service_request_id; when set, every other filter is ignored
	ServiceCodes []string
	Start, End   time.Time // on requested_datetime, inclusive
	Statuses     []Status
}

// ParseRequestsQuery reads the filters of GET requests. Each list argument may be given several
// times and comma-delimited. It returns a FormError when a date is not a W3C date-time, a status
// is neither open nor closed, or start_date..end_date is reversed or wider than MaxQuerySpan.
func ParseRequestsQuery(v url.Values) (RequestsQuery, error) {
	var problems FormError
	q := RequestsQuery{IDs: splitList(v["service_request_id"]), ServiceCodes: splitList(v["service_code"])}
	for _, s := range splitList(v["status"]) {
		st := Status(strings.ToLower(s))
		if !st.Valid() {
			problems.add("status", "%q is neither open nor closed", s)
			continue
		}
		q.Statuses = append(q.Statuses, st)
	}
	q.Start = parseDate(v, "start_date", &problems)
	q.End = parseDate(v, "end_date", &problems)
	if !q.Start.IsZero() && !q.End.IsZero() {
		switch {
		case q.End.Before(q.Start):
			problems.add("end_date", "is before start_date")
		case q.End.Sub(q.Start) > MaxQuerySpan:
			problems.add("end_date", "start_date..end_date may not span more than 90 days")
		}
	}
	return q, problems.err()
}

func parseDate(v url.Values, name string, problems *FormError) time.Time {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return time.Time{}
	}
	t, err := ParseTime(s)
	if err != nil {
		problems.add(name, "%q is not a W3C date-time with a time zone, e.g. 2010-01-01T00:00:00Z", s)
	}
	return t
}

func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// Values encodes the query as GET requests arguments, lists comma-delimited.
func (q RequestsQuery) Values() url.Values {
	v := url.Values{}
	if len(q.IDs) > 0 {
		v.Set("service_request_id", strings.Join(q.IDs, ","))
	}
	if len(q.ServiceCodes) > 0 {
		v.Set("service_code", strings.Join(q.ServiceCodes, ","))
	}
	if !q.Start.IsZero() {
		v.Set("start_date", FormatTime(q.Start))
	}
	if !q.End.IsZero() {
		v.Set("end_date", FormatTime(q.End))
	}
	if len(q.Statuses) > 0 {
		s := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			s[i] = string(st)
		}
		v.Set("status", strings.Join(s, ","))
	}
	return v
}

// Match reports whether r passes the filters, with service_request_id overriding the rest as
// the specification says.
func (q RequestsQuery) Match(r ServiceRequest) bool {
	if len(q.IDs) > 0 {
		return slices.Contains(q.IDs, r.ServiceRequestID)
	}
	if len(q.ServiceCodes) > 0 && !slices.Contains(q.ServiceCodes, r.ServiceCode) {
		return false
	}
	if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, r.Status) {
		return false
	}
	if !q.Start.IsZero() && r.RequestedAt.Before(q.Start) {
		return false
	}
	return q.End.IsZero() || !r.RequestedAt.After(q.End)
}
