package issuesupervision

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/renda-platform/renda/plugins/issuesupervision/workdays"
	"github.com/renda-platform/renda/plugins/scene"
)

// maxExportRows bounds an export, so that the scene's memory and the
// answer (at most scene.MaxMessageBytes) stay bounded; a larger one is
// refused with a problem asking for narrower filters.
const maxExportRows = 10000

// exportColumns are the export's columns: header and width (in Excel's
// characters).
var exportColumns = []struct {
	title scene.Text
	width float64
}{
	{scene.T("编号", "ID"), 26},
	{scene.T("报告时间", "Reported at"), 17},
	{scene.T("类别", "Category"), 12},
	{scene.T("状态", "Status"), 10},
	{scene.T("地址", "Address"), 40},
	{scene.T("代表编号", "Deputy ID"), 26},
	{scene.T("去向", "Destination"), 18},
	{scene.T("处置人员", "Worker"), 14},
	{scene.T("答复期限", "Due at"), 17},
	{scene.T("首次答复时间", "First answered at"), 17},
	{scene.T("是否超期", "Overdue"), 9},
	{scene.T("是否满意", "Satisfied"), 9},
}

// exportTime is how exports write times: minutes, China Standard Time.
const exportTime = "2006-01-02 15:04"

// exportFilter is an export's selection: status and category go to the
// store; from and to (dates in China, inclusive) bound the report time,
// which is not an indexed field, so they are applied while reading.
type exportFilter struct {
	store    []scene.Filter
	from, to time.Time // to is exclusive: the midnight after the last day
}

func parseExportFilter(r *scene.Request) (exportFilter, error) {
	var f exportFilter
	var v scene.Validator
	if st := r.QueryValue("status"); st != "" {
		_, known := stateNames[State(st)]
		v.Check(known, "status", scene.T("不认识的状态。", "Unknown status."))
		f.store = append(f.store, scene.Eq("status", st))
	}
	if c := r.QueryValue("category"); c != "" {
		_, known := category(c)
		v.Check(known, "category", scene.T("不认识的问题类别。", "Unknown category."))
		f.store = append(f.store, scene.Eq("category", c))
	}
	day := func(name string) (time.Time, bool) {
		s := r.QueryValue(name)
		if s == "" {
			return time.Time{}, true
		}
		d, err := workdays.ParseDate(s)
		v.Check(err == nil, name, scene.T("日期格式应为 2006-01-02。", "Dates are written 2006-01-02."))
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, workdays.Location()), err == nil
	}
	from, okFrom := day("from")
	to, okTo := day("to")
	if okFrom && !from.IsZero() {
		f.from = from
	}
	if okTo && !to.IsZero() {
		f.to = to.AddDate(0, 0, 1)
	}
	v.Check(f.from.IsZero() || f.to.IsZero() || f.from.Before(f.to), "to", scene.T("结束日期早于开始日期。", "The end date is before the start date."))
	return f, v.Err()
}

func (f exportFilter) keep(is *Issue) bool {
	return (f.from.IsZero() || !is.CreatedAt.Before(f.from)) && (f.to.IsZero() || is.CreatedAt.Before(f.to))
}

var errExportTooLarge = scene.Invalid(scene.Field("$", scene.T("导出的事项过多，请按状态、类别或日期缩小范围。",
	"Too many issues to export; narrow them by status, category or dates.")))

// exportRows calls row with each selected issue as text cells, oldest
// first, in the caller's language (zh-CN unless en was asked for).
func exportRows(ctx context.Context, r *scene.Request, row func([]string) error) error {
	f, err := parseExportFilter(r)
	if err != nil {
		return err
	}
	en := strings.HasPrefix(r.Locale, "en")
	n := 0
	return eachIssue(ctx, r.Host.Store(), f.store, "created_at", func(id string, is *Issue) error {
		if !f.keep(is) {
			return nil
		}
		if n++; n > maxExportRows {
			return errExportTooLarge
		}
		return row(exportCells(id, is, en))
	})
}

func exportCells(id string, is *Issue, en bool) []string {
	text := func(t scene.Text) string {
		if en {
			return t.EN
		}
		return t.ZH
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(workdays.Location()).Format(exportTime)
	}
	var answered time.Time
	for _, s := range is.Timeline {
		if s.Action == ActAnswer {
			answered = s.At
			break
		}
	}
	cat := is.Category
	if c, ok := category(is.Category); ok {
		cat = text(c.Name)
	}
	status := string(is.State)
	if n, ok := stateNames[is.State]; ok {
		status = text(n)
	}
	overdue := text(scene.T("否", "no"))
	if is.Overdue {
		overdue = text(scene.T("是", "yes"))
	}
	satisfied := ""
	if is.Satisfied != nil {
		satisfied = text(scene.T("不满意", "no"))
		if *is.Satisfied {
			satisfied = text(scene.T("满意", "yes"))
		}
	}
	return []string{id, at(is.CreatedAt), cat, status, is.Address, is.DeputyID, text(destinationName(is.Destination)),
		is.Worker, at(is.DueAt), at(answered), overdue, satisfied}
}

func destinationName(d string) scene.Text {
	if d == "grid" {
		return scene.T("基层治理四平台", "Grassroots governance platform")
	}
	if code, ok := strings.CutPrefix(d, "department:"); ok {
		return scene.T("部门 "+code, "Department "+code)
	}
	return scene.T(d, d)
}

func exportHeader(r *scene.Request) []string {
	out := make([]string, len(exportColumns))
	for i, c := range exportColumns {
		out[i] = c.title.ZH
		if strings.HasPrefix(r.Locale, "en") {
			out[i] = c.title.EN
		}
	}
	return out
}

// attachment answers with a download named issues-<tenant>-<date>.<ext>.
func attachment(r *scene.Request, contentType, ext string, body []byte) (*scene.Response, error) {
	if len(body) > scene.MaxMessageBytes-64<<10 {
		return nil, errExportTooLarge
	}
	slug := strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' {
			return c
		}
		return -1
	}, strings.ToLower(r.Tenant.Slug))
	name := "issues-" + slug + "-" + time.Now().In(workdays.Location()).Format("20060102") + "." + ext
	return &scene.Response{Status: http.StatusOK, Body: body, ContentType: contentType, Headers: map[string]string{
		"Content-Disposition": `attachment; filename="` + name + `"`,
		"Cache-Control":       "no-store",
	}}, nil
}

// exportCSV answers with UTF-8 CSV behind a byte order mark, without
// which Excel reads the Chinese text as the ANSI code page. A cell that
// starts like a formula gets a leading apostrophe, so that a spreadsheet
// shows it instead of running it.
func (sv *service) exportCSV(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(exportHeader(r)); err != nil {
		return nil, err
	}
	err := exportRows(ctx, r, func(cells []string) error {
		for i, c := range cells {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				cells[i] = "'" + c
			}
		}
		return w.Write(cells)
	})
	if err != nil {
		return nil, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return attachment(r, "text/csv; charset=utf-8", "csv", buf.Bytes())
}

// exportXLSX answers with an Excel workbook of one sheet: a bold, frozen
// header row and sized columns. Cells are written as text, never as
// formulas.
func (sv *service) exportXLSX(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "督事事项"
	if strings.HasPrefix(r.Locale, "en") {
		sheet = "Issues"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, c := range exportColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	header := exportHeader(r)
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	row := 1
	err = exportRows(ctx, r, func(values []string) error {
		row++
		ref, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		cells := make([]any, len(values))
		for i, v := range values {
			cells[i] = v
		}
		return sw.SetRow(ref, cells)
	})
	if err != nil {
		return nil, err
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return attachment(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", buf.Bytes())
}
