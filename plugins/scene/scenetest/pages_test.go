package scenetest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/renda-platform/renda/plugins/scene"
	"github.com/renda-platform/renda/plugins/scene/scenetest"
)

// recorder is a testing.TB that keeps what CheckPages reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// pagedScene answers {"items":[{"id":"1","title":"x"}]} and {"total":3,
// "by":[{"k":"a","n":1}]}; its pages name the fields given.
func pagedScene(column, card, chartY string) *scene.Scene {
	s := scene.New(scene.Manifest{ID: "local.paged", Version: "1.0.0", Title: scene.T("甲", "A"),
		Permissions: []scene.PermissionDef{{Object: "items", Action: "read", DefaultRoles: []string{"staff"}}},
		Pages: []scene.Page{
			{ID: "items", Title: scene.L("甲", "A"), Kind: scene.PageList, Permission: "items:read",
				List: &scene.ListPage{Source: "GET /items", Columns: []scene.Column{{Field: column, Title: scene.L("标题", "Title"), Type: scene.TypeText}}}},
			{ID: "stats", Title: scene.L("乙", "B"), Kind: scene.PageDashboard,
				Dashboard: &scene.DashboardPage{
					Cards:  []scene.Card{{Title: scene.L("总数", "Total"), Source: "GET /stats", Field: card}},
					Charts: []scene.Chart{{Title: scene.L("图", "Chart"), Source: "GET /stats", Type: scene.ChartPie, Items: "by", X: "k", Y: chartY}},
				}},
		}})
	s.Handle(http.MethodGet, "/items", "items:read", scene.T("列表", "List"), func(context.Context, *scene.Request) (*scene.Response, error) {
		return scene.JSON(http.StatusOK, map[string]any{"items": []map[string]string{{"id": "1", "title": "x"}}})
	})
	s.Handle(http.MethodGet, "/stats", "items:read", scene.T("统计", "Stats"), func(context.Context, *scene.Request) (*scene.Response, error) {
		return scene.JSON(http.StatusOK, map[string]any{"total": 3, "by": []map[string]any{{"k": "a", "n": 1}}})
	})
	return s
}

func TestCheckPages(t *testing.T) {
	cases := []struct {
		name                 string
		column, card, chartY string
		want                 []string
	}{
		{"consistent", "title", "total", "n", nil},
		{"a column the rows lack", "headline", "total", "n", []string{`column "headline" is in none of the 1 rows`}},
		{"a card the answer lacks", "title", "count", "n", []string{`card "Total": GET /stats has no "count"`}},
		{"a chart key the entries lack", "title", "total", "count", []string{`chart "Chart": an entry has no "count"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := scenetest.New(t, pagedScene(tc.column, tc.card, tc.chartY))
			rec := &recorder{TB: t}
			h.CheckPages(rec, h.Principal("staff", "王芳"), nil)
			if len(rec.errs) != len(tc.want) {
				t.Fatalf("reported %q, want %d problems", rec.errs, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(rec.errs[i], w) {
					t.Errorf("reported %q, want %q", rec.errs[i], w)
				}
			}
		})
	}
	t.Run("a page the principal may not see is skipped", func(t *testing.T) {
		h := scenetest.New(t, pagedScene("headline", "total", "n"))
		rec := &recorder{TB: t}
		h.CheckPages(rec, scenetest.Deputy("李明"), nil)
		if len(rec.errs) != 0 {
			t.Errorf("reported %q for pages a deputy cannot see", rec.errs)
		}
	})
}
