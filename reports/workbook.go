package reports

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the workbook, in order.
const (
	SheetRisks     = "Risks"
	SheetDiagnosed = "Diagnosed"
	SheetSummary   = "Summary"
	SheetQuality   = "Model quality"
	SheetRejected  = "Rejected inputs"
	SheetAudit     = "Audit"
)

// Sheets lists the workbook's sheets in order.
var Sheets = []string{
	SheetRisks, SheetDiagnosed, SheetSummary, SheetQuality, SheetRejected, SheetAudit,
}

// maxSimilar bounds the similar-patient columns of the Risks sheet.
const maxSimilar = 5

// book is one workbook being written.
type book struct {
	f    *excelize.File
	run  *Run
	st   styles
	outs []Output // outputs written before the workbook, for the Audit sheet
	cut  int      // cells cut to Excel's limit
	row  []any    // reused by riskRow
}

// writeWorkbook writes report.xlsx for a normalized run to w.
// It returns the number of cells cut to Excel's limit.
//
// Streamed rows beyond 16 MB spill to temporary files in tmpDir ("" means
// the system's), removed before writeWorkbook returns.
func writeWorkbook(ctx context.Context, w io.Writer, run *Run, outs []Output,
	tmpDir string) (int, error) {
	f := excelize.NewFile(excelize.Options{TmpDir: tmpDir})
	defer f.Close()
	// excelize builds the archive in a buffer of its own and then copies
	// it to w; the stable zip writer writes to w directly instead, so the
	// buffer stays empty and the archive is held in memory only once.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return newStableZip(w) })
	b := &book{f: f, run: run, outs: outs}
	if err := b.prepare(); err != nil {
		return 0, fmt.Errorf("reports: workbook: %w", err)
	}
	steps := []func(context.Context) error{
		b.risksSheet, b.diagnosedSheet, b.summarySheet, b.qualitySheet,
		b.rejectedSheet, b.auditSheet,
	}
	for _, step := range steps {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		if err := step(ctx); err != nil {
			return 0, fmt.Errorf("reports: workbook: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return 0, fmt.Errorf("reports: workbook: %w", err)
	}
	return b.cut, nil
}

// prepare creates the sheets, styles, page setups and fixed document
// properties.
func (b *book) prepare() error {
	if err := b.f.SetSheetName("Sheet1", Sheets[0]); err != nil {
		return err
	}
	for _, s := range Sheets[1:] {
		if _, err := b.f.NewSheet(s); err != nil {
			return err
		}
	}
	b.f.SetActiveSheet(0)
	if err := b.f.SetDocProps(fixedDocProps); err != nil {
		return err
	}
	if err := b.pageSetups(); err != nil {
		return err
	}
	var err error
	b.st, err = newStyles(b.f, len(b.run.Config.Report.Bands))
	return err
}

// fixedDocProps are the workbook's core properties: no clock, user or host
// enters the file.
var fixedDocProps = &excelize.DocProperties{
	Title:    "clinfuse risk report",
	Subject:  "Diagnosis risk of undiagnosed patients",
	Creator:  "clinfuse",
	Created:  "1980-01-01T00:00:00Z",
	Modified: "1980-01-01T00:00:00Z",
}

func (b *book) pageSetups() error {
	for _, s := range Sheets {
		if err := b.pageSetup(s); err != nil {
			return err
		}
	}
	return nil
}

// pageSetup prints each sheet landscape, one page wide, header repeated.
func (b *book) pageSetup(sheet string) error {
	err := b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: ptr(9), Orientation: ptr("landscape"), FitToWidth: ptr(1), FitToHeight: ptr(0),
	})
	if err != nil {
		return err
	}
	return b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)})
}

func (b *book) similarCount() int {
	return min(max(b.run.Config.Report.Similar, 0), maxSimilar)
}

// risksSheet: one row per undiagnosed patient and target, highest risk
// first, with band colours and a bar on the risk.
func (b *book) risksSheet(ctx context.Context) error {
	rows := b.undiagnosed()
	cols := b.riskColumns(true)
	t := table{sheet: SheetRisks, cols: cols, n: len(rows), header: true,
		row:        func(i int) []any { return b.riskRow(&b.run.Risks[rows[i]], true) },
		freezeCols: 1,
		setup: func(sw *excelize.StreamWriter, last int) error {
			return b.riskFormats(SheetRisks, len(cols), last)
		},
	}
	if len(rows) == 0 {
		t.n, t.row = 1, func(int) []any { return []any{"No undiagnosed patient was scored."} }
	}
	if err := b.printTitles(SheetRisks, b.printedRiskColumns()); err != nil {
		return err
	}
	return b.writeTable(ctx, t)
}

// undiagnosed returns the indexes of undiagnosed rows, highest risk first,
// ties by target and patient id.
func (b *book) undiagnosed() []int {
	var idx []int
	for i, r := range b.run.Risks {
		if r.Status == StatusUndiagnosed {
			idx = append(idx, i)
		}
	}
	rs := b.run.Risks
	slices.SortStableFunc(idx, func(i, j int) int {
		if rs[i].Risk != rs[j].Risk {
			return -cmpFloat(rs[i].Risk, rs[j].Risk)
		}
		return strings.Compare(rs[i].Target, rs[j].Target)
	})
	return idx
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (b *book) riskColumns(similar bool) []column {
	cols := []column{
		{title: "Patient ID", min: 12, max: 44},
		{title: "Target", min: 10, max: 30},
		{title: "Risk", num: b.st.pct, min: 9, max: 9},
		{title: "95% interval", text: b.st.center, min: 14, max: 16},
		{title: "Band", min: 9, max: 16},
		{title: "Age", num: b.st.int, min: 6, max: 6},
		{title: "Sex", text: b.st.center, min: 5, max: 8},
		{title: "Driver of the score", min: 10, max: 20},
		{title: "Data available", min: 12, max: 36},
	}
	if !similar || b.similarCount() == 0 {
		return cols
	}
	cols = append(cols, column{title: "Most similar patients: outcome (similarity)",
		min: 20, max: 64})
	for k := range b.similarCount() {
		cols = append(cols, column{title: fmt.Sprintf("Similar patient %d", k+1),
			min: 12, max: 44})
	}
	return cols
}

// printedRiskColumns is the number of columns of the Risks sheet printed:
// all but the similar patients' ids, which matter on screen only.
func (b *book) printedRiskColumns() int {
	return len(b.riskColumns(false)) + min(b.similarCount(), 1)
}

// riskRow returns the cells of one risk row, in a slice reused by the next
// call.
func (b *book) riskRow(r *Risk, similar bool) []any {
	row := append(b.row[:0],
		r.PatientID, r.Target, r.Risk, intervalText(r.Low, r.High), r.Band,
		ageYears(r.Age), r.Sex, r.Driver, strings.Join(r.Modalities, ", "),
	)
	if similar && b.similarCount() > 0 {
		row = append(row, similarSummary(r.Similar))
		for k := range b.similarCount() {
			var id any
			if k < len(r.Similar) {
				id = r.Similar[k].PatientID
			}
			row = append(row, id)
		}
	}
	b.row = row
	return row
}

// similarSummary lists the similar patients' outcomes and similarities,
// most similar first: "diagnosed (0.92), undiagnosed (0.90)".
func similarSummary(sim []Similar) any {
	if len(sim) == 0 {
		return nil
	}
	parts := make([]string, len(sim))
	for k, s := range sim {
		parts[k] = s.Outcome + " (" + fixed(s.Similarity, 2) + ")"
	}
	return strings.Join(parts, ", ")
}

// intervalText renders a 95% interval as percentages, e.g. "21.0–48.3%".
func intervalText(lo, hi float64) string {
	return fixed(lo*100, 1) + "–" + fixed(hi*100, 1) + "%"
}

func fixed(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }

// ageYears returns completed years, or nil when the age is unknown.
func ageYears(a float64) any {
	if math.IsNaN(a) || math.IsInf(a, 0) || a < 0 {
		return nil
	}
	return int64(a)
}

// riskFormats adds the band colours, the risk bar and the filter.
func (b *book) riskFormats(sheet string, ncols, last int) error {
	if last < 2 {
		return nil
	}
	bands := fmt.Sprintf("E2:E%d", last)
	if err := b.f.SetConditionalFormat(sheet, bands, b.bandRules()); err != nil {
		return err
	}
	bar := []excelize.ConditionalFormatOptions{{
		Type: "data_bar", Criteria: "=", MinType: "num", MinValue: "0",
		MaxType: "num", MaxValue: "1", BarColor: colBar,
	}}
	if err := b.f.SetConditionalFormat(sheet, fmt.Sprintf("C2:C%d", last), bar); err != nil {
		return err
	}
	return b.f.AutoFilter(sheet, "A1:"+cellRef(ncols, last), nil)
}

// bandRules colour each band by the numeric risk in column C of the same
// row: the formulas hold numbers only, never configured or input text.
func (b *book) bandRules() []excelize.ConditionalFormatOptions {
	bands := b.run.Config.Report.Bands
	var rules []excelize.ConditionalFormatOptions
	lo := 0.0
	for i, band := range bands {
		expr := fmt.Sprintf("AND($C2>=%s,$C2<%s)", formatFloat(lo), formatFloat(band.Below))
		if i == len(bands)-1 {
			expr = fmt.Sprintf("$C2>=%s", formatFloat(lo))
		}
		rules = append(rules, excelize.ConditionalFormatOptions{
			Type: "formula", Criteria: expr, Format: &b.st.bands[i],
		})
		lo = band.Below
	}
	return rules
}

// printTitles repeats the header row on every printed page and prints the
// first ncols columns (0: all).
func (b *book) printTitles(sheet string, ncols int) error {
	err := b.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: quoteSheet(sheet) + "!$1:$1", Scope: sheet,
	})
	if err != nil || ncols == 0 {
		return err
	}
	col, _ := excelize.ColumnNumberToName(ncols)
	return b.f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Area", RefersTo: quoteSheet(sheet) + "!$A:$" + col, Scope: sheet,
	})
}

// diagnosedSheet lists the patients already carrying a target, by target
// and patient id, for reconciliation with the risks.
func (b *book) diagnosedSheet(ctx context.Context) error {
	var rows []int
	for i, r := range b.run.Risks {
		if r.Status == StatusDiagnosed {
			rows = append(rows, i)
		}
	}
	rs := b.run.Risks
	slices.SortStableFunc(rows, func(i, j int) int {
		return strings.Compare(rs[i].Target, rs[j].Target)
	})
	cols := b.riskColumns(false)
	t := table{sheet: SheetDiagnosed, cols: cols, n: len(rows), header: true,
		row:        func(i int) []any { return b.riskRow(&rs[rows[i]], false) },
		freezeCols: 1,
		setup: func(sw *excelize.StreamWriter, last int) error {
			return b.riskFormats(SheetDiagnosed, len(cols), last)
		},
	}
	if len(rows) == 0 {
		t.n, t.row = 1, func(int) []any { return []any{"No patient carries a target diagnosis."} }
	}
	if err := b.printTitles(SheetDiagnosed, len(cols)); err != nil {
		return err
	}
	return b.writeTable(ctx, t)
}
