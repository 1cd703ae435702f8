package variants

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// vcfHeader is what the meta lines and the #CHROM line say.
type vcfHeader struct {
	version   string // "VCFv4.2" as written; empty when missing
	legacy    bool   // VCF 3.x: FILTER "0" means passed
	samples   []string
	contigs   []string // declared by ##contig lines, in order
	annots    []*annotSpec
	hasFormat bool
	spaced    bool // the #CHROM line used spaces: data lines may too
}

// fixedColumns are the eight mandatory columns of the #CHROM line.
var fixedColumns = []string{"CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"}

// readVCFHeader reads meta lines up to and including the #CHROM line.
func readVCFHeader(lr *lineReader, in *input, st *Stats) (*vcfHeader, error) {
	h := &vcfHeader{}
	for {
		line, err := lr.next()
		if err != nil {
			return nil, headerEOF(in, lr, err)
		}
		switch {
		case bytes.HasPrefix(line, []byte("##")):
			h.meta(string(line[2:]))
		case bytes.HasPrefix(bytes.ToUpper(line[:min(len(line), 6)]), []byte("#CHROM")):
			if err := h.columns(line, st); err != nil {
				return nil, malformedf(in.path, "line %d: %v", lr.n, err)
			}
			h.finish(st)
			return h, nil
		case len(bytes.TrimSpace(line)) == 0 || line[0] == '#':
			// Blank lines and stray comments carry nothing.
		default:
			return nil, malformedf(in.path,
				"line %d: data line before the #CHROM header line", lr.n)
		}
	}
}

// headerEOF explains why the header ended early.
func headerEOF(in *input, lr *lineReader, err error) error {
	if err != io.EOF {
		return in.wrapErr(lr.n+1, err)
	}
	if lr.n == 0 {
		return malformedf(in.path, "empty file")
	}
	return malformedf(in.path, "no #CHROM header line in %d lines", lr.n)
}

// meta reads one ## line (without the ##).
func (h *vcfHeader) meta(s string) {
	key, val, _ := strings.Cut(s, "=")
	switch key {
	case "fileformat", "format":
		h.version = val
		h.legacy = strings.HasPrefix(val, "VCFv3") || strings.HasPrefix(val, "VCRv3")
	case "contig":
		if id := metaField(val, "ID"); id != "" {
			h.contigs = append(h.contigs, id)
		}
	case "INFO":
		id := metaField(val, "ID")
		if a := declaredAnnotation(id, metaField(val, "Description")); a != nil {
			h.annots = append(h.annots, a)
		}
	}
}

// columns reads the #CHROM line. Trailing empty columns (a stray tab at the
// end of the line) are dropped; a line with no tab is split on spaces.
func (h *vcfHeader) columns(line []byte, st *Stats) error {
	cols := headerColumns(strings.TrimPrefix(string(line), "#"), st)
	h.spaced = bytes.IndexByte(line, '\t') < 0
	if len(cols) < len(fixedColumns) {
		return fmt.Errorf("the #CHROM line has %d columns, want at least 8", len(cols))
	}
	for i, want := range fixedColumns {
		if !strings.EqualFold(strings.TrimSpace(cols[i]), want) {
			return fmt.Errorf("column %d of the #CHROM line is not %s", i+1, want)
		}
	}
	if len(cols) == len(fixedColumns) {
		return nil
	}
	if !strings.EqualFold(cols[8], "FORMAT") {
		return fmt.Errorf("column 9 of the #CHROM line is not FORMAT")
	}
	h.hasFormat = true
	return h.setSamples(cols[9:])
}

// headerColumns splits the #CHROM line, by spaces when it has no tab, and
// drops empty trailing columns.
func headerColumns(s string, st *Stats) []string {
	cols := strings.Split(s, "\t")
	if len(cols) == 1 && strings.Contains(s, " ") {
		cols = strings.Fields(s)
		st.note("the #CHROM line is separated by spaces, not tabs; read as if by tabs")
	}
	n := len(cols)
	for n > 0 && strings.TrimSpace(cols[n-1]) == "" {
		n--
	}
	if n < len(cols) {
		st.note("the #CHROM line ends with an empty column (a trailing tab); ignored")
	}
	return cols[:n]
}

// setSamples checks and keeps the sample names.
func (h *vcfHeader) setSamples(names []string) error {
	seen := make(map[string]int, len(names))
	for i, s := range names {
		if s == "" {
			return fmt.Errorf("sample column %d of the #CHROM line is empty", i+10)
		}
		if j, dup := seen[s]; dup {
			return fmt.Errorf("sample column %d repeats the name of column %d", i+10, j+10)
		}
		seen[s] = i
	}
	h.samples = names
	return nil
}

// finish records notes about what the header lacks.
func (h *vcfHeader) finish(st *Stats) {
	switch {
	case h.version == "":
		st.note("no ##fileformat line; read with VCF 4.x rules")
	case h.legacy:
		st.note("VCF 3.x file; FILTER 0 read as PASS")
	}
}

// metaField returns one key's value from a structured meta line value
// "<ID=x,Number=1,Description=\"...\">", unquoting it.
func metaField(val, key string) string {
	s := strings.TrimSpace(val)
	if !strings.HasPrefix(s, "<") {
		return ""
	}
	s = strings.TrimSuffix(s[1:], ">")
	for s != "" {
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			return ""
		}
		v, rest := metaValue(rest)
		if strings.TrimSpace(k) == key {
			return v
		}
		s = rest
	}
	return ""
}

// metaValue splits off one value, quoted (with backslash escapes) or not,
// and returns it with the text after the following comma.
func metaValue(s string) (string, string) {
	if !strings.HasPrefix(s, `"`) {
		v, rest, _ := strings.Cut(s, ",")
		return v, rest
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == '"':
			_, rest, _ := strings.Cut(s[i+1:], ",")
			return b.String(), rest
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}
