package reports

import (
	"context"
	"fmt"
	"strings"

	"github.com/clinfuse/clinfuse/schemas"
	"github.com/xuri/excelize/v2"
)

// cursor writes rows of a small (not streamed) sheet one after another.
type cursor struct {
	b     *book
	sheet string
	row   int
}

// put writes one row at the cursor and moves down. Values are converted as
// in streamed tables: strings become cleaned text, never formulas.
func (c *cursor) put(num int, vals ...any) error {
	c.row++
	for j, v := range vals {
		ref, _ := excelize.CoordinatesToCellName(j+1, c.row)
		if err := c.set(ref, c.b.cell(v, column{num: num})); err != nil {
			return err
		}
	}
	return nil
}

func (c *cursor) set(ref string, v any) error {
	cell, ok := v.(excelize.Cell)
	if !ok {
		return nil
	}
	f := c.b.f
	var err error
	switch x := cell.Value.(type) {
	case string:
		err = f.SetCellStr(c.sheet, ref, x)
	case float64:
		err = f.SetCellFloat(c.sheet, ref, x, -1, 64)
	default:
		err = f.SetCellValue(c.sheet, ref, x)
	}
	if err != nil || cell.StyleID == 0 {
		return err
	}
	return f.SetCellStyle(c.sheet, ref, ref, cell.StyleID)
}

func (c *cursor) skip() { c.row++ }

// header writes a row of column titles.
func (c *cursor) header(titles ...string) error {
	vals := make([]any, len(titles))
	for j, t := range titles {
		vals[j] = styled{t, c.b.st.header}
	}
	if err := c.put(0, vals...); err != nil {
		return err
	}
	return c.b.f.SetRowHeight(c.sheet, c.row, 30)
}

// section writes a bold section title.
func (c *cursor) section(title string) error {
	c.skip()
	return c.put(0, styled{title, c.b.st.bold})
}

// summarySheet: counts per band and target, data completeness, the risk
// distribution and the calibration curve, with charts beside the tables.
func (b *book) summarySheet(context.Context) error {
	c := &cursor{b: b, sheet: SheetSummary}
	if err := b.summaryHead(c); err != nil {
		return err
	}
	steps := []func(*cursor) error{b.bandCounts, b.completeness, b.distribution, b.calibration}
	for _, step := range steps {
		if err := step(c); err != nil {
			return err
		}
	}
	if err := b.f.SetColWidth(SheetSummary, "A", "A", 34); err != nil {
		return err
	}
	return b.f.SetColWidth(SheetSummary, "B", "G", 14)
}

func (b *book) summaryHead(c *cursor) error {
	r := b.run
	if err := c.put(0, styled{"clinfuse risk report: summary", b.st.title}); err != nil {
		return err
	}
	line := fmt.Sprintf("Run %s, config %.12s, seed %d, model head %s", r.RunID,
		r.ConfigDigest, r.Seed, r.Config.Model.Head)
	if r.Config.AsOf != "" {
		line += ", as of " + r.Config.AsOf
	}
	return c.put(0, styled{line, b.st.note})
}

// bandCounts writes undiagnosed patients per band and target.
func (b *book) bandCounts(c *cursor) error {
	cfg := b.run.Config
	if err := c.section("Undiagnosed patients per risk band"); err != nil {
		return err
	}
	titles := []string{"Target"}
	for _, band := range bandRanges(cfg.Report.Bands) {
		titles = append(titles, band)
	}
	if err := c.header(append(titles, "Undiagnosed", "Diagnosed")...); err != nil {
		return err
	}
	for _, t := range cfg.Targets {
		counts, und, diag := b.countBands(t.Name)
		vals := []any{t.Name}
		for _, n := range counts {
			vals = append(vals, int64(n))
		}
		if err := c.put(b.st.int, append(vals, int64(und), int64(diag))...); err != nil {
			return err
		}
	}
	return nil
}

// bandRanges describes each band with its range, e.g. "medium (20–50%)".
func bandRanges(bands []schemas.Band) []string {
	out := make([]string, len(bands))
	lo := 0.0
	for i, band := range bands {
		if i == len(bands)-1 {
			out[i] = fmt.Sprintf("%s (≥%s%%)", band.Name, fixed(lo*100, 0))
		} else {
			out[i] = fmt.Sprintf("%s (%s–%s%%)", band.Name, fixed(lo*100, 0), fixed(band.Below*100, 0))
		}
		lo = band.Below
	}
	return out
}

func (b *book) countBands(target string) (counts []int, und, diag int) {
	bands := b.run.Config.Report.Bands
	counts = make([]int, len(bands))
	for _, r := range b.run.Risks {
		if r.Target != target {
			continue
		}
		if r.Status == StatusDiagnosed {
			diag++
			continue
		}
		und++
		for i, band := range bands {
			if band.Name == r.Band {
				counts[i]++
				break
			}
		}
	}
	return counts, und, diag
}

func (b *book) completeness(c *cursor) error {
	if err := c.section("Data completeness (patients with each kind of data)"); err != nil {
		return err
	}
	if err := c.header("Data", "Patients", "With data", "Share"); err != nil {
		return err
	}
	for _, m := range b.run.Completeness {
		share := 0.0
		if m.Patients > 0 {
			share = float64(m.Present) / float64(m.Patients)
		}
		err := c.put(b.st.int, m.Modality, int64(m.Patients), int64(m.Present), styled{share, b.st.pct})
		if err != nil {
			return err
		}
	}
	return nil
}

// histBins is the number of risk ranges of the distribution chart.
const histBins = 10

// distribution writes undiagnosed patients per risk decile and target, and
// a column chart of it.
func (b *book) distribution(c *cursor) error {
	if err := c.section("Risk distribution of undiagnosed patients"); err != nil {
		return err
	}
	targets := b.run.Config.Targets
	titles := []string{"Risk range"}
	for _, t := range targets {
		titles = append(titles, t.Name)
	}
	if err := c.header(titles...); err != nil {
		return err
	}
	head := c.row
	counts := b.histogram()
	for k := range histBins {
		vals := []any{fmt.Sprintf("%d–%d%%", k*100/histBins, (k+1)*100/histBins)}
		for i := range targets {
			vals = append(vals, int64(counts[i][k]))
		}
		if err := c.put(b.st.int, vals...); err != nil {
			return err
		}
	}
	return b.histogramChart(head, len(targets))
}

// histogram counts undiagnosed risks per target (config order) and bin.
func (b *book) histogram() [][]int {
	targets := b.run.Config.Targets
	counts := make([][]int, len(targets))
	for i := range counts {
		counts[i] = make([]int, histBins)
	}
	for _, r := range b.run.Risks {
		if r.Status != StatusUndiagnosed {
			continue
		}
		for i, t := range targets {
			if t.Name == r.Target {
				counts[i][min(int(r.Risk*histBins), histBins-1)]++
			}
		}
	}
	return counts
}

func (b *book) histogramChart(head, ntargets int) error {
	var series []excelize.ChartSeries
	for i := range ntargets {
		col, _ := excelize.ColumnNumberToName(i + 2)
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$%d", quoteSheet(SheetSummary), col, head),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", quoteSheet(SheetSummary), head+1, head+histBins),
			Values: fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(SheetSummary), col, head+1,
				col, head+histBins),
		})
	}
	return b.f.AddChart(SheetSummary, "H3", &excelize.Chart{
		Type:   excelize.Col,
		Series: series,
		Title:  chartTitle("Risk distribution (undiagnosed patients)"),
		Legend: excelize.ChartLegend{Position: "bottom"},
		XAxis:  excelize.ChartAxis{Title: chartTitle("Predicted risk"), Font: axisFont},
		YAxis: excelize.ChartAxis{Title: chartTitle("Patients"), MajorGridLines: true,
			Font: axisFont},
		Dimension: excelize.ChartDimension{Width: 560, Height: 300},
	})
}

// axisFont makes tick labels dark enough to read when printed.
var axisFont = excelize.Font{Color: "404040", Size: 9}

func chartTitle(s string) excelize.ChartTitle {
	return excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s}}}
}

func quoteSheet(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// calibration writes the calibration points per target and a scatter chart
// with the diagonal of perfect calibration.
func (b *book) calibration(c *cursor) error {
	if err := c.section("Calibration on validation data"); err != nil {
		return err
	}
	pts := b.run.Calibration
	if len(pts) == 0 {
		return c.put(0, styled{"No validation data: no calibration curve.", b.st.note})
	}
	if err := c.header("Target", "Mean predicted risk", "Observed rate", "Patients"); err != nil {
		return err
	}
	first := c.row + 1
	for _, p := range pts {
		err := c.put(b.st.pct, p.Target, p.Predicted, p.Observed, styled{int64(p.Count), b.st.int})
		if err != nil {
			return err
		}
	}
	if err := c.put(0, styled{"Perfect calibration", b.st.note}, styled{0.0, b.st.pct},
		styled{0.0, b.st.pct}); err != nil {
		return err
	}
	if err := c.put(0, nil, styled{1.0, b.st.pct}, styled{1.0, b.st.pct}); err != nil {
		return err
	}
	return b.calibrationChart(first, c.row-1)
}

// calibrationChart draws one series per target (its rows are contiguous,
// the points being sorted by target) and the reference diagonal.
func (b *book) calibrationChart(first, diag int) error {
	pts := b.run.Calibration
	var series []excelize.ChartSeries
	for lo := 0; lo < len(pts); {
		hi := lo
		for hi < len(pts) && pts[hi].Target == pts[lo].Target {
			hi++
		}
		series = append(series, b.xySeries(fmt.Sprintf("$A$%d", first+lo), first+lo, first+hi-1))
		lo = hi
	}
	ref := b.xySeries(fmt.Sprintf("$A$%d", diag), diag, diag+1)
	ref.Line = excelize.LineOptions{Type: excelize.LineSolid, Dash: excelize.LineDashDash, Width: 1,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"808080"}}}
	ref.Marker = excelize.ChartMarker{Symbol: "none"}
	series = append(series, ref)
	zero, one := 0.0, 1.0
	axis := func(title string) excelize.ChartAxis {
		return excelize.ChartAxis{Title: chartTitle(title), Minimum: &zero, Maximum: &one,
			Font:           axisFont,
			MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"}}
	}
	return b.f.AddChart(SheetSummary, "H22", &excelize.Chart{
		Type:      excelize.Scatter,
		Series:    series,
		Title:     chartTitle("Calibration on validation data"),
		Legend:    excelize.ChartLegend{Position: "bottom"},
		XAxis:     axis("Mean predicted risk"),
		YAxis:     axis("Observed rate"),
		Dimension: excelize.ChartDimension{Width: 560, Height: 340},
	})
}

func (b *book) xySeries(name string, lo, hi int) excelize.ChartSeries {
	s := quoteSheet(SheetSummary)
	return excelize.ChartSeries{
		Name:       s + "!" + name,
		Categories: fmt.Sprintf("%s!$B$%d:$B$%d", s, lo, hi),
		Values:     fmt.Sprintf("%s!$C$%d:$C$%d", s, lo, hi),
		Marker:     excelize.ChartMarker{Symbol: "circle", Size: 6},
		Line:       excelize.LineOptions{Type: excelize.LineSolid, Width: 1.5},
	}
}
