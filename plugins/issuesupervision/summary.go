package issuesupervision

import (
	"context"

	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
	"github.com/renda-platform/renda/plugins/scene"
)

// The figures are kept as a running summary, one small document per
// congress, so that the statistics page reads one document per congress
// instead of every issue: a city of 100 districts × 1,000 issues reads 100
// summaries.
//
// The summary is the sum over the congress's issues of each issue's
// contribution (tally.add). Every write of an issue goes through
// saveIssues, which adds the new contribution and takes away the old one
// in the same transaction as the issue, so the summary never drifts from
// the issues. Handling times count working days with the calendar whose
// version the summary records; a calendar edit recounts the summary in the
// same transaction as the edit. A summary that is missing (issues written
// by an older version of the scene) or was counted with another calendar
// is recounted from the issues before it is used.
const (
	summaries  = "summaries"
	summaryDoc = "issues"
	// saveAttempts bounds the retries when another write moved the
	// summary on between reading and writing it.
	saveAttempts = 20
)

// countingRules names how a summary was counted: the version of the rules
// in tally (change it when add counts anything differently) and the
// built-in holiday data handling times use. A summary counted under other
// rules is counted again.
var countingRules = "1/" + workdays.BuiltinFingerprint()

// summary is a congress's figures in the making: counts only.
type summary struct {
	// Calendar is the version of the calendar document (0 when the
	// congress has made no edit) that handling times were counted with,
	// and Rules the countingRules.
	Calendar   int64            `json:"calendar_version"`
	Rules      string           `json:"rules"`
	Total      int64            `json:"total"`
	States     map[string]int64 `json:"states"`
	Categories map[string]int64 `json:"categories"`
	Areas      map[string]int64 `json:"areas"`
	// Closing counts answered and closed issues; OnTime those whose first
	// answer came by the deadline.
	Closing     int64 `json:"closing"`
	OnTime      int64 `json:"on_time"`
	OverdueOpen int64 `json:"overdue_open"`
	// Workdays is a histogram of handling times of answered issues, in
	// whole working days; Answered is its count.
	Workdays map[int]int64 `json:"workdays"`
	Answered int64         `json:"answered"`
	Confirms int64         `json:"confirms"`
	Reopens  int64         `json:"reopens"`
}

func newSummary(calendarVersion int64) summary {
	return summary{Calendar: calendarVersion, Rules: countingRules, States: map[string]int64{}, Categories: map[string]int64{},
		Areas: map[string]int64{}, Workdays: map[int]int64{}}
}

// add adds an issue's contribution to the figures (sign 1) or takes it
// away (sign -1).
func (s *summary) add(cal *workdays.Calendar, is *Issue, sign int64) {
	bump := func(m map[string]int64, k string) {
		if m[k] += sign; m[k] == 0 {
			delete(m, k)
		}
	}
	s.Total += sign
	bump(s.States, string(is.State))
	bump(s.Categories, is.Category)
	bump(s.Areas, area(is.Address))
	reported, answered := is.CreatedAt, Step{}
	for _, st := range is.Timeline {
		switch st.Action {
		case "report":
			reported = st.At
		case ActAnswer:
			if answered.At.IsZero() {
				answered = st
			}
		case ActConfirm:
			s.Confirms += sign
		case ActReopen:
			s.Reopens += sign
		}
	}
	if is.State == Answered || is.State == Closed {
		s.Closing += sign
		if !answered.At.IsZero() && !answered.At.After(is.DueAt) {
			s.OnTime += sign
		}
	}
	if is.Overdue && awaitsAnswer(is.State) {
		s.OverdueOpen += sign
	}
	if !answered.At.IsZero() {
		s.Answered += sign
		d := cal.WorkdaysBetween(reported, answered.At)
		if s.Workdays[d] += sign; s.Workdays[d] == 0 {
			delete(s.Workdays, d)
		}
	}
}

// current reports whether s (nil: none) can be used as it is: counted with
// the congress's calendar version and the current counting rules.
func (s *summary) current(calendarVersion int64) bool {
	return s != nil && s.Calendar == calendarVersion && s.Rules == countingRules
}

// merge adds another congress's figures (for the city's view).
func (s *summary) merge(o summary) {
	s.Total += o.Total
	for _, p := range []struct{ into, from map[string]int64 }{{s.States, o.States}, {s.Categories, o.Categories}, {s.Areas, o.Areas}} {
		for k, n := range p.from {
			p.into[k] += n
		}
	}
	for k, n := range o.Workdays {
		s.Workdays[k] += n
	}
	s.Closing += o.Closing
	s.OnTime += o.OnTime
	s.OverdueOpen += o.OverdueOpen
	s.Answered += o.Answered
	s.Confirms += o.Confirms
	s.Reopens += o.Reopens
}

func awaitsAnswer(st State) bool {
	for _, s := range awaitingAnswer {
		if string(st) == s {
			return true
		}
	}
	return false
}

// loadSummary returns the congress's stored summary, or nil when it has
// none.
func loadSummary(ctx context.Context, st scene.Store) (*scene.Document, *summary, error) {
	d, err := st.Get(ctx, summaries, summaryDoc)
	if err != nil {
		if p, ok := scene.AsProblem(err); ok && p.Code == scene.CodeNotFound {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	s := newSummary(0)
	if err := d.Decode(&s); err != nil {
		return nil, nil, err
	}
	for _, m := range []*map[string]int64{&s.States, &s.Categories, &s.Areas} {
		if *m == nil {
			*m = map[string]int64{}
		}
	}
	if s.Workdays == nil {
		s.Workdays = map[int]int64{}
	}
	return d, &s, nil
}

// recount counts the congress's figures from its issues, a page at a time.
func recount(ctx context.Context, st scene.Store, cal *workdays.Calendar, calendarVersion int64) (summary, error) {
	s := newSummary(calendarVersion)
	err := eachIssue(ctx, st, nil, "", func(_ string, is *Issue) error { s.add(cal, is, 1); return nil })
	return s, err
}

// summaryWrite is the write that stores s over the summary document d
// (nil: there is none yet).
func summaryWrite(d *scene.Document, s summary) scene.Write {
	if d == nil {
		return scene.Write{Op: "create", Collection: summaries, ID: summaryDoc, Data: s}
	}
	return scene.Write{Op: "update", Collection: summaries, ID: summaryDoc, Version: d.Version, Data: s}
}

// issueWrite is one issue to store: Old is what the document held (nil
// for a new issue), Version the version it must still have. Audit is the
// audit entry of the action, if it has one, Timers the timers the write
// sets and Duties the duty entries it earns: all stored in the write's
// transaction (as the acting user), so none is lost with a failed
// delivery or stored for a write that failed.
type issueWrite struct {
	ID      string
	Version int64
	Old     *Issue
	New     *Issue
	Audit   *scene.AuditDraft
	Timers  []scene.TimerDraft
	Duties  []scene.DutyActivity
}

// saveIssues stores issues, what each write stores with it (issueWrite),
// their events and any extra writes in one transaction with the summary
// they change. When another write moved the summary on meanwhile it tries
// again; a conflict on an issue itself (its version moved on) is returned.
// The documents come back in the order of ws, then extra.
func saveIssues(ctx context.Context, h scene.Host, ws []issueWrite, events []scene.EventDraft, extra ...scene.Write) ([]*scene.Document, error) {
	st := h.Store()
	var err error
	for range saveAttempts {
		var docs []*scene.Document
		docs, err = trySave(ctx, h, ws, events, extra)
		if err == nil {
			return docs, nil
		}
		if !summaryMoved(ctx, st, err) {
			break
		}
	}
	return nil, unwrapSave(err)
}

func trySave(ctx context.Context, h scene.Host, ws []issueWrite, events []scene.EventDraft, extra []scene.Write) ([]*scene.Document, error) {
	st := h.Store()
	d, s, err := loadSummary(ctx, st)
	if err != nil {
		return nil, err
	}
	cal, _, calVersion, err := loadCalendar(ctx, h)
	if err != nil {
		return nil, err
	}
	if !s.current(calVersion) {
		// Counted from the issues as they are before this write, to which
		// the write's own difference is then added.
		fresh, err := recount(ctx, st, cal, calVersion)
		if err != nil {
			return nil, err
		}
		s = &fresh
	}
	writes := make([]scene.Write, 0, len(ws)+len(extra)+1)
	var extras []scene.BatchExtra
	for _, w := range ws {
		extras = append(extras, w.Audit)
		extras = append(extras, batchExtras(w.Timers)...)
		extras = append(extras, batchExtras(w.Duties)...)
		if w.Old != nil {
			s.add(cal, w.Old, -1)
			writes = append(writes, scene.Write{Op: "update", Collection: issues, ID: w.ID, Version: w.Version, Data: w.New})
		} else {
			writes = append(writes, scene.Write{Op: "create", Collection: issues, ID: w.ID, Data: w.New})
		}
		s.add(cal, w.New, 1)
	}
	writes = append(writes, extra...)
	writes = append(writes, summaryWrite(d, *s))
	docs, err := st.BatchWith(ctx, writes, events, extras...)
	if err != nil {
		var version int64 = -1
		if d != nil {
			version = d.Version
		}
		return nil, &saveConflict{err: err, summaryVersion: version}
	}
	return docs[:len(docs)-1], nil
}

// saveConflict is a failed batch, with the summary version it expected
// (-1: none).
type saveConflict struct {
	err            error
	summaryVersion int64
}

func (e *saveConflict) Error() string { return e.err.Error() }
func (e *saveConflict) Unwrap() error { return e.err }

// summaryMoved reports whether a failed save failed because the summary
// moved on (another write stored one since), which a retry cures.
func summaryMoved(ctx context.Context, st scene.Store, err error) bool {
	sc, ok := err.(*saveConflict)
	if !ok {
		return false
	}
	if p, ok := scene.AsProblem(sc.err); !ok || p.Code != scene.CodeConflict {
		return false
	}
	d, _, lerr := loadSummary(ctx, st)
	if lerr != nil {
		return false
	}
	now := int64(-1)
	if d != nil {
		now = d.Version
	}
	return now != sc.summaryVersion
}

// unwrapSave returns the error a caller shows for a failed save.
func unwrapSave(err error) error {
	if sc, ok := err.(*saveConflict); ok {
		return sc.err
	}
	return err
}

// batchExtras lists timers, duty entries or audit entries as extras of a
// batch (Go spreads a []T only into a ...T).
func batchExtras[T scene.BatchExtra](xs []T) []scene.BatchExtra {
	out := make([]scene.BatchExtra, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// copyIssue returns a copy of an issue, as saveIssues' Old, that later
// changes to the issue leave alone.
func copyIssue(is Issue) *Issue {
	c := is
	c.Timeline = append([]Step(nil), is.Timeline...)
	if is.Grid != nil {
		g := *is.Grid
		c.Grid = &g
	}
	return &c
}
