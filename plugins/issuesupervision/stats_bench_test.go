package issuesupervision_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	is "github.com/renda-platform/renda/plugins/issuesupervision"
	"github.com/renda-platform/renda/plugins/scene"
)

// BenchmarkStats serves one district of 1,000 issues from the in-memory
// store of scenetest: the figures, a deputy's first page of issues, and
// the exports. It measures the scene's own work and the fake store's
// scans, not PostgreSQL; the city-wide page (100 districts × 1,000 issues)
// waits for the host to let a scene read its descendants' documents.
func BenchmarkStats(b *testing.B) {
	s := newSeeder(b)
	areas := []string{"海曙区鼓楼街道", "海曙区南门街道", "海曙区西门街道", "海曙区月湖街道", "海曙区石碶街道", "海曙区集士港镇", "海曙区古林镇", "海曙区章水镇"}
	// Fates of an issue, from still open to confirmed or sent back.
	fates := [][]string{
		{},
		{"accept 2026-03-%02d 10:00"},
		{"accept 2026-03-%02d 10:00", "dispatch 2026-03-%02d 11:00", "handle 2026-03-%02d 15:00"},
		{"accept 2026-03-%02d 10:00", "answer 2026-03-%02d 16:00"},
		{"accept 2026-03-%02d 10:00", "answer 2026-03-%02d 16:00", "confirm 2026-03-%02d 17:00"},
		{"accept 2026-03-%02d 10:00", "answer 2026-03-%02d 16:00", "reopen 2026-03-%02d 17:00"},
		{"reject 2026-03-%02d 10:00"},
	}
	for i := range 1000 {
		day := 2 + i%20 // March 2026, reported and moved on within the day
		steps := make([]string, len(fates[i%len(fates)]))
		for j, f := range fates[i%len(fates)] {
			steps[j] = fmt.Sprintf(f, day)
		}
		s.deputy = fmt.Sprintf("代表%02d", i%10)
		s.issue("haishu", fmt.Sprintf("iss-%04d", i), is.Categories[i%len(is.Categories)].Code,
			areas[i%len(areas)]+fmt.Sprintf("某路 %d 号", i), fmt.Sprintf("2026-03-%02d 09:%02d", day, i%60), i%13 == 0, steps...)
	}
	*s.clock = time.Now()
	staff := s.h.Principal("staff", "吴敏")
	deputy := s.h.Principal("deputy", "代表03")
	for _, c := range []struct {
		name, target string
		as           *scene.Principal
	}{
		{"stats", "/stats", staff},
		{"deputy_issues", "/issues", deputy},
		{"export_csv", "/export.csv", staff},
		{"export_xlsx", "/export.xlsx", staff},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if r := s.h.Request(http.MethodGet, c.target).As(c.as).Do(); r.Status != http.StatusOK {
					b.Fatalf("%s: %s", c.target, r)
				}
			}
		})
	}
}
