package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/renda-platform/renda/api"
	"github.com/renda-platform/renda/api/apitest"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// workbook writes rows (the first is the header) to an .xlsx file.
func workbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if err := sw.SetRow("A"+strconv.Itoa(i+1), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var importHeader = []any{"姓名*", "性别", "层级*", "代表团", "选区", "届次", "职业", "手机号码", "电子邮箱", "状态"}

// importRoll is n deputies of one term, each in their own constituency.
func importRoll(n int) [][]any {
	rows := [][]any{importHeader}
	for i := range n {
		rows = append(rows, []any{fmt.Sprintf("代表%05d", i), []string{"男", "女"}[i%2], "区县", "海曙区代表团",
			fmt.Sprintf("第%d选区", i), "第十六届", "社区工作者", 13900000000 + i, "", "在任"})
	}
	return rows
}

func importFile(e *apitest.Env, slug, token string, body []byte, lang string) *apitest.Response {
	return e.Do(http.MethodPost, "/api/v1/t/"+slug+"/deputies/import", token, body, "Content-Type", xlsxType, "Accept-Language", lang)
}

func deputyCount(t *testing.T, e *apitest.Env, slug string) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		var page api.PageJSON[api.DeputyJSON]
		e.Do(http.MethodGet, "/api/v1/t/"+slug+"/deputies?limit=200&cursor="+cursor, e.Tokens[slug+"/tenant_admin"], nil).JSON(t, &page)
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		cursor = page.NextCursor
	}
}

// TestImportDeputies: 8,000 rows go in at once, with one audit entry, and
// the same file again adds nobody; every kind of bad file is refused with
// its problems named by row, and writes nothing.
func TestImportDeputies(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Tokens["haishu/tenant_admin"]
		file := workbook(t, importRoll(8000))
		if len(file) > 2<<20 {
			t.Fatalf("8,000 rows take %d bytes, over the limit", len(file))
		}
		start := time.Now()
		res := importFile(e, "haishu", admin, file, "zh-CN")
		t.Logf("8,000 rows (%d KB) imported in %v", len(file)>>10, time.Since(start)) // logged, not asserted
		var out api.DeputyImportJSON
		if res.Code != http.StatusCreated {
			t.Fatalf("import: %d %s", res.Code, res.Body)
		}
		res.JSON(t, &out)
		if out.Created != 8000 {
			t.Errorf("created %d, want 8000", out.Created)
		}
		if got := deputyCount(t, e, "haishu"); got != 8000 {
			t.Errorf("haishu has %d deputies, want 8000", got)
		}
		var one api.PageJSON[api.DeputyJSON]
		e.Do(http.MethodGet, "/api/v1/t/haishu/deputies?q=代表00007", admin, nil).JSON(t, &one)
		if len(one.Items) != 1 || one.Items[0].Gender != "female" || one.Items[0].Level != "district" || one.Items[0].Term != "第十六届" ||
			one.Items[0].Status != "active" || one.Items[0].Phone != "139****0007" {
			t.Errorf("row 9 imported as %+v", one.Items)
		}
		var audit api.PageJSON[api.AuditEntryJSON]
		e.Do(http.MethodGet, "/api/v1/t/haishu/audit?limit=5", admin, nil).JSON(t, &audit)
		if len(audit.Items) == 0 || audit.Items[0].Action != "deputy.import" || !strings.Contains(string(audit.Items[0].After), `"count":8000`) {
			t.Errorf("latest audit entry: %+v, want deputy.import of 8000", audit.Items[:min(1, len(audit.Items))])
		}
		if res := e.Do(http.MethodGet, "/api/v1/t/haishu/audit/verify", admin, nil); res.Code != http.StatusOK || !strings.Contains(string(res.Body), `"ok":true`) {
			t.Errorf("audit chain after the import: %d %s", res.Code, res.Body)
		}

		// The same file again: every row is already on the roll.
		start = time.Now()
		res = importFile(e, "haishu", admin, file, "en")
		t.Logf("8,000 rows refused in %v", time.Since(start))
		p := problemOf(t, res)
		if res.Code != http.StatusBadRequest || p.Code != "import.invalid" || p.Detail != "8000 rows of the file have problems; no deputy was imported. Fix the rows marked and import again." {
			t.Errorf("second import: %d %+v", res.Code, p)
		}
		if len(p.Errors) != 500 || p.Errors[0].Pointer != "#/rows/2/name" || p.Errors[0].Code != "deputy.duplicate_existing" {
			t.Errorf("second import: %d problems, first %+v; want 500, row 2 already on the roll", len(p.Errors), p.Errors[:min(1, len(p.Errors))])
		}
		if got := deputyCount(t, e, "haishu"); got != 8000 {
			t.Errorf("after the second import haishu has %d deputies, want 8000", got)
		}
	})
}

func TestImportDeputiesBadFiles(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *apitest.Env) {
		admin := e.Tokens["jiangbei/tenant_admin"]
		e.Do(http.MethodPost, "/api/v1/t/jiangbei/deputies", admin, map[string]any{"name": "张伟", "level": "district", "term": "第十六届", "constituency": "第1选区"})
		type problem struct{ pointer, code string }
		for _, c := range []struct {
			name     string
			body     []byte
			status   int
			code     string
			detail   string // in English
			problems []problem
		}{
			{name: "not a spreadsheet", body: []byte("姓名,层级\n张三,区县\n"), status: 400, code: "import.not_xlsx",
				detail: "The file cannot be read: upload an Excel .xlsx file (Excel 2007 or later; the import template is one)."},
			{name: "a zip that is no workbook", body: []byte("PK\x03\x04 broken"), status: 400, code: "import.not_xlsx"},
			{name: "empty body", body: nil, status: 400, code: "import.not_xlsx"},
			{name: "over 2 MB", body: append([]byte("PK\x03\x04"), make([]byte, 2<<20)...), status: 413, code: "import.too_large",
				detail: "The file must be at most 2 MB."},
			{name: "wrong headers", body: workbook(t, [][]any{{"名字", "层级", "备注"}, {"张三", "区县", "x"}}), status: 400, code: "import.bad_headers",
				problems: []problem{{"#/header/A", "import.unknown_column"}, {"#/header/C", "import.unknown_column"}, {"#/header", "import.missing_column"}}},
			{name: "a column twice", body: workbook(t, [][]any{{"姓名", "层级", "name"}, {"张三", "区县", "x"}}), status: 400, code: "import.bad_headers",
				problems: []problem{{"#/header/C", "import.duplicate_column"}}},
			{name: "no rows", body: workbook(t, [][]any{importHeader, {}, {" "}}), status: 400, code: "import.empty"},
			{name: "bad rows", body: workbook(t, [][]any{
				{"姓名", "层级", "性别", "手机号码", "届次", "选区", "状态", "电子邮箱"},
				{"王芳", "区县", "女", "13800000000", "第十六届", "第3选区"},
				{"", "区县"},                           // row 3: no name
				{"刘洋", "省", "男"},                     // row 4: unknown level
				{"陈静", "区县", "未知", "12ab"},           // row 5: gender, phone
				{"王芳", "区县", "", "", "第十六届", "第3选区"}, // row 6: repeats row 2
				{"张伟", "区县", "", "", "第十六届", "第1选区"}, // row 7: already on the roll
				{}, // row 8: blank, skipped
				{"赵敏", "乡镇", "", "", "", "", "离任", "not-an-email"}, // row 9: status, email
				{"李红", "区县", "女", "", "第十六届", "第2选区"},              // row 10: good
				{"周强", "市", "", "", "", "", "", "", "多出的一格"},       // row 11: a cell under no header
			}), status: 400, code: "import.invalid", detail: "7 rows of the file have problems; no deputy was imported. Fix the rows marked and import again.",
				problems: []problem{
					{"#/rows/3/name", "field.required"}, {"#/rows/4/level", "import.value"}, {"#/rows/5/gender", "import.value"},
					{"#/rows/5/phone", "deputy.phone_invalid"}, {"#/rows/6/name", "deputy.duplicate_in_batch"},
					{"#/rows/7/name", "deputy.duplicate_existing"}, {"#/rows/9/status", "import.value"}, {"#/rows/9/email", "deputy.email_invalid"},
					{"#/rows/11/I", "import.extra_cell"},
				}},
		} {
			t.Run(c.name, func(t *testing.T) {
				for _, lang := range []string{"zh-CN", "en"} {
					res := importFile(e, "jiangbei", admin, c.body, lang)
					p := problemOf(t, res)
					if res.Code != c.status || p.Code != c.code {
						t.Fatalf("%s: %d %s, want %d %s (%s)", lang, res.Code, p.Code, c.status, c.code, res.Body)
					}
					if lang == "en" && c.detail != "" && p.Detail != c.detail {
						t.Errorf("detail %q, want %q", p.Detail, c.detail)
					}
					if lang == "zh-CN" && !strings.ContainsFunc(p.Detail, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
						t.Errorf("zh-CN detail %q has no Chinese", p.Detail)
					}
					var got []problem
					for _, f := range p.Errors {
						got = append(got, problem{f.Pointer, f.Code})
						if f.Detail == "" {
							t.Errorf("%s: problem %s has no detail", lang, f.Pointer)
						}
					}
					if c.problems != nil && fmt.Sprint(got) != fmt.Sprint(c.problems) {
						t.Errorf("%s: problems\n %v\nwant\n %v", lang, got, c.problems)
					}
				}
			})
		}
		if got := deputyCount(t, e, "jiangbei"); got != 1 {
			t.Errorf("jiangbei has %d deputies after the bad files, want the 1 it had", got)
		}
		// The good row alone goes in, with the English words for values.
		res := importFile(e, "jiangbei", admin, workbook(t, [][]any{{"name", "level", "gender", "status"}, {"李红", "district", "female", "suspended"}}), "en")
		if res.Code != http.StatusCreated {
			t.Fatalf("English headers: %d %s", res.Code, res.Body)
		}
	})
}

// TestImportDeputiesAccess: the template and the import need deputies:write
// in the congress itself; the city above may not import into a district,
// nor a sibling.
func TestImportDeputiesAccess(t *testing.T) {
	e := apitest.New(t, "sqlite")
	file := workbook(t, importRoll(3))
	for _, c := range []struct {
		token string
		want  int
	}{
		{"jiangbei/tenant_admin", http.StatusForbidden},
		{"ningbo/tenant_admin", http.StatusForbidden},
		{"ningbo/platform_admin", http.StatusForbidden},
		{"haishu/deputy", http.StatusForbidden},
		{"", http.StatusUnauthorized},
		{"haishu/tenant_admin", http.StatusCreated},
	} {
		if res := importFile(e, "haishu", e.Tokens[c.token], file, "zh-CN"); res.Code != c.want {
			t.Errorf("import into haishu as %q: %d, want %d (%s)", c.token, res.Code, c.want, res.Body)
		}
	}
	if got := deputyCount(t, e, "jiangbei"); got != 0 { // nothing yet
		t.Errorf("jiangbei has %d deputies, want 0", got)
	}
	// Another congress's roll is no duplicate: jiangbei imports the same file.
	if res := importFile(e, "jiangbei", e.Tokens["jiangbei/tenant_admin"], file, "zh-CN"); res.Code != http.StatusCreated {
		t.Errorf("the same file into jiangbei: %d %s", res.Code, res.Body)
	}
	if got := deputyCount(t, e, "haishu"); got != 3 {
		t.Errorf("haishu has %d deputies, want 3", got)
	}
	res := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies/import-template", e.Tokens["haishu/tenant_admin"], nil)
	if res.Code != http.StatusOK || res.Header.Get("Content-Type") != xlsxType {
		t.Fatalf("template: %d %s", res.Code, res.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(string(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) != 1 || strings.Join(rows[0], ",") != "姓名*,性别,层级*,代表团,选区,届次,职业,手机号码,电子邮箱,状态" {
		t.Errorf("template header: %v %v", rows, err)
	}
	// The template filled in is accepted as it is.
	filled := [][]any{{}}
	for _, h := range rows[0] {
		filled[0] = append(filled[0], h)
	}
	filled = append(filled, []any{"孙立", "男", "乡镇", "鼓楼街道代表团", "第9选区", "第十六届", "教师", "0574-87000000", "sunli@example.cn", "在任"})
	if res := importFile(e, "haishu", e.Tokens["haishu/tenant_admin"], workbook(t, filled), "zh-CN"); res.Code != http.StatusCreated {
		t.Errorf("the filled template: %d %s", res.Code, res.Body)
	}
	if res := e.Do(http.MethodGet, "/api/v1/t/haishu/deputies/import-template", e.Tokens["jiangbei/tenant_admin"], nil); res.Code != http.StatusForbidden {
		t.Errorf("template of haishu as jiangbei's admin: %d, want 403", res.Code)
	}
}
