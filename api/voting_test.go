package api_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/plugins/livelihoodvoting"
	"github.com/renda-platform/renda/tenants"
)

const votingBase = "/api/v1/t/haishu/scenes/" + livelihoodvoting.ID

// voter is a deputy with an account of their own.
type voter struct {
	Token, DeputyID, UserID string
}

// seatDeputies creates n seated deputies in a congress, each with a deputy account, signed in.
func seatDeputies(t testing.TB, e *apitest.Env, slug string, n int) []voter {
	t.Helper()
	tn := e.Tenants[slug]
	ctx := tenants.WithScope(context.Background(), tenants.Home(tn))
	out := make([]voter, n)
	for i := range n {
		d, err := e.DB.CreateDeputy(ctx, core.DeputyInput{Name: fmt.Sprintf("代表%04d", i), Level: "district", Status: core.DeputyActive})
		if err != nil {
			t.Fatal(err)
		}
		u, err := e.DB.CreateUser(ctx, core.UserCreate{Username: fmt.Sprintf("%s-v%04d", slug, i), DisplayName: d.Name, Password: apitest.Password, DeputyID: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Authz.SetUserRoles(ctx, tn, u.ID, []string{core.RoleDeputy}); err != nil {
			t.Fatal(err)
		}
		out[i] = voter{DeputyID: d.ID, UserID: u.ID}
	}
	fresh, err := e.DB.TenantByID(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	*tn = *fresh
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range out {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			res := e.Do(http.MethodPost, "/api/v1/t/"+slug+"/auth/login", "", map[string]string{"username": fmt.Sprintf("%s-v%04d", slug, i), "password": apitest.Password})
			var s struct{ Token string }
			_ = json.Unmarshal(res.Body, &s)
			out[i].Token = s.Token
		}()
	}
	wg.Wait()
	for i, v := range out {
		if v.Token == "" {
			t.Fatalf("deputy %d could not sign in", i)
		}
	}
	return out
}

func must(t testing.TB, r *apitest.Response, want int, what string) *apitest.Response {
	t.Helper()
	if r.Code != want {
		t.Fatalf("%s: %d, want %d: %s", what, r.Code, want, r.Body)
	}
	return r
}

// votingRound makes a round in haishu up to an open ballot with three candidates.
func votingRound(t testing.TB, e *apitest.Env, secret bool) (string, []string) {
	t.Helper()
	staff := e.Tokens["haishu/staff"]
	var rd livelihoodvoting.RoundJSON
	must(t, e.Do(http.MethodPost, votingBase+"/rounds", staff, map[string]any{"year": 2026, "title": "2026年海曙区民生实事项目",
		"plan": map[string]string{"deliver_by": "2026-12-31"}}), http.StatusCreated, "create round").JSON(t, &rd)
	base := votingBase + "/rounds/" + rd.ID
	var ids []string
	for i, title := range []string{"老旧小区加装电梯", "中小学食堂改造提升", "社区居家养老服务中心"} {
		var c livelihoodvoting.CandidateJSON
		must(t, e.Do(http.MethodPost, base+"/candidates", staff, map[string]any{"source": "department", "title": title, "description": "项目说明",
			"department": "区住建局", "budget": fmt.Sprintf("%d.00", 3000000*(i+1))}), http.StatusCreated, "candidate").JSON(t, &c)
		ids = append(ids, c.ID)
	}
	must(t, e.Do(http.MethodPost, base+"/phase", staff, map[string]any{"to": "review"}), http.StatusOK, "review")
	must(t, e.Do(http.MethodPost, base+"/shortlist", staff, map[string]any{"included": ids}), http.StatusOK, "shortlist")
	must(t, e.Do(http.MethodPut, base+"/ballot", staff, map[string]any{"mode": "per_candidate", "secret": secret}), http.StatusOK, "rules")
	must(t, e.Do(http.MethodPost, base+"/phase", staff, map[string]any{"to": "voting"}), http.StatusOK, "voting")
	must(t, e.Do(http.MethodPost, base+"/ballot/open", staff, nil), http.StatusOK, "open")
	return rd.ID, ids
}

// ballotOf is deputy i's ballot: every one of the 27 combinations of three choices in turn.
func ballotOf(i int, ids []string) map[string]any {
	opts := []string{"approve", "oppose", "abstain"}
	return map[string]any{"choices": map[string]string{ids[0]: opts[i%3], ids[1]: opts[i/3%3], ids[2]: opts[i/9%3]}}
}

// TestVotingFullRound runs a round through real processes: candidates, the ballot, 500
// deputies voting (400 online, 100 on paper keyed by two staff), the close, the verified
// result, commitments, progress and the evaluation.
func TestVotingFullRound(t *testing.T) {
	for _, d := range []string{"sqlite", "postgres"} {
		t.Run(d, func(t *testing.T) {
			e := sceneEnv(t, d, "voting")
			enable(t, e, livelihoodvoting.ID, "0.1.0", "ningbo", "haishu")
			voters := seatDeputies(t, e, "haishu", 500)
			roundID, ids := votingRound(t, e, false)
			base := votingBase + "/rounds/" + roundID
			staff, staff2 := e.Tokens["haishu/staff"], e.Tokens["haishu/tenant_admin"]
			want := map[string]map[string]int64{}
			for _, id := range ids {
				want[id] = map[string]int64{}
			}
			for i := range voters {
				for id, ch := range ballotOf(i, ids)["choices"].(map[string]string) {
					want[id][ch]++
				}
			}
			var wg sync.WaitGroup
			errs := make(chan string, len(voters))
			sem := make(chan struct{}, 6) // the test host runs 8 calls per scene at once and answers 503 beyond
			for i, v := range voters {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					if i%5 != 0 {
						if r := e.Do(http.MethodPost, base+"/ballot/cast", v.Token, ballotOf(i, ids)); r.Code != http.StatusCreated {
							errs <- fmt.Sprintf("cast %d: %d %s", i, r.Code, r.Body)
						}
						return
					}
					body := ballotOf(i, ids)
					body["deputy_id"] = v.DeputyID
					r := e.Do(http.MethodPost, base+"/paper/ballots", staff, body)
					var p livelihoodvoting.PaperJSON
					if r.Code != http.StatusCreated || json.Unmarshal(r.Body, &p) != nil {
						errs <- fmt.Sprintf("paper %d: %d %s", i, r.Code, r.Body)
						return
					}
					if r := e.Do(http.MethodPost, base+"/ballot/cast", v.Token, ballotOf(i, ids)); r.Code != http.StatusConflict {
						errs <- fmt.Sprintf("online vote while paper pending %d: %d", i, r.Code)
					}
					if r := e.Do(http.MethodPost, base+"/paper/ballots/"+p.ID+"/confirm", staff2, ballotOf(i, ids)); r.Code != http.StatusCreated {
						errs <- fmt.Sprintf("confirm %d: %d %s", i, r.Code, r.Body)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for msg := range errs {
				t.Error(msg)
			}
			must(t, e.Do(http.MethodPost, base+"/ballot/cast", voters[1].Token, ballotOf(1, ids)), http.StatusConflict, "second vote")
			must(t, e.Do(http.MethodPost, base+"/ballot/close", staff, nil), http.StatusOK, "close")
			var res livelihoodvoting.Result
			must(t, e.Do(http.MethodGet, base+"/result", voters[3].Token, nil), http.StatusOK, "result").JSON(t, &res)
			if res.Ballots != 500 || res.Voted != 500 || res.Seats != 500 {
				t.Fatalf("result: %d ballots, %d voted, %d seats; want 500 each", res.Ballots, res.Voted, res.Seats)
			}
			for _, c := range res.Candidates {
				if c.Approve != want[c.ID]["approve"] || c.Oppose != want[c.ID]["oppose"] || c.Abstain != want[c.ID]["abstain"] {
					t.Errorf("candidate %s: %d/%d/%d, want %v", c.ID, c.Approve, c.Oppose, c.Abstain, want[c.ID])
				}
			}
			var v livelihoodvoting.Verification
			must(t, e.Do(http.MethodGet, base+"/ballot/verify", voters[0].Token, nil), http.StatusOK, "verify").JSON(t, &v)
			if !v.Verified || v.Ballots != 500 || v.Voters != 500 || v.Head != res.Head {
				t.Fatalf("verify = %+v", v)
			}
			// No candidate passes with a third of the seats approving: the rules hold; adopt one
			// by a second, recorded round would be another test. Commitments follow the result.
			must(t, e.Do(http.MethodPost, base+"/phase", staff, map[string]any{"to": "delivery"}), http.StatusOK, "delivery")
			var ps struct {
				Items []livelihoodvoting.ProjectJSON
			}
			must(t, e.Do(http.MethodGet, votingBase+"/projects?round_id="+roundID, staff, nil), http.StatusOK, "projects").JSON(t, &ps)
			adopted := 0
			for _, c := range res.Candidates {
				if c.Adopted {
					adopted++
				}
			}
			if len(ps.Items) != adopted {
				t.Fatalf("%d commitments, want %d adopted", len(ps.Items), adopted)
			}
			must(t, e.Do(http.MethodPost, base+"/phase", staff, map[string]any{"to": "evaluation"}), http.StatusOK, "evaluation")
			var ev struct{ Overall livelihoodvoting.Ratings }
			must(t, e.Do(http.MethodGet, base+"/evaluation", staff, nil), http.StatusOK, "evaluation").JSON(t, &ev)
			var hist struct {
				Items []livelihoodvoting.YearSummary
			}
			must(t, e.Do(http.MethodGet, "/api/v1/t/ningbo/scenes/"+livelihoodvoting.ID+"/history?scope=descendants", e.Tokens["ningbo/tenant_admin"], nil), http.StatusOK, "city history").JSON(t, &hist)
			if len(hist.Items) != 1 || hist.Items[0].Tenant != "haishu" {
				t.Errorf("city history = %+v, want haishu's round", hist.Items)
			}
		})
	}
}

// TestVotingDelivery adopts projects with a passing vote, then follows delivery and the
// evaluation through a real process.
func TestVotingDelivery(t *testing.T) {
	e := sceneEnv(t, "postgres", "voting")
	enable(t, e, livelihoodvoting.ID, "0.1.0", "haishu")
	voters := seatDeputies(t, e, "haishu", 5)
	roundID, ids := votingRound(t, e, true)
	base := votingBase + "/rounds/" + roundID
	staff := e.Tokens["haishu/staff"]
	for _, v := range voters {
		must(t, e.Do(http.MethodPost, base+"/ballot/cast", v.Token, map[string]any{"choices": map[string]string{ids[0]: "approve", ids[1]: "approve"}}), http.StatusCreated, "cast")
	}
	must(t, e.Do(http.MethodPost, base+"/ballot/close", staff, nil), http.StatusOK, "close")
	must(t, e.Do(http.MethodPost, base+"/result/publish", staff, map[string]any{"public": true}), http.StatusOK, "publish")
	var pub struct{ Result *livelihoodvoting.Result }
	must(t, e.Do(http.MethodGet, base[:len(votingBase)]+"/public/rounds/"+roundID, "", nil), http.StatusOK, "public").JSON(t, &pub)
	if pub.Result == nil || pub.Result.Ballots != 5 {
		t.Fatalf("public result = %+v", pub.Result)
	}
	must(t, e.Do(http.MethodPost, base+"/phase", staff, map[string]any{"to": "delivery"}), http.StatusOK, "delivery")
	pid := votingBase + "/projects/" + ids[0]
	must(t, e.Do(http.MethodPut, pid+"/milestones", staff, map[string]any{"milestones": []map[string]string{{"name": "开工", "planned": "2026-03-01", "done": "2026-02-20"}}}), http.StatusOK, "milestones")
	must(t, e.Do(http.MethodPost, pid+"/reports", staff, map[string]any{"percent": 60, "narrative": "已完成过半"}), http.StatusCreated, "report")
	must(t, e.Do(http.MethodPost, pid+"/inspections", voters[0].Token, map[string]any{"visited_on": "2026-07-01", "comment": "现场整洁"}), http.StatusCreated, "inspect")
	must(t, e.Do(http.MethodPost, base+"/phase", staff, map[string]any{"to": "evaluation"}), http.StatusOK, "evaluation")
	for i, v := range voters {
		rating := []string{"satisfied", "basically_satisfied"}[i%2]
		must(t, e.Do(http.MethodPost, pid+"/evaluation", v.Token, map[string]any{"rating": rating}), http.StatusCreated, "evaluate")
	}
	var ev struct{ Overall livelihoodvoting.Ratings }
	must(t, e.Do(http.MethodGet, base+"/evaluation", staff, nil), http.StatusOK, "evaluation").JSON(t, &ev)
	if ev.Overall.Total != 5 || ev.Overall.SatisfactionPermille != 1000 {
		t.Errorf("evaluation = %+v", ev.Overall)
	}
	acts, err := e.DB.ListActivities(tenants.WithScope(context.Background(), tenants.Home(e.Tenants["haishu"])), voters[0].DeputyID, core.PageRequest{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, a := range acts.Items {
		kinds[a.Kind] = true
	}
	for _, k := range []string{"voting.vote", "voting.inspect", "voting.evaluate"} {
		if !kinds[k] {
			t.Errorf("duty archive lacks %s: %v", k, kinds)
		}
	}
}

// TestVotingCrossTenant: haishu's ballot is invisible and unvotable from jiangbei.
func TestVotingCrossTenant(t *testing.T) {
	e := sceneEnv(t, "postgres", "voting")
	enable(t, e, livelihoodvoting.ID, "0.1.0", "haishu", "jiangbei")
	seatDeputies(t, e, "haishu", 3)
	outsiders := seatDeputies(t, e, "jiangbei", 1)
	roundID, ids := votingRound(t, e, true)
	jb := "/api/v1/t/jiangbei/scenes/" + livelihoodvoting.ID + "/rounds/" + roundID
	for _, c := range []struct{ method, path, token string }{
		{http.MethodGet, jb, e.Tokens["jiangbei/staff"]},
		{http.MethodGet, jb + "/ballot/turnout", outsiders[0].Token},
		{http.MethodPost, jb + "/ballot/cast", outsiders[0].Token},
		{http.MethodPost, jb + "/ballot/close", e.Tokens["jiangbei/staff"]},
	} {
		if r := e.Do(c.method, c.path, c.token, ballotOf(0, ids)); r.Code != http.StatusNotFound {
			t.Errorf("%s %s from jiangbei: %d, want 404", c.method, c.path, r.Code)
		}
	}
	// A jiangbei deputy's token on haishu's route is not haishu's deputy.
	if r := e.Do(http.MethodPost, votingBase+"/rounds/"+roundID+"/ballot/cast", outsiders[0].Token, ballotOf(0, ids)); r.Code < 400 {
		t.Errorf("cast across congresses: %d", r.Code)
	}
	var to livelihoodvoting.Turnout
	must(t, e.Do(http.MethodGet, votingBase+"/rounds/"+roundID+"/ballot/turnout", e.Tokens["haishu/staff"], nil), http.StatusOK, "turnout").JSON(t, &to)
	if to.Voted != 0 {
		t.Errorf("turnout %d after foreign casts, want 0", to.Voted)
	}
}

// TestVotingTamperEvident: verification fails after an edited, deleted or inserted ballot row,
// changed with raw SQL.
func TestVotingTamperEvident(t *testing.T) {
	e := sceneEnv(t, "postgres", "voting")
	enable(t, e, livelihoodvoting.ID, "0.1.0", "haishu")
	voters := seatDeputies(t, e, "haishu", 6)
	roundID, ids := votingRound(t, e, true)
	base := votingBase + "/rounds/" + roundID
	for i, v := range voters {
		must(t, e.Do(http.MethodPost, base+"/ballot/cast", v.Token, ballotOf(i, ids)), http.StatusCreated, "cast")
	}
	must(t, e.Do(http.MethodPost, base+"/ballot/close", e.Tokens["haishu/staff"], nil), http.StatusOK, "close")
	db, err := sql.Open("pgx", e.DB.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	row := func(seq int) string { return fmt.Sprintf("%s.%07d", roundID, seq) }
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	verify := func() livelihoodvoting.Verification {
		var v livelihoodvoting.Verification
		must(t, e.Do(http.MethodGet, base+"/ballot/verify", voters[0].Token, nil), http.StatusOK, "verify").JSON(t, &v)
		return v
	}
	if v := verify(); !v.Verified {
		t.Fatalf("intact chain: %+v", v)
	}
	var saved string
	if err := db.QueryRow(`SELECT data::text FROM scene_documents WHERE collection = 'entries' AND id = $1`, row(3)).Scan(&saved); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, reason string
		tamper       func()
	}{
		{"edited", "edited", func() {
			exec(`UPDATE scene_documents SET data = jsonb_set(data, '{ballot}', to_jsonb('{"choices":{}}'::text)) WHERE collection = 'entries' AND id = $1`, row(3))
		}},
		{"deleted", "removed", func() { exec(`DELETE FROM scene_documents WHERE collection = 'entries' AND id = $1`, row(3)) }},
		{"inserted", "inserted", func() {
			exec(`INSERT INTO scene_documents (tenant_id, scene_id, collection, id, version, data, created_at, updated_at)
				SELECT tenant_id, scene_id, collection, $2, version, jsonb_set(data, '{seq}', '3.5'::jsonb), created_at, updated_at
				FROM scene_documents WHERE collection = 'entries' AND id = $1`, row(3), row(3)+"x")
			exec(`UPDATE scene_documents SET data = jsonb_set(data, '{seq}', '3'::jsonb) WHERE collection = 'entries' AND id = $1`, row(3)+"x")
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.tamper()
			v := verify()
			if v.Verified || len(v.Problems) == 0 {
				t.Fatalf("verification passed after a %s row", c.name)
			}
			found := false
			for _, p := range v.Problems {
				found = found || p.Check == "chain" && p.Reason == c.reason
			}
			if !found {
				t.Errorf("problems = %+v, want a chain break (%s)", v.Problems, c.reason)
			}
			exec(`DELETE FROM scene_documents WHERE collection = 'entries' AND id IN ($1, $2)`, row(3), row(3)+"x")
			exec(`INSERT INTO scene_documents (tenant_id, scene_id, collection, id, version, data, created_at, updated_at)
				SELECT tenant_id, scene_id, collection, $1, 1, $2::jsonb, created_at, updated_at FROM scene_documents WHERE collection = 'entries' AND id = $3`,
				row(3), saved, row(2))
			if v := verify(); !v.Verified {
				t.Fatalf("restored chain does not verify: %+v", v)
			}
		})
	}
}

// TestVotingSecretBallotUnlinkable votes secretly, each deputy with a ballot no other deputy
// casts, then reads every column of every table of the database, and every log line of the
// API, the plugin host and the scene process, and looks for anything tying a voter to a
// choice.
func TestVotingSecretBallotUnlinkable(t *testing.T) {
	var logs bytes.Buffer
	var mu sync.Mutex
	w := lockedWriter{mu: &mu, w: &logs}
	logger := slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := sceneEnvWith(t, "postgres", pluginhost.Config{AllowPrivateHosts: true, Logger: logger, LogOutput: w}, "voting")
	// The same API over the same database and host, logging every request.
	srv, err := api.New(api.Services{DB: e.DB, Tenants: e.DB, Auth: e.DB, Users: e.DB, Deputies: e.DB, Duty: e.DB, Audit: e.DB,
		Idempotency: e.DB, Authz: e.Authz, Inbox: e.DB, Departments: e.DB, Scenes: e.Scenes, SceneStore: e.DB},
		api.Config{Logger: logger, LoginLimit: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	e.Server = srv
	enable(t, e, livelihoodvoting.ID, "0.1.0", "haishu")
	const n = 27
	voters := seatDeputies(t, e, "haishu", n)
	roundID, ids := votingRound(t, e, true)
	base := votingBase + "/rounds/" + roundID
	// A cast with an Idempotency-Key is refused: its stored answer would hold the receipt.
	must(t, e.Do(http.MethodPost, base+"/ballot/cast", voters[0].Token, ballotOf(0, ids), "Idempotency-Key", "k-0001"), http.StatusBadRequest, "idempotent cast")
	receipts := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 6)
	for i, v := range voters {
		if i%9 == 4 {
			continue // on paper, below
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var c livelihoodvoting.CastJSON
			r := e.Do(http.MethodPost, base+"/ballot/cast", v.Token, ballotOf(i, ids))
			if r.Code != http.StatusCreated || json.Unmarshal(r.Body, &c) != nil {
				t.Errorf("cast %d: %d %s", i, r.Code, r.Body)
			}
			receipts[i] = c.Receipt
		}()
	}
	wg.Wait()
	staff, staff2 := e.Tokens["haishu/staff"], e.Tokens["haishu/tenant_admin"]
	for i, v := range voters {
		if i%9 == 4 {
			must(t, e.Do(http.MethodPost, base+"/paper/voters", staff, map[string]string{"deputy_id": v.DeputyID}), http.StatusCreated, "paper voter")
		}
	}
	must(t, e.Do(http.MethodPost, base+"/ballot/close", staff, nil), http.StatusOK, "close")
	for i := range voters {
		if i%9 == 4 {
			var p livelihoodvoting.PaperJSON
			must(t, e.Do(http.MethodPost, base+"/paper/ballots", staff, ballotOf(i, ids)), http.StatusCreated, "paper").JSON(t, &p)
			var c livelihoodvoting.CastJSON
			must(t, e.Do(http.MethodPost, base+"/paper/ballots/"+p.ID+"/confirm", staff2, ballotOf(i, ids)), http.StatusCreated, "confirm").JSON(t, &c)
			receipts[i] = c.Receipt
		}
	}
	must(t, e.Do(http.MethodPost, base+"/ballot/count", staff, nil), http.StatusOK, "count")
	var v livelihoodvoting.Verification
	must(t, e.Do(http.MethodGet, base+"/ballot/verify", voters[0].Token, nil), http.StatusOK, "verify").JSON(t, &v)
	if !v.Verified || v.Ballots != n {
		t.Fatalf("verify = %+v", v)
	}
	var chain struct {
		Entries []struct{ Receipt, Salt, Hash string }
	}
	must(t, e.Do(http.MethodGet, base+"/ballot/log", voters[0].Token, nil), http.StatusOK, "log").JSON(t, &chain)

	// What identifies voter i, and what identifies i's choice: the ballot (unique to i), its
	// receipt, salt and entry hash.
	type mark struct{ who, what []string }
	marks := make([]mark, n)
	byReceipt := map[string]int{}
	for i, r := range receipts {
		byReceipt[r] = i
	}
	for i, vt := range voters {
		b, _ := json.Marshal(ballotOf(i, ids)["choices"])
		marks[i].who = []string{vt.DeputyID, vt.UserID, fmt.Sprintf("haishu-v%04d", i), fmt.Sprintf("代表%04d", i)}
		marks[i].what = []string{receipts[i], string(b)}
	}
	for _, en := range chain.Entries {
		i, ok := byReceipt[en.Receipt]
		if !ok {
			t.Fatalf("a chain entry with a receipt nobody got")
		}
		marks[i].what = append(marks[i].what, en.Salt, en.Hash)
	}
	db, err := sql.Open("pgx", e.DB.OwnerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows := allRows(t, db)
	for i := range rows {
		rows[i] = strings.ReplaceAll(rows[i], " ", "") // jsonb prints "a": "b"; ballots are stored without spaces
	}
	if len(rows) < 100 {
		t.Fatalf("read only %d rows", len(rows))
	}
	mu.Lock()
	lines := strings.Split(logs.String(), "\n")
	mu.Unlock()
	for i, m := range marks {
		for _, text := range append(rows, lines...) {
			if containsAny(text, m.who) && containsAny(text, m.what) {
				t.Errorf("voter %d is linked to their choice by: %.300s", i, text)
			}
		}
		for _, line := range lines {
			if containsAny(line, m.what[:1]) {
				t.Errorf("a log line holds voter %d's receipt: %.300s", i, line)
			}
		}
	}
	// Who voted and the chain share no transaction, and no ballot is left in the urn.
	var shared, urn int
	if err := db.QueryRow(`SELECT count(*) FROM scene_documents v JOIN scene_documents c ON v.xmin = c.xmin
		WHERE v.collection = 'voters' AND c.collection IN ('entries', 'urn')`).Scan(&shared); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM scene_documents WHERE collection = 'urn'`).Scan(&urn); err != nil {
		t.Fatal(err)
	}
	if shared != 0 || urn != 0 {
		t.Errorf("%d voter records share a transaction with a ballot; %d ballots left in the urn", shared, urn)
	}
	var before int
	if err := db.QueryRow(`SELECT count(*) FROM scene_documents v JOIN scene_documents c ON c.created_at <= v.created_at
		WHERE v.collection = 'voters' AND c.collection = 'entries'`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	if before != 0 {
		t.Errorf("%d chain entries were written before a voter record: their times could be lined up", before)
	}
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if x != "" && strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// allRows returns every row of every table of the public schema as text, with its system
// columns (xmin, ctid).
func allRows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rs, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rs.Next() {
		var name string
		if err := rs.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rs.Close()
	var out []string
	for _, tb := range tables {
		q := fmt.Sprintf(`SELECT '%s' || ' xmin=' || xmin::text || ' ctid=' || ctid::text || ' ' || row_to_json(x)::text FROM %q x`, tb, tb)
		rs, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		for rs.Next() {
			var s string
			if err := rs.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		rs.Close()
	}
	return out
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
