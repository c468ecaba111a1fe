package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/renda-platform/renda/core"
)

// Importing deputies from an Excel file (district staff enter thousands at
// the start of a term). The file's first sheet holds a header row naming
// the columns (Chinese, as in the template, or the API's English field
// names; in any order) and one deputy per row below. Every row is checked
// before anything is written, and the whole file is added in the request's
// one transaction or not at all: a problem anywhere answers 400 with every
// problem at "/rows/{spreadsheet row}/{field}" and writes nothing. A deputy
// already on the roll or twice in the file (same core.DeputyKey: name,
// term, constituency) is such a problem, so importing a file twice adds
// nobody twice.

// maxImportBytes bounds the uploaded file (8,000 deputies take about
// 400 KB); maxImportUnzipped bounds what it may inflate to.
const (
	maxImportBytes    = 2 << 20
	maxImportUnzipped = 64 << 20
	// maxImportProblems caps errors[] in the answer; the detail still
	// counts every row with a problem.
	maxImportProblems = 500
)

// xlsxType is the media type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// DeputyImportJSON is the answer to an import.
type DeputyImportJSON struct {
	Created int `json:"created"`
}

// importColumn is a column of the import file: the deputy field it fills,
// its header in the template, and the other headers accepted for it.
type importColumn struct {
	field    string
	header   string
	aliases  []string
	required bool
	width    float64
	choices  []importChoice // allowed values, if a closed list
}

// importChoice is one allowed value of a closed list and the words that
// mean it.
type importChoice struct {
	value string
	words []string
}

var importColumns = []importColumn{
	{field: "name", header: "姓名", required: true, width: 12},
	{field: "gender", header: "性别", width: 8, choices: []importChoice{
		{"male", []string{"男"}}, {"female", []string{"女"}}}},
	{field: "level", header: "层级", aliases: []string{"代表层级"}, required: true, width: 10, choices: []importChoice{
		{"city", []string{"市", "市级"}}, {"district", []string{"区县", "区", "县", "区级", "县级", "区县级"}},
		{"township", []string{"乡镇", "乡", "镇", "街道", "乡镇级"}}}},
	{field: "delegation", header: "代表团", width: 18},
	{field: "constituency", header: "选区", width: 18},
	{field: "term", header: "届次", width: 12},
	{field: "occupation", header: "职业", aliases: []string{"工作单位及职务", "工作单位"}, width: 28},
	{field: "phone", header: "手机号码", aliases: []string{"手机", "电话", "联系电话"}, width: 16},
	{field: "email", header: "电子邮箱", aliases: []string{"邮箱"}, width: 24},
	{field: "status", header: "状态", width: 12, choices: []importChoice{
		{"active", []string{"在任"}}, {"suspended", []string{"暂停履职", "暂停"}},
		{"terminated", []string{"终止", "终止代表资格", "届满"}}}},
}

// choiceList is how the allowed values are named in a problem: each value
// in Chinese and English.
func (col importColumn) choiceList() string {
	out := make([]string, len(col.choices))
	for i, c := range col.choices {
		out[i] = c.words[0] + "/" + c.value
	}
	return strings.Join(out, ", ")
}

// parse returns the field value of a cell, or false if it is not one of
// the column's allowed values.
func (col importColumn) parse(cell string) (string, bool) {
	if col.choices == nil || cell == "" {
		return cell, true
	}
	for _, c := range col.choices {
		if strings.EqualFold(cell, c.value) || containsWord(c.words, cell) {
			return c.value, true
		}
	}
	return "", false
}

func containsWord(words []string, s string) bool {
	for _, w := range words {
		if w == s {
			return true
		}
	}
	return false
}

// columnFor finds the column a header names: the template's Chinese header
// (a trailing * marking it required is ignored), an alias, or the field's
// English name.
func columnFor(header string) (int, bool) {
	h := strings.TrimRight(cleanCell(header), "*＊")
	h = strings.TrimSpace(h)
	for i, col := range importColumns {
		if h == col.header || strings.EqualFold(h, col.field) || containsWord(col.aliases, h) {
			return i, true
		}
	}
	return 0, false
}

// cleanCell trims a cell, full-width spaces and the zero-width characters
// pasted text carries included.
func cleanCell(s string) string {
	return strings.Trim(s, " \t\r\n\u3000\u00a0\u200b\ufeff")
}

func (s *Server) deputyImportRoutes() []Route {
	write := Perm(core.ObjDeputies, core.ActWrite)
	return []Route{
		{Method: http.MethodGet, Path: "/t/:tenant/deputies/import-template", Summary: "The Excel template for importing deputies", Tag: "deputies",
			Access: write, RawBody: xlsxType, handler: s.deputyImportTemplate},
		{Method: http.MethodPost, Path: "/t/:tenant/deputies/import",
			Summary: "Import deputies from an Excel file (.xlsx, at most 2 MB and 10,000 rows): all rows or none", Tag: "deputies",
			Access: write, RawBody: xlsxType, Resp: DeputyImportJSON{}, Status: http.StatusCreated, handler: s.importDeputies},
	}
}

// deputyImportTemplate serves the template: the header row on the first
// sheet, drop-down lists for the closed columns, and a second sheet
// explaining each column.
func (s *Server) deputyImportTemplate(c *fiber.Ctx) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet, help = "代表名册", "填写说明"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(help); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"F2F2F2"}, Pattern: 1}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": phone numbers stay text
	if err != nil {
		return err
	}
	helpRows := [][]any{{"列名", "是否必填", "说明 / Notes"}}
	for i, col := range importColumns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		header := col.header
		if col.required {
			header += "*"
		}
		if err := f.SetCellValue(sheet, name+"1", header); err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, name, name, col.width); err != nil {
			return err
		}
		if col.field == "phone" {
			if err := f.SetColStyle(sheet, name, text); err != nil {
				return err
			}
		}
		note := col.field
		if col.choices != nil {
			words := make([]string, len(col.choices))
			for j, ch := range col.choices {
				words[j] = ch.words[0]
			}
			dv := excelize.NewDataValidation(true)
			dv.Sqref = name + "2:" + name + strconv.Itoa(core.MaxDeputyImport+1)
			if err := dv.SetDropList(words); err != nil {
				return err
			}
			if err := f.AddDataValidation(sheet, dv); err != nil {
				return err
			}
			note += "：" + col.choiceList()
		}
		required := "选填 optional"
		if col.required {
			required = "必填 required"
		}
		helpRows = append(helpRows, []any{col.header, required, note})
	}
	helpRows = append(helpRows, []any{}, []any{"第 1 行为表头，从第 2 行起每行一位代表；一次最多 10000 行。姓名、届次、选区都相同的视为同一位代表，不能重复导入。"},
		[]any{"Row 1 is the header, then one deputy per row, at most 10,000. Rows with the same name, term and constituency are one deputy and cannot be imported twice."})
	for i, r := range helpRows {
		if err := f.SetSheetRow(help, "A"+strconv.Itoa(i+1), &r); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(help, "A", "C", 24); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(importColumns))
	if err := f.SetCellStyle(sheet, "A1", last+"1", head); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="deputies-template.xlsx"; filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx`)
	return c.Send(buf.Bytes())
}

// importDeputies reads the file, checks every row and adds them all.
func (s *Server) importDeputies(c *fiber.Ctx) error {
	body := c.Body()
	if len(body) > maxImportBytes {
		return core.Errorf(core.ETOOLARGE, "import.too_large", maxImportBytes>>20)
	}
	imp, problems, err := readDeputyFile(body)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	imp.Source = "xlsx sha256:" + hex.EncodeToString(sum[:])
	n, err := s.svc.Deputies.ImportDeputies(c.UserContext(), imp)
	var ce *core.Error
	switch {
	case err == nil && len(problems) == 0:
		return created(c, DeputyImportJSON{Created: n})
	case err != nil && !errors.As(err, &ce):
		return err
	case ce != nil && ce.Code != core.EINVALID:
		return err
	}
	// Something is wrong: the handler's error rolls the request's
	// transaction back, so even a batch the store accepted (its only
	// problems were cells this file could not read) is not kept.
	if ce != nil && len(ce.Fields) == 0 {
		return ce // the batch as a whole: empty, too many rows
	}
	if ce != nil {
		problems = mergeProblems(problems, ce.Fields)
	}
	return importInvalid(problems)
}

// readDeputyFile reads the deputies of an .xlsx file's first sheet, with
// the problems of cells it could not read as a field value. A file it
// cannot read at all, or whose header is wrong, is an error.
func readDeputyFile(body []byte) (core.DeputyImport, []core.FieldError, error) {
	var imp core.DeputyImport
	if !bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		return imp, nil, core.Errorf(core.EINVALID, "import.not_xlsx")
	}
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{UnzipSizeLimit: maxImportUnzipped, UnzipXMLSizeLimit: maxImportUnzipped})
	if err != nil {
		return imp, nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("import.not_xlsx"), Err: err}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return imp, nil, core.Errorf(core.EINVALID, "import.not_xlsx")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return imp, nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("import.not_xlsx"), Err: err}
	}
	defer rows.Close()
	if !rows.Next() {
		return imp, nil, headerProblem(nil)
	}
	header, err := rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return imp, nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("import.not_xlsx"), Err: err}
	}
	cols, err := readHeader(header)
	if err != nil {
		return imp, nil, err
	}
	var problems []core.FieldError
	for line := 2; rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return imp, nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("import.not_xlsx"), Err: err}
		}
		in, blank, bad := readDeputyRow(cells, cols, line)
		if blank {
			continue
		}
		if len(imp.Deputies) == core.MaxDeputyImport {
			return imp, nil, core.Errorf(core.EINVALID, "import.too_many_rows", core.MaxDeputyImport)
		}
		imp.Deputies = append(imp.Deputies, in)
		imp.Rows = append(imp.Rows, line)
		problems = append(problems, bad...)
	}
	if err := rows.Error(); err != nil {
		return imp, nil, &core.Error{Code: core.EINVALID, Msg: core.Msg("import.not_xlsx"), Err: err}
	}
	return imp, problems, nil
}

// readHeader maps each column of the file to an import column (-1: an
// empty header).
func readHeader(header []string) ([]int, error) {
	cols := make([]int, len(header))
	var problems []core.FieldError
	seen := map[int]bool{}
	for i, h := range header {
		name, _ := excelize.ColumnNumberToName(i + 1)
		cols[i] = -1
		if cleanCell(h) == "" {
			continue
		}
		j, ok := columnFor(h)
		switch {
		case !ok:
			problems = append(problems, core.FieldError{Path: "header." + name, Msg: core.Msg("import.unknown_column", cleanCell(h))})
		case seen[j]:
			problems = append(problems, core.FieldError{Path: "header." + name, Msg: core.Msg("import.duplicate_column", cleanCell(h))})
		default:
			seen[j], cols[i] = true, j
		}
	}
	for j, col := range importColumns {
		if col.required && !seen[j] {
			problems = append(problems, core.FieldError{Path: "header", Msg: core.Msg("import.missing_column", col.header)})
		}
	}
	if len(problems) > 0 || len(seen) == 0 {
		return nil, headerProblem(problems)
	}
	return cols, nil
}

func headerProblem(fields []core.FieldError) error {
	return &core.Error{Code: core.EINVALID, Msg: core.Msg("import.bad_headers"), Fields: fields}
}

// readDeputyRow reads one row: the deputy, whether the row is empty, and
// the cells that are not a value of their column. A cell that could not be
// read is given a value the store refuses, so such a row is never written
// whatever else happens.
func readDeputyRow(cells []string, cols []int, line int) (core.DeputyInput, bool, []core.FieldError) {
	values := map[string]string{}
	blank := true
	var bad []core.FieldError
	at := "rows[" + strconv.Itoa(line) + "]"
	for i, raw := range cells {
		v := cleanCell(raw)
		if v == "" {
			continue
		}
		blank = false
		if i >= len(cols) || cols[i] < 0 {
			name, _ := excelize.ColumnNumberToName(i + 1)
			bad = append(bad, core.FieldError{Path: at + "." + name, Msg: core.Msg("import.extra_cell")})
			continue
		}
		col := importColumns[cols[i]]
		parsed, ok := col.parse(v)
		if !ok {
			bad = append(bad, core.FieldError{Path: at + "." + col.field, Msg: core.Msg("import.value", v, col.choiceList())})
			parsed = "\x00" + v // refused by DeputyInput.Validate
		}
		values[col.field] = parsed
	}
	in := DeputyInputJSON{Name: values["name"], Gender: values["gender"], Level: values["level"], Delegation: values["delegation"],
		Constituency: values["constituency"], Term: values["term"], Occupation: values["occupation"], Phone: values["phone"],
		Email: values["email"], Status: values["status"]}
	return in.toCore(), blank, bad
}

// mergeProblems adds the store's problems to the file's, keeping only the
// file's where both name one cell (its message says what the cell held).
func mergeProblems(file, store []core.FieldError) []core.FieldError {
	seen := map[string]bool{}
	for _, p := range file {
		seen[p.Path] = true
	}
	for _, p := range store {
		if !seen[p.Path] {
			file = append(file, p)
		}
	}
	return file
}

// importInvalid is the answer to a file with problems: how many rows have
// one, and the problems in row order (at most maxImportProblems).
func importInvalid(problems []core.FieldError) error {
	rowOf := func(path string) int {
		n, _ := strconv.Atoi(strings.TrimPrefix(strings.SplitN(path, "]", 2)[0], "rows["))
		return n
	}
	sort.SliceStable(problems, func(i, j int) bool { return rowOf(problems[i].Path) < rowOf(problems[j].Path) })
	rows := map[int]bool{}
	for _, p := range problems {
		rows[rowOf(p.Path)] = true
	}
	if len(problems) > maxImportProblems {
		problems = problems[:maxImportProblems]
	}
	return &core.Error{Code: core.EINVALID, Msg: core.Msg("import.invalid", len(rows)), Fields: problems}
}
