package issuesupervision

import (
	"slices"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// State is where an issue stands.
type State string

// The states of an issue (督事事项), in the order the story runs.
const (
	Submitted  State = "submitted"  // 已提交: the deputy filed it
	Routed     State = "routed"     // 已分派: sent to the platform or a department
	Accepted   State = "accepted"   // 已受理
	Dispatched State = "dispatched" // 已派单: a grid worker is on it
	Handled    State = "handled"    // 已处置: fixed, with after-photos
	Answered   State = "answered"   // 已答复: the answer is given
	Reopened   State = "reopened"   // 重新办理: the deputy was not satisfied
	Closed     State = "closed"     // 已办结: the deputy confirmed
	Rejected   State = "rejected"   // 不予受理, with a reason
	Withdrawn  State = "withdrawn"  // 已撤回 by the deputy
)

// Open reports whether the issue still waits on someone.
func (s State) Open() bool { return s != Closed && s != Rejected && s != Withdrawn }

// Action moves an issue from one state to another.
type Action string

// Actions.
const (
	ActRoute    Action = "route"    // staff or the routing rules send it on (again)
	ActAccept   Action = "accept"   // the platform or department takes it
	ActDispatch Action = "dispatch" // a grid worker is sent
	ActHandle   Action = "handle"   // the worker fixed it
	ActAnswer   Action = "answer"   // the answer to the deputy
	ActConfirm  Action = "confirm"  // the deputy is satisfied
	ActReopen   Action = "reopen"   // the deputy is not satisfied
	ActReject   Action = "reject"   // refused, with a reason
	ActWithdraw Action = "withdraw" // the deputy takes it back
	// ActRedeliver retries delivery to the platform; it changes no state.
	ActRedeliver Action = "redeliver"
	// ActFollowUp is the reporting deputy pressing for progress (跟进督办):
	// a note on the timeline and an entry in the deputy's duty archive; it
	// changes no state.
	ActFollowUp Action = "follow_up"
)

// transitions lists, for each action, the states it may start from and the
// state it leads to.
var transitions = map[Action]struct {
	from []State
	to   State
}{
	ActRoute:    {[]State{Submitted, Routed, Reopened}, Routed},
	ActAccept:   {[]State{Routed}, Accepted},
	ActDispatch: {[]State{Accepted}, Dispatched},
	ActHandle:   {[]State{Dispatched}, Handled},
	ActAnswer:   {[]State{Accepted, Handled}, Answered},
	ActConfirm:  {[]State{Answered}, Closed},
	ActReopen:   {[]State{Answered}, Reopened},
	ActReject:   {[]State{Submitted, Routed, Accepted}, Rejected},
	ActWithdraw: {[]State{Submitted, Routed, Accepted, Dispatched}, Withdrawn},
}

// MaxReopens is how often a deputy may send an answer back.
const MaxReopens = 2

// Step is one entry of an issue's timeline.
type Step struct {
	Action Action    `json:"action"`
	From   State     `json:"from"`
	To     State     `json:"to"`
	Actor  string    `json:"actor"`
	Name   string    `json:"actor_name"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

var stateNames = map[State]scene.Text{
	Submitted: scene.T("已提交", "submitted"), Routed: scene.T("已分派", "routed"), Accepted: scene.T("已受理", "accepted"),
	Dispatched: scene.T("已派单", "dispatched"), Handled: scene.T("已处置", "handled"), Answered: scene.T("已答复", "answered"),
	Reopened: scene.T("重新办理", "reopened"), Closed: scene.T("已办结", "closed"), Rejected: scene.T("不予受理", "rejected"),
	Withdrawn: scene.T("已撤回", "withdrawn"),
}

// apply moves the issue by action, or says in both languages why it cannot.
func (is *Issue) apply(a Action, actor, name, note string, at time.Time) error {
	t, ok := transitions[a]
	if !ok {
		return scene.Invalid(scene.Field("action", scene.T("不认识的操作“"+string(a)+"”。", "Unknown action "+string(a)+".")))
	}
	if !slices.Contains(t.from, is.State) {
		from := stateNames[is.State]
		return scene.Conflict("issue.bad_transition", scene.T(
			"事项当前为“"+from.ZH+"”，不能执行“"+string(a)+"”。",
			"The issue is "+from.EN+"; it cannot be "+string(a)+"ed now."))
	}
	switch a {
	case ActReopen:
		if is.Reopens >= MaxReopens {
			return scene.Conflict("issue.reopen_limit", scene.T("重新办理次数已达上限，请联系人大工作人员。", "The issue was reopened too often; contact the congress staff."))
		}
		is.Reopens++
	case ActReject:
		if note == "" {
			return scene.Invalid(scene.Field("note", scene.T("不予受理须说明理由。", "A rejection needs a reason.")))
		}
	}
	is.Timeline = append(is.Timeline, Step{Action: a, From: is.State, To: t.to, Actor: actor, Name: name, At: at.UTC(), Note: note})
	is.State = t.to
	is.UpdatedAt = at.UTC()
	return nil
}
