package issuesupervision

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// The invited side of joint supervision: another congress's invitation,
// its answer, and the events that carry them along the line.

// Invitation is another congress's activity this congress was invited to.
type Invitation struct {
	Origin       string    `json:"origin"` // the inviting congress (slug)
	ActivityID   string    `json:"activity_id"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	IssueSummary string    `json:"issue_summary,omitempty"`
	OpenedByName string    `json:"opened_by_name"`
	Status       string    `json:"status"` // invited, accepted, declined
	Deputies     []Member  `json:"deputies,omitempty"`
	Note         string    `json:"note,omitempty"`
	Conclusion   string    `json:"conclusion,omitempty"`
	ReceivedAt   time.Time `json:"received_at"`
	AnsweredAt   time.Time `json:"answered_at,omitzero"`
	AnsweredBy   string    `json:"answered_by,omitempty"`
}

// invitedPayload, answeredPayload and concludedPayload are what travels
// between congresses: the activity's title, description and the issue's
// category and area, the names of those taking part, the conclusion —
// nothing else of either side (no issue text, address or reporter).
type invitedPayload struct {
	ActivityID   string `json:"activity_id"`
	Title        string `json:"title"`
	Description  string `json:"description"`
	IssueSummary string `json:"issue_summary,omitempty"`
	OpenedByName string `json:"opened_by_name"`
}

type answeredPayload struct {
	ActivityID string   `json:"activity_id"`
	Accepted   bool     `json:"accepted"`
	Deputies   []string `json:"deputies,omitempty"` // names
	Note       string   `json:"note,omitempty"`
}

type concludedPayload struct {
	ActivityID string `json:"activity_id"`
	Conclusion string `json:"conclusion"`
}

// InvitationJSON is an invitation as the API shows it.
type InvitationJSON struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Invitation
}

// fromElsewhere reports whether a joint-supervision event came from this
// scene in another congress: the congress's own events (no origin) are
// going out, and an event of the same type another scene published is not
// ours to act on (event types are not namespaced by scene).
func fromElsewhere(e *scene.Event) bool { return e.Origin != "" && e.Source == ID }

// inviteID is where congress origin's activity is kept as an invitation.
func inviteID(origin, activityID string) string { return origin + ":" + activityID }

// jointInvited records another congress's invitation (relayed by the host;
// Origin names the inviting congress). Delivered again, it is recorded
// once.
func (sv *service) jointInvited(ctx context.Context, e *scene.Event) error {
	if !fromElsewhere(e) {
		return nil
	}
	var p invitedPayload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	inv := Invitation{Origin: e.Origin, ActivityID: p.ActivityID, Title: truncate(p.Title, 100), Description: truncate(p.Description, 5000),
		IssueSummary: truncate(p.IssueSummary, 500), OpenedByName: truncate(p.OpenedByName, 50), Status: "invited", ReceivedAt: time.Now().UTC()}
	_, err := e.Host.Store().Create(ctx, jointInvite, inviteID(e.Origin, p.ActivityID), inv)
	if pr, ok := scene.AsProblem(err); ok && pr.Code == scene.CodeConflict {
		return nil
	}
	return err
}

// jointAnswered records an invited congress's answer on the activity; an
// answer from a congress that was not invited is ignored.
func (sv *service) jointAnswered(ctx context.Context, e *scene.Event) error {
	if !fromElsewhere(e) {
		return nil
	}
	var p answeredPayload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	return updateDoc(ctx, e.Host.Store(), joint, p.ActivityID, func(a *Activity) bool {
		i := slices.IndexFunc(a.Congresses, func(c CongressPart) bool { return c.Slug == e.Origin })
		if a.Status != "open" || i < 0 || a.Congresses[i].Status != "invited" {
			return false // answered late, twice, or by a congress not invited
		}
		c := &a.Congresses[i]
		c.Status, c.Note, c.AnsweredAt = "declined", truncate(p.Note, 1000), time.Now().UTC()
		if p.Accepted {
			c.Status = "accepted"
			for _, n := range p.Deputies[:min(len(p.Deputies), 200)] {
				c.Deputies = append(c.Deputies, truncate(n, 50))
			}
		}
		return true
	})
}

// jointConcluded records the conclusion on the invitation.
func (sv *service) jointConcluded(ctx context.Context, e *scene.Event) error {
	if !fromElsewhere(e) {
		return nil
	}
	var p concludedPayload
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return err
	}
	return updateDoc(ctx, e.Host.Store(), jointInvite, inviteID(e.Origin, p.ActivityID), func(inv *Invitation) bool {
		if inv.Conclusion != "" {
			return false
		}
		inv.Conclusion = truncate(p.Conclusion, 5000)
		return true
	})
}

// updateDoc changes a document of collection with fn (which reports
// whether it changed anything), trying again when the document moved on
// meanwhile; a document that is gone needs nothing.
func updateDoc[T any](ctx context.Context, st scene.Store, collection, id string, fn func(*T) bool) error {
	for range saveAttempts {
		d, err := st.Get(ctx, collection, id)
		if err != nil {
			if pr, ok := scene.AsProblem(err); ok && pr.Code == scene.CodeNotFound {
				return nil
			}
			return err
		}
		var v T
		if err := d.Decode(&v); err != nil {
			return err
		}
		if !fn(&v) {
			return nil
		}
		if _, err = st.Update(ctx, collection, id, d.Version, v); err == nil {
			return nil
		}
		if pr, ok := scene.AsProblem(err); !ok || pr.Code != scene.CodeConflict {
			return err
		}
	}
	// Delivered again later: the event is not lost.
	return scene.Conflict("joint.busy", scene.T("正被频繁修改，请稍后重试。", "It is changing; try again."))
}

func (sv *service) listInvites(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var filters []scene.Filter
	if st := r.QueryValue("status"); st != "" {
		filters = append(filters, scene.Eq("status", st))
	}
	items := []InvitationJSON{}
	err := eachDoc(ctx, r.Host.Store(), jointInvite, scene.Query{Filters: filters}, func(d *scene.Document) error {
		j := InvitationJSON{ID: d.ID, Version: d.Version}
		if err := d.Decode(&j.Invitation); err != nil {
			return err
		}
		items = append(items, j)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, map[string]any{"items": items})
}

// loadInvite returns an invitation the caller may see: managers see all,
// a deputy those naming them.
func loadInvite(ctx context.Context, r *scene.Request) (*scene.Document, Invitation, error) {
	var inv Invitation
	d, err := r.Host.Store().Get(ctx, jointInvite, r.Param("id"))
	if err != nil {
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeNotFound {
			return nil, inv, errInviteNotFound
		}
		return nil, inv, err
	}
	if err := d.Decode(&inv); err != nil {
		return nil, inv, err
	}
	mine := r.Principal.DeputyID != "" && slices.ContainsFunc(inv.Deputies, func(m Member) bool { return m.ID == r.Principal.DeputyID })
	if !r.Principal.Can(permManage) && !mine {
		return nil, inv, errInviteNotFound
	}
	return d, inv, nil
}

func (sv *service) getInvite(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	d, inv, err := loadInvite(ctx, r)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, InvitationJSON{ID: d.ID, Version: d.Version, Invitation: inv})
}

// AnswerInput answers an invitation: accept naming the congress's own
// deputies who take part, or decline.
type AnswerInput struct {
	Accept   *bool       `json:"accept"`
	Deputies []PersonRef `json:"deputies,omitempty"`
	Note     string      `json:"note,omitempty"`
}

// Validate checks an answer.
func (in AnswerInput) Validate() error {
	var v scene.Validator
	v.Check(in.Accept != nil, "accept", scene.T("请选择接受或谢绝。", "Say whether you accept."))
	v.Check(in.Accept == nil || *in.Accept || len(in.Deputies) == 0, "deputies", scene.T("谢绝邀请时不指派代表。", "No deputies when declining."))
	v.Check(in.Accept == nil || !*in.Accept || len(in.Deputies) > 0, "deputies", scene.T("接受邀请请指派至少一位代表。", "Name at least one deputy when accepting."))
	v.Check(len(in.Deputies) <= maxDeputies, "deputies", scene.T("最多指派 100 位代表。", "At most 100 deputies."))
	v.MaxLen("note", in.Note, 1000)
	return v.Err()
}

func (sv *service) answerInvite(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in AnswerInput
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	d, inv, err := loadInvite(ctx, r)
	if err != nil {
		return nil, err
	}
	if inv.Status != "invited" {
		return nil, scene.Conflict("joint.answered", scene.T("该邀请已经答复。", "The invitation was already answered."))
	}
	if inv.Conclusion != "" {
		return nil, scene.Conflict("joint.concluded", scene.T("该联合督事已经办结。", "The activity is already concluded."))
	}
	now := time.Now().UTC()
	got, err := resolve(ctx, r.Host, JointInput{Deputies: in.Deputies}, nil, now)
	if err != nil {
		return nil, err
	}
	inv.Status, inv.Note, inv.AnsweredAt, inv.AnsweredBy, inv.Deputies = "declined", strings.TrimSpace(in.Note), now, r.Principal.DisplayName, got.deputies
	names := make([]string, len(got.deputies))
	for i, m := range got.deputies {
		names[i] = m.Name
	}
	if *in.Accept {
		inv.Status = "accepted"
	}
	// The answer goes back to the inviting congress; this congress's
	// deputies' parts go to their archive here, with the answer.
	events := []scene.EventDraft{{Type: EventJointAnswered, To: []string{inv.Origin},
		Payload: answeredPayload{ActivityID: inv.ActivityID, Accepted: *in.Accept, Deputies: names, Note: inv.Note}}}
	extras := append(batchExtras(participation(d.ID, inv.Title, got.deputies, now)),
		scene.AuditDraft{Action: "joint.answer", TargetType: "joint_invite", TargetID: d.ID,
			Before: map[string]string{"status": "invited"}, After: map[string]string{"status": inv.Status}})
	docs, err := r.Host.Store().BatchWith(ctx, []scene.Write{{Op: "update", Collection: jointInvite, ID: d.ID, Version: d.Version, Data: inv}}, events,
		extras...)
	if err != nil {
		return nil, err
	}
	return scene.JSON(http.StatusOK, InvitationJSON{ID: docs[0].ID, Version: docs[0].Version, Invitation: inv})
}
