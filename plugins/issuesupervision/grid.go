package issuesupervision

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/issuesupervision/open311"
	"github.com/renda-platform/renda/plugins/scene"
)

// The grassroots governance platform (基层治理四平台) is reached over Open311
// GeoReport v2, only through the host's outbound HTTP (the tenant allows
// its host). Delivery is a durable job retried with back-off; after
// maxDeliveries the issue is marked undeliverable, for staff to see and
// retry. The platform's progress is polled (and a signed callback makes
// the next poll come at once).
const (
	maxDeliveries = 6
	pollEvery     = 15 * time.Second
)

// defaultServiceCodes map categories to the platform's service codes; a
// tenant's settings.grid.service_codes override them.
var defaultServiceCodes = map[string]string{
	"tree": "road-fallen-tree", "manhole": "road-manhole", "road": "road-surface", "drainage": "drainage-waterlogging",
	"environment": "city-environment", "housing": "housing-subsidy", "other": "other",
}

func (g GridSettings) serviceCode(cat string) string {
	if c := g.ServiceCodes[cat]; c != "" {
		return c
	}
	return defaultServiceCodes[cat]
}

// gridClient is an Open311 client whose calls go through the host.
func gridClient(ctx context.Context, h scene.Host, g GridSettings) (*open311.Client, error) {
	if g.Endpoint == "" {
		return nil, scene.Conflict("grid.not_configured", scene.T("本人大尚未配置基层治理平台地址。", "The grassroots governance platform is not configured for this congress."))
	}
	do := func(method, url string, headers map[string]string, body []byte) (int, map[string]string, []byte, error) {
		resp, err := h.HTTP(ctx, scene.HTTPRequest{Method: method, URL: url, Headers: headers, Body: body})
		if err != nil {
			return 0, nil, nil, err
		}
		return resp.Status, resp.Headers, resp.Body, nil
	}
	return open311.NewClient(g.Endpoint, g.APIKey, do)
}

type idPayload struct{ ID string }

// jobIssue loads the issue a job is about (its payload is an idPayload).
// ok is false when the issue is gone, which leaves the job nothing to do.
func jobIssue(ctx context.Context, j *scene.Job) (d *scene.Document, is Issue, ok bool, err error) {
	var p idPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil {
		return nil, is, false, err
	}
	d, err = j.Host.Store().Get(ctx, issues, p.ID)
	if err != nil {
		if pr, isProblem := scene.AsProblem(err); isProblem && pr.Code == scene.CodeNotFound {
			return nil, is, false, nil
		}
		return nil, is, false, err
	}
	return d, is, true, d.Decode(&is)
}

// deliver posts an issue to the platform (job "deliver").
func (sv *service) deliver(ctx context.Context, j *scene.Job) error {
	d, is, ok, err := jobIssue(ctx, j)
	if !ok || err != nil {
		return err
	}
	if is.Destination != "grid" || is.State != Routed || is.Grid == nil || is.Grid.RequestID != "" {
		return nil
	}
	old := copyIssue(is)
	// The next timer (a retry, or the poll that follows the request) is
	// stored with the attempt: scheduled after it, a failure would leave a
	// delivered issue unpolled, as the job's retry finds it delivered and
	// does nothing.
	save := func(next ...scene.TimerDraft) error {
		_, err := saveIssues(ctx, j.Host, []issueWrite{{ID: d.ID, Version: d.Version, Old: old, New: &is, Timers: next}}, nil)
		return err
	}
	set := parseSettings(j.Settings)
	c, err := gridClient(ctx, j.Host, set.Grid)
	var receipt open311.Receipt
	if err == nil {
		lat, lng := is.Lat, is.Lng
		receipt, err = c.PostRequest(open311.RequestForm{ServiceCode: is.Grid.ServiceCode, Lat: &lat, Long: &lng,
			AddressString: is.Address, Description: is.Description, AccountID: is.DeputyID})
	}
	now := time.Now().UTC()
	is.Grid.Attempts++
	if err != nil || receipt.ServiceRequestID == "" {
		if err == nil {
			err = fmt.Errorf("the platform answered without a service_request_id")
		}
		is.Grid.LastError = err.Error()
		is.Grid.Undeliverable = is.Grid.Attempts >= maxDeliveries
		if is.Grid.Undeliverable {
			return save()
		}
		base := set.Grid.RetrySeconds
		if base <= 0 {
			base = 15
		}
		backoff := time.Duration(1<<(is.Grid.Attempts-1)) * time.Duration(base) * time.Second
		return save(timerFor("deliver", d.ID, now.Add(backoff)))
	}
	is.Grid.RequestID, is.Grid.LastError, is.Grid.Undeliverable = receipt.ServiceRequestID, "", false
	is.Timeline = append(is.Timeline, Step{Action: "deliver", From: is.State, To: is.State, Actor: "system", Name: "基层治理四平台",
		At: now, Note: "已推送至基层治理四平台，编号 " + receipt.ServiceRequestID})
	is.UpdatedAt = now
	return save(scene.TimerDraft{Job: "poll", At: now.Add(pollDelay(set)), Key: "poll"})
}

func pollDelay(s Settings) time.Duration {
	if s.PollSeconds > 0 {
		return time.Duration(s.PollSeconds) * time.Second
	}
	return pollEvery
}

// poll follows the platform's progress on every open issue sent there
// (job "poll"), moving each along: accepted, dispatched to a named grid
// worker, handled and answered when the platform closes it.
func (sv *service) poll(ctx context.Context, j *scene.Job) error {
	set := parseSettings(j.Settings)
	st := j.Host.Store()
	docs, _, err := st.Query(ctx, issues, scene.Query{Filters: []scene.Filter{scene.Eq("destination", "grid"),
		{Field: "status", Op: "in", Values: []string{string(Routed), string(Accepted), string(Dispatched)}}}, Limit: 200})
	if err != nil {
		return err
	}
	byRequest := map[string]*scene.Document{}
	var ids []string
	for _, d := range docs {
		var is Issue
		if err := d.Decode(&is); err != nil {
			return err
		}
		if is.Grid != nil && is.Grid.RequestID != "" {
			byRequest[is.Grid.RequestID] = d
			ids = append(ids, is.Grid.RequestID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	c, err := gridClient(ctx, j.Host, set.Grid)
	if err != nil {
		return err
	}
	reqs, err := c.Requests(open311.RequestsQuery{IDs: ids})
	if err != nil {
		return err
	}
	for _, r := range reqs {
		d := byRequest[r.ServiceRequestID]
		if d == nil {
			continue
		}
		if err := sv.follow(ctx, j.Host, d, r); err != nil {
			return err
		}
	}
	return j.Host.Schedule(ctx, "poll", time.Now().Add(pollDelay(set)), "poll", nil)
}

// follow applies the platform's view of one request to its issue.
func (sv *service) follow(ctx context.Context, h scene.Host, d *scene.Document, r open311.ServiceRequest) error {
	var is Issue
	if err := d.Decode(&is); err != nil {
		return err
	}
	now := time.Now().UTC()
	if is.Grid.LastStatus == string(r.Status) && is.Grid.LastNotes == r.StatusNotes {
		return nil
	}
	old := copyIssue(is)
	is.Grid.LastStatus, is.Grid.LastNotes, is.Grid.CheckedAt = string(r.Status), r.StatusNotes, now
	const platform = "基层治理四平台"
	step := func(a Action, note string) error { return is.apply(a, "system", platform, note, now) }
	if is.State == Routed && (strings.Contains(r.StatusNotes, "已受理") || r.Status == open311.Closed) {
		if err := step(ActAccept, r.StatusNotes); err != nil {
			return err
		}
	}
	if is.State == Accepted && strings.Contains(r.StatusNotes, "网格员") {
		is.Worker = r.AgencyResponsible
		if err := step(ActDispatch, r.StatusNotes); err != nil {
			return err
		}
	}
	answer := false
	if r.Status == open311.Closed {
		if is.State == Dispatched {
			if err := step(ActHandle, r.StatusNotes); err != nil {
				return err
			}
		}
		is.Answer = r.StatusNotes
		if err := step(ActAnswer, r.StatusNotes); err != nil {
			return err
		}
		answer = true
	}
	// The answer's outcome for linked issues and the reporter's message are
	// follow-up work stored with it (followups.go).
	var work followUps
	if answer && len(is.Linked) > 0 {
		work.Share = &outcome{Answer: is.Answer, Linked: is.Linked, By: "system", Name: platform, At: now}
	}
	if answer && is.ReporterID != "" {
		work.Notices = append(work.Notices, notice{UserID: is.ReporterID, Title: scene.T("您报告的问题已办结答复", "Your issue has been handled and answered"),
			Body: scene.T(truncate(is.Answer, 200), truncate(is.Answer, 200))})
	}
	_, err := saveIssues(ctx, h, []issueWrite{{ID: d.ID, Version: d.Version, Old: old, New: &is}}, work.event())
	return err
}

// callback is the platform's signed notice that a request changed: it
// makes the next poll come at once.
func (sv *service) callback(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	set := parseSettings(r.Settings)
	sig := r.Headers["X-Gridsim-Signature"]
	if set.Grid.CallbackSecret == "" || !open311.VerifyCallback([]byte(set.Grid.CallbackSecret), r.Body, sig) {
		return nil, scene.Forbidden("grid.bad_signature", scene.T("回调签名无效。", "The callback signature is invalid."))
	}
	if err := r.Host.Schedule(ctx, "poll", time.Now(), "poll", nil); err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusAccepted, map[string]bool{"accepted": true})
}

// sync polls the platform now (staff).
func (sv *service) sync(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	if err := r.Host.Schedule(ctx, "poll", time.Now(), "poll", nil); err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusAccepted, map[string]bool{"scheduled": true})
}
