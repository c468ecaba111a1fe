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

// shareOutcome gives the issues linked to an answered one its answer:
// linked issues share the outcome. It runs as follow-up work of the answer
// (doFollowUps), so again on a redelivery: an issue no longer waiting
// (answered the first time, or moved on its own) is left alone, and each
// issue answered publishes its reporter's message with its own write.
func shareOutcome(ctx context.Context, h scene.Host, o outcome) error {
	for _, id := range o.Linked {
		d, err := h.Store().Get(ctx, issues, id)
		if err != nil {
			if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeNotFound {
				continue // withdrawn and removed, or never stored
			}
			return err
		}
		var is Issue
		if err := d.Decode(&is); err != nil {
			return err
		}
		if is.State != Routed {
			continue // already moved on its own
		}
		old := copyIssue(is)
		note := "与关联事项一并办理：" + o.Answer
		if err := is.apply(ActAccept, o.By, o.Name, "", o.At); err != nil {
			return err
		}
		is.Answer = o.Answer
		if err := is.apply(ActAnswer, o.By, o.Name, note, o.At); err != nil {
			return err
		}
		var work followUps
		if is.ReporterID != "" {
			work.Notices = append(work.Notices, answered(is))
		}
		if _, err := saveIssues(ctx, h, []issueWrite{{ID: d.ID, Version: d.Version, Old: old, New: &is}}, work.event()); err != nil {
			return err
		}
	}
	return nil
}
