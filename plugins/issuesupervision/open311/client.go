package open311

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// DoFunc sends one HTTP request and returns the answer. A scene passes one that goes through the
// host's outbound HTTP (and carries the scene's context and deadline); tests pass one over
// net/http. It returns an error only when no answer came back; an HTTP error status is an answer.
type DoFunc func(method, url string, headers map[string]string, body []byte) (status int, respHeaders map[string]string, respBody []byte, err error)

// ErrNotFound is matched by errors.Is when the server answered 404 or a request does not exist.
var ErrNotFound = errors.New("open311: not found")

// APIError is an answer with a status other than 2xx.
type APIError struct {
	Method, URL string
	Status      int
	Errors      Errors // the server's error document; empty when the body was none
	Body        string // the start of the body when it was not an error document
}

// Error names the call, the status and what the server said.
func (e *APIError) Error() string {
	msg := e.Body
	if len(e.Errors) > 0 {
		msg = e.Errors.Error()
	}
	return fmt.Sprintf("open311: %s %s: HTTP %d: %s", e.Method, e.URL, e.Status, msg)
}

// Retryable reports whether the same call may succeed later: a timeout, throttling or a server
// failure (408, 429, 5xx). A 4xx otherwise means the call itself is wrong.
func (e *APIError) Retryable() bool {
	return e.Status == 408 || e.Status == 429 || e.Status >= 500
}

// Is makes errors.Is(err, ErrNotFound) true for a 404.
func (e *APIError) Is(target error) bool { return target == ErrNotFound && e.Status == 404 }

// Client calls a GeoReport v2 endpoint in JSON.
type Client struct {
	endpoint     string
	apiKey       string
	jurisdiction string
	do           DoFunc
}

// ClientOption configures a Client.
type ClientOption func(*Client)

// WithJurisdiction sends jurisdiction_id with every call, for endpoints that serve several.
func WithJurisdiction(id string) ClientOption { return func(c *Client) { c.jurisdiction = id } }

// NewClient returns a client of the endpoint, an absolute http(s) URL such as
// "https://api.city.gov/dev/v2", that posts with apiKey and sends every call through do. It
// returns an error when the endpoint is not such a URL or do is nil.
func NewClient(endpoint, apiKey string, do DoFunc, opts ...ClientOption) (*Client, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("open311: endpoint %q is not an absolute http(s) URL", endpoint)
	}
	if do == nil {
		return nil, errors.New("open311: NewClient needs a DoFunc")
	}
	c := &Client{endpoint: strings.TrimSuffix(endpoint, "/"), apiKey: apiKey, do: do}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Services returns the service list (GET services). It returns an *APIError for an error
// answer.
func (c *Client) Services() (Services, error) {
	var out Services
	return out, c.get("/services", nil, &out)
}

// ServiceDefinition returns the attributes of a service (GET services/{code}). It returns an
// error matching ErrNotFound when the service does not exist.
func (c *Client) ServiceDefinition(code string) (ServiceDefinition, error) {
	var out ServiceDefinition
	return out, c.get("/services/"+url.PathEscape(code), nil, &out)
}

// PostRequest creates a service request (POST requests). The client's api key and jurisdiction
// fill the form's when it has none. It returns the form's FormError without calling when the form
// is invalid, an *APIError for an error answer (Retryable tells whether to try again), and an
// error when the answer holds no receipt.
func (c *Client) PostRequest(f RequestForm) (Receipt, error) {
	if f.APIKey == "" {
		f.APIKey = c.apiKey
	}
	if f.JurisdictionID == "" {
		f.JurisdictionID = c.jurisdiction
	}
	if err := f.Validate(); err != nil {
		return Receipt{}, err
	}
	headers := map[string]string{"Content-Type": ContentTypeForm, "Accept": "application/json"}
	var out Receipts
	if err := c.call("POST", c.url("/requests", nil), headers, []byte(f.Values().Encode()), &out); err != nil {
		return Receipt{}, err
	}
	if len(out) == 0 {
		return Receipt{}, errors.New("open311: POST requests: the answer holds no receipt")
	}
	return out[0], nil
}

// Requests returns the service requests that pass q (GET requests). It returns an *APIError
// for an error answer.
func (c *Client) Requests(q RequestsQuery) (ServiceRequests, error) {
	var out ServiceRequests
	return out, c.get("/requests", q.Values(), &out)
}

// Request returns one service request (GET requests/{id}). It returns an error matching
// ErrNotFound when there is no such request.
func (c *Client) Request(id string) (ServiceRequest, error) {
	var out ServiceRequests
	if err := c.get("/requests/"+url.PathEscape(id), nil, &out); err != nil {
		return ServiceRequest{}, err
	}
	if len(out) == 0 {
		return ServiceRequest{}, fmt.Errorf("open311: request %q: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// Token returns the service_request_id a batch service's token turned into (GET tokens/{token});
// the ID is empty while the request is still being created. It returns an error matching
// ErrNotFound when the token is unknown.
func (c *Client) Token(token string) (TokenResult, error) {
	var out TokenResults
	if err := c.get("/tokens/"+url.PathEscape(token), nil, &out); err != nil {
		return TokenResult{}, err
	}
	if len(out) == 0 {
		return TokenResult{}, fmt.Errorf("open311: token %q: %w", token, ErrNotFound)
	}
	return out[0], nil
}

func (c *Client) url(resource string, q url.Values) string {
	if c.jurisdiction != "" {
		if q == nil {
			q = url.Values{}
		}
		q.Set("jurisdiction_id", c.jurisdiction)
	}
	u := c.endpoint + resource + "." + string(JSON)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (c *Client) get(resource string, q url.Values, out any) error {
	return c.call("GET", c.url(resource, q), map[string]string{"Accept": "application/json"}, nil, out)
}

func (c *Client) call(method, u string, headers map[string]string, body []byte, out any) error {
	status, _, resp, err := c.do(method, u, headers, body)
	if err != nil {
		return fmt.Errorf("open311: %s %s: %w", method, u, err)
	}
	if status < 200 || status > 299 {
		apiErr := &APIError{Method: method, URL: u, Status: status}
		if json.Unmarshal(resp, &apiErr.Errors) != nil || len(apiErr.Errors) == 0 {
			apiErr.Errors = nil
			apiErr.Body = snippet(resp)
		}
		return apiErr
	}
	if err := json.Unmarshal(resp, out); err != nil {
		return fmt.Errorf("open311: %s %s: decode answer: %w", method, u, err)
	}
	return nil
}

func snippet(b []byte) string {
	const limit = 512
	s := strings.ToValidUTF8(string(b), "")
	if len(s) > limit {
		s = strings.ToValidUTF8(s[:limit], "") + "…"
	}
	return s
}
