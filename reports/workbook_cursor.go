package reports

import "github.com/xuri/excelize/v2"

// cursor writes the rows of a small (not streamed) sheet one after
// another. The first error sticks: later calls do nothing, and err reports
// it, so that a sheet reads as a list of rows.
type cursor struct {
	b     *book
	sheet string
	row   int
	err   error
}

// do runs f unless an earlier call failed, keeping f's error.
func (c *cursor) do(f func() error) {
	if c.err == nil {
		c.err = f()
	}
}

// put writes one row at the cursor and moves down. Values are converted as
// in streamed tables: strings become cleaned text, never formulas; numbers
// take the style num unless they carry their own.
func (c *cursor) put(num int, vals ...any) {
	c.row++
	for j, v := range vals {
		ref := cellRef(j+1, c.row)
		if cell, ok := c.b.cell(v, column{num: num}); ok {
			c.do(func() error { return c.set(ref, cell) })
		}
	}
}

func (c *cursor) set(ref string, cell excelize.Cell) error {
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

// header writes a row of column titles.
func (c *cursor) header(titles ...string) {
	vals := make([]any, len(titles))
	for j, t := range titles {
		vals[j] = styled{t, c.b.st.header}
	}
	c.put(0, vals...)
	c.do(func() error { return c.b.f.SetRowHeight(c.sheet, c.row, 30) })
}

// section leaves a blank row and writes a bold section title.
func (c *cursor) section(title string) {
	c.row++
	c.put(0, styled{title, c.b.st.bold})
}

// note writes a line of grey italic text.
func (c *cursor) note(text string) { c.put(0, styled{text, c.b.st.note}) }

// widths sets the widths of the first columns.
func (c *cursor) widths(w ...float64) {
	for j, x := range w {
		col, _ := excelize.ColumnNumberToName(j + 1)
		c.do(func() error { return c.b.f.SetColWidth(c.sheet, col, col, x) })
	}
}

func cellRef(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col, row)
	return ref
}
