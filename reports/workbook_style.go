package reports

import "github.com/xuri/excelize/v2"

// styles holds the workbook's style ids. They are created in a fixed order,
// so the styles part is the same in every run.
type styles struct {
	header, text, wrap, center, title, bold, note int
	pct, int, dec, dec3                           int
	bands                                         []int // conditional formats, low to high
}

// Colours used in the workbook (Excel's "good", "neutral" and "bad" cell
// styles for the bands, so their meaning is familiar).
const (
	colHeaderFill = "1F4E78"
	colBar        = "9BC2E6"
	colNote       = "595959"
	// fontFamily is the workbook's default font, named in every font style
	// so that no viewer falls back to another.
	fontFamily = "Calibri"
)

var bandPalette = []struct{ font, fill string }{
	{"006100", "C6EFCE"}, // low: green
	{"9C5700", "FFEB9C"}, // middle: amber
	{"9C0006", "FFC7CE"}, // high: red
}

func newStyles(f *excelize.File, nBands int) (styles, error) {
	var s styles
	var err error
	add := func(dst *int, st *excelize.Style) {
		if err == nil {
			*dst, err = f.NewStyle(st)
		}
	}
	textFmt := 49 // "@": Excel keeps the cell as text when it is edited
	add(&s.header, &excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "FFFFFF", Family: fontFamily},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colHeaderFill}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		NumFmt:    textFmt,
	})
	add(&s.text, &excelize.Style{NumFmt: textFmt})
	add(&s.wrap, &excelize.Style{NumFmt: textFmt,
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	add(&s.center, &excelize.Style{NumFmt: textFmt,
		Alignment: &excelize.Alignment{Horizontal: "center"}})
	add(&s.title, &excelize.Style{NumFmt: textFmt,
		Font: &excelize.Font{Bold: true, Size: 14, Family: fontFamily}})
	add(&s.bold, &excelize.Style{NumFmt: textFmt,
		Font: &excelize.Font{Bold: true, Family: fontFamily}})
	add(&s.note, &excelize.Style{NumFmt: textFmt,
		Font: &excelize.Font{Italic: true, Color: colNote, Family: fontFamily}})
	add(&s.pct, &excelize.Style{CustomNumFmt: ptr("0.0%")})
	add(&s.int, &excelize.Style{NumFmt: 1})
	add(&s.dec, &excelize.Style{CustomNumFmt: ptr("0.00")})
	add(&s.dec3, &excelize.Style{CustomNumFmt: ptr("0.000")})
	if err != nil {
		return s, err
	}
	s.bands, err = bandStyles(f, nBands)
	return s, err
}

// bandStyles returns one conditional format per band: the lowest green,
// the highest red, those between amber.
func bandStyles(f *excelize.File, n int) ([]int, error) {
	out := make([]int, n)
	for i := range n {
		k := 1
		switch {
		case i == 0:
			k = 0
		case i == n-1:
			k = 2
		}
		p := bandPalette[k]
		id, err := f.NewConditionalStyle(&excelize.Style{
			Font: &excelize.Font{Color: p.font, Bold: k == 2},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{p.fill}},
		})
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }
