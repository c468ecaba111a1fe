package issuesupervision

import (
	"context"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// remindBefore is how long before its deadline an open issue's reporter is
// reminded (and issue.due_soon published for whoever handles it).
const remindBefore = 24 * time.Hour

// remind warns that an issue's answer is due soon (job "remind").
func (sv *service) remind(ctx context.Context, j *scene.Job) error {
	d, is, ok, err := jobIssue(ctx, j)
	if !ok || err != nil {
		return err
	}
	if !is.State.Open() || is.State == Answered {
		return nil
	}
	if _, err := j.Host.Publish(ctx, EventDueSoon, map[string]any{"id": d.ID, "due_at": is.DueAt}); err != nil {
		return err
	}
	if is.ReporterID == "" {
		return nil
	}
	return j.Host.Notify(ctx, []string{is.ReporterID}, scene.T("督事事项即将到期", "An issue is due soon"),
		scene.T("您报告的问题将于 "+is.DueAt.In(shanghai).Format("2006-01-02")+" 到期，已提醒承办单位。",
			"Your issue is due on "+is.DueAt.In(shanghai).Format("2006-01-02")+"; the handlers have been reminded."), "")
}

// shareOutcome gives the issues linked to a primary its answer (and its
// closing): linked issues share the outcome. It is called after the
// primary was stored.
func shareOutcome(ctx context.Context, h scene.Host, primary Issue, by, name string) error {
	if primary.State != Answered && primary.State != Closed {
		return nil
	}
	now := time.Now().UTC()
	for _, id := range primary.Linked {
		d, err := h.Store().Get(ctx, issues, id)
		if err != nil {
			continue // withdrawn and removed, or never stored
		}
		var is Issue
		if err := d.Decode(&is); err != nil {
			return err
		}
		if is.State != Routed {
			continue // already moved on its own
		}
		old := copyIssue(is)
		note := "与关联事项一并办理：" + primary.Answer
		if err := is.apply(ActAccept, by, name, "", now); err != nil {
			return err
		}
		is.Answer = primary.Answer
		if err := is.apply(ActAnswer, by, name, note, now); err != nil {
			return err
		}
		if _, err := saveIssues(ctx, h, []issueWrite{{ID: d.ID, Version: d.Version, Old: old, New: &is}}, nil); err != nil {
			return err
		}
		if is.ReporterID != "" {
			_ = h.Notify(ctx, []string{is.ReporterID}, scene.T("您报告的问题已答复", "Your issue has an answer"),
				scene.T(truncate(is.Answer, 200), truncate(is.Answer, 200)), "")
		}
	}
	return nil
}
