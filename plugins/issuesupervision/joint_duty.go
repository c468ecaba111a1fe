package issuesupervision

import (
	"context"
	"encoding/json"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Joint supervision's duty entries: every write that gives deputies a part
// publishes them as one event in its own transaction, and the scene
// records them when the event comes back, so an entry is never lost with a
// failed request nor recorded for a write that did not happen.

// participation is the duty event giving each deputy's part in an
// activity (ref) to their duty archive.
func participation(ref, title string, ms []Member, at time.Time) []scene.EventDraft {
	entries := make([]dutyEntry, len(ms))
	for i, m := range ms {
		entries[i] = dutyEntry{DeputyID: m.ID, Kind: "joint.participate", Ref: ref, Title: "参加联合督事：" + truncate(title, 40), At: at}
	}
	return dutyEvent(entries)
}

// dutyEntry is one duty entry an EventJointDuty carries.
type dutyEntry struct {
	DeputyID string    `json:"deputy_id"`
	Kind     string    `json:"kind"`
	Ref      string    `json:"ref"`
	Title    string    `json:"title"`
	At       time.Time `json:"at"`
}

// dutyEvent is the event recording entries (none for no entries).
func dutyEvent(entries []dutyEntry) []scene.EventDraft {
	if len(entries) == 0 {
		return nil
	}
	return []scene.EventDraft{{Type: EventJointDuty, Payload: map[string]any{"entries": entries}}}
}

// jointDuty records the duty entries of a joint-supervision write of this
// congress. The duty archive keeps one entry per deputy, kind and ref, so
// a redelivery adds nothing.
func (sv *service) jointDuty(ctx context.Context, e *scene.Event) error {
	if e.Origin != "" || e.Source != ID {
		return nil
	}
	var p struct {
		Entries []dutyEntry `json:"entries"`
	}
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	for _, d := range p.Entries {
		if _, err := e.Host.RecordDuty(ctx, scene.DutyActivity{DeputyID: d.DeputyID, Kind: d.Kind, Ref: d.Ref, Title: d.Title,
			OccurredAt: d.At}); err != nil {
			return err
		}
	}
	return nil
}
