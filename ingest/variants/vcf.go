package variants

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

// vcfReader turns VCF data lines into calls.
type vcfReader struct {
	in      *input
	lr      *lineReader
	h       *vcfHeader
	st      *Stats
	ann     annotator
	out     *callBuilder
	names   [][]byte
	patient [][]byte // nil where the sample is unlinked
	rec     vcfRecord
	pending []pendingCall
	gt      []int
	format  []byte
	gtIdx   int
	spaced  []byte // a space-separated line rewritten with tabs
	counts  vcfCounts
}

// pendingCall is a call found while checking a line, added once the whole
// line has been found valid.
type pendingCall struct {
	sample int
	allele int
	zyg    string
}

// vcfCounts tallies workarounds, turned into notes at the end.
type vcfCounts struct {
	badQual, shortSamples, extraSamples, noGT, refBlocks, spaced int64
}

// readVCF reads the VCF behind in, emitting calls through out.
func readVCF(ctx context.Context, in *input, link Linker, out *callBuilder, st *Stats) error {
	lr := newLineReader(in.text)
	h, err := readVCFHeader(lr, in, st)
	if err != nil {
		return err
	}
	st.Version = h.version
	v := &vcfReader{in: in, lr: lr, h: h, st: st, out: out, gtIdx: -1}
	v.ann = annotator{h: h, st: st}
	v.link(link)
	for _, a := range h.annots {
		if !a.usable() {
			st.note(fmt.Sprintf("INFO/%s declares no consequence or impact field; ignored", a.key))
		}
	}
	if err := v.loop(ctx); err != nil {
		return err
	}
	v.counts.notes(st)
	return out.flush()
}

// link resolves every sample to its patient once.
func (v *vcfReader) link(link Linker) {
	v.st.Samples = v.h.samples
	for _, s := range v.h.samples {
		v.names = append(v.names, []byte(s))
		var p []byte
		if link != nil {
			if id, ok := link(s); ok {
				p = []byte(id)
			}
		}
		if p == nil {
			v.st.Unlinked = append(v.st.Unlinked, s)
		}
		v.patient = append(v.patient, p)
	}
}

// loop reads data lines to the end.
func (v *vcfReader) loop(ctx context.Context) error {
	for {
		line, err := v.lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return v.in.wrapErr(v.lr.n+1, err)
		}
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if v.st.Records++; v.st.Records&0xfff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := v.st.absorb(v.lr.n, v.record(line)); err != nil {
			return err
		}
	}
}

// record handles one data line.
func (v *vcfReader) record(line []byte) error {
	if err := v.fixed(line); err != nil {
		return err
	}
	if v.refBlock() {
		v.counts.refBlocks++
		return nil
	}
	if err := v.genotypes(); err != nil || len(v.pending) == 0 {
		return err
	}
	v.ann.annotate(&v.rec)
	return v.emit()
}

// fixed splits and checks the fixed columns of a data line.
func (v *vcfReader) fixed(line []byte) error {
	r := &v.rec
	if v.h.spaced && bytes.IndexByte(line, '\t') < 0 {
		v.spaced = append(v.spaced[:0], bytes.Join(bytes.Fields(line), []byte{'\t'})...)
		line = v.spaced
		v.counts.spaced++
	}
	r.split(line)
	qualOK, err := r.parse(v.h.legacy)
	if err != nil {
		return err
	}
	if !qualOK {
		v.counts.badQual++
	}
	v.out.site(r.f[0])
	return nil
}

// refBlock reports whether the record has no real alternate allele: a gVCF
// reference block (<NON_REF> or <*> only) or a monomorphic site.
func (v *vcfReader) refBlock() bool {
	for i := range v.rec.alts {
		if !v.rec.alts[i].skip {
			return false
		}
	}
	return true
}

// genotypes decodes every sample's GT into pending calls.
func (v *vcfReader) genotypes() error {
	v.pending = v.pending[:0]
	r := &v.rec
	if r.nf < 9 {
		return nil
	}
	if gi := v.gtIndexOf(r.f[8]); gi < 0 {
		if len(v.h.samples) > 0 {
			v.counts.noGT++
		}
		return nil
	}
	rest, s := r.rest, 0
	for ; rest != nil; s++ {
		var col []byte
		col, rest = nextField(rest, '\t')
		if err := v.sample(s, col); err != nil {
			return err
		}
	}
	if s < len(v.h.samples) {
		v.counts.shortSamples++
	}
	return nil
}

// gtIndexOf returns the GT position in FORMAT, caching the last FORMAT.
func (v *vcfReader) gtIndexOf(format []byte) int {
	if string(format) != string(v.format) {
		v.format = append(v.format[:0], format...)
		v.gtIdx = gtIndex(format)
	}
	return v.gtIdx
}

// sample decodes one sample column.
func (v *vcfReader) sample(s int, col []byte) error {
	if s >= len(v.h.samples) {
		if s == len(v.h.samples) && len(col) > 0 {
			v.counts.extraSamples++
		}
		return nil
	}
	gt, ok := parseGT(subfield(col, v.gtIdx), v.gt)
	v.gt = gt
	if !ok {
		return badLine("GT of sample column %d is not a genotype", s+10)
	}
	return v.carried(s, gt)
}

// carried queues a call for each distinct real alternate allele in gt.
func (v *vcfReader) carried(s int, gt []int) error {
	for i, k := range gt {
		if k <= 0 || seen(gt[:i], k) {
			continue
		}
		if k > len(v.rec.alts) {
			return badLine("GT of sample column %d names allele %d of %d",
				s+10, k, len(v.rec.alts))
		}
		if !v.rec.alts[k-1].skip {
			v.pending = append(v.pending, pendingCall{sample: s, allele: k, zyg: zygosity(gt, k)})
		}
	}
	return nil
}

// seen reports whether k occurs in gt.
func seen(gt []int, k int) bool {
	for _, a := range gt {
		if a == k {
			return true
		}
	}
	return false
}

// emit adds the pending calls of the current record.
func (v *vcfReader) emit() error {
	r := &v.rec
	c := call{chrom: r.f[0], ref: r.f[3], pos: r.pos, qual: r.qual, hasQual: r.hasQ, pass: r.pass}
	for _, p := range v.pending {
		a := &r.alts[p.allele-1]
		c.sample, c.patient = v.names[p.sample], v.patient[p.sample]
		c.alt, c.kind, c.svType = a.text, a.kind, a.svType
		if a.svType != nil && r.svType != nil {
			c.svType = r.svType
		}
		c.gene, c.cons, c.impact = a.ann.gene, a.ann.cons, a.ann.impact.String()
		c.zyg, c.allele = p.zyg, int32(p.allele)
		if err := v.out.add(&c); err != nil {
			return err
		}
		v.st.Calls++
	}
	return nil
}

// notes turns the tallies into notes.
func (c vcfCounts) notes(st *Stats) {
	for _, n := range []struct {
		count int64
		text  string
	}{
		{c.badQual, "%d records have a QUAL that is not a finite number; read as missing"},
		{c.shortSamples, "%d records have fewer sample columns than the header names; " +
			"the missing samples read as not called"},
		{c.extraSamples, "%d records have more sample columns than the header names; " +
			"the extra columns are ignored"},
		{c.spaced, "%d records are separated by spaces, not tabs; read as if by tabs"},
		{c.noGT, "%d records have no GT in FORMAT; no calls come from them"},
		{c.refBlocks, "%d records have no real alternate allele (gVCF reference blocks, " +
			"monomorphic sites); not counted as variants"},
	} {
		if n.count > 0 {
			st.note(fmt.Sprintf(n.text, n.count))
		}
	}
}
