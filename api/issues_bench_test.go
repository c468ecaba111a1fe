package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/renda-platform/renda/api/apitest"
	"github.com/renda-platform/renda/core"
	"github.com/renda-platform/renda/core/pluginhost"
	"github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/tenants"
)

// BenchmarkIssuesCityWide measures issue supervision at city scale on
// PostgreSQL: RENDA_BENCH_DISTRICTS districts (default 100) with 1,000
// issues each, written straight into the host store (the scene would
// write the same documents); then the city-wide statistics page
// (?scope=descendants) and one deputy's list. Targets: under 300 ms and
// under 50 ms on 2 cores.
//
//	RENDA_BENCH_DISTRICTS=100 go test -run='^$' -bench=IssuesCityWide -benchtime=5x -timeout=30m ./api/
func BenchmarkIssuesCityWide(b *testing.B) {
	districts := 100
	if n, err := strconv.Atoi(os.Getenv("RENDA_BENCH_DISTRICTS")); err == nil && n > 0 {
		districts = n
	}
	const perDistrict = 1000
	e := sceneEnvB(b, "issues")
	ctx := context.Background()
	enableB(b, e, "ningbo")
	deputyID := "0190b6a0-0000-7000-8000-00000000d001"
	var first string
	for i := range districts {
		slug := fmt.Sprintf("bench-d%03d", i)
		code := fmt.Sprintf("3302%02d", 50+i%50) + fmt.Sprintf("%03d", i)
		t, err := e.DB.CreateTenant(ctx, core.TenantCreate{Slug: slug, Level: tenants.LevelDistrict, ParentSlug: "ningbo",
			DivisionCode: code, NameZH: "区" + slug, NameEN: slug})
		if err != nil {
			b.Fatal(err)
		}
		if first == "" {
			first = slug
		}
		e.AddUser(t, "staff", core.RoleStaff)
		enableB(b, e, slug)
		hctx := tenants.WithScope(ctx, tenants.Home(t))
		err = e.DB.InTx(hctx, func(ctx context.Context) error {
			for j := range perDistrict {
				doc, _ := json.Marshal(benchIssue(j, deputyID))
				if _, err := e.DB.CreateDocument(ctx, issuesupervision.ID, "issues", fmt.Sprintf("iss-%05d", j), doc); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	staff := e.Tokens["ningbo/staff"]
	// The issues were written past the scene, so no congress has its
	// figures kept yet; opening each district's figures once counts them
	// (as the hourly "figures" job would), and the scene keeps them from
	// then on.
	start := time.Now()
	for i := range districts {
		slug := fmt.Sprintf("bench-d%03d", i)
		if r := within(b, e).Do(http.MethodGet, "/api/v1/t/"+slug+"/scenes/"+issuesupervision.ID+"/stats", e.Tokens[slug+"/staff"], nil); r.Code != http.StatusOK {
			b.Fatalf("stats %s: %d %s", slug, r.Code, r.Body)
		}
	}
	b.Logf("counting each district's %d issues once: %s a district", perDistrict, time.Since(start)/time.Duration(districts))
	b.Run("city-wide-stats", func(b *testing.B) {
		for b.Loop() {
			var st issuesupervision.StatsJSON
			within(b, e).Do(http.MethodGet, "/api/v1/t/ningbo/scenes/"+issuesupervision.ID+"/stats?scope=descendants", staff, nil).JSON(b, &st)
			if st.Total != int64(districts*perDistrict) || len(st.Tenants) != districts {
				b.Fatalf("city-wide: total %d over %d congresses", st.Total, len(st.Tenants))
			}
		}
	})
	b.Run("district-list", func(b *testing.B) {
		// The city's staff read one district's queue (the deputy's own list
		// is the same query with a deputy filter).
		for b.Loop() {
			r := within(b, e).Do(http.MethodGet, "/api/v1/t/"+first+"/scenes/"+issuesupervision.ID+"/issues?status=routed", staff, nil)
			if r.Code != http.StatusOK {
				b.Fatalf("list: %d %s", r.Code, r.Body)
			}
		}
	})
}

func benchIssue(j int, deputyID string) issuesupervision.Issue {
	cats := []string{"tree", "manhole", "road", "drainage", "environment", "housing", "other"}
	states := []issuesupervision.State{issuesupervision.Routed, issuesupervision.Accepted, issuesupervision.Dispatched,
		issuesupervision.Answered, issuesupervision.Closed, issuesupervision.Closed}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).Add(time.Duration(j) * time.Hour)
	st := states[j%len(states)]
	is := issuesupervision.Issue{Category: cats[j%len(cats)], Description: "基准测试事项", Lat: 29.87, Lng: 121.55,
		Address: "海曙区鼓楼街道中山西路", State: st, DeputyID: deputyID, Destination: "grid", DueAt: at.Add(5 * 24 * time.Hour),
		CreatedAt: at, UpdatedAt: at, Overdue: j%11 == 0}
	is.Timeline = []issuesupervision.Step{{Action: "report", To: issuesupervision.Submitted, At: at},
		{Action: issuesupervision.ActRoute, From: issuesupervision.Submitted, To: issuesupervision.Routed, At: at}}
	if st == issuesupervision.Answered || st == issuesupervision.Closed {
		is.Answer = "已处理"
		is.Timeline = append(is.Timeline, issuesupervision.Step{Action: issuesupervision.ActAnswer, From: issuesupervision.Handled,
			To: issuesupervision.Answered, At: at.Add(time.Duration(24+j%72) * time.Hour)})
	}
	return is
}

// sceneEnvB is sceneEnv for benchmarks.
func sceneEnvB(b *testing.B, bins ...string) *apitest.Env {
	b.Helper()
	dir := sceneBinariesB(b)
	e := apitest.New(b, "postgres", apitest.WithScenes(pluginhostConfigForBench()))
	for _, bin := range bins {
		r := e.Do(http.MethodPost, "/api/v1/platform/scenes", e.Tokens["ningbo/platform_admin"], map[string]string{"path": dir + "/" + bin})
		if r.Code != http.StatusCreated {
			b.Fatalf("install %s: %d %s", bin, r.Code, r.Body)
		}
	}
	return e
}

func enableB(b *testing.B, e *apitest.Env, slug string) {
	b.Helper()
	r := e.Do(http.MethodPost, "/api/v1/platform/scenes/"+issuesupervision.ID+"/enable", e.Tokens["ningbo/platform_admin"],
		map[string]any{"version": "0.1.0", "tenants": []string{slug}})
	if r.Code != http.StatusOK {
		b.Fatalf("enable %s: %d %s", slug, r.Code, r.Body)
	}
}

func pluginhostConfigForBench() pluginhost.Config { return pluginhost.Config{MaxConcurrent: 64} }
