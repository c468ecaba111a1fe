package livelihoodvoting

import (
	"context"
	"encoding/json"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Follow-up work of a write: the timers it sets and the duty entries it earns. The write
// publishes the work as one EventFollowUps in its own transaction, and the scene does it when
// the event comes back; the host delivers the event at least once, retrying while the handler
// fails, so the work is neither lost with a failed request nor done for a write that did not
// happen. Scheduling again with a key replaces the timer, and the duty archive keeps one entry
// per deputy, kind and ref, so a redelivery adds nothing.
//
// Votes are not among the duty entries here: they are recorded at the count (afterCount), in
// deputy order, so that nothing stored says when anyone voted.

// EventFollowUps carries, within the congress, the follow-up work of a write.
const EventFollowUps = "voting.followups"

// followUps is the payload of an EventFollowUps, fixed when the write was made.
type followUps struct {
	Timers []timer     `json:"timers,omitempty"`
	Duties []dutyEntry `json:"duties,omitempty"`
}

// timer is a job to run for a round.
type timer struct {
	Job     string    `json:"job"`
	At      time.Time `json:"at"`
	Key     string    `json:"key"`
	RoundID string    `json:"round_id"`
}

// dutyEntry is a duty entry to record.
type dutyEntry struct {
	DeputyID string    `json:"deputy_id"`
	Kind     string    `json:"kind"`
	Ref      string    `json:"ref"`
	Title    string    `json:"title"`
	At       time.Time `json:"at"`
}

// event is the EventFollowUps carrying the work (none for no work).
func (f followUps) event() []scene.EventDraft {
	if len(f.Timers)+len(f.Duties) == 0 {
		return nil
	}
	return []scene.EventDraft{{Type: EventFollowUps, Payload: f}}
}

// doFollowUps does the follow-up work of a write of this congress: the first failure
// returns, and the redelivery does it all again.
func (sv *service) doFollowUps(ctx context.Context, e *scene.Event) error {
	if e.Origin != "" || e.Source != ID {
		return nil // the same type from another scene, or relayed: not ours
	}
	var f followUps
	if err := json.Unmarshal(e.Payload, &f); err != nil {
		return err
	}
	for _, t := range f.Timers {
		if err := e.Host.Schedule(ctx, t.Job, t.At, t.Key, roundJob{RoundID: t.RoundID, At: &t.At}); err != nil {
			return err
		}
	}
	for _, d := range f.Duties {
		if _, err := e.Host.RecordDuty(ctx, scene.DutyActivity{DeputyID: d.DeputyID, Kind: d.Kind, Ref: d.Ref, Title: d.Title,
			OccurredAt: d.At}); err != nil {
			return err
		}
	}
	return nil
}
