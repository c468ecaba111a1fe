package core

// catalog holds every user-facing message in Chinese and English. Keys are
// stable identifiers; problem responses also carry them, so clients can
// switch on a key rather than parse text.
var catalog = map[string]text{
	// Validation of fields.
	"validation.failed":   {"提交的内容有误，请检查标出的字段。", "The request has invalid fields; see errors."},
	"field.required":      {"此项必填。", "This field is required."},
	"field.too_long":      {"不能超过 %d 个字。", "Must be at most %d characters."},
	"field.single_line":   {"不能包含换行或控制字符。", "Must not contain line breaks or control characters."},
	"field.one_of":        {"取值必须是以下之一：%s。", "Must be one of: %s."},
	"field.bad_time":      {"时间格式应为 RFC 3339，如 2026-07-25T09:30:00+08:00。", "Must be an RFC 3339 time such as 2026-07-25T09:30:00+08:00."},
	"field.bad_number":    {"必须是整数。", "Must be an integer."},
	"page.cursor_invalid": {"分页游标无效，请从第一页重新开始。", "The page cursor is not valid; start again from the first page."},

	// Request bodies.
	"body.malformed":     {"请求内容不是有效的 JSON：%s", "The request body is not valid JSON: %s"},
	"body.empty":         {"请求内容为空。", "The request body is empty."},
	"body.invalid_utf8":  {"请求内容不是有效的 UTF-8 文本。", "The request body is not valid UTF-8."},
	"body.unknown_field": {"不认识的字段。", "Unknown field."},
	"body.wrong_type":    {"类型错误，应为 %s。", "Wrong type: expected %s."},
	"body.too_large":     {"请求内容过大，上限为 %d KB。", "The request body is too large; the limit is %d KB."},
	"body.trailing":      {"JSON 之后还有多余内容。", "There is extra data after the JSON value."},
	"body.content_type":  {"请求内容类型应为 application/json。", "The request body must be application/json."},

	// HTTP.
	"http.not_found":          {"没有这个地址。", "There is no such address."},
	"http.method_not_allowed": {"此地址不支持该请求方法。", "This address does not support that method."},
	"internal":                {"服务器内部错误，已记录。请稍后再试，或凭请求编号联系管理员。", "Internal error; it has been logged. Try again later, or contact an administrator with the request id."},
	"unavailable":             {"服务暂时不可用，请稍后再试。", "The service is temporarily unavailable; try again later."},

	// Tenants.
	"tenant.not_found":           {"找不到该人大（租户）。", "No such congress (tenant)."},
	"tenant.parent_not_found":    {"找不到上级人大。", "The parent congress does not exist."},
	"tenant.slug_invalid":        {"标识须为 3–40 个小写字母、数字或连字符，并以字母开头。", "The slug must be 3–40 lowercase letters, digits or dashes, starting with a letter."},
	"tenant.division_invalid":    {"行政区划代码应为 6 位或 9 位数字。", "The division code must be 6 or 9 digits."},
	"tenant.city_has_no_parent":  {"市级人大没有上级。", "A city congress has no parent."},
	"tenant.level_mismatch":      {"%s 级人大不能隶属于 %s 级人大。", "A %s congress cannot sit under a %s congress."},
	"tenant.parent_archived":     {"上级人大已归档。", "The parent congress is archived."},
	"tenant.taken":               {"标识或行政区划代码已被使用。", "The slug or division code is already in use."},
	"tenant.bad_transition":      {"不能从“%s”状态变为“%s”。", "Cannot move from %s to %s."},
	"tenant.suspended":           {"该人大的平台服务已暂停，请联系市人大常委会平台管理员。", "This congress's service is suspended; contact the city platform administrators."},
	"tenant.archived":            {"该人大已归档，不再提供服务。", "This congress is archived and no longer served."},
	"tenant.read_only":           {"上级人大只能查看下级数据，不能修改。", "A higher congress can read a lower one's data but not change it."},
	"tenant.delete_not_archived": {"只有已归档的人大才能删除。", "Only an archived congress can be deleted."},
	"tenant.delete_not_exported": {"删除前须在归档后导出全部数据。", "Export the congress's data after archiving it before deleting."},
	"tenant.delete_has_children": {"该人大还有下级人大，不能删除。", "This congress still has congresses under it."},

	// Authentication.
	"auth.required":        {"请先登录。", "Sign in first."},
	"auth.bad_credentials": {"用户名或密码错误。", "Wrong username or password."},
	"auth.locked":          {"登录失败次数过多，请 %d 秒后再试。", "Too many failed sign-ins; try again in %d seconds."},
	"auth.bad_token":       {"登录已失效，请重新登录。", "Your sign-in is no longer valid; sign in again."},
	"auth.forbidden":       {"您没有执行此操作的权限。", "You do not have permission to do this."},
	"auth.wrong_tenant":    {"您的账号不属于该人大。", "Your account does not belong to this congress."},
	"auth.csrf": {"请求缺少有效的防跨站令牌（X-Renda-CSRF），请刷新页面后重试。",
		"The request lacks a valid anti-forgery token (X-Renda-CSRF); reload the page and try again."},

	// Users and service accounts.
	"user.not_found":               {"找不到该用户。", "No such user."},
	"user.username_invalid":        {"用户名须为 3–64 个字母、数字或 . _ - @。", "Usernames are 3–64 letters, digits or . _ - @."},
	"user.username_taken":          {"该用户名已被使用。", "That username is taken."},
	"user.password_length":         {"密码长度须为 %d–%d 个字符。", "Passwords must be %d–%d characters long."},
	"user.password_same":           {"新密码不能与当前密码相同。", "The new password must differ from the current one."},
	"user.password_wrong":          {"当前密码不正确。", "The current password is wrong."},
	"user.service_has_no_password": {"服务账号没有密码，请使用 API 密钥。", "Service accounts have no password; use API keys."},
	"service_account.not_found":    {"找不到该服务账号。", "No such service account."},
	"api_key.not_found":            {"找不到该 API 密钥。", "No such API key."},
	"apikey.expiry_past":           {"过期时间必须在将来。", "The expiry must be in the future."},

	// Deputies and the duty ledger.
	"deputy.not_found":     {"找不到该代表。", "No such deputy."},
	"deputy.phone_invalid": {"电话号码格式不正确。", "The phone number is not valid."},
	"deputy.email_invalid": {"电子邮箱格式不正确。", "The e-mail address is not valid."},
	"photo.too_large":      {"照片不能超过 %d MB。", "The photo must be at most %d MB."},
	"photo.bad_type":       {"照片须为 JPEG、PNG 或 WebP 格式。", "The photo must be JPEG, PNG or WebP."},
	"photo.not_found":      {"该代表还没有照片。", "This deputy has no photo."},
	"duty.in_future":       {"履职时间不能晚于现在。", "The activity cannot be in the future."},

	// Importing deputies from Excel.
	"deputy.duplicate_in_batch": {"与第 %d 行重复（姓名、届次、选区相同）。", "Repeats row %d (same name, term and constituency)."},
	"deputy.duplicate_existing": {"该代表已在名册中（姓名、届次、选区相同）。", "This deputy is already on the roll (same name, term and constituency)."},
	"import.invalid":            {"文件中有 %d 行有误，未导入任何代表；请按标出的行修改后重新导入。", "%d rows of the file have problems; no deputy was imported. Fix the rows marked and import again."},
	"import.empty":              {"文件中没有代表数据：第 1 行为表头，从第 2 行起每行一位代表。", "The file holds no deputies: row 1 is the header, then one deputy per row."},
	"import.too_many_rows":      {"一次最多导入 %d 位代表，请分批导入。", "At most %d deputies can be imported at once; split the file."},
	"import.too_large":          {"文件不能超过 %d MB。", "The file must be at most %d MB."},
	"import.not_xlsx":           {"无法读取该文件：请上传 Excel 2007 及以上版本的 .xlsx 文件（可先下载导入模板）。", "The file cannot be read: upload an Excel .xlsx file (Excel 2007 or later; the import template is one)."},
	"import.bad_headers":        {"表头不符合导入模板：第 1 行应为列名，须包含“姓名”和“层级”。", "The header does not match the import template: row 1 names the columns and must include 姓名 (name) and 层级 (level)."},
	"import.unknown_column":     {"不认识的列“%s”；可用的列见导入模板。", "Unknown column %s; the import template lists the columns."},
	"import.missing_column":     {"缺少必填列“%s”。", "The required column %s is missing."},
	"import.duplicate_column":   {"列“%s”出现了不止一次。", "The column %s appears more than once."},
	"import.extra_cell":         {"该单元格不在任何列名之下。", "This cell is under no column header."},
	"import.value":              {"“%s”不是可用的值，应为：%s。", "%s is not an allowed value; use one of: %s."},

	// Roles.
	"role.not_found":     {"找不到该角色。", "No such role."},
	"role.builtin":       {"内置角色不能删除。", "Built-in roles cannot be deleted."},
	"role.name_invalid":  {"角色名须为 3–40 个小写字母、数字或下划线。", "Role names are 3–40 lowercase letters, digits or underscores."},
	"role.unknown":       {"没有名为“%s”的角色。", "There is no role named %s."},
	"role.reserved":      {"该角色名保留给平台使用。", "That role name is reserved for the platform."},
	"permission.unknown": {"没有“%s”这项权限。", "There is no permission %s."},

	// Idempotency.
	"idempotency.key_invalid": {"Idempotency-Key 须为 1–200 个可见 ASCII 字符。", "Idempotency-Key must be 1–200 visible ASCII characters."},
	"idempotency.mismatch":    {"该 Idempotency-Key 已用于另一个不同的请求。", "This Idempotency-Key was already used for a different request."},
	"idempotency.pending":     {"相同 Idempotency-Key 的请求仍在处理中，请稍后重试。", "A request with this Idempotency-Key is still being processed; retry shortly."},
	"idempotency.secret":      {"该请求已经完成；其中的密钥只显示一次，不能重放。", "This request already completed; the secret it returned is shown only once and cannot be replayed."},

	// Scenes.
	"scene.not_enabled":           {"该人大未启用这个场景。", "This congress has not enabled this scene."},
	"scene.not_installed":         {"平台未安装场景“%s”。", "Scene %s is not installed."},
	"scene.version_not_installed": {"平台未安装场景 %s 的 %s 版本。", "Version %[2]s of scene %[1]s is not installed."},
	"scene.version_taken":         {"场景 %s 的 %s 版本已由另一个程序文件安装。", "Version %[2]s of scene %[1]s is already installed from a different binary."},
	"scene.manifest_invalid":      {"场景清单无效：%s", "The scene manifest is invalid: %s"},
	"scene.unsigned":              {"这是未签名的程序文件，不是签名的场景包：请用 renda plugin bundle 签名后安装；仅开发环境可用 --dev 安装。", "This is a bare binary, not a signed bundle: sign it with renda plugin bundle and install the bundle; only a development machine may install it with --dev."},
	"scene.not_a_scene":           {"该文件不是可运行的 Renda 场景插件：%s", "The file is not a runnable Renda scene plugin: %s"},
	"scene.unavailable":           {"场景“%s”暂时不可用，正在恢复，请稍后再试。", "Scene %s is temporarily unavailable and recovering; try again shortly."},
	"scene.busy":                  {"场景“%s”当前请求过多，请稍后再试。", "Scene %s is handling too many requests; try again shortly."},
	"scene.timeout":               {"场景“%s”未能及时响应。", "Scene %s did not answer in time."},
	"scene.failed":                {"场景“%s”处理请求时出错，已记录。", "Scene %s failed to handle the request; it has been logged."},
	"scene.settings_object":       {"设置须为 JSON 对象。", "Settings must be a JSON object."},
	"scene.settings_invalid":      {"设置不符合场景的要求：%s", "The settings do not fit the scene's schema: %s"},
	"scene.concurrent_change":     {"该场景的配置刚被他人修改，请刷新后重试。", "The scene's configuration just changed; reload and retry."},
	"scene.tenants_count":         {"须列出 1–500 个人大。", "List 1 to 500 congresses."},

	// Scene documents.
	"document.not_found":     {"找不到该文档。", "No such document."},
	"document.exists":        {"该文档编号已存在。", "A document with that id exists."},
	"document.stale":         {"文档已被他人修改（您的版本 %d，当前版本 %d），请刷新后重试。", "The document changed meanwhile (your version %d, now %d); reload and retry."},
	"document.id_invalid":    {"文档编号须为 1–100 个字母、数字或 _ . : -。", "Document ids are 1–100 letters, digits or _ . : -."},
	"document.too_large":     {"文档不能超过 %d KB。", "A document must be at most %d KB."},
	"document.not_object":    {"文档须为 JSON 对象。", "A document must be a JSON object."},
	"document.field_invalid": {"字段名“%s”无效。", "Invalid field name %s."},
	"document.filter_number": {"字段“%s”的筛选值须为数字。", "Filters on %s need a number."},
	"document.filter_values": {"字段“%s”的筛选值个数不对。", "Wrong number of filter values for %s."},
	"document.filter_op":     {"不支持的筛选操作“%s”。", "Unsupported filter operation %s."},
	"document.sum_number":    {"只能对数字字段“%s”求和。", "Only number fields can be summed (%s)."},

	// Scene events.
	"event.payload_invalid": {"事件内容须为不超过 1 MB 的 JSON。", "An event payload must be JSON of at most 1 MB."},
	"event.not_found":       {"找不到该事件投递。", "No such event delivery."},

	// Notifications.
	"notify.users_count":     {"须指定 1–1000 个接收人。", "Name 1 to 1000 recipients."},
	"notification.not_found": {"找不到该通知。", "No such notification."},

	// Files and outbound HTTP.
	"file.size":      {"文件大小须在 1 字节到 %d MB 之间。", "A file must be between 1 byte and %d MB."},
	"file.type":      {"文件须为 JPEG、PNG、WebP 图片或 PDF。", "A file must be a JPEG, PNG or WebP image, or a PDF."},
	"file.not_found": {"找不到该文件。", "No such file."},

	"scene.host_invalid": {"“%s”不是有效的主机名（可带端口）。", "%s is not a valid host name (with an optional port)."},
	"scene.hosts_count":  {"最多允许 50 个主机。", "At most 50 hosts may be allowed."},

	// Departments.
	"department.not_found":    {"找不到该部门。", "No such department."},
	"department.code_invalid": {"部门代码须为 1–40 个小写字母、数字、_ 或 -。", "Department codes are 1–40 lowercase letters, digits, _ or -."},
	"department.code_taken":   {"该部门代码已被使用。", "That department code is taken."},
}
