package reports

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// column describes one column of a streamed table.
type column struct {
	title string
	// num is the style of numeric cells; text cells always get the text
	// style so that Excel keeps them as text when edited.
	num int
	// text, when not 0, is the style of text cells instead of the plain
	// text style.
	text int
	// min and max bound the fitted width, in characters.
	min, max float64
	// width is the fitted width, set by writeTable.
	width float64
	// wrapLong wraps the text of cells wider than the column (set on the
	// last column, so that no text spills past the table).
	wrapLong bool
}

// styled is a cell value with a style of its own (a section title, say).
type styled struct {
	v     any
	style int
}

// table is a sheet written with excelize's streaming writer: rows are
// produced on demand, so memory does not grow with the row count.
type table struct {
	sheet  string
	cols   []column
	n      int
	row    func(i int) []any
	header bool // first row is a header: styled, frozen, filtered
	// freezeCols is the number of leading columns kept in view when
	// scrolling right (with a header only).
	freezeCols int
	// setup, when set, runs after the last row, before the sheet is
	// flushed (conditional formats, filters).
	setup func(sw *excelize.StreamWriter, last int) error
}

// writeTable measures the column widths in a first pass over the rows and
// streams the sheet in a second.
//
// Text wider than the last column wraps, so that a long value never spills
// past the table (which would also shrink the printed page).
func (b *book) writeTable(ctx context.Context, t table) error {
	t.cols = slices.Clone(t.cols)
	for j, w := range t.measure() {
		t.cols[j].width = w
	}
	t.cols[len(t.cols)-1].wrapLong = true
	sw, err := b.f.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	steps := []func() error{
		func() error { return setWidths(sw, t.cols) },
		func() error { return b.writeHeader(sw, t) },
		func() error { return b.writeRows(ctx, sw, t) },
		func() error { return t.finish(sw) },
		sw.Flush,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func setWidths(sw *excelize.StreamWriter, cols []column) error {
	for j, c := range cols {
		if err := sw.SetColWidth(j+1, j+1, c.width); err != nil {
			return err
		}
	}
	return nil
}

// finish runs setup, if any.
func (t table) finish(sw *excelize.StreamWriter) error {
	if t.setup == nil {
		return nil
	}
	return t.setup(sw, t.lastRow())
}

// lastRow is the sheet row of the table's last row.
func (t table) lastRow() int {
	if t.header {
		return t.n + 1
	}
	return t.n
}

// writeHeader writes the header row, frozen, if the table has one.
func (b *book) writeHeader(sw *excelize.StreamWriter, t table) error {
	if !t.header {
		return nil
	}
	if err := sw.SetPanes(frozenPanes(t.freezeCols)); err != nil {
		return err
	}
	cells := make([]any, len(t.cols))
	for j, c := range t.cols {
		cells[j] = excelize.Cell{StyleID: b.st.header, Value: c.title}
	}
	return sw.SetRow("A1", cells, excelize.RowOpts{Height: 32})
}

// frozenPanes keeps the header row, and the first cols columns, in view.
func frozenPanes(cols int) *excelize.Panes {
	pane := "bottomLeft"
	if cols > 0 {
		pane = "bottomRight"
	}
	first := cellRef(cols+1, 2)
	return &excelize.Panes{
		Freeze: true, XSplit: cols, YSplit: 1, TopLeftCell: first, ActivePane: pane,
		Selection: []excelize.Selection{{SQRef: first, ActiveCell: first, Pane: pane}},
	}
}

// writeRows streams the rows, checking ctx every few thousand rows. The
// cells are reused from row to row and passed by pointer, so that a row
// costs no allocation of its own.
func (b *book) writeRows(ctx context.Context, sw *excelize.StreamWriter, t table) error {
	first := 1
	if t.header {
		first = 2
	}
	cells := make([]excelize.Cell, len(t.cols))
	refs := make([]any, len(t.cols))
	for i := range t.n {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		clear(refs)
		for j, v := range t.row(i) {
			if c, ok := b.cell(v, t.cols[j]); ok {
				cells[j], refs[j] = c, &cells[j]
			}
		}
		ref, _ := excelize.CoordinatesToCellName(1, first+i)
		if err := sw.SetRow(ref, refs); err != nil {
			return err
		}
	}
	return nil
}

// cell turns a row value into a styled excelize cell; false means an empty
// cell. Strings become cleaned text cells, never formulas.
func (b *book) cell(v any, col column) (excelize.Cell, bool) {
	style, own := col.num, false
	if s, ok := v.(styled); ok {
		v, style, own = s.v, s.style, true
	}
	switch v := v.(type) {
	case nil:
		return excelize.Cell{}, false
	case string:
		if !own {
			style = b.textStyle(v, col)
		}
		return excelize.Cell{StyleID: style, Value: b.text(v)}, true
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return excelize.Cell{}, false
		}
	}
	return excelize.Cell{StyleID: style, Value: v}, true
}

// textStyle is the style of a text cell of col holding s.
func (b *book) textStyle(s string, col column) int {
	if col.wrapLong && displayWidth(s)+2 > col.width {
		return b.st.wrap
	}
	return cmp.Or(col.text, b.st.text)
}

// text cleans s for a cell and counts the cells cut to Excel's limit.
func (b *book) text(s string) string {
	t, cut := cellText(s)
	if cut {
		b.cut++
	}
	return t
}

// measure returns the fitted width of every column: the widest text it
// holds (or the longest word of its title), within the column's bounds.
func (t table) measure() []float64 {
	w := make([]float64, len(t.cols))
	for j, c := range t.cols {
		w[j] = max(c.min, longestWord(c.title)+2)
	}
	for i := range t.n {
		for j, v := range t.row(i) {
			if s, ok := v.(styled); ok {
				v = s.v
			}
			if s, ok := v.(string); ok && t.cols[j].max > w[j] {
				w[j] = max(w[j], displayWidth(s)+2)
			}
		}
	}
	for j, c := range t.cols {
		w[j] = min(w[j], c.max)
	}
	return w
}

func longestWord(s string) float64 {
	var n float64
	for _, f := range strings.Fields(s) {
		n = max(n, displayWidth(f))
	}
	return n
}

// displayWidth approximates the width of s in characters of the default
// font: wide East Asian characters count twice.
func displayWidth(s string) float64 {
	if len(s) > 400 {
		s = s[:400]
	}
	n := 0
	for _, r := range s {
		n++
		if r >= 0x2E80 && r != utf8.RuneError {
			n++
		}
	}
	return float64(n) * 1.1
}
