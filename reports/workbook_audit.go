package reports

import (
	"context"
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"
)

// qualitySheet: the evaluation table with intervals and what the model was
// trained on.
func (b *book) qualitySheet(context.Context) error {
	c := &cursor{b: b, sheet: SheetQuality}
	r := b.run
	if err := c.put(0, styled{"Model quality on held-out patients", b.st.title}); err != nil {
		return err
	}
	note := "Each patient was scored by a model that did not see that patient's label. " +
		"Undiagnosed patients count as negatives, so these figures understate how well " +
		"the risk ranks patients whose disease is not yet recorded."
	if err := c.put(0, styled{note, b.st.note}); err != nil {
		return err
	}
	c.skip()
	err := c.header("Target", "Head", "Used for this report", "Patients", "Positives",
		"AUROC", "95% interval", "AUPRC", "95% interval", "Brier score", "95% interval",
		"Calibration error (ECE)", "95% interval")
	if err != nil {
		return err
	}
	for _, q := range r.Quality {
		if err := c.put(b.st.dec3, b.qualityRow(q)...); err != nil {
			return err
		}
	}
	if len(r.Quality) == 0 {
		if err := c.put(0, styled{"No evaluation was run.", b.st.note}); err != nil {
			return err
		}
	}
	if err := b.trainedOn(c); err != nil {
		return err
	}
	return b.qualityWidths()
}

func (b *book) qualityRow(q Quality) []any {
	used := "no"
	if q.Head == b.run.Config.Model.Head {
		used = "yes"
	}
	row := []any{q.Target, q.Head, used, styled{int64(q.N), b.st.int},
		styled{int64(q.Positives), b.st.int}}
	for _, iv := range []Interval{q.AUROC, q.AUPRC, q.Brier, q.ECE} {
		row = append(row, nanToNil(iv.Value), intervalRange(iv))
	}
	return row
}

func nanToNil(v float64) any {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "n/a"
	}
	return v
}

// intervalRange renders an interval as "0.712–0.801", or "n/a".
func intervalRange(iv Interval) string {
	if math.IsNaN(iv.Low) || math.IsNaN(iv.High) || math.IsInf(iv.Low, 0) || math.IsInf(iv.High, 0) {
		return "n/a"
	}
	return fixed(iv.Low, 3) + "–" + fixed(iv.High, 3)
}

func (b *book) trainedOn(c *cursor) error {
	if err := c.section("What the model was trained on"); err != nil {
		return err
	}
	text := b.run.Training
	if text == "" {
		text = "Not stated by the run."
	}
	if err := c.put(0, styled{text, b.st.wrap}); err != nil {
		return err
	}
	if err := b.f.MergeCell(SheetQuality, cellRef(1, c.row), cellRef(8, c.row)); err != nil {
		return err
	}
	lines := math.Ceil(displayWidth(text)/110) + 1
	return b.f.SetRowHeight(SheetQuality, c.row, min(15*lines, 409))
}

func (b *book) qualityWidths() error {
	widths := []float64{22, 12, 11, 10, 10, 9, 14, 9, 14, 9, 14, 12, 14}
	for j, w := range widths {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := b.f.SetColWidth(SheetQuality, col, col, w); err != nil {
			return err
		}
	}
	return nil
}

func cellRef(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col, row)
	return ref
}

// rejectedSheet lists every rejected file or row with its reason.
func (b *book) rejectedSheet(ctx context.Context) error {
	rej := b.run.Rejections
	t := table{sheet: SheetRejected, n: len(rej), header: true,
		cols: []column{
			{title: "File", min: 20, max: 60},
			{title: "Line", num: b.st.int, min: 8, max: 8},
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
	if err := b.printTitles(SheetRejected); err != nil {
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
		text = fmt.Sprintf("%d (each cut cell says so; the Parquet files hold the full text)", b.cut)
	}
	return []any{styled{"Cells cut to Excel's 32,767-character limit", b.st.bold}, text}
}

func (b *book) auditHead() [][]any {
	r := b.run
	label := func(s string) styled { return styled{s, b.st.bold} }
	hdr := func(s ...string) []any {
		out := make([]any, len(s))
		for i, v := range s {
			out[i] = styled{v, b.st.header}
		}
		return out
	}
	rows := [][]any{
		{styled{"Audit", b.st.title}},
		{label("Run ID"), r.RunID},
		{label("Tool version"), r.ToolVersion},
		{label("Build"), r.Build},
		{label("Config digest (SHA-256)"), r.ConfigDigest},
		{label("Seed"), fmt.Sprint(r.Seed)},
		{label("Model digest (SHA-256)"), r.ModelDigest},
		{label("Fusion head"), r.Config.Model.Head},
		{label("Inputs"), fateCounts(r.Inputs)},
		{label("Inputs digest (SHA-256)"), InputsDigest(r.Inputs)},
		{label("Rejected files and rows"), int64(len(r.Rejections))},
		{},
		{label("Known limits that touched this run")},
	}
	for _, l := range r.Limits {
		rows = append(rows, []any{nil, l})
	}
	if len(r.Limits) == 0 {
		rows = append(rows, []any{nil, "none reported"})
	}
	rows = append(rows, []any{}, hdr("Stage", "In", "Out", "Rejected"))
	for _, s := range r.Stages {
		rows = append(rows, []any{s.Name, s.In, s.Out, s.Rejected})
	}
	rows = append(rows, []any{}, hdr("Output", "Bytes", "SHA-256"))
	for _, o := range b.outs {
		rows = append(rows, []any{o.Name, o.Size, o.SHA256})
	}
	rows = append(rows, []any{styled{"report.xlsx and manifest.json: see manifest.json", b.st.note}},
		[]any{}, hdr("Input", "Bytes", "SHA-256", "Kind", "Fate", "Reason"))
	return rows
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
