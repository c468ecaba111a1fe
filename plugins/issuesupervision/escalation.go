package issuesupervision

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// An issue that passes its deadline is escalated to the congress above
// (the manifest's Escalates): the host delivers the issue.overdue event to
// the parent, where this scene records it for the parent's staff. The
// parent sees what is overdue where; the issue itself stays the district's.

const escalations = "escalations"

// Escalation is an overdue issue of a congress below.
type Escalation struct {
	Origin   string    `json:"origin"` // the district (slug)
	IssueID  string    `json:"issue_id"`
	Category string    `json:"category"`
	At       time.Time `json:"at"`
}

// escalated records an overdue issue escalated from below; the congress's
// own overdue events (no origin), and events of the same type from another
// scene, need nothing here.
func (sv *service) escalated(ctx context.Context, e *scene.Event) error {
	if !fromElsewhere(e) {
		return nil
	}
	var p struct {
		ID       string `json:"id"`
		Category string `json:"category"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	at, _ := time.Parse(time.RFC3339Nano, e.OccurredAt)
	_, err := e.Host.Store().Create(ctx, escalations, e.ID, Escalation{Origin: e.Origin, IssueID: p.ID, Category: p.Category, At: at})
	if pr, ok := scene.AsProblem(err); ok && pr.Code == scene.CodeConflict {
		return nil // delivered again: already recorded
	}
	return err
}

func (sv *service) listEscalations(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var filters []scene.Filter
	if o := r.QueryValue("origin"); o != "" {
		filters = append(filters, scene.Eq("origin", o))
	}
	docs, next, err := r.Host.Store().Query(ctx, escalations, scene.Query{Filters: filters, Limit: 100, Cursor: r.QueryValue("cursor")})
	if err != nil {
		return nil, err
	}
	items := make([]Escalation, 0, len(docs))
	for _, d := range docs {
		var e Escalation
		if err := d.Decode(&e); err != nil {
			return nil, err
		}
		items = append(items, e)
	}
	return scene.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": next})
}
