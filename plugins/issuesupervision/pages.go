package issuesupervision

import (
	"encoding/json"
	"strings"

	"github.com/renda-platform/renda/plugins/scene"
)

// The scene's screens in the web console: deputies file and follow their
// issues from a phone and answer constituents' messages; staff work the
// queue, move issues on and watch the figures.

const actionsRoute = "POST /issues/{id}/actions"

func label(t scene.Text) scene.Label { return scene.L(t.ZH, t.EN) }

// stateOptions label the states; actionOptions the timeline's actions.
func stateOptions() []scene.Option {
	out := make([]scene.Option, 0, len(stateNames))
	for _, s := range []State{Submitted, Routed, Accepted, Dispatched, Handled, Answered, Reopened, Closed, Rejected, Withdrawn} {
		out = append(out, scene.Option{Value: string(s), Title: label(stateNames[s])})
	}
	return out
}

var actionNames = map[Action]scene.Label{
	"report": scene.L("报告", "Reported"), ActRoute: scene.L("分派", "Route"), ActAccept: scene.L("受理", "Accept"),
	ActDispatch: scene.L("派单", "Dispatch"), ActHandle: scene.L("处置完成", "Handled"), ActAnswer: scene.L("答复", "Answer"),
	ActConfirm: scene.L("确认满意", "Confirm"), ActReopen: scene.L("不满意，重新办理", "Reopen"), ActReject: scene.L("不予受理", "Reject"),
	ActWithdraw: scene.L("撤回", "Withdraw"), ActRedeliver: scene.L("重新推送四平台", "Deliver again"), ActFollowUp: scene.L("跟进督办", "Follow up"),
}

func timelineOptions() []scene.Option {
	out := stateOptions()
	for _, a := range []Action{"report", ActRoute, ActAccept, ActDispatch, ActHandle, ActAnswer, ActConfirm, ActReopen, ActReject, ActWithdraw, ActRedeliver, ActFollowUp} {
		out = append(out, scene.Option{Value: string(a), Title: actionNames[a]})
	}
	return out
}

func categoryOptions() []scene.Option {
	out := make([]scene.Option, len(Categories))
	for i, c := range Categories {
		out[i] = scene.Option{Value: c.Code, Title: label(c.Name)}
	}
	return out
}

func categoryCodes() string {
	codes := make([]string, len(Categories))
	for i, c := range Categories {
		codes[i] = c.Code
	}
	b, _ := json.Marshal(codes)
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// noteForm asks for a note before an action; required makes it mandatory.
func noteForm(title scene.Label, required bool) *scene.ActionForm {
	req := ""
	if required {
		req = `"required": ["note"], `
	}
	return &scene.ActionForm{
		Schema: json.RawMessage(`{"type": "object", ` + req + `"properties": {"note": {"type": "string", "maxLength": 2000}}}`),
		UI:     map[string]scene.Widget{"note": {Widget: scene.WidgetTextarea, Title: &title}},
	}
}

// act is an action on one issue through POST /issues/{id}/actions.
func act(a Action, perm string, from []State, form *scene.ActionForm) scene.Action {
	in := make([]any, len(from))
	for i, s := range from {
		in[i] = string(s)
	}
	return scene.Action{ID: strings.ReplaceAll(string(a), "_", "-"), Title: actionNames[a], Call: actionsRoute,
		Body: map[string]any{"action": string(a)}, Form: form, Permission: perm, VisibleIf: &scene.Condition{Field: "status", In: in}}
}

func issueActions() []scene.Action {
	open := []State{Submitted, Routed, Accepted, Dispatched, Handled, Answered, Reopened}
	route := act(ActRoute, permManage, transitions[ActRoute].from, &scene.ActionForm{
		Schema: json.RawMessage(`{"type": "object", "properties": {"destination": {"type": "string", "maxLength": 80, "pattern": "^(grid|department:[a-z0-9_-]+)$"}, "note": {"type": "string", "maxLength": 2000}}}`),
		UI: map[string]scene.Widget{
			"destination": {Title: ptr(scene.L("去向（grid 或 department:部门代码）", "Destination (grid or department:<code>)")), Order: 1,
				Placeholder: ptr(scene.L("grid", "grid"))},
			"note": {Widget: scene.WidgetTextarea, Title: ptr(scene.L("说明", "Note")), Order: 2},
		}})
	dispatch := act(ActDispatch, permManage, transitions[ActDispatch].from, &scene.ActionForm{
		Schema: json.RawMessage(`{"type": "object", "required": ["worker"], "properties": {"worker": {"type": "string", "minLength": 1, "maxLength": 50}, "note": {"type": "string", "maxLength": 2000}}}`),
		UI: map[string]scene.Widget{
			"worker": {Title: ptr(scene.L("网格员", "Grid worker")), Order: 1},
			"note":   {Widget: scene.WidgetTextarea, Title: ptr(scene.L("说明", "Note")), Order: 2},
		}})
	handle := act(ActHandle, permManage, transitions[ActHandle].from, &scene.ActionForm{
		Schema: json.RawMessage(`{"type": "object", "properties": {"photos": {"type": "array", "maxItems": 9, "items": {"type": "string"}}, "note": {"type": "string", "maxLength": 2000}}}`),
		UI: map[string]scene.Widget{
			"photos": {Widget: scene.WidgetPhotos, Upload: "POST /photos", Title: ptr(scene.L("处置后照片", "Photos after")), Order: 1},
			"note":   {Widget: scene.WidgetTextarea, Title: ptr(scene.L("处置情况", "What was done")), Order: 2},
		}})
	withdraw := act(ActWithdraw, permReport, transitions[ActWithdraw].from, nil)
	withdraw.Confirm, withdraw.Danger = ptr(scene.L("撤回后事项将不再办理，确定撤回吗？", "A withdrawn issue is no longer handled. Withdraw it?")), true
	reject := act(ActReject, permManage, transitions[ActReject].from, noteForm(scene.L("不予受理的理由", "Reason for rejecting"), true))
	reject.Danger = true
	confirm := act(ActConfirm, permReport, transitions[ActConfirm].from, nil)
	confirm.Confirm = ptr(scene.L("确认对办理结果满意并办结？", "Confirm you are satisfied and close the issue?"))
	redeliver := act(ActRedeliver, permManage, []State{Routed}, nil)
	redeliver.VisibleIf = &scene.Condition{Field: "grid.undeliverable", In: []any{true}}
	return []scene.Action{
		route,
		act(ActAccept, permManage, transitions[ActAccept].from, noteForm(scene.L("说明", "Note"), false)),
		dispatch,
		handle,
		act(ActAnswer, permManage, transitions[ActAnswer].from, noteForm(scene.L("答复内容", "The answer"), true)),
		reject,
		redeliver,
		confirm,
		act(ActReopen, permReport, transitions[ActReopen].from, noteForm(scene.L("不满意的原因", "Why you are not satisfied"), true)),
		act(ActFollowUp, permReport, open, noteForm(scene.L("跟进意见", "What you ask for"), true)),
		withdraw,
	}
}

var reportSchema = `{
  "type": "object",
  "required": ["category", "description", "address", "lat", "lng"],
  "properties": {
    "category":    {"type": "string", "enum": ` + categoryCodes() + `},
    "description": {"type": "string", "minLength": 1, "maxLength": 2000},
    "address":     {"type": "string", "minLength": 1, "maxLength": 200},
    "lat":         {"type": "number", "minimum": 3, "maximum": 54},
    "lng":         {"type": "number", "minimum": 73, "maximum": 136},
    "photos":      {"type": "array", "maxItems": 9, "items": {"type": "string"}},
    "urgent":      {"type": "boolean"}
  },
  "additionalProperties": false
}`

func issueColumns(link string) []scene.Column {
	return []scene.Column{
		{Field: "description", Title: scene.L("问题", "Issue"), Type: scene.TypeText, Link: link},
		{Field: "category", Title: scene.L("类别", "Category"), Type: scene.TypeTag, Options: categoryOptions()},
		{Field: "status", Title: scene.L("状态", "Status"), Type: scene.TypeStatus, Options: stateOptions()},
		{Field: "due_at", Title: scene.L("答复期限", "Due"), Type: scene.TypeTime},
		{Field: "overdue", Title: scene.L("超期", "Overdue"), Type: scene.TypeBool},
		{Field: "created_at", Title: scene.L("报告时间", "Reported"), Type: scene.TypeTime},
	}
}

func issueFilters() []scene.ListFilter {
	return []scene.ListFilter{
		{Param: "status", Title: scene.L("状态", "Status"), Type: scene.FilterSelect, Options: stateOptions()},
		{Param: "category", Title: scene.L("类别", "Category"), Type: scene.FilterSelect, Options: categoryOptions()},
	}
}

// pages are the scene's screens in the web console.
func pages() []scene.Page {
	staffColumns := append(issueColumns("issue"),
		scene.Column{Field: "reporter_name", Title: scene.L("报告代表", "Deputy"), Type: scene.TypeText},
		scene.Column{Field: "destination", Title: scene.L("去向", "Destination"), Type: scene.TypeTag, Options: destinationOptions})
	queueFilters := append(issueFilters(), scene.ListFilter{Param: "overdue", Title: scene.L("超期", "Overdue"), Type: scene.FilterSelect,
		Options: []scene.Option{{Value: "true", Title: scene.L("仅超期", "Overdue only")}}})
	return []scene.Page{
		{ID: "my-issues", Title: scene.L("我的督事", "My issues"), Kind: scene.PageList, Permission: permReport, Menu: true,
			Audience: []string{scene.AudienceDeputy},
			List: &scene.ListPage{Source: "GET /issues", Columns: issueColumns("issue"), Filters: issueFilters(),
				Actions: []scene.Action{{ID: "report", Title: scene.L("报告问题", "Report an issue"), Page: "report", Permission: permReport}},
				Empty:   ptr(scene.L("您还没有报告过问题。", "You have not reported any issue yet."))}},
		{ID: "report", Title: scene.L("报告问题", "Report an issue"), Kind: scene.PageForm, Permission: permReport, Menu: true,
			Audience: []string{scene.AudienceDeputy},
			Form: &scene.FormPage{Submit: "POST /issues", Schema: json.RawMessage(reportSchema), Then: "issue",
				UI: map[string]scene.Widget{
					"category": {Widget: scene.WidgetSelect, Title: ptr(scene.L("问题类别", "Category")), Options: categoryOptions(), Order: 1},
					"description": {Widget: scene.WidgetTextarea, Title: ptr(scene.L("问题描述", "What is wrong")), Order: 2,
						Placeholder: ptr(scene.L("例如：中山路与解放路口井盖缺失", "e.g. a manhole cover is missing at Zhongshan and Jiefang Road"))},
					"photos":  {Widget: scene.WidgetPhotos, Upload: "POST /photos", Title: ptr(scene.L("现场照片", "Photos")), Order: 3},
					"lat":     {Widget: scene.WidgetMap, Title: ptr(scene.L("位置", "Location")), Lat: "lat", Lng: "lng", Address: "address", Order: 4},
					"lng":     {Widget: scene.WidgetHidden},
					"address": {Title: ptr(scene.L("地址", "Address")), Order: 5},
					"urgent":  {Title: ptr(scene.L("紧急", "Urgent")), Order: 6},
				}}},
		// City staff see the queue across the districts (read-only; a row
		// opens the issue at its district).
		{ID: "queue", Title: scene.L("督事办理", "Issue queue"), Kind: scene.PageList, Permission: permManage, Menu: true,
			Audience: []string{scene.AudienceStaff, scene.AudiencePlatform},
			List: &scene.ListPage{Source: "GET /issues?sort=due", Columns: staffColumns, Filters: queueFilters,
				Empty: ptr(scene.L("没有待办的督事。", "No issues to handle."))}},
		{ID: "issue", Title: scene.L("督事详情", "Issue"), Kind: scene.PageDetail, Permission: permRead,
			Audience: []string{scene.AudienceStaff, scene.AudienceDeputy},
			Detail: &scene.DetailPage{Source: "GET /issues/{id}", TitleField: "description",
				Fields: []scene.DetailField{
					{Field: "status", Title: scene.L("状态", "Status"), Type: scene.TypeStatus, Options: stateOptions()},
					{Field: "category", Title: scene.L("类别", "Category"), Type: scene.TypeTag, Options: categoryOptions()},
					{Field: "address", Title: scene.L("地址", "Address"), Type: scene.TypeText},
					{Field: "reporter_name", Title: scene.L("报告代表", "Deputy"), Type: scene.TypeText},
					{Field: "created_at", Title: scene.L("报告时间", "Reported"), Type: scene.TypeTime},
					{Field: "due_at", Title: scene.L("答复期限", "Due"), Type: scene.TypeTime},
					{Field: "overdue", Title: scene.L("超期", "Overdue"), Type: scene.TypeBool},
					{Field: "urgent", Title: scene.L("紧急", "Urgent"), Type: scene.TypeBool},
					{Field: "destination", Title: scene.L("去向", "Destination"), Type: scene.TypeTag, Options: destinationOptions},
					{Field: "worker", Title: scene.L("网格员", "Grid worker"), Type: scene.TypeText},
					{Field: "answer", Title: scene.L("答复", "Answer"), Type: scene.TypeText},
				},
				Timeline: &scene.Timeline{Field: "timeline", At: "at", Actor: "actor_name", State: "to", Note: "note", Action: "action",
					Options: timelineOptions()},
				// tenant: files of an issue read city-wide are its district's.
				Attachments: []scene.Attachments{
					{Field: "photos", Title: scene.L("报告照片", "Photos reported"), Tenant: "tenant"},
					{Field: "after_photos", Title: scene.L("办结照片", "Photos after handling"), Tenant: "tenant"},
				},
				Map:     &scene.MapPoint{Lat: "lat", Lng: "lng", Label: "address"},
				Actions: issueActions(),
			}},
		{ID: "messages", Title: scene.L("群众留言", "Messages"), Kind: scene.PageList, Permission: permReport, Menu: true,
			Audience: []string{scene.AudienceDeputy},
			List: &scene.ListPage{Source: "GET /messages",
				Columns: []scene.Column{
					{Field: "content", Title: scene.L("留言", "Message"), Type: scene.TypeText},
					{Field: "name", Title: scene.L("留言人", "From"), Type: scene.TypeText},
					{Field: "status", Title: scene.L("状态", "Status"), Type: scene.TypeStatus, Options: []scene.Option{
						{Value: "new", Title: scene.L("待处理", "New")}, {Value: "adopted", Title: scene.L("已转督事", "Adopted")},
						{Value: "answered", Title: scene.L("已答复", "Answered")}}},
					{Field: "at", Title: scene.L("时间", "Received"), Type: scene.TypeTime},
				},
				RowActions: []scene.Action{
					{ID: "answer", Title: scene.L("答复", "Answer"), Call: "POST /messages/{id}/answer", VisibleIf: &scene.Condition{Field: "status", In: []any{"new"}},
						Form: &scene.ActionForm{Schema: json.RawMessage(`{"type": "object", "required": ["answer"], "properties": {"answer": {"type": "string", "minLength": 1, "maxLength": 2000}}}`),
							UI: map[string]scene.Widget{"answer": {Widget: scene.WidgetTextarea, Title: ptr(scene.L("答复内容", "Your answer"))}}}},
					{ID: "adopt", Title: scene.L("转为督事", "Adopt as an issue"), Call: "POST /messages/{id}/adopt", Permission: permReport,
						VisibleIf: &scene.Condition{Field: "status", In: []any{"new"}},
						Form: &scene.ActionForm{Schema: json.RawMessage(`{"type": "object", "required": ["category", "lat", "lng"], "properties": {"category": {"type": "string", "enum": ` + categoryCodes() + `}, "lat": {"type": "number", "minimum": 3, "maximum": 54}, "lng": {"type": "number", "minimum": 73, "maximum": 136}, "address": {"type": "string", "maxLength": 200}}}`),
							UI: map[string]scene.Widget{
								"category": {Widget: scene.WidgetSelect, Title: ptr(scene.L("问题类别", "Category")), Options: categoryOptions(), Order: 1},
								"lat":      {Widget: scene.WidgetMap, Title: ptr(scene.L("位置", "Location")), Lat: "lat", Lng: "lng", Address: "address", Order: 2},
								"lng":      {Widget: scene.WidgetHidden},
								"address":  {Title: ptr(scene.L("地址", "Address")), Order: 3},
							}}},
				},
				Empty: ptr(scene.L("还没有群众留言。", "No messages yet."))}},
		{ID: "figures", Title: scene.L("督事统计", "Figures"), Kind: scene.PageDashboard, Permission: permManage, Menu: true,
			Audience: []string{scene.AudienceStaff, scene.AudiencePlatform},
			Dashboard: &scene.DashboardPage{
				Cards: []scene.Card{
					{Title: scene.L("督事总数", "Issues"), Source: "GET /stats", Field: "total", Format: scene.FormatNumber},
					{Title: scene.L("超期未答复", "Overdue, unanswered"), Source: "GET /stats", Field: "overdue_open", Format: scene.FormatNumber},
					{Title: scene.L("按期答复率", "Answered on time"), Source: "GET /stats", Field: "on_time.rate", Format: scene.FormatPercent},
					{Title: scene.L("答复用时中位数", "Median time to answer"), Source: "GET /stats", Field: "median_workdays", Format: scene.FormatDays},
					{Title: scene.L("代表满意率", "Deputies satisfied"), Source: "GET /stats", Field: "satisfaction.rate", Format: scene.FormatPercent},
				},
				Charts: []scene.Chart{
					{Title: scene.L("各状态事项", "By state"), Source: "GET /stats", Type: scene.ChartBar, Items: "by_state", X: "name", Y: "count"},
					{Title: scene.L("问题类别", "By category"), Source: "GET /stats", Type: scene.ChartPie, Items: "by_category", X: "name", Y: "count"},
					{Title: scene.L("问题分布（街道）", "By area"), Source: "GET /stats", Type: scene.ChartBar, Items: "by_area", X: "name", Y: "count"},
				},
			}},
		{ID: "escalations", Title: scene.L("下级提请督办", "Escalated from below"), Kind: scene.PageList, Permission: permManage, Menu: true,
			Audience: []string{scene.AudienceStaff, scene.AudiencePlatform},
			List: &scene.ListPage{Source: "GET /escalations",
				Columns: []scene.Column{
					{Field: "origin", Title: scene.L("来自", "From"), Type: scene.TypeTag},
					{Field: "issue_id", Title: scene.L("事项编号", "Issue"), Type: scene.TypeText},
					{Field: "category", Title: scene.L("类别", "Category"), Type: scene.TypeTag, Options: categoryOptions()},
					{Field: "at", Title: scene.L("超期时间", "Overdue since"), Type: scene.TypeTime},
				},
				Empty: ptr(scene.L("没有下级提请督办的事项。", "Nothing escalated from below."))}},
	}
}

// destinationOptions name the platform; a department shows as its code
// ("department:water"), which the congress's settings define.
var destinationOptions = []scene.Option{{Value: "grid", Title: scene.L("基层治理四平台", "Grassroots governance platform")}}
