package main

import (
	"bytes"
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/renda-platform/renda/plugins/livelihoodvoting"
)

// TestDemoVotingRound starts the demo as `make run` does, with the voting scene, and walks
// through the README's livelihood-project vote: Haishu's seeded round is ready to open; staff
// open it, five deputies vote from their own accounts, staff close it, and the result is
// counted and verifies, every receipt in the chain.
func TestDemoVotingRound(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs binaries")
	}
	dir := t.TempDir()
	for _, b := range [][]string{{"-o", filepath.Join(dir, "renda"), "."}, {"-o", filepath.Join(dir, "voting"), "../renda-voting"}} {
		if out, err := exec.Command("go", append([]string{"build"}, b...)...).CombinedOutput(); err != nil {
			t.Fatalf("go build %v: %v\n%s", b, err, out)
		}
	}
	addr := freeAddr(t)
	srv := exec.Command(filepath.Join(dir, "renda"), "serve", "--demo", "--dev", "--addr", addr,
		"--database-url", "sqlite://"+filepath.Join(dir, "data", "renda.db"), "--scene", filepath.Join(dir, "voting"))
	var logs bytes.Buffer
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := &apiClient{base: "http://" + addr + "/api/v1/t/haishu", http: &http.Client{Timeout: 30 * time.Second}}
	if err := waitReady(ctx, c.http, "http://"+addr); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	staff, err := c.login(ctx, "haishu-staff")
	if err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	s := "/scenes/" + livelihoodvoting.ID
	// The round is seeded once the server answers; wait for it.
	var round livelihoodvoting.RoundJSON
	for round.ID == "" {
		var list struct{ Items []livelihoodvoting.RoundJSON }
		if err := c.do(ctx, staff, "GET", s+"/rounds", nil, &list); err != nil {
			t.Fatalf("%v\n%s", err, logs.String())
		}
		if len(list.Items) == 1 && list.Items[0].Phase == livelihoodvoting.PhaseVoting {
			round = list.Items[0]
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no round ready to vote on: %+v\n%s", list.Items, logs.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
	if b := round.Ballot; b == nil || b.State != livelihoodvoting.BallotReady || len(b.Candidates) != 4 || !b.Secret {
		t.Fatalf("seeded ballot: %+v", round.Ballot)
	}
	base := s + "/rounds/" + round.ID
	must := func(token, method, path string, body, out any) {
		t.Helper()
		if err := c.do(ctx, token, method, path, body, out); err != nil {
			t.Fatal(err)
		}
	}
	must(staff, "POST", base+"/ballot/open", nil, nil)
	// Five deputies: two approve everything, and so on; the first three candidates pass.
	cands := round.Ballot.Candidates
	votes := [][]string{
		{"approve", "approve", "approve", "approve"},
		{"approve", "approve", "approve", "oppose"},
		{"approve", "approve", "abstain", "oppose"},
		{"approve", "oppose", "approve", "abstain"},
		{"oppose", "approve", "approve", "oppose"},
	}
	var receipts []string
	for i, who := range []string{"lixiuying", "haishu-deputy1", "haishu-deputy2", "haishu-deputy3", "haishu-deputy4"} {
		tok, err := c.login(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		choices := map[string]string{}
		for j, id := range cands {
			choices[id] = votes[i][j]
		}
		var cast livelihoodvoting.CastJSON
		must(tok, "POST", base+"/ballot/cast", map[string]any{"choices": choices}, &cast)
		receipts = append(receipts, cast.Receipt)
		if err := c.do(ctx, tok, "POST", base+"/ballot/cast", map[string]any{"choices": choices}, nil); err == nil {
			t.Errorf("%s voted twice", who)
		}
	}
	var turnout livelihoodvoting.Turnout
	must(staff, "GET", base+"/ballot/turnout", nil, &turnout)
	if turnout.Voted != 5 || turnout.Seats < 5 {
		t.Errorf("turnout: %+v, want 5 voted", turnout)
	}
	must(staff, "POST", base+"/ballot/close", nil, nil)
	var res livelihoodvoting.Result
	must(staff, "GET", base+"/result", nil, &res)
	if res.Ballots != 5 || len(res.Candidates) != 4 {
		t.Fatalf("result: %+v", res)
	}
	for i, line := range res.Candidates {
		if want := i < 3; line.Passed != want || line.Adopted != want {
			t.Errorf("candidate %d %s: passed %v, adopted %v, want %v (%d approve of 5)", i, line.Title, line.Passed, line.Adopted, want, line.Approve)
		}
	}
	var v livelihoodvoting.Verification
	must(staff, "GET", base+"/ballot/verify", nil, &v)
	if !v.Verified || v.Ballots != 5 || v.Voters != 5 || v.Head != res.Head {
		t.Errorf("verification: %+v, want verified, 5 ballots ending at %s", v, res.Head)
	}
	for _, r := range receipts {
		var in struct{ Included bool }
		must(staff, "POST", base+"/ballot/receipt", map[string]string{"receipt": r}, &in)
		if !in.Included {
			t.Errorf("receipt %s is not in the chain", r)
		}
	}
}
