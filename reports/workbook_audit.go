package reports

import (
	"cmp"
	"context"
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"
)

// qualitySheet: the evaluation table with intervals and what the model was
// trained on.
func (b *book) qualitySheet(context.Context) error {
	c := &cursor{b: b, sheet: SheetQuality}
	c.put(0, styled{"Model quality on held-out patients", b.st.title})
	c.note("Each patient was scored by a model that did not see that patient's label. " +
		"Undiagnosed patients count as negatives, so these figures understate how well " +
		"the risk ranks patients whose disease is not yet recorded.")
	c.row++
	c.header("Target", "Head", "Used for this report", "Patients", "Positives",
		"AUROC", "95% interval", "AUPRC", "95% interval", "Brier score", "95% interval",
		"Calibration error (ECE)", "95% interval")
	for _, q := range b.run.Quality {
		c.put(b.st.dec3, b.qualityRow(q)...)
	}
	if len(b.run.Quality) == 0 {
		c.note("No evaluation was run.")
	}
	b.trainedOn(c)
	c.widths(22, 12, 11, 10, 10, 9, 14, 9, 14, 9, 14, 12, 14)
	return c.err
}

func (b *book) qualityRow(q Quality) []any {
	used := "no"
	if q.Head == b.run.Config.Model.Head || b.headsOf(q.Target) == 1 {
		used = "yes"
	}
	row := []any{q.Target, q.Head, used, styled{int64(q.N), b.st.int},
		styled{int64(q.Positives), b.st.int}}
	for _, iv := range []Interval{q.AUROC, q.AUPRC, q.Brier, q.ECE} {
		row = append(row, numberOrNA(iv.Value), intervalRange(iv))
	}
	return row
}

// headsOf counts the quality rows of a target: a lone row is the evaluation
// of the risks this report shows, whatever its head is called.
func (b *book) headsOf(target string) int {
	n := 0
	for _, q := range b.run.Quality {
		if q.Target == target {
			n++
		}
	}
	return n
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// numberOrNA returns v, or "n/a" when it could not be computed.
func numberOrNA(v float64) any {
	if !finite(v) {
		return "n/a"
	}
	return v
}

// intervalRange renders an interval as "0.712–0.801", or "n/a".
func intervalRange(iv Interval) string {
	if !finite(iv.Low) || !finite(iv.High) {
		return "n/a"
	}
	return fixed(iv.Low, 3) + "–" + fixed(iv.High, 3)
}

// trainedOn writes what the model was trained on in a wide wrapped cell.
func (b *book) trainedOn(c *cursor) {
	c.section("What the model was trained on")
	text := cmp.Or(b.run.Training, "Not stated by the run.")
	c.put(0, styled{text, b.st.wrap})
	row := c.row
	c.do(func() error { return b.f.MergeCell(SheetQuality, cellRef(1, row), cellRef(8, row)) })
	lines := math.Ceil(displayWidth(text)/110) + 1
	c.do(func() error { return b.f.SetRowHeight(SheetQuality, row, min(15*lines, 409)) })
}

// rejectedSheet lists every rejected file or row with its reason.
func (b *book) rejectedSheet(ctx context.Context) error {
	rej := b.run.Rejections
	t := table{sheet: SheetRejected, n: len(rej), header: true,
		cols: []column{
			{title: "File", min: 20, max: 60},
			{title: "Line", num: b.st.int, min: 12, max: 12},
			{title: "Stage", min: 10, max: 16},
			{title: "Reason", min: 30, max: 90},
		},
		row: func(i int) []any {
			r := rej[i]
			var line any = "whole file"
			if r.Line > 0 {
				line = r.Line
			}
			return []any{r.File, line, r.Stage, r.Reason}
		},
		setup: func(sw *excelize.StreamWriter, last int) error {
			return b.f.AutoFilter(SheetRejected, fmt.Sprintf("A1:D%d", last), nil)
		},
	}
	if len(rej) == 0 {
		t.n, t.row = 1, func(int) []any { return []any{"No input was rejected."} }
	}
	if err := b.printTitles(SheetRejected, 0); err != nil {
		return err
	}
	return b.writeTable(ctx, t)
}

// auditSheet: what the run read, which model and settings it used, and
// the digests of the outputs written before the workbook.
func (b *book) auditSheet(ctx context.Context) error {
	head := b.auditHead()
	ins := b.run.Inputs
	n := len(head) + len(ins)
	t := table{sheet: SheetAudit, n: n + 1,
		cols: []column{
			{title: "", min: 24, max: 60},
			{title: "", num: b.st.int, min: 12, max: 14},
			{title: "", min: 14, max: 68},
			{title: "", min: 10, max: 12},
			{title: "", min: 10, max: 10},
			{title: "", min: 20, max: 60},
		},
		row: func(i int) []any {
			switch {
			case i < len(head):
				return head[i]
			case i < n:
				in := ins[i-len(head)]
				return []any{in.Path, in.Size, in.SHA256, in.Kind, in.Fate, in.Reason}
			}
			return b.cutRow()
		},
	}
	return b.writeTable(ctx, t)
}

// cutRow says how many cells were cut to Excel's limit. It is produced
// last, when the count is complete.
func (b *book) cutRow() []any {
	text := "none"
	if b.cut > 0 {
		text = fmt.Sprintf("%d (each cut cell says so; the Parquet files hold the full text)",
			b.cut)
	}
	return []any{styled{"Cells cut to Excel's 32,767-character limit", b.st.bold}, text}
}

func (b *book) auditHead() [][]any {
	rows := append(b.auditFacts(), []any{}, []any{b.bold("Known limits that touched this run")})
	for _, l := range b.run.Limits {
		rows = append(rows, []any{nil, l})
	}
	if len(b.run.Limits) == 0 {
		rows = append(rows, []any{nil, "none reported"})
	}
	rows = append(rows, []any{}, b.headerRow("Stage", "In", "Out", "Rejected"))
	for _, s := range b.run.Stages {
		rows = append(rows, []any{s.Name, s.In, s.Out, s.Rejected})
	}
	rows = append(rows, []any{}, b.headerRow("Output", "Bytes", "SHA-256"))
	for _, o := range b.outs {
		rows = append(rows, []any{o.Name, o.Size, o.SHA256})
	}
	note := styled{"report.xlsx and manifest.json: see manifest.json", b.st.note}
	return append(rows, []any{note}, []any{},
		b.headerRow("Input", "Bytes", "SHA-256", "Kind", "Fate", "Reason"))
}

// auditFacts are the key facts of the run, one per row.
func (b *book) auditFacts() [][]any {
	r := b.run
	return [][]any{
		{styled{"Audit", b.st.title}},
		{b.bold("Run ID"), r.RunID},
		{b.bold("Tool version"), r.ToolVersion},
		{b.bold("Build"), r.Build},
		{b.bold("Config digest (SHA-256)"), r.ConfigDigest},
		{b.bold("Seed"), fmt.Sprint(r.Seed)},
		{b.bold("Model digest (SHA-256)"), r.ModelDigest},
		{b.bold("Fusion head"), r.Config.Model.Head},
		{b.bold("Inputs"), fateCounts(r.Inputs)},
		{b.bold("Inputs digest (SHA-256)"), InputsDigest(r.Inputs)},
		{b.bold("Rejected files and rows"), int64(len(r.Rejections))},
	}
}

func (b *book) bold(s string) styled { return styled{s, b.st.bold} }

// headerRow is a row of column titles inside a sheet.
func (b *book) headerRow(titles ...string) []any {
	out := make([]any, len(titles))
	for i, t := range titles {
		out[i] = styled{t, b.st.header}
	}
	return out
}

// fateCounts summarises the inputs, e.g. "12 files: 10 used, 2 rejected".
func fateCounts(in []Input) string {
	counts := map[string]int{}
	for _, f := range in {
		counts[f.Fate]++
	}
	s := fmt.Sprintf("%d files", len(in))
	sep := ": "
	for _, fate := range []string{FateUsed, FateRejected, FateUnlinked, FateIgnored} {
		if counts[fate] > 0 {
			s += fmt.Sprintf("%s%d %s", sep, counts[fate], fate)
			sep = ", "
		}
	}
	return s
}
