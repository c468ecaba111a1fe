package noticeboard

import "github.com/renda-platform/renda/plugins/scene"

// statuses label a notice's status values.
var statuses = []scene.Option{
	{Value: "draft", Title: scene.L("草稿", "Draft")},
	{Value: "published", Title: scene.L("已发布", "Published")},
}

const noticeSchema = `{
  "type": "object",
  "required": ["title"],
  "properties": {
    "title":   {"type": "string", "title": "标题", "minLength": 1, "maxLength": 100},
    "body":    {"type": "string", "title": "正文", "maxLength": 5000},
    "publish": {"type": "boolean", "title": "立即发布"},
    "pinned":  {"type": "boolean", "title": "置顶"},
    "version": {"type": "integer"}
  },
  "additionalProperties": false
}`

var noticeUI = map[string]scene.Widget{
	"title":   {Title: ptr(scene.L("标题", "Title")), Order: 1},
	"body":    {Widget: scene.WidgetTextarea, Title: ptr(scene.L("正文", "Body")), Order: 2},
	"publish": {Title: ptr(scene.L("立即发布", "Publish now")), Order: 3},
	"pinned":  {Title: ptr(scene.L("置顶", "Pinned")), Order: 4},
	"version": {Widget: scene.WidgetHidden},
}

var deleteAction = scene.Action{ID: "delete", Title: scene.L("删除", "Delete"), Call: "DELETE /notices/{id}",
	Confirm:    ptr(scene.L("删除后无法恢复，确定删除这条公告吗？", "A deleted notice cannot be restored. Delete it?")),
	Permission: "notices:write", Danger: true}

// pages are the notice board's screens in the web console.
func pages() []scene.Page {
	return []scene.Page{
		{ID: "notices", Title: scene.L("公告", "Notices"), Kind: scene.PageList, Permission: "notices:read", Menu: true,
			Audience: []string{scene.AudienceStaff, scene.AudienceDeputy},
			List: &scene.ListPage{Source: "GET /notices",
				Columns: []scene.Column{
					{Field: "title", Title: scene.L("标题", "Title"), Type: scene.TypeText, Link: "notice"},
					{Field: "status", Title: scene.L("状态", "Status"), Type: scene.TypeStatus, Options: statuses},
					{Field: "pinned", Title: scene.L("置顶", "Pinned"), Type: scene.TypeBool},
					{Field: "published_at", Title: scene.L("发布时间", "Published"), Type: scene.TypeTime},
					{Field: "author", Title: scene.L("发布人", "Author"), Type: scene.TypeText},
				},
				Filters:    []scene.ListFilter{{Param: "status", Title: scene.L("状态", "Status"), Type: scene.FilterSelect, Options: statuses}},
				Actions:    []scene.Action{{ID: "new", Title: scene.L("新建公告", "New notice"), Page: "new-notice", Permission: "notices:write"}},
				RowActions: []scene.Action{deleteAction},
				Empty:      ptr(scene.L("还没有公告。", "No notices yet.")),
			}},
		{ID: "notice", Title: scene.L("公告详情", "Notice"), Kind: scene.PageDetail, Permission: "notices:read",
			Audience: []string{scene.AudienceStaff, scene.AudienceDeputy},
			Detail: &scene.DetailPage{Source: "GET /notices/{id}", TitleField: "title",
				Fields: []scene.DetailField{
					{Field: "body", Title: scene.L("正文", "Body"), Type: scene.TypeText},
					{Field: "status", Title: scene.L("状态", "Status"), Type: scene.TypeStatus, Options: statuses},
					{Field: "pinned", Title: scene.L("置顶", "Pinned"), Type: scene.TypeBool},
					{Field: "published_at", Title: scene.L("发布时间", "Published"), Type: scene.TypeTime},
					{Field: "author", Title: scene.L("发布人", "Author"), Type: scene.TypeText},
				},
				Actions: []scene.Action{
					{ID: "edit", Title: scene.L("编辑", "Edit"), Page: "edit-notice", Permission: "notices:write"},
					deleteAction,
				},
			}},
		{ID: "new-notice", Title: scene.L("新建公告", "New notice"), Kind: scene.PageForm, Permission: "notices:write",
			Audience: []string{scene.AudienceStaff},
			Form:     &scene.FormPage{Submit: "POST /notices", Schema: []byte(noticeSchema), UI: noticeUI, Then: "notice"}},
		{ID: "edit-notice", Title: scene.L("编辑公告", "Edit notice"), Kind: scene.PageForm, Permission: "notices:write",
			Audience: []string{scene.AudienceStaff},
			Form: &scene.FormPage{Source: "GET /notices/{id}", Submit: "PUT /notices/{id}", Schema: []byte(noticeSchema), UI: noticeUI,
				Then: "notice"}},
		{ID: "overview", Title: scene.L("公告概况", "Overview"), Kind: scene.PageDashboard, Permission: "notices:write", Menu: true,
			Audience: []string{scene.AudienceStaff},
			Dashboard: &scene.DashboardPage{Cards: []scene.Card{
				{Title: scene.L("已发布", "Published"), Source: "GET /stats", Field: "by_status.published", Format: scene.FormatNumber},
				{Title: scene.L("草稿", "Drafts"), Source: "GET /stats", Field: "by_status.draft", Format: scene.FormatNumber},
			}}},
	}
}

func ptr[T any](v T) *T { return &v }
