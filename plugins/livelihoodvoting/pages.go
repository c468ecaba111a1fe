package livelihoodvoting

import (
	"encoding/json"

	"github.com/renda-platform/renda/plugins/livelihoodvoting/ballot"
	"github.com/renda-platform/renda/plugins/scene"
)

// The scene's screens in the web console. Staff run a round from the
// call for candidates to the count and watch delivery; deputies find the
// ballot waiting for them, vote on a phone with a confirmation and keep
// the receipt, check it after the count, propose, inspect and evaluate;
// the city reads every district's rounds.

func label(t scene.Text) scene.Label { return scene.L(t.ZH, t.EN) }

func ptr[T any](v T) *T { return &v }

func phaseOptions() []scene.Option {
	out := make([]scene.Option, len(phases))
	for i, p := range phases {
		out[i] = scene.Option{Value: string(p), Title: label(phaseNames[p])}
	}
	return out
}

var ballotStates = []scene.Option{
	{Value: BallotReady, Title: scene.L("规则已定，未开始", "Ready, not open")},
	{Value: BallotOpen, Title: scene.L("投票中", "Open")},
	{Value: BallotClosed, Title: scene.L("已结束，待计票", "Closed, to count")},
	{Value: BallotCounted, Title: scene.L("已计票", "Counted")},
}

var modeOptions = []scene.Option{
	{Value: string(ballot.ModePerCandidate), Title: scene.L("逐项表决（赞成/反对/弃权）", "Per candidate (approve/oppose/abstain)")},
	{Value: string(ballot.ModeChooseK), Title: scene.L("限额勾选（最多选 K 项）", "Choose up to K")},
	{Value: string(ballot.ModeBoth), Title: scene.L("逐项表决，赞成不超过 K 项", "Per candidate, at most K approvals")},
}

var passOptions = []scene.Option{
	{Value: string(ballot.PassSeatedMajority), Title: scene.L("获全体代表过半数赞成", "More than half of all seated deputies")},
	{Value: string(ballot.PassCastMajority), Title: scene.L("获所投票数过半数赞成", "More than half of the votes cast")},
}

var choiceOptions = []scene.Option{
	{Value: string(ballot.Approve), Title: scene.L("赞成", "Approve")},
	{Value: string(ballot.Oppose), Title: scene.L("反对", "Oppose")},
	{Value: string(ballot.Abstain), Title: scene.L("弃权", "Abstain")},
}

var sourceOptions = []scene.Option{
	{Value: SourceDepartment, Title: scene.L("政府部门", "Department")},
	{Value: SourceDeputy, Title: scene.L("人大代表", "Deputy")},
	{Value: SourcePublic, Title: scene.L("社会征集", "Public call")},
}

var candidateStates = []scene.Option{
	{Value: statusProposed, Title: scene.L("已提出", "Proposed")},
	{Value: statusMerged, Title: scene.L("已合并", "Merged")},
	{Value: statusShortlisted, Title: scene.L("列入票决", "On the ballot")},
	{Value: statusExcluded, Title: scene.L("未列入", "Left out")},
}

var ratingOptions = []scene.Option{
	{Value: RatingSatisfied, Title: scene.L("满意", "Satisfied")},
	{Value: RatingBasicSatisfied, Title: scene.L("基本满意", "Basically satisfied")},
	{Value: RatingUnsatisfied, Title: scene.L("不满意", "Unsatisfied")},
}

func when(field string, values ...any) *scene.Condition {
	return &scene.Condition{Field: field, In: values}
}

func form(schema string, ui map[string]scene.Widget) *scene.ActionForm {
	return &scene.ActionForm{Schema: json.RawMessage(schema), UI: ui}
}

func text(zh, en string, order int) scene.Widget {
	return scene.Widget{Title: ptr(scene.L(zh, en)), Order: order}
}

func area(zh, en string, order int) scene.Widget {
	w := text(zh, en, order)
	w.Widget = scene.WidgetTextarea
	return w
}

// ballotSchema is a ballot as the cast and paper routes take it.
const ballotSchema = `{"type": "object", "properties": {
  "choices":  {"type": "object", "additionalProperties": {"type": "string", "enum": ["approve", "oppose", "abstain"]}},
  "selected": {"type": "array", "items": {"type": "string"}}}}`

// ballotUI lays the ballot out from the round (the form's record): the
// candidates in ballot-paper order, a choice on each or up to K ticks,
// as the round's rules say. Candidates not marked count as abstentions.
func ballotUI(extra map[string]scene.Widget) map[string]scene.Widget {
	items := &scene.Items{Source: "GET /rounds/{id}/candidates", Label: "title", Note: "department", In: "ballot.candidates"}
	ui := map[string]scene.Widget{
		"choices": {Widget: scene.WidgetChoices, Title: ptr(scene.L("逐项表决（未选的项目按弃权计）", "Each candidate (one left blank counts as abstaining)")),
			Options: choiceOptions, Items: items, Order: 2,
			VisibleIf: when("ballot.rules.mode", string(ballot.ModePerCandidate), string(ballot.ModeBoth))},
		"selected": {Widget: scene.WidgetChecklist, Title: ptr(scene.L("勾选您赞成的项目", "Tick the projects you approve")),
			Items: items, Max: "ballot.rules.k", Order: 2,
			VisibleIf: when("ballot.rules.mode", string(ballot.ModeChooseK))},
	}
	for k, w := range extra {
		ui[k] = w
	}
	return ui
}

var receiptResult = &scene.ActionResult{
	Title: scene.L("投票成功，这是您的回执", "Your vote is in. This is your receipt"),
	Note: ptr(scene.L("请保存回执。计票后可在“核对回执”中确认您的选票已计入结果；回执不显示您投了什么。",
		"Keep it. After the count, \"Check a receipt\" confirms your ballot is in the result; the receipt does not show how you voted.")),
	Fields: []scene.DetailField{{Field: "receipt", Title: scene.L("回执", "Receipt"), Type: scene.TypeText}},
}

// voteAction casts the caller's ballot in the round it is shown on.
func voteAction() scene.Action {
	return scene.Action{ID: "vote", Title: scene.L("投票", "Vote"), Call: "POST /rounds/{id}/ballot/cast", Permission: permCast,
		VisibleIf: when("ballot.state", BallotOpen), Form: form(ballotSchema, ballotUI(nil)),
		Confirm: ptr(scene.L("请核对您的选择。选票提交后不能更改，每位代表只能投一次。确定提交吗？",
			"Check your choices. A ballot cannot be changed once cast, and each deputy votes once. Cast it?")),
		Result: receiptResult}
}

func receiptAction() scene.Action {
	return scene.Action{ID: "check-receipt", Title: scene.L("核对回执", "Check a receipt"), Call: "POST /rounds/{id}/ballot/receipt",
		Permission: permRead, VisibleIf: when("ballot.state", BallotCounted),
		Form: form(`{"type": "object", "required": ["receipt"], "properties": {"receipt": {"type": "string", "minLength": 1, "maxLength": 200}}}`,
			map[string]scene.Widget{"receipt": text("回执", "Receipt", 1)}),
		Result: &scene.ActionResult{Title: scene.L("核对结果", "The receipt"),
			Note: ptr(scene.L("“已计入”表示这张选票在选票链中，结果由选票链计出。", "\"Counted\" means the ballot is in the chain the result was counted from.")),
			Fields: []scene.DetailField{
				{Field: "included", Title: scene.L("已计入", "Counted"), Type: scene.TypeBool},
				{Field: "head", Title: scene.L("选票链链头", "Chain head"), Type: scene.TypeText},
			}}}
}

func phaseAction(to Phase, zh, en string) scene.Action {
	from := phases[0]
	for i, p := range phases {
		if p == to && i > 0 {
			from = phases[i-1]
		}
	}
	return scene.Action{ID: "to-" + string(to), Title: scene.L(zh, en), Call: "POST /rounds/{id}/phase", Permission: permManage,
		Body: map[string]any{"to": string(to)}, VisibleIf: when("phase", string(from)),
		Form: form(`{"type": "object", "properties": {"note": {"type": "string", "maxLength": 500}}}`,
			map[string]scene.Widget{"note": area("说明（记入阶段记录）", "Note (kept in the history)", 1)}),
		Confirm: ptr(scene.L("阶段只能依次推进，不能退回。确定进入“"+phaseNames[to].ZH+"”阶段吗？",
			"Phases only go forward. Move the round to "+phaseNames[to].EN+"?"))}
}

const candidateSchema = `{"type": "object", "required": ["title", "description", "department", "budget"], "properties": {
  "title":       {"type": "string", "minLength": 1, "maxLength": 100},
  "description": {"type": "string", "minLength": 1, "maxLength": 4000},
  "department":  {"type": "string", "minLength": 1, "maxLength": 100},
  "budget":      {"type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,2})?$"},
  "outcome":     {"type": "string", "maxLength": 2000},
  "location":    {"type": "string", "maxLength": 200}}}`

func candidateUI() map[string]scene.Widget {
	budget := text("预算（元）", "Budget (yuan)", 4)
	budget.Placeholder = ptr(scene.L("例如 3500000.00", "e.g. 3500000.00"))
	return map[string]scene.Widget{
		"title": text("项目名称", "Project", 1), "description": area("项目内容", "What it is", 2),
		"department": text("责任部门", "Responsible department", 3), "budget": budget,
		"outcome": area("预期效果", "Expected outcome", 5), "location": text("实施地点", "Location", 6),
	}
}

// proposeAction adds a candidate to the round with id {id}: staff for a
// department, deputies as themselves.
func proposeAction(source string) scene.Action {
	a := scene.Action{ID: "propose-" + source, Call: "POST /rounds/{id}/candidates", Permission: permPropose,
		Body: map[string]any{"source": source}, Form: form(candidateSchema, candidateUI())}
	if source == SourceDeputy {
		a.Title = scene.L("提出候选项目", "Propose a project")
		return a
	}
	a.Title, a.Permission = scene.L("录入部门提出的项目", "Enter a department's project"), permManage
	return a
}

func shortlistAction() scene.Action {
	items := &scene.Items{Source: "GET /rounds/{id}/candidates", Label: "title", Note: "department",
		If: when("status", statusProposed, statusShortlisted, statusExcluded)}
	return scene.Action{ID: "shortlist", Title: scene.L("确定票决候选项目", "Shortlist the ballot"), Call: "POST /rounds/{id}/shortlist",
		Permission: permManage,
		Form: form(`{"type": "object", "required": ["included"], "properties": {
  "included": {"type": "array", "items": {"type": "string"}},
  "excluded": {"type": "array", "items": {"type": "object", "required": ["id", "reason"], "properties": {
    "id": {"type": "string"}, "reason": {"type": "string", "minLength": 1, "maxLength": 500}}}}}}`,
			map[string]scene.Widget{
				"included": {Widget: scene.WidgetChecklist, Title: ptr(scene.L("列入票决的项目（按勾选顺序排列在选票上）", "On the ballot (in the order ticked)")),
					Items: items, Order: 1},
				"excluded": {Title: ptr(scene.L("未列入的项目及理由（每一项都要说明）", "Left out, each with a reason")), Order: 2,
					Properties: map[string]scene.Widget{
						"id":     {Widget: scene.WidgetSelect, Title: ptr(scene.L("项目", "Project")), Items: items, Order: 1},
						"reason": area("理由", "Reason", 2),
					}},
			}),
		Confirm: ptr(scene.L("确定以上票决候选项目？投票开始前可以重新确定。", "Shortlist these? It can be redone until the ballot opens."))}
}

func rulesAction() scene.Action {
	return scene.Action{ID: "rules", Title: scene.L("设定表决规则", "Set the ballot rules"), Call: "PUT /rounds/{id}/ballot", Permission: permManage,
		VisibleIf: when("phase", string(PhaseReview), string(PhaseVoting)),
		Form: form(`{"type": "object", "required": ["mode", "pass"], "properties": {
  "mode":      {"type": "string", "enum": ["per_candidate", "choose_k", "both"]},
  "k":         {"type": "integer", "minimum": 0, "maximum": 100},
  "pass":      {"type": "string", "enum": ["seated_majority", "cast_majority"], "default": "seated_majority"},
  "secret":    {"type": "boolean", "default": true},
  "opens_at":  {"type": "string", "format": "date-time"},
  "closes_at": {"type": "string", "format": "date-time"}}}`,
			map[string]scene.Widget{
				"mode":      {Widget: scene.WidgetRadio, Title: ptr(scene.L("表决方式", "Form of the ballot")), Options: modeOptions, Order: 1},
				"k":         text("应选数 K（逐项表决可填 0：通过的都入选）", "K (per candidate: 0 adopts every one that passes)", 2),
				"pass":      {Widget: scene.WidgetRadio, Title: ptr(scene.L("通过规则", "Passing rule")), Options: passOptions, Order: 3},
				"secret":    text("无记名投票", "Secret ballot", 4),
				"opens_at":  {Widget: scene.WidgetDatetime, Title: ptr(scene.L("定时开始（可不填）", "Opens at (optional)")), Order: 5},
				"closes_at": {Widget: scene.WidgetDatetime, Title: ptr(scene.L("定时结束（可不填）", "Closes at (optional)")), Order: 6},
			})}
}

// paperActions enter paper ballots: the roll of paper voters of a secret
// ballot, and the first keying of a paper.
func paperActions() []scene.Action {
	deputy := text("代表编号", "Deputy id", 1)
	return []scene.Action{
		{ID: "paper-voter", Title: scene.L("登记纸质投票代表", "Record a paper voter"), Call: "POST /rounds/{id}/paper/voters",
			Permission: permManage, VisibleIf: when("ballot.secret", true),
			Form: form(`{"type": "object", "required": ["deputy_id"], "properties": {"deputy_id": {"type": "string", "minLength": 1}}}`,
				map[string]scene.Widget{"deputy_id": deputy})},
		{ID: "paper-enter", Title: scene.L("录入纸质选票", "Enter a paper ballot"), Call: "POST /rounds/{id}/paper/ballots",
			Permission: permManage, VisibleIf: when("ballot.state", BallotOpen, BallotClosed),
			Form: form(`{"type": "object", "properties": {"deputy_id": {"type": "string"},
  "choices":  {"type": "object", "additionalProperties": {"type": "string", "enum": ["approve", "oppose", "abstain"]}},
  "selected": {"type": "array", "items": {"type": "string"}}}}`, ballotUI(map[string]scene.Widget{
				"deputy_id": {Title: ptr(scene.L("代表编号（记名表决填写；无记名不填）", "Deputy id (recorded ballot; none in a secret one)")), Order: 1},
			})),
			Confirm: ptr(scene.L("请核对录入与纸质选票一致。录入后须由另一名工作人员复核确认。",
				"Check the entry against the paper. Another staff member must confirm it."))},
	}
}

func roundActions() []scene.Action {
	as := []scene.Action{
		voteAction(),
		receiptAction(),
		{ID: "candidates", Title: scene.L("候选项目", "Candidates"), Page: "candidates"},
		proposeAction(SourceDeputy),
		proposeAction(SourceDepartment),
		phaseAction(PhaseReview, "进入审查", "Start the review"),
		shortlistAction(),
		rulesAction(),
		phaseAction(PhaseVoting, "进入票决", "Move to the vote"),
		{ID: "open", Title: scene.L("开始投票", "Open the ballot"), Call: "POST /rounds/{id}/ballot/open", Permission: permManage,
			VisibleIf: when("ballot.state", BallotReady),
			Confirm: ptr(scene.L("开始投票后，以此刻在任代表为应到代表，候选项目和规则不能再改。确定开始吗？",
				"Opening takes the deputies seated now as the electorate; candidates and rules can no longer change. Open the ballot?"))},
		{ID: "turnout", Title: scene.L("投票进度", "Turnout"), Page: "turnout", VisibleIf: when("ballot.state", BallotOpen, BallotClosed, BallotCounted)},
		{ID: "close", Title: scene.L("结束投票", "Close the ballot"), Call: "POST /rounds/{id}/ballot/close", Permission: permManage, Danger: true,
			VisibleIf: when("ballot.state", BallotOpen),
			Confirm: ptr(scene.L("结束后代表不能再网上投票；纸质选票全部复核后即计票。确定结束吗？",
				"Deputies can no longer vote online; the count follows once every paper ballot is confirmed. Close the ballot?"))},
	}
	as = append(as, paperActions()...)
	as = append(as,
		scene.Action{ID: "paper", Title: scene.L("待复核纸质选票", "Paper ballots to confirm"), Page: "paper", Permission: permManage,
			VisibleIf: when("ballot.state", BallotOpen, BallotClosed)},
		scene.Action{ID: "count", Title: scene.L("计票", "Count"), Call: "POST /rounds/{id}/ballot/count", Permission: permManage,
			VisibleIf: when("ballot.state", BallotClosed)},
		scene.Action{ID: "result", Title: scene.L("票决结果", "Result"), Page: "result", VisibleIf: when("ballot.state", BallotCounted)},
		scene.Action{ID: "verify", Title: scene.L("核验结果", "Verify"), Page: "verify", VisibleIf: when("ballot.state", BallotCounted)},
		scene.Action{ID: "publish", Title: scene.L("向社会公布结果", "Publish to the public"), Call: "POST /rounds/{id}/result/publish",
			Permission: permManage, Body: map[string]any{"public": true}, VisibleIf: when("ballot.state", BallotCounted),
			Confirm: ptr(scene.L("公布后，任何人都能看到各项目的得票和选票链链头。确定公布吗？",
				"Once published, anyone can see each project's votes and the chain head. Publish?"))},
		scene.Action{ID: "public-result", Title: scene.L("公开页面", "Public page"), Page: "public-result", VisibleIf: when("public_result", true)},
		phaseAction(PhaseDelivery, "进入实施监督", "Move to delivery"),
		scene.Action{ID: "evaluation", Title: scene.L("测评结果", "Evaluation"), Page: "evaluation",
			VisibleIf: when("phase", string(PhaseEvaluation), string(PhaseArchived))},
		phaseAction(PhaseEvaluation, "进入年终测评", "Start the evaluation"),
		phaseAction(PhaseArchived, "归档", "Archive"),
	)
	return as
}

func roundColumns() []scene.Column {
	return []scene.Column{
		{Field: "title", Title: scene.L("名称", "Round"), Type: scene.TypeText, Link: "round"},
		{Field: "year", Title: scene.L("年度", "Year"), Type: scene.TypeNumber},
		{Field: "phase", Title: scene.L("阶段", "Phase"), Type: scene.TypeStatus, Options: phaseOptions()},
		{Field: "ballot.state", Title: scene.L("投票", "Ballot"), Type: scene.TypeStatus, Options: ballotStates},
		{Field: "plan.session_date", Title: scene.L("会议日期", "Session"), Type: scene.TypeDate},
	}
}

// resultLineColumns are a result's per-candidate lines.
func resultLineColumns() []scene.Column {
	return []scene.Column{
		{Field: "title", Title: scene.L("项目", "Project"), Type: scene.TypeText},
		{Field: "department", Title: scene.L("责任部门", "Department"), Type: scene.TypeText},
		{Field: "approve", Title: scene.L("赞成", "Approve"), Type: scene.TypeNumber},
		{Field: "oppose", Title: scene.L("反对", "Oppose"), Type: scene.TypeNumber},
		{Field: "abstain", Title: scene.L("弃权", "Abstain"), Type: scene.TypeNumber},
		{Field: "passed", Title: scene.L("通过", "Passed"), Type: scene.TypeBool},
		{Field: "rank", Title: scene.L("排名", "Rank"), Type: scene.TypeNumber},
		{Field: "adopted", Title: scene.L("确定为民生实事", "Adopted"), Type: scene.TypeBool},
	}
}

// pages are the scene's screens in the web console.
func pages() []scene.Page {
	staff, deputy, both := []string{scene.AudienceStaff}, []string{scene.AudienceDeputy}, []string{scene.AudienceStaff, scene.AudienceDeputy}
	return []scene.Page{
		{ID: "ballots", Title: scene.L("待投票", "Ballots to vote"), Kind: scene.PageList, Permission: permCast, Menu: true, Audience: deputy,
			List: &scene.ListPage{Source: "GET /rounds?phase=voting", Cursor: "next", Columns: roundColumns(),
				RowActions: []scene.Action{voteAction(), receiptAction(),
					{ID: "result", Title: scene.L("票决结果", "Result"), Page: "result", VisibleIf: when("ballot.state", BallotCounted)}},
				Empty: ptr(scene.L("目前没有等待您投票的表决。", "No ballot is waiting for you."))}},
		{ID: "calls", Title: scene.L("征集民生实事", "Call for projects"), Kind: scene.PageList, Permission: permPropose, Menu: true, Audience: deputy,
			List: &scene.ListPage{Source: "GET /rounds?phase=collecting", Cursor: "next", Columns: roundColumns(),
				RowActions: []scene.Action{proposeAction(SourceDeputy), {ID: "candidates", Title: scene.L("候选项目", "Candidates"), Page: "candidates"}},
				Empty:      ptr(scene.L("目前没有正在征集的年度。", "No round is collecting candidates."))}},
		{ID: "rounds", Title: scene.L("民生实事票决", "Voting rounds"), Kind: scene.PageList, Permission: permRead, Menu: true, Audience: both,
			List: &scene.ListPage{Source: "GET /rounds", Cursor: "next", Columns: roundColumns(),
				Filters: []scene.ListFilter{{Param: "phase", Title: scene.L("阶段", "Phase"), Type: scene.FilterSelect, Options: phaseOptions()}},
				Actions: []scene.Action{{ID: "new", Title: scene.L("新建年度票决", "New round"), Page: "new-round", Permission: permManage}},
				Empty:   ptr(scene.L("还没有票决年度。", "No rounds yet."))}},
		{ID: "new-round", Title: scene.L("新建年度票决", "New round"), Kind: scene.PageForm, Permission: permManage, Audience: staff,
			Form: &scene.FormPage{Submit: "POST /rounds", Then: "round",
				Schema: json.RawMessage(`{"type": "object", "required": ["year", "title"], "properties": {
  "year":  {"type": "integer", "minimum": 2000, "maximum": 2100},
  "title": {"type": "string", "minLength": 1, "maxLength": 100},
  "plan":  {"type": "object", "properties": {
    "collect_until": {"type": "string", "format": "date"}, "review_until": {"type": "string", "format": "date"},
    "session_date":  {"type": "string", "format": "date"}, "deliver_by":   {"type": "string", "format": "date"},
    "evaluate_by":   {"type": "string", "format": "date"}}}}}`),
				UI: map[string]scene.Widget{
					"year": text("年度", "Year", 1), "title": text("名称", "Title", 2),
					"plan": {Title: ptr(scene.L("计划日期", "Planned dates")), Order: 3, Properties: map[string]scene.Widget{
						"collect_until": text("征集截止", "Collect until", 1), "review_until": text("审查截止", "Review until", 2),
						"session_date": text("人代会票决日期", "Session date", 3), "deliver_by": text("完成期限", "Deliver by", 4),
						"evaluate_by": text("测评截止", "Evaluate by", 5)}},
				}}},
		{ID: "round", Title: scene.L("票决年度", "Voting round"), Kind: scene.PageDetail, Permission: permRead, Audience: both,
			Detail: &scene.DetailPage{Source: "GET /rounds/{id}", TitleField: "title",
				Fields: []scene.DetailField{
					{Field: "year", Title: scene.L("年度", "Year"), Type: scene.TypeNumber},
					{Field: "phase", Title: scene.L("阶段", "Phase"), Type: scene.TypeStatus, Options: phaseOptions()},
					{Field: "plan.session_date", Title: scene.L("会议日期", "Session"), Type: scene.TypeDate},
					{Field: "plan.deliver_by", Title: scene.L("完成期限", "Deliver by"), Type: scene.TypeDate},
					{Field: "ballot.state", Title: scene.L("投票", "Ballot"), Type: scene.TypeStatus, Options: ballotStates},
					{Field: "ballot.rules.mode", Title: scene.L("表决方式", "Form"), Type: scene.TypeTag, Options: modeOptions},
					{Field: "ballot.rules.k", Title: scene.L("应选数", "K"), Type: scene.TypeNumber},
					{Field: "ballot.rules.pass", Title: scene.L("通过规则", "Passing rule"), Type: scene.TypeTag, Options: passOptions},
					{Field: "ballot.secret", Title: scene.L("无记名", "Secret"), Type: scene.TypeBool},
					{Field: "ballot.closes_at", Title: scene.L("定时结束", "Closes at"), Type: scene.TypeTime},
					{Field: "result.head", Title: scene.L("选票链链头", "Chain head"), Type: scene.TypeText},
					{Field: "public_result", Title: scene.L("已向社会公布", "Public"), Type: scene.TypeBool},
				},
				Timeline: &scene.Timeline{Field: "history", At: "at", Actor: "by", State: "to", Note: "note", Options: phaseOptions()},
				Actions:  roundActions()}},
		{ID: "candidates", Title: scene.L("候选项目", "Candidates"), Kind: scene.PageList, Permission: permRead, Audience: both,
			List: &scene.ListPage{Source: "GET /rounds/{id}/candidates",
				Columns: []scene.Column{
					{Field: "title", Title: scene.L("项目", "Project"), Type: scene.TypeText},
					{Field: "status", Title: scene.L("状态", "Status"), Type: scene.TypeStatus, Options: candidateStates},
					{Field: "source", Title: scene.L("来源", "Source"), Type: scene.TypeTag, Options: sourceOptions},
					{Field: "department", Title: scene.L("责任部门", "Department"), Type: scene.TypeText},
					{Field: "budget", Title: scene.L("预算", "Budget"), Type: scene.TypeMoney},
					{Field: "description", Title: scene.L("内容", "Description"), Type: scene.TypeText},
					{Field: "supports", Title: scene.L("群众支持", "Support"), Type: scene.TypeNumber},
					{Field: "proposer_name", Title: scene.L("提出人", "Proposed by"), Type: scene.TypeText},
					{Field: "reason", Title: scene.L("未列入理由", "Why left out"), Type: scene.TypeText},
				},
				Actions: []scene.Action{proposeAction(SourceDeputy), proposeAction(SourceDepartment), shortlistAction()},
				RowActions: []scene.Action{{ID: "merge", Title: scene.L("合并到…", "Merge into…"), Call: "POST /rounds/{id}/candidates/{cid}/merge",
					Permission: permManage, Params: map[string]string{"id": "round_id", "cid": "id"},
					VisibleIf: when("status", statusProposed, statusShortlisted, statusExcluded),
					Form: &scene.ActionForm{Source: "GET /rounds/{id}",
						Schema: json.RawMessage(`{"type": "object", "required": ["into"], "properties": {"into": {"type": "string"}}}`),
						UI: map[string]scene.Widget{
							"into": {Widget: scene.WidgetSelect, Title: ptr(scene.L("合并到（重复项目的群众支持一并计入）", "Into (its public support moves along)")),
								Items: &scene.Items{Source: "GET /rounds/{id}/candidates", Label: "title",
									If: when("status", statusProposed, statusShortlisted, statusExcluded)}},
						}}}},
				Empty: ptr(scene.L("还没有候选项目。", "No candidates yet."))}},
		{ID: "turnout", Title: scene.L("投票进度", "Turnout"), Kind: scene.PageDashboard, Permission: permRead, Audience: staff,
			Dashboard: &scene.DashboardPage{Cards: []scene.Card{
				{Title: scene.L("应到代表", "Seated deputies"), Source: "GET /rounds/{id}/ballot/turnout", Field: "seats", Format: scene.FormatNumber},
				{Title: scene.L("已投票", "Voted"), Source: "GET /rounds/{id}/ballot/turnout", Field: "voted", Format: scene.FormatNumber},
				{Title: scene.L("网上投票", "Online"), Source: "GET /rounds/{id}/ballot/turnout", Field: "online", Format: scene.FormatNumber},
				{Title: scene.L("纸质投票代表", "On paper"), Source: "GET /rounds/{id}/ballot/turnout", Field: "paper_voters", Format: scene.FormatNumber},
				{Title: scene.L("待复核纸质选票", "Paper ballots to confirm"), Source: "GET /rounds/{id}/ballot/turnout", Field: "pending_paper", Format: scene.FormatNumber},
			}}},
		{ID: "paper", Title: scene.L("待复核纸质选票", "Paper ballots to confirm"), Kind: scene.PageList, Permission: permManage, Audience: staff,
			List: &scene.ListPage{Source: "GET /rounds/{id}/paper/ballots",
				Columns: []scene.Column{
					{Field: "deputy_id", Title: scene.L("代表编号", "Deputy"), Type: scene.TypeText},
					{Field: "entered_by", Title: scene.L("录入人", "Entered by"), Type: scene.TypeText},
					{Field: "at", Title: scene.L("录入时间", "Entered"), Type: scene.TypeTime},
				},
				RowActions: []scene.Action{
					{ID: "confirm", Title: scene.L("复核确认", "Confirm"), Call: "POST /rounds/{id}/paper/ballots/{pid}/confirm", Permission: permManage,
						Params: map[string]string{"id": "round_id", "pid": "id"},
						Form:   &scene.ActionForm{Source: "GET /rounds/{id}", Schema: json.RawMessage(ballotSchema), UI: ballotUI(nil)},
						Confirm: ptr(scene.L("请对照纸质选票再录入一遍；与第一次录入一致才计入。",
							"Key the paper ballot in again; it counts only if both entries agree."))},
					{ID: "discard", Title: scene.L("作废录入", "Discard"), Call: "DELETE /rounds/{id}/paper/ballots/{pid}", Permission: permManage,
						Params: map[string]string{"id": "round_id", "pid": "id"}, Danger: true,
						Confirm: ptr(scene.L("作废这次录入？纸质选票须重新录入。", "Discard this entry? The paper ballot must be keyed in again."))},
				},
				Empty: ptr(scene.L("没有待复核的纸质选票。", "No paper ballot waits for confirmation."))}},
		{ID: "result", Title: scene.L("票决结果", "Result"), Kind: scene.PageDetail, Permission: permRead, Audience: both,
			Detail: &scene.DetailPage{Source: "GET /rounds/{id}/result",
				Fields: []scene.DetailField{
					{Field: "seats", Title: scene.L("应到代表", "Seated deputies"), Type: scene.TypeNumber},
					{Field: "voted", Title: scene.L("投票代表", "Voted"), Type: scene.TypeNumber},
					{Field: "ballots", Title: scene.L("有效选票", "Ballots"), Type: scene.TypeNumber},
					{Field: "threshold", Title: scene.L("通过所需赞成票", "Approvals needed"), Type: scene.TypeNumber},
					{Field: "rules.mode", Title: scene.L("表决方式", "Form"), Type: scene.TypeTag, Options: modeOptions},
					{Field: "rules.k", Title: scene.L("应选数", "K"), Type: scene.TypeNumber},
					{Field: "tie_at_cutoff", Title: scene.L("末位同票（按选票顺序确定）", "Tie at the cut-off (ballot order decided)"), Type: scene.TypeBool},
					{Field: "head", Title: scene.L("选票链链头", "Chain head"), Type: scene.TypeText},
					{Field: "counted_at", Title: scene.L("计票时间", "Counted"), Type: scene.TypeTime},
				},
				Tables: []scene.Table{{Field: "candidates", Title: scene.L("各项目得票", "Votes per project"), Columns: resultLineColumns()}}}},
		{ID: "verify", Title: scene.L("核验结果", "Verification"), Kind: scene.PageDetail, Permission: permRead, Audience: both,
			Detail: &scene.DetailPage{Source: "GET /rounds/{id}/ballot/verify",
				Fields: []scene.DetailField{
					{Field: "verified", Title: scene.L("核验通过（由选票链重新计票，结果一致）", "Verified (recounted from the chain, same result)"), Type: scene.TypeBool},
					{Field: "head", Title: scene.L("选票链链头", "Chain head"), Type: scene.TypeText},
					{Field: "ballots", Title: scene.L("链上选票", "Ballots in the chain"), Type: scene.TypeNumber},
					{Field: "voters", Title: scene.L("投票代表", "Deputies who voted"), Type: scene.TypeNumber},
				},
				Tables: []scene.Table{{Field: "problems", Title: scene.L("发现的问题", "Problems found"),
					Columns: []scene.Column{
						{Field: "check", Title: scene.L("检查", "Check"), Type: scene.TypeTag},
						{Field: "seq", Title: scene.L("位置", "Entry"), Type: scene.TypeNumber},
						{Field: "detail", Title: scene.L("说明", "Detail"), Type: scene.TypeText},
					},
					Empty: ptr(scene.L("没有发现问题。", "No problems."))}}}},
		{ID: "public-result", Title: scene.L("公开的票决结果", "Published result"), Kind: scene.PageDetail, Audience: both, Public: true,
			Detail: &scene.DetailPage{Source: "GET /public/rounds/{id}", TitleField: "title",
				Fields: []scene.DetailField{
					{Field: "year", Title: scene.L("年度", "Year"), Type: scene.TypeNumber},
					{Field: "result.seats", Title: scene.L("应到代表", "Seated deputies"), Type: scene.TypeNumber},
					{Field: "result.ballots", Title: scene.L("有效选票", "Ballots"), Type: scene.TypeNumber},
					{Field: "result.threshold", Title: scene.L("通过所需赞成票", "Approvals needed"), Type: scene.TypeNumber},
					{Field: "result.head", Title: scene.L("选票链链头", "Chain head"), Type: scene.TypeText},
				},
				Tables: []scene.Table{{Field: "result.candidates", Title: scene.L("各项目得票", "Votes per project"), Columns: resultLineColumns()}}}},
		{ID: "projects", Title: scene.L("民生实事项目", "Projects"), Kind: scene.PageList, Permission: permRead, Menu: true, Audience: both,
			List: &scene.ListPage{Source: "GET /projects", Cursor: "next",
				Columns: []scene.Column{
					{Field: "title", Title: scene.L("项目", "Project"), Type: scene.TypeText, Link: "project"},
					{Field: "year", Title: scene.L("年度", "Year"), Type: scene.TypeNumber},
					{Field: "department", Title: scene.L("责任部门", "Department"), Type: scene.TypeText},
					{Field: "budget", Title: scene.L("预算", "Budget"), Type: scene.TypeMoney},
					{Field: "percent", Title: scene.L("完成（%）", "Done (%)"), Type: scene.TypeNumber},
					{Field: "delayed", Title: scene.L("滞后", "Delayed"), Type: scene.TypeBool},
					{Field: "deliver_by", Title: scene.L("完成期限", "Deliver by"), Type: scene.TypeDate},
				},
				Filters: []scene.ListFilter{{Param: "delayed", Title: scene.L("滞后", "Delayed"), Type: scene.FilterSelect,
					Options: []scene.Option{{Value: "true", Title: scene.L("仅滞后", "Delayed only")}}}},
				Empty: ptr(scene.L("还没有确定的民生实事项目。", "No adopted projects yet."))}},
		{ID: "project", Title: scene.L("项目进展", "Project"), Kind: scene.PageDetail, Permission: permRead, Audience: both,
			Detail: &scene.DetailPage{Source: "GET /projects/{id}", TitleField: "project.title",
				Fields: []scene.DetailField{
					{Field: "project.year", Title: scene.L("年度", "Year"), Type: scene.TypeNumber},
					{Field: "project.department", Title: scene.L("责任部门", "Department"), Type: scene.TypeText},
					{Field: "project.budget", Title: scene.L("预算", "Budget"), Type: scene.TypeMoney},
					{Field: "project.percent", Title: scene.L("完成（%）", "Done (%)"), Type: scene.TypeNumber},
					{Field: "project.delayed", Title: scene.L("滞后于计划", "Behind plan"), Type: scene.TypeBool},
					{Field: "project.deliver_by", Title: scene.L("完成期限", "Deliver by"), Type: scene.TypeDate},
					{Field: "project.outcome", Title: scene.L("预期效果", "Expected outcome"), Type: scene.TypeText},
					{Field: "project.location", Title: scene.L("实施地点", "Location"), Type: scene.TypeText},
					{Field: "project.approve", Title: scene.L("赞成票", "Approvals"), Type: scene.TypeNumber},
				},
				Timeline: &scene.Timeline{Field: "reports", At: "at", Actor: "by", State: "kind", Note: "narrative", Options: []scene.Option{
					{Value: "progress", Title: scene.L("进度报告", "Progress")}, {Value: "review", Title: scene.L("中期评估", "Mid-year review")}}},
				Tables: []scene.Table{
					{Field: "project.milestones", Title: scene.L("节点计划", "Milestones"), Columns: []scene.Column{
						{Field: "name", Title: scene.L("节点", "Milestone"), Type: scene.TypeText},
						{Field: "planned", Title: scene.L("计划", "Planned"), Type: scene.TypeDate},
						{Field: "done", Title: scene.L("完成", "Done"), Type: scene.TypeDate}}},
					{Field: "inspections", Title: scene.L("代表视察", "Inspections"), Columns: []scene.Column{
						{Field: "name", Title: scene.L("代表", "Deputy"), Type: scene.TypeText},
						{Field: "visited_on", Title: scene.L("日期", "Visited"), Type: scene.TypeDate},
						{Field: "comment", Title: scene.L("意见", "Comment"), Type: scene.TypeText}}},
				},
				Actions: projectActions()}},
		{ID: "evaluation", Title: scene.L("测评结果", "Evaluation"), Kind: scene.PageDashboard, Permission: permRead, Audience: both,
			Dashboard: &scene.DashboardPage{
				Cards: []scene.Card{
					{Title: scene.L("测评票数", "Ratings"), Source: "GET /rounds/{id}/evaluation", Field: "overall.total", Format: scene.FormatNumber},
					{Title: scene.L("满意", "Satisfied"), Source: "GET /rounds/{id}/evaluation", Field: "overall.satisfied", Format: scene.FormatNumber},
					{Title: scene.L("基本满意", "Basically satisfied"), Source: "GET /rounds/{id}/evaluation", Field: "overall.basically_satisfied", Format: scene.FormatNumber},
					{Title: scene.L("不满意", "Unsatisfied"), Source: "GET /rounds/{id}/evaluation", Field: "overall.unsatisfied", Format: scene.FormatNumber},
					{Title: scene.L("满意度（‰）", "Satisfaction (‰)"), Source: "GET /rounds/{id}/evaluation", Field: "overall.satisfaction_permille", Format: scene.FormatNumber},
				},
				Charts: []scene.Chart{{Title: scene.L("各项目满意度（‰）", "Satisfaction per project (‰)"), Source: "GET /rounds/{id}/evaluation",
					Type: scene.ChartBar, Items: "projects", X: "title", Y: "satisfaction_permille"}},
			}},
		{ID: "history", Title: scene.L("历年票决与实施", "Rounds across the years"), Kind: scene.PageList, Permission: permRead, Menu: true,
			Audience: []string{scene.AudienceStaff, scene.AudiencePlatform},
			List: &scene.ListPage{Source: "GET /history",
				Columns: []scene.Column{
					{Field: "tenant", Title: scene.L("人大", "Congress"), Type: scene.TypeTag},
					{Field: "year", Title: scene.L("年度", "Year"), Type: scene.TypeNumber},
					{Field: "title", Title: scene.L("名称", "Round"), Type: scene.TypeText},
					{Field: "phase", Title: scene.L("阶段", "Phase"), Type: scene.TypeStatus, Options: phaseOptions()},
					{Field: "adopted", Title: scene.L("确定项目", "Adopted"), Type: scene.TypeNumber},
					{Field: "budget", Title: scene.L("预算合计", "Budget"), Type: scene.TypeMoney},
					{Field: "delayed", Title: scene.L("滞后项目", "Delayed"), Type: scene.TypeNumber},
					{Field: "ratings.satisfaction_permille", Title: scene.L("满意度（‰）", "Satisfaction (‰)"), Type: scene.TypeNumber},
				},
				Empty: ptr(scene.L("还没有票决年度。", "No rounds yet."))}},
	}
}

func projectActions() []scene.Action {
	byProject := map[string]string{"id": "project.id"}
	return []scene.Action{
		{ID: "report", Title: scene.L("报告进度", "Report progress"), Call: "POST /projects/{id}/reports", Permission: permReport, Params: byProject,
			Form: form(`{"type": "object", "required": ["kind", "percent", "narrative"], "properties": {
  "kind":      {"type": "string", "enum": ["progress", "review"], "default": "progress"},
  "percent":   {"type": "integer", "minimum": 0, "maximum": 100},
  "narrative": {"type": "string", "minLength": 1, "maxLength": 4000},
  "photos":    {"type": "array", "maxItems": 20, "items": {"type": "string"}}}}`, map[string]scene.Widget{
				"kind": {Widget: scene.WidgetRadio, Title: ptr(scene.L("类型", "Kind")), Order: 1, Options: []scene.Option{
					{Value: "progress", Title: scene.L("进度报告", "Progress")}, {Value: "review", Title: scene.L("中期评估", "Mid-year review")}}},
				"percent":   text("完成比例（%）", "Done (%)", 2),
				"narrative": area("进展情况", "What was done", 3),
				"photos":    {Widget: scene.WidgetPhotos, Upload: "POST /projects/{id}/photos", Title: ptr(scene.L("现场照片", "Photos")), Order: 4},
			})},
		{ID: "milestones", Title: scene.L("设定节点计划", "Set the milestones"), Call: "PUT /projects/{id}/milestones", Permission: permManage, Params: byProject,
			Form: form(`{"type": "object", "required": ["milestones"], "properties": {"milestones": {"type": "array", "maxItems": 50, "items": {
  "type": "object", "required": ["name", "planned"], "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 100}, "planned": {"type": "string", "format": "date"}, "done": {"type": "string", "format": "date"}}}}}}`,
				map[string]scene.Widget{"milestones": {Title: ptr(scene.L("节点（整体替换原计划）", "Milestones (replace the plan)")), Properties: map[string]scene.Widget{
					"name": text("节点", "Milestone", 1), "planned": text("计划日期", "Planned", 2), "done": text("完成日期", "Done on", 3)}}}),
			Confirm: ptr(scene.L("以上节点将替换原有的全部节点计划，确定吗？", "These milestones replace the whole plan. Save them?"))},
		{ID: "inspect", Title: scene.L("记录视察", "Record an inspection"), Call: "POST /projects/{id}/inspections", Permission: permInspect, Params: byProject,
			Form: form(`{"type": "object", "required": ["visited_on", "comment"], "properties": {
  "visited_on": {"type": "string", "format": "date"}, "comment": {"type": "string", "minLength": 1, "maxLength": 2000}}}`,
				map[string]scene.Widget{"visited_on": text("视察日期", "Visited on", 1), "comment": area("视察意见", "What you found", 2)})},
		{ID: "evaluate", Title: scene.L("年终测评", "Evaluate"), Call: "POST /projects/{id}/evaluation", Permission: permEvaluate, Params: byProject,
			Form: form(`{"type": "object", "required": ["rating"], "properties": {
  "rating": {"type": "string", "enum": ["satisfied", "basically_satisfied", "unsatisfied"]}, "comment": {"type": "string", "maxLength": 2000}}}`,
				map[string]scene.Widget{
					"rating":  {Widget: scene.WidgetRadio, Title: ptr(scene.L("测评", "Rating")), Options: ratingOptions, Order: 1},
					"comment": area("意见（不满意时必填）", "Comment (required when unsatisfied)", 2),
				}),
			Confirm: ptr(scene.L("每个项目只能测评一次，提交后不能更改。确定提交吗？", "Each project is evaluated once and cannot be changed. Submit?"))},
	}
}
