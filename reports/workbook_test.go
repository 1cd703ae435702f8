package reports

import (
	"archive/zip"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// hostileRun writes a run carrying hostile text and returns its folder.
func hostileRun(t *testing.T) (*Run, string, *Manifest) {
	t.Helper()
	r := testRun(60, 11).withHostile()
	dir, m := writeRun(t, r)
	n, err := normalize(r)
	if err != nil {
		t.Fatal(err)
	}
	return n, dir, m
}

func countStatus(r *Run, status string) int {
	n := 0
	for _, k := range r.Risks {
		if k.Status == status {
			n++
		}
	}
	return n
}

// wantCells lists the cleaned hostile texts the Risks sheet must show.
func wantCells() []string {
	var out []string
	for _, h := range hostile {
		s, _ := cellText(h)
		out = append(out, s)
	}
	return out
}

func TestWorkbookWithExcelize(t *testing.T) {
	r, dir, _ := hostileRun(t)
	f, err := excelize.OpenFile(filepath.Join(dir, NameWorkbook))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, Sheets) {
		t.Fatalf("sheets %v, want %v", got, Sheets)
	}
	for _, sheet := range Sheets {
		assertInert(t, f, sheet)
	}
	rows, err := f.GetRows(SheetRisks, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != countStatus(r, StatusUndiagnosed)+1 {
		t.Errorf("Risks has %d rows, want %d", len(rows), countStatus(r, StatusUndiagnosed)+1)
	}
	assertRisksSorted(t, rows)
	ids := make([]string, len(rows))
	for i, row := range rows {
		ids[i] = row[0]
	}
	for _, want := range wantCells() {
		if !slices.Contains(ids, want) {
			t.Errorf("Risks lacks the cleaned hostile id %.40q", want)
		}
	}
	panes, err := f.GetPanes(SheetRisks)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("Risks header not frozen: %+v %v", panes, err)
	}
}

// assertInert checks that no cell of a sheet is a formula and no text
// holds a control character.
func assertInert(t *testing.T, f *excelize.File, sheet string) {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		for j, v := range row {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if fx, _ := f.GetCellFormula(sheet, ref); fx != "" {
				t.Errorf("%s!%s holds formula %.40q", sheet, ref, fx)
			}
			if strings.ContainsFunc(v, unicode.IsControl) {
				t.Errorf("%s!%s holds a control character: %.40q", sheet, ref, v)
			}
		}
	}
}

func assertRisksSorted(t *testing.T, rows [][]string) {
	t.Helper()
	prev := 2.0
	for i, row := range rows[1:] {
		var v float64
		if err := json.Unmarshal([]byte(row[2]), &v); err != nil {
			t.Fatalf("Risks row %d: risk %q is not a number", i+2, row[2])
		}
		if v > prev {
			t.Fatalf("Risks row %d: risk %v above the row before (%v)", i+2, v, prev)
		}
		prev = v
	}
}

func TestWorkbookHasCharts(t *testing.T) {
	_, dir, _ := hostileRun(t)
	z, err := zip.OpenReader(filepath.Join(dir, NameWorkbook))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var charts []string
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "xl/charts/chart") {
			charts = append(charts, f.Name)
		}
		if !f.Modified.Equal(zipEpoch) {
			t.Errorf("part %s stamped %v, want the fixed epoch", f.Name, f.Modified)
		}
	}
	if len(charts) != 2 {
		t.Errorf("workbook has charts %v, want the distribution and the calibration curve", charts)
	}
}

// openpyxlDump is what testdata/check_workbook.py prints.
type openpyxlDump struct {
	Active, Creator, Created string
	Sheets                   []struct {
		Title, Freeze, Filter string
		Conditional           []string
		Rows                  [][][3]any
	}
}

func readWithOpenpyxl(t *testing.T, name string) openpyxlDump {
	t.Helper()
	out, err := exec.Command("/usr/bin/python3", "testdata/check_workbook.py", name).Output()
	if err != nil {
		t.Fatalf("openpyxl could not read the workbook (needs Debian's python3-openpyxl): %v", err)
	}
	var d openpyxlDump
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWorkbookWithOpenpyxl(t *testing.T) {
	r, dir, m := hostileRun(t)
	d := readWithOpenpyxl(t, filepath.Join(dir, NameWorkbook))
	if d.Active != SheetRisks || d.Creator != "clinfuse" ||
		!strings.HasPrefix(d.Created, "1980-01-01") {
		t.Errorf("active %q, creator %q, created %q", d.Active, d.Creator, d.Created)
	}
	if len(d.Sheets) != len(Sheets) {
		t.Fatalf("openpyxl sees %d sheets, want %d", len(d.Sheets), len(Sheets))
	}
	text := map[string][]string{}
	for i, s := range d.Sheets {
		if s.Title != Sheets[i] {
			t.Errorf("sheet %d is %q, want %q", i, s.Title, Sheets[i])
		}
		text[s.Title] = sheetText(t, s.Title, s.Rows)
	}
	risks, diag, rej := d.Sheets[0], d.Sheets[1], d.Sheets[4]
	checkTable(t, risks.Title, risks.Freeze, "B2", risks.Filter, len(risks.Rows),
		countStatus(r, StatusUndiagnosed))
	checkTable(t, diag.Title, diag.Freeze, "B2", diag.Filter, len(diag.Rows),
		countStatus(r, StatusDiagnosed))
	checkTable(t, rej.Title, rej.Freeze, "A2", rej.Filter, len(rej.Rows), len(r.Rejections))
	if !slices.Contains(risks.Conditional, "E2:E"+itoa(len(risks.Rows))) {
		t.Errorf("Risks band colours missing: %v", risks.Conditional)
	}
	if f := risks.Rows[1][2][2]; f != "0.0%" {
		t.Errorf("risk number format %v, want 0.0%%", f)
	}
	for _, want := range wantCells() {
		inRisks := slices.Contains(text[SheetRisks], want)
		if !inRisks || !slices.Contains(text[SheetRejected], want) {
			t.Errorf("hostile text %.40q not kept as text", want)
		}
	}
	audit := text[SheetAudit]
	for _, want := range []string{r.RunID, r.ConfigDigest, r.ModelDigest, m.Outputs[0].SHA256,
		m.Outputs[5].SHA256, r.Inputs[0].SHA256} {
		if !slices.Contains(audit, want) {
			t.Errorf("Audit lacks %q", want)
		}
	}
	checkSummary(t, r, d.Sheets[2].Rows)
	checkQuality(t, text[SheetQuality])
}

// sheetText returns a sheet's text cells, failing on any cell that is not
// a plain string, number or empty.
func sheetText(t *testing.T, title string, rows [][][3]any) []string {
	var out []string
	for i, row := range rows {
		for j, c := range row {
			typ, _ := c[0].(string)
			if typ != "s" && typ != "n" {
				t.Errorf("%s row %d col %d has type %q (%.40v)", title, i+1, j+1, typ, c[1])
			}
			if s, ok := c[1].(string); ok {
				out = append(out, unescapeXstring(s))
			}
		}
	}
	return out
}

func checkTable(t *testing.T, title, freeze, wantFreeze, filter string, rows, want int) {
	t.Helper()
	want = max(want, 1) + 1 // header, and a sentence when there is no row
	if rows != want {
		t.Errorf("%s has %d rows, want %d", title, rows, want)
	}
	if freeze != wantFreeze || !strings.HasPrefix(filter, "$A$1:") ||
		!strings.HasSuffix(filter, "$"+itoa(want)) {
		t.Errorf("%s: frozen at %q, filter %q", title, freeze, filter)
	}
}

// checkSummary wants the band counts of each target to add up to its
// undiagnosed count.
func checkSummary(t *testing.T, r *Run, rows [][][3]any) {
	t.Helper()
	found := 0
	for _, row := range rows {
		name, _ := row[0][1].(string)
		if !r.hasTarget(name) {
			continue
		}
		nb := len(r.Config.Report.Bands)
		if len(row) < nb+2 {
			continue
		}
		sum := 0.0
		for _, c := range row[1 : nb+1] {
			v, _ := c[1].(float64)
			sum += v
		}
		if und, _ := row[nb+1][1].(float64); und == sum && und > 0 {
			found++
		}
	}
	if found != len(r.Config.Targets) {
		t.Errorf("Summary band counts add up for %d targets, want %d",
			found, len(r.Config.Targets))
	}
}

func checkQuality(t *testing.T, text []string) {
	t.Helper()
	for _, want := range []string{"AUROC", "0.770–0.850", "yes", hostile[0]} {
		if !slices.Contains(text, want) {
			t.Errorf("Model quality lacks %q", want)
		}
	}
}

// xstringEscape matches the _xHHHH_ escapes of OOXML strings (ECMA-376
// Part 1, 22.9.2.19 ST_Xstring).
var xstringEscape = regexp.MustCompile(`_x[0-9A-Fa-f]{4}_`)

// unescapeXstring undoes the _xHHHH_ escapes, as Excel, LibreOffice and
// excelize do when reading; openpyxl leaves them in inline strings.
func unescapeXstring(s string) string {
	return xstringEscape.ReplaceAllStringFunc(s, func(m string) string {
		r, _ := strconv.ParseUint(m[2:6], 16, 32)
		return string(rune(r))
	})
}
