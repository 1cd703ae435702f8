package variants

import (
	"bytes"
	"fmt"
)

// annotator reads the annotation fields of INFO into per-allele choices.
type annotator struct {
	h          *vcfHeader
	st         *Stats
	undeclared map[string]*annotSpec
	fields     [][]byte
}

// annotate sets r.svType and, for every alternate allele, the most severe
// annotation found in INFO.
func (a *annotator) annotate(r *vcfRecord) {
	r.svType = nil
	info := r.f[7]
	if len(info) == 1 && info[0] == '.' {
		return
	}
	for len(info) > 0 {
		var entry []byte
		entry, info = nextField(info, ';')
		key, val, ok := bytes.Cut(entry, []byte("="))
		if !ok {
			continue
		}
		if string(key) == "SVTYPE" {
			r.svType = val
			continue
		}
		if s := a.spec(key); s != nil {
			a.apply(s, val, r)
		}
	}
}

// spec returns the layout for an INFO key, or nil if it is no annotation.
func (a *annotator) spec(key []byte) *annotSpec {
	for _, s := range a.h.annots {
		if string(key) == s.key {
			return s
		}
	}
	if _, ok := conventionalKeys[string(key)]; !ok {
		return nil
	}
	if s, ok := a.undeclared[string(key)]; ok {
		return s
	}
	s := defaultAnnotation(string(key))
	if s == nil {
		return nil
	}
	if a.undeclared == nil {
		a.undeclared = map[string]*annotSpec{}
	}
	a.undeclared[s.key] = s
	a.st.note(fmt.Sprintf("INFO/%s is not declared in the header; read with the "+
		"default layout of its tool", s.key))
	return s
}

// apply reads every comma-separated entry of one annotation field.
func (a *annotator) apply(s *annotSpec, val []byte, r *vcfRecord) {
	if !s.usable() {
		return
	}
	for len(val) > 0 {
		var entry []byte
		entry, val = nextField(val, ',')
		switch s.kind {
		case annANN, annCSQ:
			a.applyVEPLike(s, entry, r)
		case annEFF:
			a.applyEFF(s, entry, r)
		case annBCSQ:
			a.applyBCSQ(s, entry, r)
		}
	}
}

// applyVEPLike reads one SnpEff ANN or VEP CSQ entry.
func (a *annotator) applyVEPLike(s *annotSpec, entry []byte, r *vcfRecord) {
	f := splitFields(entry, '|', a.fields)
	a.fields = f
	c := candidate(worstTerm(field(f, s.cons), nil), field(f, s.impact), firstGene(f, s.gene))
	if !c.set {
		return
	}
	var target int
	if n, ok := parsePos(field(f, s.alleleNum)); ok && n >= 1 {
		target = int(n - 1)
	} else {
		target = r.matchAllele(field(f, s.allele))
	}
	r.offer(target, c)
}

// applyEFF reads one legacy SnpEff entry "EFFECT(impact|...|gene|...)".
func (a *annotator) applyEFF(s *annotSpec, entry []byte, r *vcfRecord) {
	open, end := bytes.IndexByte(entry, '('), bytes.LastIndexByte(entry, ')')
	if open < 0 || end < open {
		return
	}
	f := splitFields(entry[open+1:end], '|', a.fields)
	a.fields = f
	c := candidate(worstTerm(entry[:open], effTerms), field(f, s.impact), firstGene(f, s.gene))
	if !c.set {
		return
	}
	target := -1
	if g := field(f, s.genotype); len(g) > 0 {
		if n, ok := parsePos(g); ok && n >= 1 {
			target = int(n - 1)
		} else if i := r.exactAllele(g); i >= 0 {
			target = i
		}
	}
	r.offer(target, c)
}

// applyBCSQ reads one bcftools csq entry. Entries pointing at another
// record ("@123") and consequences downstream of a stop ("*missense") are
// not this record's own effect and are skipped.
func (a *annotator) applyBCSQ(s *annotSpec, entry []byte, r *vcfRecord) {
	if len(entry) == 0 || entry[0] == '@' {
		return
	}
	f := splitFields(entry, '|', a.fields)
	a.fields = f
	cons := field(f, s.cons)
	if len(cons) > 0 && cons[0] == '*' {
		return
	}
	c := candidate(worstTerm(cons, bcsqTerms), nil, firstGene(f, s.gene))
	if c.set {
		r.offer(r.dnaChangeAllele(field(f, s.dna)), c)
	}
}

// dnaChangeAllele finds the allele a BCSQ dna_change ("100C>T") ends with:
// that allele, else the only real allele, else -1 (every allele).
func (r *vcfRecord) dnaChangeAllele(dna []byte) int {
	for i := range r.alts {
		t := r.alts[i].text
		if n := len(dna) - len(t); n > 0 && dna[n-1] == '>' && bytes.Equal(dna[n:], t) {
			return i
		}
	}
	return r.onlyAlt()
}

// candidate builds an annotation; an impact written in the file wins over
// the term's default impact.
func candidate(t term, imp []byte, gene []byte) annotation {
	c := annotation{gene: gene, cons: t.name, rank: t.rank, impact: parseImpact(imp)}
	if c.impact == impactNone {
		c.impact = t.impact
	}
	c.set = c.cons != "" || c.impact != impactNone || len(gene) > 0
	return c
}

// offer gives candidate c to allele target (-1: every allele; below -1:
// none), keeping each allele's most severe annotation.
func (r *vcfRecord) offer(target int, c annotation) {
	if target >= len(r.alts) || target < -1 {
		return
	}
	for i := range r.alts {
		if (target == -1 || i == target) && !r.alts[i].skip && r.alts[i].ann.worse(c) {
			r.alts[i].ann = c
		}
	}
}

// matchAllele finds the alternate allele an ANN or CSQ entry names: as
// written, in VEP's trimmed form (shared first base removed, "-" when
// nothing is left), or the only real alternate allele. It returns -2 when
// the entry matches none.
func (r *vcfRecord) matchAllele(text []byte) int {
	if i := r.exactAllele(text); i >= 0 {
		return i
	}
	if r.sharedFirstBase() {
		for i := range r.alts {
			t := r.alts[i].text[1:]
			if bytes.Equal(t, text) || (len(t) == 0 && string(text) == "-") {
				return i
			}
		}
	}
	if i := r.onlyAlt(); i >= 0 {
		return i
	}
	return -2
}

// exactAllele returns the index of the allele written as text, or -1.
func (r *vcfRecord) exactAllele(text []byte) int {
	for i := range r.alts {
		if bytes.Equal(r.alts[i].text, text) {
			return i
		}
	}
	return -1
}

// onlyAlt returns the index of the single real alternate allele, or -1.
func (r *vcfRecord) onlyAlt() int {
	idx := -1
	for i := range r.alts {
		if !r.alts[i].skip {
			if idx >= 0 {
				return -1
			}
			idx = i
		}
	}
	return idx
}

// sharedFirstBase reports whether REF and every sequence ALT start with
// the same base, the case where VEP trims that base from its Allele.
func (r *vcfRecord) sharedFirstBase() bool {
	ref := r.f[3]
	for i := range r.alts {
		t := r.alts[i].text
		if r.alts[i].kind == kindSV || r.alts[i].kind == kindBreakend || r.alts[i].skip {
			continue
		}
		if len(t) == 0 || t[0] != ref[0] {
			return false
		}
	}
	return true
}
