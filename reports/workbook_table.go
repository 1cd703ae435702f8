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
	setup  func(sw *excelize.StreamWriter, last int) error
}

// writeTable measures the column widths in a first pass over the rows and
// streams the sheet in a second.
//
// Text in the last column wraps, so that a long value never spills past the
// table (which would also shrink the printed page).
func (b *book) writeTable(ctx context.Context, t table) error {
	t.cols = slices.Clone(t.cols)
	if last := &t.cols[len(t.cols)-1]; last.text == 0 {
		last.text = b.st.wrap
	}
	widths := t.measure()
	sw, err := b.f.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	for j, w := range widths {
		if err := sw.SetColWidth(j+1, j+1, w); err != nil {
			return err
		}
	}
	if t.header {
		if err := b.writeHeader(sw, t.cols); err != nil {
			return err
		}
	}
	if err := b.writeRows(ctx, sw, t); err != nil {
		return err
	}
	if t.setup != nil {
		if err := t.setup(sw, t.lastRow()); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func (t table) lastRow() int {
	if t.header {
		return t.n + 1
	}
	return t.n
}

func (b *book) writeHeader(sw *excelize.StreamWriter, cols []column) error {
	err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	})
	if err != nil {
		return err
	}
	cells := make([]any, len(cols))
	for j, c := range cols {
		cells[j] = excelize.Cell{StyleID: b.st.header, Value: c.title}
	}
	return sw.SetRow("A1", cells, excelize.RowOpts{Height: 32})
}

// writeRows streams the rows, checking ctx every few thousand rows.
func (b *book) writeRows(ctx context.Context, sw *excelize.StreamWriter, t table) error {
	first := 1
	if t.header {
		first = 2
	}
	buf := make([]any, len(t.cols))
	for i := range t.n {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		for j, v := range t.row(i) {
			buf[j] = b.cell(v, t.cols[j])
		}
		ref, _ := excelize.CoordinatesToCellName(1, first+i)
		if err := sw.SetRow(ref, buf); err != nil {
			return err
		}
		clear(buf)
	}
	return nil
}

// cell turns a row value into a styled excelize cell. Strings become
// cleaned text cells, never formulas.
func (b *book) cell(v any, col column) any {
	style, own := col.num, false
	if s, ok := v.(styled); ok {
		v, style, own = s.v, s.style, true
	}
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		if !own {
			style = cmp.Or(col.text, b.st.text)
		}
		return excelize.Cell{StyleID: style, Value: b.text(v)}
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
	}
	return excelize.Cell{StyleID: style, Value: v}
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
