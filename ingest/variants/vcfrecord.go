package variants

import (
	"bytes"
	"math"
	"strconv"
)

// Allele kinds, as written to the kind column.
const (
	kindSNV      = "snv"
	kindMNV      = "mnv"
	kindIndel    = "indel"
	kindSV       = "sv"
	kindBreakend = "breakend"
)

// Zygosity values.
const (
	zygHet     = "het"
	zygHomAlt  = "hom_alt"
	zygHemi    = "hemi"
	zygUnknown = "unknown"
)

// allele is one alternate allele of the current record.
type allele struct {
	text   []byte
	kind   string
	svType []byte // from the symbolic allele; SVTYPE overrides it
	skip   bool   // not a variant: <NON_REF>, <*>, * or .
	ann    annotation
}

// classify sets a's kind from its text and the reference allele.
func (a *allele) classify(ref []byte) {
	t := a.text
	a.kind, a.svType, a.skip = "", nil, false
	switch {
	case len(t) == 0 || string(t) == "*" || string(t) == ".":
		a.skip = true
	case t[0] == '<' && t[len(t)-1] == '>':
		a.symbolic(t[1 : len(t)-1])
	case bytes.IndexByte(t, '[') >= 0 || bytes.IndexByte(t, ']') >= 0,
		len(t) > 1 && (t[0] == '.' || t[len(t)-1] == '.'):
		a.kind, a.svType = kindBreakend, []byte("BND")
	default:
		a.kind = seqKind(ref, t)
	}
}

// symbolic classifies a symbolic allele from its ID (without brackets).
func (a *allele) symbolic(id []byte) {
	switch string(id) {
	case "NON_REF", "*", "X":
		a.skip = true
		return
	}
	if i := bytes.IndexByte(id, ':'); i >= 0 {
		id = id[:i]
	}
	a.kind, a.svType = kindSV, id
}

// seqKind classifies a sequence allele against the reference allele.
func seqKind(ref, alt []byte) string {
	if len(ref) != len(alt) {
		return kindIndel
	}
	diff := 0
	for i := range ref {
		if ref[i]|0x20 != alt[i]|0x20 {
			diff++
		}
	}
	if diff <= 1 {
		return kindSNV
	}
	return kindMNV
}

// vcfRecord holds one data line split into its parts.
type vcfRecord struct {
	f      [9][]byte // CHROM..FORMAT
	nf     int
	rest   []byte // the sample columns
	pos    int64
	qual   float64
	hasQ   bool
	pass   bool
	alts   []allele
	svType []byte
}

// splitRecord splits the fixed columns off line.
func (r *vcfRecord) split(line []byte) {
	r.nf, r.rest = 0, nil
	for r.nf < len(r.f) {
		i := bytes.IndexByte(line, '\t')
		if i < 0 {
			r.f[r.nf] = line
			r.nf++
			return
		}
		r.f[r.nf] = line[:i]
		r.nf++
		line = line[i+1:]
	}
	r.rest = line
}

// parse checks and decodes the fixed columns. legacy selects VCF 3.x FILTER
// rules. Problems with QUAL are not fatal: such a QUAL reads as missing and
// the second result is false.
func (r *vcfRecord) parse(legacy bool) (qualOK bool, err error) {
	if r.nf < 8 {
		return true, badLine("%d columns, want at least 8", r.nf)
	}
	if len(r.f[0]) == 0 {
		return true, badLine("empty CHROM")
	}
	pos, ok := parsePos(r.f[1])
	if !ok {
		return true, badLine("POS is not a non-negative integer")
	}
	r.pos = pos
	if len(r.f[3]) == 0 {
		return true, badLine("empty REF")
	}
	if err := r.parseAlts(); err != nil {
		return true, err
	}
	r.pass = filterPass(r.f[6], legacy)
	return r.parseQual(), nil
}

// parseAlts splits and classifies ALT.
func (r *vcfRecord) parseAlts() error {
	r.alts = r.alts[:0]
	alt := r.f[4]
	if len(alt) == 1 && alt[0] == '.' {
		return nil
	}
	for {
		i := bytes.IndexByte(alt, ',')
		t := alt
		if i >= 0 {
			t, alt = alt[:i], alt[i+1:]
		}
		if len(t) == 0 {
			return badLine("empty allele in ALT")
		}
		r.alts = append(r.alts, allele{text: t})
		r.alts[len(r.alts)-1].classify(r.f[3])
		if i < 0 {
			return nil
		}
	}
}

// parseQual reads QUAL; '.', NaN and infinities read as missing.
func (r *vcfRecord) parseQual() bool {
	q := r.f[5]
	r.hasQ = false
	if len(q) == 1 && q[0] == '.' {
		return true
	}
	v, err := strconv.ParseFloat(string(q), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return false
	}
	r.qual, r.hasQ = v, true
	return true
}

// filterPass reports whether FILTER is PASS or missing ("0" in VCF 3.x).
func filterPass(f []byte, legacy bool) bool {
	s := string(f)
	return s == "PASS" || s == "." || s == "" || (legacy && s == "0")
}

// parsePos reads a non-negative decimal integer.
func parsePos(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// gtIndex returns the position of GT among the FORMAT keys, or -1.
func gtIndex(format []byte) int {
	for i := 0; ; i++ {
		j := bytes.IndexByte(format, ':')
		key := format
		if j >= 0 {
			key = format[:j]
		}
		if len(key) == 2 && key[0] == 'G' && key[1] == 'T' {
			return i
		}
		if j < 0 {
			return -1
		}
		format = format[j+1:]
	}
}

// subfield returns the idx-th ':'-separated value of a sample column, or
// nil when the column stops before it (trailing fields dropped).
func subfield(col []byte, idx int) []byte {
	for ; idx > 0; idx-- {
		j := bytes.IndexByte(col, ':')
		if j < 0 {
			return nil
		}
		col = col[j+1:]
	}
	if j := bytes.IndexByte(col, ':'); j >= 0 {
		return col[:j]
	}
	return col
}

// parseGT decodes a GT value into allele indexes (-1 for '.'), accepting
// '/' and '|' separators and the VCF 4.4 leading phase marker.
func parseGT(gt []byte, dst []int) ([]int, bool) {
	dst = dst[:0]
	if len(gt) > 0 && (gt[0] == '/' || gt[0] == '|') {
		gt = gt[1:]
	}
	if len(gt) == 0 {
		return append(dst, -1), true
	}
	for {
		a, n := parseAllele(gt)
		if n == 0 {
			return dst, false
		}
		dst, gt = append(dst, a), gt[n:]
		if len(gt) == 0 {
			return dst, true
		}
		if gt[0] != '/' && gt[0] != '|' || len(gt) == 1 {
			return dst, false
		}
		gt = gt[1:]
	}
}

// parseAllele reads one GT allele ('.' is -1) from the start of gt and
// returns it with the number of bytes read, 0 when there is none.
func parseAllele(gt []byte) (int, int) {
	if gt[0] == '.' {
		return -1, 1
	}
	a, i := 0, 0
	for i < len(gt) && gt[i] >= '0' && gt[i] <= '9' && a < 1<<24 {
		a = a*10 + int(gt[i]-'0')
		i++
	}
	return a, i
}

// zygosity of alternate allele k in a decoded genotype.
func zygosity(gt []int, k int) string {
	if len(gt) == 1 {
		return zygHemi
	}
	all := true
	for _, a := range gt {
		if a < 0 {
			return zygUnknown
		}
		if a != k {
			all = false
		}
	}
	if all {
		return zygHomAlt
	}
	return zygHet
}
