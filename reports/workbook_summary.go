package reports

import (
	"context"
	"fmt"
	"strings"

	"github.com/clinfuse/clinfuse/schemas"
	"github.com/xuri/excelize/v2"
)

// summarySheet: counts per band and target, data completeness, the risk
// distribution and the calibration curve, with charts beside the tables.
func (b *book) summarySheet(context.Context) error {
	c := &cursor{b: b, sheet: SheetSummary}
	c.put(0, styled{"clinfuse risk report: summary", b.st.title})
	c.note(b.runLine())
	b.bandCounts(c)
	b.completeness(c)
	b.distribution(c)
	b.calibration(c)
	c.widths(34, 14, 14, 14, 14, 14, 14)
	return c.err
}

// runLine names the run, its settings and model head in one line.
func (b *book) runLine() string {
	r := b.run
	line := fmt.Sprintf("Run %s, config %.12s, seed %d, model head %s", r.RunID,
		r.ConfigDigest, r.Seed, r.Config.Model.Head)
	if r.Config.AsOf != "" {
		line += ", as of " + r.Config.AsOf
	}
	return line
}

// bandCounts writes undiagnosed patients per band and target.
func (b *book) bandCounts(c *cursor) {
	cfg := b.run.Config
	c.section("Undiagnosed patients per risk band")
	titles := append([]string{"Target"}, bandRanges(cfg.Report.Bands)...)
	c.header(append(titles, "Undiagnosed", "Diagnosed")...)
	for _, t := range cfg.Targets {
		counts, und, diag := b.countBands(t.Name)
		vals := []any{t.Name}
		for _, n := range counts {
			vals = append(vals, int64(n))
		}
		c.put(b.st.int, append(vals, int64(und), int64(diag))...)
	}
}

// bandRanges describes each band with its range, e.g. "medium (20–50%)".
func bandRanges(bands []schemas.Band) []string {
	out := make([]string, len(bands))
	lo := "0"
	for i, band := range bands {
		hi := fixed(band.Below*100, 0)
		out[i] = fmt.Sprintf("%s (%s–%s%%)", band.Name, lo, hi)
		if i == len(bands)-1 {
			out[i] = fmt.Sprintf("%s (≥%s%%)", band.Name, lo)
		}
		lo = hi
	}
	return out
}

func (b *book) countBands(target string) (counts []int, und, diag int) {
	bands := b.run.Config.Report.Bands
	counts = make([]int, len(bands))
	for _, r := range b.run.Risks {
		switch {
		case r.Target != target:
		case r.Status == StatusDiagnosed:
			diag++
		default:
			und++
			counts[b.bandIndex(r.Band)]++
		}
	}
	return counts, und, diag
}

// bandIndex returns the position of a band name in the configuration.
func (b *book) bandIndex(name string) int {
	for i, band := range b.run.Config.Report.Bands {
		if band.Name == name {
			return i
		}
	}
	return len(b.run.Config.Report.Bands) - 1
}

func (b *book) completeness(c *cursor) {
	c.section("Data completeness (patients with each kind of data)")
	c.header("Data", "Patients", "With data", "Share")
	for _, m := range b.run.Completeness {
		share := styled{ratio(m.Present, m.Patients), b.st.pct}
		c.put(b.st.int, m.Modality, int64(m.Patients), int64(m.Present), share)
	}
}

// ratio is n/d, or 0 when d is 0.
func ratio(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// histBins is the number of risk ranges of the distribution chart.
const histBins = 10

// distribution writes undiagnosed patients per risk decile and target, and
// a column chart of it.
func (b *book) distribution(c *cursor) {
	c.section("Risk distribution of undiagnosed patients")
	titles := []string{"Risk range"}
	for _, t := range b.run.Config.Targets {
		titles = append(titles, t.Name)
	}
	c.header(titles...)
	head := c.row
	counts := b.histogram()
	for k := range histBins {
		vals := []any{fmt.Sprintf("%d–%d%%", k*100/histBins, (k+1)*100/histBins)}
		for i := range counts {
			vals = append(vals, int64(counts[i][k]))
		}
		c.put(b.st.int, vals...)
	}
	c.do(func() error { return b.histogramChart(head, len(counts)) })
}

// histogram counts undiagnosed risks per target (config order) and bin.
func (b *book) histogram() [][]int {
	targets := b.run.Config.Targets
	counts := make([][]int, len(targets))
	for i, t := range targets {
		counts[i] = make([]int, histBins)
		for _, r := range b.run.Risks {
			if r.Target == t.Name && r.Status == StatusUndiagnosed {
				counts[i][min(int(r.Risk*histBins), histBins-1)]++
			}
		}
	}
	return counts
}

func (b *book) histogramChart(head, ntargets int) error {
	s := quoteSheet(SheetSummary)
	var series []excelize.ChartSeries
	for i := range ntargets {
		col, _ := excelize.ColumnNumberToName(i + 2)
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s!$%s$%d", s, col, head),
			Categories: fmt.Sprintf("%s!$A$%d:$A$%d", s, head+1, head+histBins),
			Values:     fmt.Sprintf("%s!$%s$%d:$%s$%d", s, col, head+1, col, head+histBins),
		})
	}
	return b.f.AddChart(SheetSummary, "H3", &excelize.Chart{
		Type:       excelize.Col,
		Series:     series,
		VaryColors: ptr(false),
		Title:      chartTitle("Risk distribution (undiagnosed patients)"),
		Legend:     excelize.ChartLegend{Position: "bottom"},
		XAxis:      excelize.ChartAxis{Title: chartTitle("Predicted risk"), Font: axisFont},
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
func (b *book) calibration(c *cursor) {
	c.section("Calibration on validation data")
	pts := b.run.Calibration
	if len(pts) == 0 {
		c.note("No validation data: no calibration curve.")
		return
	}
	c.header("Target", "Mean predicted risk", "Observed rate", "Patients")
	first := c.row + 1
	for _, p := range pts {
		c.put(b.st.pct, p.Target, p.Predicted, p.Observed, styled{int64(p.Count), b.st.int})
	}
	c.put(b.st.pct, styled{"Perfect calibration", b.st.note}, 0.0, 0.0)
	c.put(b.st.pct, nil, 1.0, 1.0)
	c.do(func() error { return b.calibrationChart(first, c.row-1) })
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
		series = append(series, xySeries(first+lo, first+lo, first+hi-1))
		lo = hi
	}
	return b.f.AddChart(SheetSummary, "H22", &excelize.Chart{
		Type:       excelize.Scatter,
		VaryColors: ptr(false),
		Series:     append(series, diagonal(diag)),
		Title:      chartTitle("Calibration on validation data"),
		Legend:     excelize.ChartLegend{Position: "bottom"},
		XAxis:      unitAxis("Mean predicted risk"),
		YAxis:      unitAxis("Observed rate"),
		Dimension:  excelize.ChartDimension{Width: 560, Height: 340},
	})
}

// unitAxis is an axis from 0% to 100% with grid lines.
func unitAxis(title string) excelize.ChartAxis {
	zero, one := 0.0, 1.0
	return excelize.ChartAxis{
		Title: chartTitle(title), Minimum: &zero, Maximum: &one, Font: axisFont,
		MajorGridLines: true, NumFmt: excelize.ChartNumFmt{CustomNumFmt: "0%"},
	}
}

// xySeries plots rows lo..hi of the calibration table (x in column B, y in
// column C), named by the cell in column A of row name.
func xySeries(name, lo, hi int) excelize.ChartSeries {
	s := quoteSheet(SheetSummary)
	return excelize.ChartSeries{
		Name:       fmt.Sprintf("%s!$A$%d", s, name),
		Categories: fmt.Sprintf("%s!$B$%d:$B$%d", s, lo, hi),
		Values:     fmt.Sprintf("%s!$C$%d:$C$%d", s, lo, hi),
		Marker:     excelize.ChartMarker{Symbol: "circle", Size: 6},
		Line:       excelize.LineOptions{Type: excelize.LineSolid, Width: 1.5},
	}
}

// diagonal is the grey dashed line of perfect calibration, from the two
// rows starting at row.
func diagonal(row int) excelize.ChartSeries {
	d := xySeries(row, row, row+1)
	d.Marker = excelize.ChartMarker{Symbol: "none"}
	d.Line = excelize.LineOptions{
		Type: excelize.LineSolid, Dash: excelize.LineDashDash, Width: 1,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"808080"}},
	}
	return d
}
