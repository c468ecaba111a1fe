package issuesupervision

import (
	"context"
	"crypto/subtle"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// A constituent reaches a deputy through the deputy's public code page
// (代表码): no account, no captcha, but limited per caller and per deputy.
// The message lands in the deputy's list; the deputy adopts it as an issue
// or answers it directly, and the constituent reads the answer with the
// receipt token they were given.

const messages = "messages"

// Abuse limits for public messages.
const (
	perCallerPerHour = 5
	perDeputyPerDay  = 200
	// clientIPHeader is set by the host, never by the caller.
	clientIPHeader = "X-Renda-Client-Ip"
)

// Message is a constituent's message to a deputy.
type Message struct {
	DeputyID string    `json:"deputy_id"`
	Name     string    `json:"name,omitempty"`
	Phone    string    `json:"phone,omitempty"`
	Content  string    `json:"content"`
	Address  string    `json:"address,omitempty"`
	Status   string    `json:"status"` // new, adopted, answered
	Answer   string    `json:"answer,omitempty"`
	IssueID  string    `json:"issue_id,omitempty"`
	Token    string    `json:"token"`
	Caller   string    `json:"caller"`
	At       time.Time `json:"at"`
	Day      string    `json:"day"` // YYYY-MM-DD in Asia/Shanghai, for the per-deputy limit
}

// MessageInput is what a constituent sends.
type MessageInput struct {
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Content string `json:"content"`
	Address string `json:"address,omitempty"`
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 -]{5,20}$`)

// Validate checks a message.
func (in MessageInput) Validate() error {
	var v scene.Validator
	v.Required("content", strings.TrimSpace(in.Content))
	v.MaxLen("content", in.Content, 1000)
	v.MaxLen("name", in.Name, 50)
	v.MaxLen("address", in.Address, 200)
	v.Check(in.Phone == "" || phonePattern.MatchString(in.Phone), "phone", scene.T("电话号码格式不正确。", "The phone number is not valid."))
	return v.Err()
}

var deputyIDPattern = regexp.MustCompile(`^[0-9a-f-]{36}$`)

func (sv *service) registerMessages(s *scene.Scene) {
	s.Public(http.MethodPost, "/public/deputies/{deputy}/messages", scene.T("给代表留言（代表码）", "Message a deputy (deputy code)"), sv.postMessage)
	s.Public(http.MethodGet, "/public/messages/{id}", scene.T("查看留言答复（凭回执）", "Read a message's answer (with its receipt)"), sv.publicMessage)
	s.Handle(http.MethodGet, "/messages", permRead, scene.T("群众留言", "Constituents' messages"), sv.listMessages)
	s.Handle(http.MethodPost, "/messages/{id}/answer", permRead, scene.T("答复留言", "Answer a message"), sv.answerMessage)
	s.Handle(http.MethodPost, "/messages/{id}/adopt", permReport, scene.T("将留言转为督事", "Adopt a message as an issue"), sv.adoptMessage)
}

func (sv *service) postMessage(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	deputy := r.Param("deputy")
	if !deputyIDPattern.MatchString(deputy) {
		return nil, scene.NotFound("deputy.not_found", scene.T("找不到该代表。", "No such deputy."))
	}
	var in MessageInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	caller := r.Headers[clientIPHeader]
	st := r.Host.Store()
	hour, err := st.Aggregate(ctx, messages, []scene.Filter{scene.Eq("caller", caller),
		{Field: "at", Op: "gte", Values: []string{now.Add(-time.Hour).Format(time.RFC3339Nano)}}}, "", "")
	if err != nil {
		return nil, err
	}
	day := now.In(shanghai).Format("2006-01-02")
	today, err := st.Aggregate(ctx, messages, []scene.Filter{scene.Eq("deputy_id", deputy), scene.Eq("day", day)}, "", "")
	if err != nil {
		return nil, err
	}
	if count(hour) >= perCallerPerHour || count(today) >= perDeputyPerDay {
		return nil, scene.Conflict("message.too_many", scene.T("留言过于频繁，请稍后再试。", "Too many messages; try again later."))
	}
	m := Message{DeputyID: deputy, Name: strings.TrimSpace(in.Name), Phone: in.Phone, Content: strings.TrimSpace(in.Content),
		Address: strings.TrimSpace(in.Address), Status: "new", Token: randHex(16), Caller: caller, At: now, Day: day}
	d, err := st.Create(ctx, messages, "", m)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusCreated, map[string]string{"id": d.ID, "token": m.Token, "status": m.Status})
}

func count(gs []scene.Group) int64 {
	if len(gs) == 0 {
		return 0
	}
	return gs[0].Count
}

// MessageJSON is a message as its deputy sees it (the caller's address
// and the receipt token stay with the host).
type MessageJSON struct {
	ID       string    `json:"id"`
	DeputyID string    `json:"deputy_id"`
	Name     string    `json:"name,omitempty"`
	Phone    string    `json:"phone,omitempty"`
	Content  string    `json:"content"`
	Address  string    `json:"address,omitempty"`
	Status   string    `json:"status"`
	Answer   string    `json:"answer,omitempty"`
	IssueID  string    `json:"issue_id,omitempty"`
	At       time.Time `json:"at"`
}

func messageOut(d *scene.Document) (MessageJSON, Message, error) {
	var m Message
	if err := d.Decode(&m); err != nil {
		return MessageJSON{}, m, err
	}
	return MessageJSON{ID: d.ID, DeputyID: m.DeputyID, Name: m.Name, Phone: m.Phone, Content: m.Content, Address: m.Address,
		Status: m.Status, Answer: m.Answer, IssueID: m.IssueID, At: m.At}, m, nil
}

func (sv *service) publicMessage(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	notFound := scene.NotFound("message.not_found", scene.T("找不到该留言，或回执不对。", "No such message, or the receipt is wrong."))
	d, err := r.Host.Store().Get(ctx, messages, r.Param("id"))
	if err != nil {
		return nil, notFound
	}
	var m Message
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(m.Token), []byte(r.QueryValue("token"))) != 1 {
		return nil, notFound
	}
	return scene.JSON(http.StatusOK, map[string]string{"status": m.Status, "answer": m.Answer, "issue_id": m.IssueID})
}

// ownMessage loads a message of the calling deputy (staff managing issues
// see all).
func ownMessage(ctx context.Context, r *scene.Request) (*scene.Document, Message, error) {
	var m Message
	d, err := r.Host.Store().Get(ctx, messages, r.Param("id"))
	if pr, ok := scene.AsProblem(err); ok && pr.Code == scene.CodeNotFound {
		return nil, m, scene.NotFound("message.not_found", scene.T("找不到该留言。", "No such message."))
	}
	if err != nil {
		return nil, m, err // the store failed: not the caller's fault, not a 404
	}
	if err := d.Decode(&m); err != nil {
		return nil, m, err
	}
	if m.DeputyID != r.Principal.DeputyID && !r.Principal.Can(permManage) {
		return nil, m, scene.NotFound("message.not_found", scene.T("找不到该留言。", "No such message."))
	}
	return d, m, nil
}

// newMessage loads a message of the calling deputy that is still waiting
// to be answered or adopted.
func newMessage(ctx context.Context, r *scene.Request) (*scene.Document, Message, error) {
	d, m, err := ownMessage(ctx, r)
	if err == nil && m.Status != "new" {
		err = scene.Conflict("message.handled", scene.T("该留言已处理。", "The message was already handled."))
	}
	return d, m, err
}

func (sv *service) listMessages(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var filters []scene.Filter
	if !r.Principal.Can(permManage) {
		if r.Principal.DeputyID == "" {
			return scene.JSON(http.StatusOK, map[string]any{"items": []MessageJSON{}})
		}
		filters = append(filters, scene.Eq("deputy_id", r.Principal.DeputyID))
	}
	if st := r.QueryValue("status"); st != "" {
		filters = append(filters, scene.Eq("status", st))
	}
	docs, next, err := r.Host.Store().Query(ctx, messages, scene.Query{Filters: filters, Limit: 50, Cursor: r.QueryValue("cursor")})
	if err != nil {
		return nil, err
	}
	items := make([]MessageJSON, 0, len(docs))
	for _, d := range docs {
		j, _, err := messageOut(d)
		if err != nil {
			return nil, err
		}
		items = append(items, j)
	}
	return scene.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}

func (sv *service) answerMessage(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in struct {
		Answer string `json:"answer"`
	}
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	var v scene.Validator
	v.Required("answer", strings.TrimSpace(in.Answer))
	v.MaxLen("answer", in.Answer, 2000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	d, m, err := newMessage(ctx, r)
	if err != nil {
		return nil, err
	}
	m.Status, m.Answer = "answered", strings.TrimSpace(in.Answer)
	if d, err = r.Host.Store().Update(ctx, messages, d.ID, d.Version, m); err != nil {
		return nil, err
	}
	j, _, err := messageOut(d)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, j)
}

// AdoptInput completes a message into an issue report.
type AdoptInput struct {
	Category string   `json:"category"`
	Lat      *float64 `json:"lat"`
	Lng      *float64 `json:"lng"`
	Address  string   `json:"address,omitempty"`
}

func (sv *service) adoptMessage(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	if r.Principal.DeputyID == "" {
		return nil, scene.Forbidden("issue.deputies_only", scene.T("只有代表可以报告督事问题。", "Only deputies report issues."))
	}
	var in AdoptInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	d, m, err := newMessage(ctx, r)
	if err != nil {
		return nil, err
	}
	addr := in.Address
	if addr == "" {
		addr = m.Address
	}
	report := ReportInput{Category: in.Category, Description: "群众留言：" + m.Content, Lat: in.Lat, Lng: in.Lng, Address: addr}
	if err := report.Validate(); err != nil {
		return nil, err
	}
	iss, err := sv.file(ctx, r.Host, r.Settings, r.Principal.DeputyID, r.Principal.UserID, r.Principal.DisplayName, report)
	if err != nil {
		return nil, err
	}
	m.Status, m.IssueID = "adopted", iss.ID
	if _, err := r.Host.Store().Update(ctx, messages, d.ID, d.Version, m); err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusCreated, iss)
}

// shanghai is the congresses' time zone, for calendar days.
var shanghai = mustZone()

func mustZone() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}
