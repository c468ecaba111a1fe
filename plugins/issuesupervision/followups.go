package issuesupervision

import (
	"context"
	"encoding/json"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Follow-up work of a write to an issue. What is a store operation of this
// congress's scene goes in the write's own transaction (saveIssues): the
// timers it sets and the duty entries it earns (issueWrite), stored with
// it or not at all, and recorded as the acting user. The rest, the outcome
// it shares with linked issues (other issues, each written with a version
// of its own) and the messages it sends, the write publishes as one
// EventFollowUps in the same transaction, and the scene does it when the
// event comes back. The host delivers the event at least once, retrying
// while the handler fails, so the work is neither lost with a failed
// request nor done for a write that did not happen; each part is safe to
// do again.

// followUps is the payload of an EventFollowUps: everything the handler
// does, fixed when the write was made, so a redelivery does the same.
type followUps struct {
	Share   *outcome `json:"share,omitempty"`
	Notices []notice `json:"notices,omitempty"`
}

// outcome is an answer to share with the issues linked to the one
// answered (see shareOutcome).
type outcome struct {
	Answer string    `json:"answer"`
	Linked []string  `json:"linked"`
	By     string    `json:"by"`
	Name   string    `json:"name"`
	At     time.Time `json:"at"`
}

// notice is a message to a user's inbox. Sent again on a redelivery, it
// may arrive twice: better than not at all.
type notice struct {
	UserID string     `json:"user_id"`
	Title  scene.Text `json:"title"`
	Body   scene.Text `json:"body"`
}

// timerFor is the job of an issue under its usual key ("job:id"), to
// store with a write (a key replaces the timer scheduled before).
func timerFor(job, issueID string, at time.Time) scene.TimerDraft {
	return scene.TimerDraft{Job: job, At: at, Key: job + ":" + issueID, Payload: idPayload{ID: issueID}}
}

// event is the EventFollowUps carrying the work (none for no work).
func (f followUps) event() []scene.EventDraft {
	if len(f.Notices) == 0 && f.Share == nil {
		return nil
	}
	return []scene.EventDraft{{Type: EventFollowUps, Payload: f}}
}

// doFollowUps does the follow-up work of a write to an issue of this
// congress, in the order shared outcome, messages: the first failure
// returns, and the redelivery does the work again, which skips linked
// issues already answered, and may send a message twice.
func (sv *service) doFollowUps(ctx context.Context, e *scene.Event) error {
	if e.Origin != "" || e.Source != ID {
		return nil // the same type from another scene, or relayed: not ours
	}
	var f followUps
	if err := json.Unmarshal(e.Payload, &f); err != nil {
		return err
	}
	if f.Share != nil {
		if err := shareOutcome(ctx, e.Host, *f.Share); err != nil {
			return err
		}
	}
	for _, n := range f.Notices {
		if err := e.Host.Notify(ctx, []string{n.UserID}, n.Title, n.Body, ""); err != nil {
			return err
		}
	}
	return nil
}

// answered is the message telling a reporter their issue has an answer.
func answered(is Issue) notice {
	return notice{UserID: is.ReporterID, Title: scene.T("您报告的问题已答复", "Your issue has an answer"),
		Body: scene.T(truncate(is.Answer, 200), truncate(is.Answer, 200))}
}
