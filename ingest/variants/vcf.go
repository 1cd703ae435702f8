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
	badQual, shortSamples, noGT, refBlocks int64
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
		if err := v.record(line); err != nil {
			if le, ok := err.(*lineError); ok {
				v.st.reject(v.lr.n, le.reason)
				continue
			}
			return err
		}
	}
}

// record handles one data line.
func (v *vcfReader) record(line []byte) error {
	r := &v.rec
	r.split(line)
	qualOK, err := r.parse(v.h.legacy)
	if err != nil {
		return err
	}
	if !qualOK {
		v.counts.badQual++
	}
	v.out.site(r.f[0])
	if v.refBlock() {
		v.counts.refBlocks++
		return nil
	}
	if err := v.genotypes(); err != nil {
		return err
	}
	if len(v.pending) == 0 {
		return nil
	}
	v.ann.annotate(r)
	return v.emit()
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
	for rest != nil {
		col := rest
		if i := bytes.IndexByte(rest, '\t'); i >= 0 {
			col, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		if err := v.sample(s, col); err != nil {
			return err
		}
		s++
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
		if len(col) == 0 {
			return nil
		}
		return badLine("more sample columns than the %d the header names", len(v.h.samples))
	}
	gt, ok := parseGT(subfield(col, v.gtIdx), v.gt)
	v.gt = gt
	if !ok {
		return badLine("GT of sample column %d is not a genotype", s+10)
	}
	for i, k := range gt {
		if k <= 0 || seen(gt[:i], k) {
			continue
		}
		if k > len(v.rec.alts) {
			return badLine("GT of sample column %d names allele %d of %d", s+10, k, len(v.rec.alts))
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
	if c.badQual > 0 {
		st.note(fmt.Sprintf("%d records have a QUAL that is not a finite number; "+
			"read as missing", c.badQual))
	}
	if c.shortSamples > 0 {
		st.note(fmt.Sprintf("%d records have fewer sample columns than the header "+
			"names; the missing samples read as not called", c.shortSamples))
	}
	if c.noGT > 0 {
		st.note(fmt.Sprintf("%d records have no GT in FORMAT; no calls come from them", c.noGT))
	}
	if c.refBlocks > 0 {
		st.note(fmt.Sprintf("%d records have no real alternate allele (gVCF reference "+
			"blocks, monomorphic sites); not counted as variants", c.refBlocks))
	}
}
