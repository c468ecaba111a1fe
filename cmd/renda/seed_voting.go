package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting"
)

// The demo's livelihood-project round is made through the platform's HTTP API once the server
// answers, as Haishu's staff, a deputy and a constituent would make it: the scene runs in its
// own process, and the API is the one way in that checks everything a real round goes
// through. It stops with the ballot ready to open, so that a newcomer opens it, votes as
// several deputies, closes it and reads the verified result (README, "Livelihood-project
// voting").

// votingDemoCandidates are the demo round's candidate projects.
func votingDemoCandidates() []livelihoodvoting.CandidateInput {
	return []livelihoodvoting.CandidateInput{
		{Source: "department", Title: "老旧小区加装电梯", Description: "为鼓楼、南门街道 20 个老旧小区的多层住宅加装电梯。",
			Department: "区住建局", Budget: "12000000.00", Outcome: "新增电梯 60 台，惠及约 1,500 户", Location: "鼓楼街道、南门街道"},
		{Source: "department", Title: "中小学食堂改造提升", Description: "改造 8 所中小学食堂，推行明厨亮灶和营养配餐。",
			Department: "区教育局", Budget: "6800000.00", Outcome: "8 所学校食堂达到省级标准", Location: "全区"},
		{Source: "department", Title: "社区居家养老服务中心", Description: "新建 5 个街道级居家养老服务中心，提供助餐、日间照料和康复服务。",
			Department: "区民政局", Budget: "9500000.50", Outcome: "每个街道至少 1 个中心，覆盖老人 3 万人", Location: "西门、江厦、白云、段塘、望春街道"},
		{Source: "department", Title: "城区积水点改造", Description: "改造城区 15 处易涝积水点，扩容雨水管网。",
			Department: "区城管局", Budget: "15000000.00", Outcome: "台风暴雨期间主干道不再积水", Location: "城区"},
	}
}

// votingDemoRound is what seeding the round made, for the log.
type votingDemoRound struct {
	ID         string
	Candidates int
}

// seedVotingRound makes Haishu's demo round at base (the server's URL), up to a ballot ready
// to open: candidates from departments, a deputy and the public call for ideas (a duplicate
// merged), a shortlist with a reason for the one left out, secret ballot rules, and the voting
// phase. It waits for the server to answer first, up to ctx's deadline.
func seedVotingRound(ctx context.Context, base string) (votingDemoRound, error) {
	var out votingDemoRound
	c := &apiClient{base: base + "/api/v1/t/haishu", http: &http.Client{Timeout: 30 * time.Second}}
	if err := waitReady(ctx, c.http, base); err != nil {
		return out, err
	}
	staff, err := c.login(ctx, "haishu-staff")
	if err != nil {
		return out, err
	}
	deputy, err := c.login(ctx, "lixiuying")
	if err != nil {
		return out, err
	}
	s := "/scenes/" + livelihoodvoting.ID
	var rd struct{ ID string }
	year := time.Now().Year() + 1
	if err := c.do(ctx, staff, http.MethodPost, s+"/rounds", map[string]any{"year": year,
		"title": fmt.Sprintf("海曙区%d年民生实事项目", year),
		"plan":  map[string]string{"session_date": fmt.Sprintf("%d-01-10", year), "deliver_by": fmt.Sprintf("%d-12-31", year)}}, &rd); err != nil {
		return out, err
	}
	out.ID = rd.ID
	round := s + "/rounds/" + rd.ID
	var ids []string
	for _, cand := range votingDemoCandidates() {
		var made struct{ ID string }
		if err := c.do(ctx, staff, http.MethodPost, round+"/candidates", cand, &made); err != nil {
			return out, err
		}
		ids = append(ids, made.ID)
	}
	var byDeputy struct{ ID string }
	if err := c.do(ctx, deputy, http.MethodPost, round+"/candidates", livelihoodvoting.CandidateInput{Source: "deputy", Title: "背街小巷路灯补缺",
		Description: "鼓楼街道多条背街小巷夜间无路灯，居民出行不便。", Department: "区城管局", Budget: "800000.00",
		Outcome: "补装路灯 300 盏", Location: "鼓楼街道"}, &byDeputy); err != nil {
		return out, err
	}
	var idea struct{ ID string }
	if err := c.do(ctx, "", http.MethodPost, s+"/public/rounds/"+rd.ID+"/ideas", map[string]string{"title": "我们小区也想装电梯",
		"description": "六层老房子，老人上下楼太难了。", "location": "南门街道"}, &idea); err != nil {
		return out, err
	}
	if err := c.do(ctx, staff, http.MethodPost, round+"/candidates/"+idea.ID+"/merge", map[string]string{"into": ids[0]}, nil); err != nil {
		return out, err
	}
	steps := []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/phase", map[string]string{"to": "review"}},
		{http.MethodPost, "/shortlist", map[string]any{"included": ids,
			"excluded": []map[string]string{{"id": byDeputy.ID, "reason": "已列入区城管局年度常规计划，不再作为民生实事项目。"}}}},
		// Three of four are adopted: those approved by more than half of the ballots cast,
		// ranked by approvals.
		{http.MethodPut, "/ballot", map[string]any{"mode": "per_candidate", "k": 3, "pass": "cast_majority", "secret": true}},
		{http.MethodPost, "/phase", map[string]string{"to": "voting"}},
	}
	for _, st := range steps {
		if err := c.do(ctx, staff, st.method, round+st.path, st.body, nil); err != nil {
			return out, err
		}
	}
	out.Candidates = len(ids)
	return out, nil
}

// localURL is the URL at which this host reaches a server listening on addr.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// waitReady waits until the server at base answers /readyz.
func waitReady(ctx context.Context, hc *http.Client, base string) error {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		if err != nil {
			return err
		}
		if r, err := hc.Do(req); err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the server: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// apiClient calls one congress's API with a bearer token.
type apiClient struct {
	base string
	http *http.Client
}

func (c *apiClient) login(ctx context.Context, username string) (string, error) {
	var s struct{ Token string }
	if err := c.do(ctx, "", http.MethodPost, "/auth/login", map[string]string{"username": username, "password": demoPassword}, &s); err != nil {
		return "", err
	}
	return s.Token, nil
}

// do sends body (if not nil) as JSON and decodes a 2xx answer into out (if not nil); another
// status is an error carrying the answer. A 503 (the scene is starting, or busy: it did not
// take the call) is tried again until ctx ends.
func (c *apiClient) do(ctx context.Context, token, method, path string, body, out any) error {
	for {
		err := c.once(ctx, token, method, path, body, out)
		if !errors.Is(err, errUnavailable) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(200 * time.Millisecond):
		}
	}
}

var errUnavailable = errors.New("503")

func (c *apiClient) once(ctx context.Context, token, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode == http.StatusServiceUnavailable {
		return fmt.Errorf("%s %s: %w %s", method, path, errUnavailable, answer)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, answer)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(answer, out)
}

// seedVotingDemo seeds the demo round in the background of the server's first start and says
// how it went: a failure leaves the demo running without it.
func seedVotingDemo(ctx context.Context, base string, log *slog.Logger, w io.Writer) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	rd, err := seedVotingRound(ctx, base)
	if err != nil {
		log.Error("seed the demo's livelihood-project round", "round", rd.ID, "err", err)
		return
	}
	log.Info("seeded the demo's livelihood-project round", "tenant", "haishu", "round", rd.ID, "candidates", rd.Candidates)
	fmt.Fprintf(w, "Haishu's livelihood-project round %s is ready to vote on: see the README, \"Livelihood-project voting\".\n", rd.ID)
}
