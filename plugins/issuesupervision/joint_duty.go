package issuesupervision

import (
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Joint supervision's duty entries: every write of this congress that
// gives its deputies a part stores their entries in its own transaction
// (Store.BatchWith), so an entry is never lost nor recorded for a write
// that failed, and names the user who made the write. Another congress's
// deputies get theirs from that congress, when it answers the invitation
// relayed to it (joint_invite.go).

// maxDeputies is how many deputies one write may give a part: a batch
// records at most 100 duty entries.
const maxDeputies = 100

// participation is each deputy's part in an activity (ref) for their duty
// archive.
func participation(ref, title string, ms []Member, at time.Time) []scene.DutyActivity {
	entries := make([]scene.DutyActivity, len(ms))
	for i, m := range ms {
		entries[i] = scene.DutyActivity{DeputyID: m.ID, Kind: "joint.participate", Ref: ref, Title: "参加联合督事：" + truncate(title, 40), OccurredAt: at}
	}
	return entries
}
