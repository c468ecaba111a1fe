package main

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
)

// handler routes the GeoReport v2 resources, each in .json and .xml, and the test hook
// POST /_gridsim/fail.
func (p *platform) handler() http.Handler {
	mux := http.NewServeMux()
	for _, f := range []open311.Format{open311.JSON, open311.XML} {
		ext := "." + string(f)
		mux.HandleFunc("GET /discovery"+ext, p.withFormat(f, p.getDiscovery))
		mux.HandleFunc("GET /services"+ext, p.withFormat(f, p.getServices))
		mux.HandleFunc("GET /requests"+ext, p.withFormat(f, p.getRequests))
		mux.HandleFunc("POST /requests"+ext, p.withFormat(f, p.postRequest))
	}
	mux.HandleFunc("GET /services/{file}", p.withPathFormat(p.getDefinition))
	mux.HandleFunc("GET /requests/{file}", p.withPathFormat(p.getRequest))
	mux.HandleFunc("POST /_gridsim/fail", p.postFail)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_, f, ok := open311.SplitFormat(r.URL.Path)
		if !ok {
			f = open311.JSON
		}
		writeError(w, f, http.StatusNotFound, fmt.Sprintf("no resource %s %s", r.Method, r.URL.Path))
	})
	return mux
}

// formatHandler serves one resource in one format; name is the path's last segment without
// the extension, when the route has one.
type formatHandler func(w http.ResponseWriter, r *http.Request, f open311.Format, name string)

func (p *platform) withFormat(f open311.Format, h formatHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h(w, r, f, "") }
}

func (p *platform) withPathFormat(h formatHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, f, ok := open311.SplitFormat(r.PathValue("file"))
		if !ok || name == "" {
			writeError(w, open311.JSON, http.StatusNotFound, "append .json or .xml to the resource")
			return
		}
		h(w, r, f, name)
	}
}

func (p *platform) getDiscovery(w http.ResponseWriter, r *http.Request, f open311.Format, _ string) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	changeset := p.started.Format("2006-01-02 15:04")
	write(w, f, http.StatusOK, open311.Discovery{
		Changeset:  changeset,
		Contact:    "gridsim: a simulated grassroots governance platform (基层治理“四个平台”) for demos and tests",
		KeyService: "The api_key is the one gridsim was started with (--api-key).",
		Endpoints: []open311.Endpoint{{Specification: open311.SpecificationV2, URL: scheme + "://" + r.Host,
			Changeset: changeset, Type: open311.Test, Formats: []string{"text/xml", "application/json"}}},
	})
}

func (p *platform) getServices(w http.ResponseWriter, _ *http.Request, f open311.Format, _ string) {
	out := make(open311.Services, len(p.services))
	for i, s := range p.services {
		out[i] = s.Service
	}
	write(w, f, http.StatusOK, out)
}

func (p *platform) getDefinition(w http.ResponseWriter, _ *http.Request, f open311.Format, code string) {
	svc, ok := p.service(code)
	if !ok {
		writeError(w, f, http.StatusNotFound, fmt.Sprintf("service_code %q not found", code))
		return
	}
	write(w, f, http.StatusOK, svc.definition())
}

func (p *platform) getRequests(w http.ResponseWriter, r *http.Request, f open311.Format, _ string) {
	q, err := open311.ParseRequestsQuery(r.URL.Query())
	var fe open311.FormError
	if errors.As(err, &fe) {
		write(w, f, http.StatusBadRequest, fe.Errors())
		return
	}
	if len(q.IDs) == 0 && q.Start.IsZero() && q.End.IsZero() {
		q.Start = p.now().Add(-open311.MaxQuerySpan)
	}
	write(w, f, http.StatusOK, p.list(q))
}

func (p *platform) getRequest(w http.ResponseWriter, _ *http.Request, f open311.Format, id string) {
	req, ok := p.get(id)
	if !ok {
		writeError(w, f, http.StatusNotFound, fmt.Sprintf("service_request_id %q not found", id))
		return
	}
	write(w, f, http.StatusOK, open311.ServiceRequests{req})
}

// postRequest creates a request. Its checks come in the order a real platform meets them: an
// outage first, then the api_key (403), the service (404), the arguments (400).
func (p *platform) postRequest(w http.ResponseWriter, r *http.Request, f open311.Format, _ string) {
	if status, why := p.faults.check(r.Header); status != 0 {
		p.log.Warn("POST failed on purpose", "status", status, "why", why)
		w.Header().Set("Retry-After", "1")
		writeError(w, f, status, "simulated failure of the governance platform ("+why+"); try again later")
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		writeError(w, f, http.StatusBadRequest, "the body must be application/x-www-form-urlencoded")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		writeError(w, f, http.StatusBadRequest, "unreadable form: "+err.Error())
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Form.Get("api_key")), []byte(p.cfg.apiKey)) != 1 {
		writeError(w, f, http.StatusForbidden, "Invalid api_key received -- can't proceed with create_request.")
		return
	}
	form, err := open311.ParseRequestForm(r.Form)
	svc, known := p.service(form.ServiceCode)
	if form.ServiceCode != "" && !known {
		writeError(w, f, http.StatusNotFound, fmt.Sprintf("service_code %q not found", form.ServiceCode))
		return
	}
	if err == nil {
		err = svc.definition().Check(form.Attributes)
	}
	var fe open311.FormError
	if errors.As(err, &fe) {
		write(w, f, http.StatusBadRequest, fe.Errors())
		return
	}
	created := p.create(form, svc)
	write(w, f, http.StatusCreated, open311.Receipts{{
		ServiceRequestID: created.ServiceRequestID, ServiceNotice: created.ServiceNotice, AccountID: form.AccountID,
	}})
}

// postFail arms failures: POST /_gridsim/fail?api_key=…&next=N[&status=503]. It is not part of
// GeoReport; end-to-end tests use it to make the platform's next deliveries fail.
func (p *platform) postFail(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, open311.JSON, http.StatusBadRequest, "unreadable form: "+err.Error())
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.Form.Get("api_key")), []byte(p.cfg.apiKey)) != 1 {
		writeError(w, open311.JSON, http.StatusForbidden, "Invalid api_key received")
		return
	}
	next, err := strconv.Atoi(r.Form.Get("next"))
	if err != nil || next < 0 {
		writeError(w, open311.JSON, http.StatusBadRequest, "next: want a count of POSTs to fail, 0 or more")
		return
	}
	status := http.StatusServiceUnavailable
	if s := r.Form.Get("status"); s != "" {
		if status, err = strconv.Atoi(s); err != nil || status < 400 || status > 599 {
			writeError(w, open311.JSON, http.StatusBadRequest, "status: want an HTTP status within 400..599")
			return
		}
	}
	p.faults.arm(next, status)
	p.log.Info("failures armed", "next", next, "status", status)
	w.Header().Set("Content-Type", open311.ContentTypeJSON)
	_ = json.NewEncoder(w).Encode(map[string]int{"next": next, "status": status})
}

func write(w http.ResponseWriter, f open311.Format, status int, v any) {
	var b bytes.Buffer
	if err := open311.Encode(&b, f, v); err != nil {
		http.Error(w, "encode: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", f.ContentType())
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func writeError(w http.ResponseWriter, f open311.Format, status int, description string) {
	write(w, f, status, open311.Errors{{Code: status, Description: strings.TrimSpace(description)}})
}
