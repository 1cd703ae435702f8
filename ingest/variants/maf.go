package variants

import (
	"bytes"
	"context"
	"io"
)

// mafColumns holds the positions of the columns a MAF reader uses (-1 when
// absent).
type mafColumns struct {
	chrom, start, ref, alt1, alt2, sample        int
	gene, class, fn, cons, impact, filter, vtype int
}

func findMAFColumns(h []string) mafColumns {
	return mafColumns{
		chrom: columnIndex(h, chromNames), start: columnIndex(h, startNames),
		ref: columnIndex(h, refNames), alt1: columnIndex(h, alt1Names),
		alt2: columnIndex(h, alt2Names), sample: columnIndex(h, sampleNames),
		gene: columnIndex(h, geneNames), class: columnIndex(h, classNames),
		fn: columnIndex(h, funcNames), cons: columnIndex(h, []string{"consequence"}),
		impact: columnIndex(h, []string{"impact"}), filter: columnIndex(h, []string{"filter"}),
		vtype: columnIndex(h, []string{"variant_type"}),
	}
}

// mafReader turns MAF rows into calls. Consecutive rows describing the same
// call (ICGC writes one row per transcript) become one call carrying the
// most severe annotation.
type mafReader struct {
	t       *tableReader
	c       mafColumns
	st      *Stats
	out     *callBuilder
	link    Linker
	patient map[string][]byte
	held    call
	heldBuf []byte
	hasHeld bool
	heldAnn annotation
}

// readMAF reads the MAF behind in.
func readMAF(ctx context.Context, in *input, link Linker, out *callBuilder, st *Stats) error {
	t := newTableReader(in)
	h, err := t.header()
	if err == io.EOF {
		return malformedf(in.path, "no header line")
	}
	if err != nil {
		return err
	}
	c := findMAFColumns(h)
	if err := checkMAFColumns(in.path, c); err != nil {
		return err
	}
	m := &mafReader{t: t, c: c, st: st, out: out, link: link,
		patient: map[string][]byte{}}
	if err := m.loop(ctx); err != nil {
		return err
	}
	if err := m.release(); err != nil {
		return err
	}
	return out.flush()
}

// checkMAFColumns explains what a table lacks to be read as variants.
func checkMAFColumns(path string, c mafColumns) error {
	switch {
	case c.chrom < 0 || c.start < 0:
		return unsupportedf(path, "table has no chromosome and start position columns")
	case c.ref < 0 || (c.alt1 < 0 && c.alt2 < 0):
		return unsupportedf(path, "table has no reference and alternate allele columns "+
			"(copy-number segments or another non-variant table)")
	case c.sample < 0:
		return unsupportedf(path, "table has no sample column (Tumor_Sample_Barcode)")
	}
	return nil
}

// loop reads every row.
func (m *mafReader) loop(ctx context.Context) error {
	return m.t.each(ctx, func(row [][]byte) error {
		m.st.Records++
		return m.st.absorb(m.t.lr.n, m.row(row))
	})
}

// row reads one data row.
func (m *mafReader) row(row [][]byte) error {
	var c call
	if err := m.fill(&c, row); err != nil {
		return err
	}
	m.out.site(c.chrom)
	ann := m.annotation(row)
	if m.hasHeld && sameCall(&m.held, &c) {
		if m.heldAnn.worse(ann) {
			m.heldAnn = ann
		}
		return nil
	}
	if err := m.release(); err != nil {
		return err
	}
	m.hold(&c, ann)
	return nil
}

// fill reads the position, alleles, sample and zygosity of a row.
func (m *mafReader) fill(c *call, row [][]byte) error {
	sample := cell(row, m.c.sample)
	if missing(sample) {
		return badLine("empty sample column")
	}
	if _, known := m.patient[string(sample)]; !known {
		m.linkSample(string(sample))
	}
	if err := m.position(c, row); err != nil {
		return err
	}
	if err := m.alleles(c, row); err != nil {
		return err
	}
	c.kind = mafKind(cell(row, m.c.vtype), c.ref, c.alt)
	c.pass = m.c.filter < 0 || filterPass(cell(row, m.c.filter), false)
	c.sample, c.allele = sample, 1
	return nil
}

// position reads the chromosome and start position.
func (m *mafReader) position(c *call, row [][]byte) error {
	c.chrom = cell(row, m.c.chrom)
	if missing(c.chrom) {
		return badLine("empty chromosome")
	}
	start := cell(row, m.c.start)
	pos, ok := parsePos(start)
	switch {
	case missing(start):
		return badLine("start position missing")
	case !ok:
		return badLine("start position is not a non-negative integer")
	}
	c.pos = pos
	return nil
}

// alleles picks the alternate allele and reads zygosity.
func (m *mafReader) alleles(c *call, row [][]byte) error {
	c.ref = cell(row, m.c.ref)
	if missing(c.ref) {
		return badLine("empty reference allele")
	}
	a1, a2 := cell(row, m.c.alt1), cell(row, m.c.alt2)
	switch {
	case !missing(a2) && !bytes.Equal(a2, c.ref):
		c.alt = a2
	case !missing(a1) && !bytes.Equal(a1, c.ref):
		c.alt = a1
	default:
		return badLine("no tumour allele differs from the reference allele")
	}
	c.zyg = mafZygosity(c.ref, a1, a2, m.c.alt1 >= 0 && m.c.alt2 >= 0)
	return nil
}

// mafZygosity reads zygosity from the two tumour allele columns: one equal
// to the reference is het, two equal alternates hom_alt, two different
// alternates het; without both columns it is unknown.
func mafZygosity(ref, a1, a2 []byte, both bool) string {
	if !both || missing(a1) || missing(a2) {
		return zygUnknown
	}
	switch {
	case bytes.Equal(a1, ref) || bytes.Equal(a2, ref):
		return zygHet
	case bytes.Equal(a1, a2):
		return zygHomAlt
	}
	return zygHet
}

// mafKind reads Variant_Type, or classifies the alleles ('-' marks the
// empty side of an indel).
func mafKind(vtype, ref, alt []byte) string {
	switch string(vtype) {
	case "SNP":
		return kindSNV
	case "DNP", "TNP", "ONP":
		return kindMNV
	case "INS", "DEL", "INDEL":
		return kindIndel
	}
	if string(ref) == "-" || string(alt) == "-" {
		return kindIndel
	}
	return seqKind(ref, alt)
}

// annotation reads gene, consequence and impact of a row: VEP Consequence
// and IMPACT columns (vcf2maf) when present, else the Variant_Classification
// (or ANNOVAR ExonicFunc, then Func) mapped to SO terms.
func (m *mafReader) annotation(row [][]byte) annotation {
	gene := cell(row, m.c.gene)
	if missing(gene) || string(gene) == "Unknown" {
		gene = nil
	}
	var t term
	if cons := cell(row, m.c.cons); !missing(cons) {
		t = worstTerm(cons, nil)
	} else {
		t = worstTermSep(cell(row, m.c.class), ';', mafTerms)
		if t.name == "" || t.name == "unknown" {
			t = worstTermSep(cell(row, m.c.fn), ';', mafTerms)
		}
	}
	return candidate(t, cell(row, m.c.impact), gene)
}

// worstTermSep is worstTerm for values joined by sep rather than '&'.
func worstTermSep(b []byte, sep byte, aliases map[string]string) term {
	if missing(b) {
		return term{rank: unknownRank}
	}
	best := term{rank: unknownRank + 1}
	for _, part := range bytes.Split(b, []byte{sep}) {
		if t := worstTerm(part, aliases); t.rank < best.rank {
			best = t
		}
	}
	return best
}

// sameCall reports whether two rows describe the same call.
func sameCall(a, b *call) bool {
	return a.pos == b.pos && bytes.Equal(a.sample, b.sample) && bytes.Equal(a.chrom, b.chrom) &&
		bytes.Equal(a.ref, b.ref) && bytes.Equal(a.alt, b.alt)
}

// hold keeps a copy of c until the next row shows it is complete. The
// held bytes share one buffer that is reused once the call is released.
func (m *mafReader) hold(c *call, ann annotation) {
	buf := m.heldBuf[:0]
	cp := func(b []byte) []byte {
		if b == nil {
			return nil
		}
		start := len(buf)
		buf = append(buf, b...)
		return buf[start:len(buf):len(buf)]
	}
	m.held = *c
	m.held.sample, m.held.chrom = cp(c.sample), cp(c.chrom)
	m.held.ref, m.held.alt = cp(c.ref), cp(c.alt)
	ann.gene = cp(ann.gene)
	m.heldBuf = buf
	m.heldAnn, m.hasHeld = ann, true
}

// release emits the held call.
func (m *mafReader) release() error {
	if !m.hasHeld {
		return nil
	}
	m.hasHeld = false
	c := &m.held
	c.patient = m.patient[string(c.sample)]
	c.gene, c.cons, c.impact = m.heldAnn.gene, m.heldAnn.cons, m.heldAnn.impact.String()
	m.st.Calls++
	return m.out.add(c)
}

// linkSample links a sample seen for the first time.
func (m *mafReader) linkSample(name string) []byte {
	var p []byte
	if m.link != nil {
		if id, ok := m.link(name); ok {
			p = []byte(id)
		}
	}
	m.patient[name] = p
	m.st.Samples = append(m.st.Samples, name)
	if p == nil {
		m.st.Unlinked = append(m.st.Unlinked, name)
	}
	return p
}
