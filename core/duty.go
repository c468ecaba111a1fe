package core

import (
	"context"
	"time"
)

// DutyActivity is one entry of a deputy's duty ledger (履职档案): deputy D
// did activity Kind (reference Ref) at OccurredAt, in Scene. Scenes report
// activities through the host; staff can record offline ones.
type DutyActivity struct {
	ID         string
	TenantID   string
	DeputyID   string
	Kind       string // e.g. "issue.report", "meeting.attend"
	Scene      string // "core" or a plugin id
	Ref        string // the scene's reference (issue id, meeting id)
	Title      string
	OccurredAt time.Time
	RecordedBy string
	CreatedAt  time.Time
}

// DutyActivityInput records an activity.
type DutyActivityInput struct {
	DeputyID   string
	Kind       string
	Scene      string
	Ref        string
	Title      string
	OccurredAt time.Time
}

// Validate checks the input.
func (in DutyActivityInput) Validate() error {
	var v Validator
	v.Required("deputy_id", in.DeputyID)
	v.Text("kind", in.Kind, 64)
	v.Text("scene", in.Scene, 100)
	v.OptionalText("ref", in.Ref, 200)
	v.Text("title", in.Title, 200)
	if in.OccurredAt.IsZero() {
		v.Add("occurred_at", "field.required")
	} else if in.OccurredAt.After(time.Now().Add(24 * time.Hour)) {
		v.Add("occurred_at", "duty.in_future")
	}
	return v.Err()
}

// DutyService keeps the duty ledger.
type DutyService interface {
	// RecordActivity adds an entry. Recording the same (scene, kind, ref,
	// deputy) twice returns the first entry: scenes may report at least once.
	// ENOTFOUND for an unknown deputy.
	RecordActivity(ctx context.Context, in DutyActivityInput) (*DutyActivity, error)
	// ListActivities returns a deputy's entries, newest first.
	ListActivities(ctx context.Context, deputyID string, p PageRequest) (Page[*DutyActivity], error)
}
