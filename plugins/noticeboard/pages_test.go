package noticeboard_test

import (
	"testing"

	"github.com/renda-platform/renda/plugins/noticeboard"
)

// TestPages reads every page as staff and as a deputy: each column,
// field and card names something the routes answer.
func TestPages(t *testing.T) {
	h, staff, deputy := board(t)
	n := post(t, h, staff, noticeboard.NoticeInput{Title: "代表接待日安排", Body: "每月 15 日", Publish: true, Pinned: true})
	post(t, h, staff, noticeboard.NoticeInput{Title: "草稿"})
	for _, who := range []string{"staff", "deputy"} {
		as := staff
		if who == "deputy" {
			as = deputy
		}
		t.Run(who, func(t *testing.T) {
			h.CheckPages(t, as, map[string]string{"notice": n.ID})
		})
	}
	if got := len(noticeboard.New("1.0.0").Manifest().Pages); got != 5 {
		t.Errorf("%d pages, want 5", got)
	}
}
