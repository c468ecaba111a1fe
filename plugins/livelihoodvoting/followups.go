package livelihoodvoting

import (
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Work that follows a write — the timers it sets and the duty entries it earns — goes into the
// write's own batch (Store.BatchWith), so it is stored with the write or not at all, and a duty
// entry names who acted. Scheduling again with a key replaces the timer, and the duty archive
// keeps one entry per deputy, kind and ref.
//
// Votes are not recorded this way: they are recorded at the count (afterCount), in deputy
// order, so that nothing stored says when anyone voted.

// roundTimer is a round's job at a time under key, carrying the time it was set for (see
// stillDue).
func roundTimer(job, key, roundID string, at time.Time) scene.TimerDraft {
	return scene.TimerDraft{Job: job, At: at, Key: key, Payload: roundJob{RoundID: roundID, At: &at}}
}

// dutyEntry is a deputy's duty entry earned by a write.
func dutyEntry(deputyID, kind, ref, title string, at time.Time) scene.DutyActivity {
	return scene.DutyActivity{DeputyID: deputyID, Kind: kind, Ref: ref, Title: title, OccurredAt: at}
}
