package variants

import (
	"bytes"
	"strings"
)

// annotKind is the annotation tool that wrote an INFO field.
type annotKind uint8

const (
	annANN  annotKind = iota + 1 // SnpEff ANN
	annEFF                       // SnpEff legacy EFF
	annCSQ                       // Ensembl VEP CSQ (any key)
	annBCSQ                      // bcftools csq BCSQ
)

// annotSpec says where gene, consequence and impact sit in one annotation
// INFO field. Indexes are -1 when the layout lacks the field; gene lists
// candidate fields in order of preference.
type annotSpec struct {
	key       string
	kind      annotKind
	allele    int
	cons      int
	impact    int
	gene      []int
	alleleNum int
	genotype  int
	dna       int
}

// Default layouts, used when the header does not declare the field or its
// declaration does not spell out a layout.
var defaultLayouts = map[annotKind]layout{
	annANN: {"Allele", "Annotation", "Annotation_Impact", "Gene_Name", "Gene_ID"},
	annEFF: {"Effect_Impact", "Functional_Class", "Codon_Change", "Amino_Acid_Change",
		"Amino_Acid_Length", "Gene_Name", "Transcript_BioType", "Gene_Coding",
		"Transcript_ID", "Exon_Rank", "Genotype_Number"},
	annCSQ: {"Allele", "Consequence", "IMPACT", "SYMBOL", "Gene"},
	annBCSQ: {"Consequence", "gene", "transcript", "biotype", "strand",
		"amino_acid_change", "dna_change"},
}

// conventionalKeys are the INFO keys read as annotations even when the
// header does not declare them.
var conventionalKeys = map[string]annotKind{"ANN": annANN, "EFF": annEFF, "CSQ": annCSQ,
	"vep": annCSQ, "BCSQ": annBCSQ}

// annotKindOf decides from the INFO ID and Description whether a field is
// an annotation this package reads.
func annotKindOf(id, desc string) annotKind {
	switch {
	case id == "ANN" || strings.Contains(desc, "Functional annotations"):
		return annANN
	case id == "EFF" || strings.Contains(desc, "Predicted effects"):
		return annEFF
	case id == "BCSQ" || strings.Contains(desc, "BCFtools/csq"):
		return annBCSQ
	case id == "CSQ" || (strings.Contains(desc, "VEP") && strings.Contains(desc, "Format:")):
		return annCSQ
	}
	return 0
}

// declaredAnnotation builds the spec of a declared INFO field, or nil if it
// is not an annotation.
func declaredAnnotation(id, desc string) *annotSpec {
	kind := annotKindOf(id, desc)
	if kind == 0 || id == "" {
		return nil
	}
	fields := layoutFromDescription(kind, desc)
	if fields == nil {
		fields = defaultLayouts[kind]
	}
	return newAnnotSpec(id, kind, fields)
}

// defaultAnnotation builds the spec for an undeclared field with one of the
// conventional names, or nil.
func defaultAnnotation(key string) *annotSpec {
	kind, ok := conventionalKeys[key]
	if !ok {
		return nil
	}
	return newAnnotSpec(key, kind, defaultLayouts[kind])
}

// layoutFromDescription reads the field names from a Description string:
// "Format: a|b|c" (VEP, bcftools), "'a | b | c'" (SnpEff ANN) or
// "Effect ( a | b [ | c ] )" (SnpEff EFF).
func layoutFromDescription(kind annotKind, desc string) layout {
	var body string
	var ok bool
	switch kind {
	case annCSQ, annBCSQ:
		_, body, ok = strings.Cut(desc, "Format:")
	case annANN:
		body, ok = between(desc, "'", "'")
	case annEFF:
		body, ok = between(desc, "(", ")")
		body = strings.NewReplacer("[", "", "]", "").Replace(body)
	}
	fields := strings.Split(strings.Trim(strings.TrimSpace(body), `'"`), "|")
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	if !ok || len(fields) < 2 {
		return nil
	}
	return fields
}

// between returns the text between the first open and the last close.
func between(s, open, close string) (string, bool) {
	i, j := strings.Index(s, open), strings.LastIndex(s, close)
	if i < 0 || j <= i {
		return "", false
	}
	return s[i+len(open) : j], true
}

// newAnnotSpec finds the interesting fields in a layout.
func newAnnotSpec(key string, kind annotKind, fields layout) *annotSpec {
	f := fields.find
	s := &annotSpec{key: key, kind: kind, allele: -1, cons: -1, impact: -1,
		alleleNum: -1, genotype: -1, dna: -1}
	switch kind {
	case annANN:
		s.allele, s.cons, s.impact = f("Allele"), f("Annotation"), f("Annotation_Impact")
		s.gene = pick(f("Gene_Name"), f("Gene_ID"))
	case annEFF:
		s.impact, s.genotype = f("Effect_Impact"), f("Genotype_Number", "Genotype")
		s.gene = pick(f("Gene_Name"))
	case annCSQ:
		s.allele, s.cons, s.impact = f("Allele"), f("Consequence"), f("IMPACT")
		s.alleleNum = f("ALLELE_NUM")
		s.gene = pick(f("SYMBOL"), f("HGNC"), f("Gene"))
	case annBCSQ:
		s.cons, s.dna = f("Consequence"), f("dna_change")
		s.gene = pick(f("gene"))
	}
	return s
}

// layout is the list of field names of an annotation.
type layout []string

// find returns the index of the first of names present (case-insensitive),
// or -1.
func (l layout) find(names ...string) int {
	for _, n := range names {
		for i, f := range l {
			if strings.EqualFold(f, n) {
				return i
			}
		}
	}
	return -1
}

// pick keeps the indexes that exist.
func pick(idx ...int) []int {
	var out []int
	for _, i := range idx {
		if i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

// usable reports whether the layout has anything to read.
func (s *annotSpec) usable() bool {
	return s.kind == annEFF || s.cons >= 0 || s.impact >= 0
}

// annotation is the chosen (most severe) annotation of one allele.
type annotation struct {
	set    bool
	gene   []byte
	cons   string
	rank   int
	impact impact
}

// worse reports whether c is more severe than a.
func (a *annotation) worse(c annotation) bool {
	if !a.set {
		return true
	}
	if c.impact != a.impact {
		return c.impact > a.impact
	}
	return c.rank < a.rank
}

// nextField splits b at the first sep into the field before it and the
// rest after it; rest is nil when b holds no sep.
func nextField(b []byte, sep byte) (field, rest []byte) {
	if i := bytes.IndexByte(b, sep); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// splitFields splits b on sep into dst, reusing its storage.
func splitFields(b []byte, sep byte, dst [][]byte) [][]byte {
	dst = dst[:0]
	for b != nil {
		var f []byte
		f, b = nextField(b, sep)
		dst = append(dst, f)
	}
	return dst
}

// field returns f[i], or nil when the entry is too short or i is -1.
func field(f [][]byte, i int) []byte {
	if i < 0 || i >= len(f) {
		return nil
	}
	return f[i]
}

// firstGene returns the first non-empty gene field.
func firstGene(f [][]byte, idx []int) []byte {
	for _, i := range idx {
		if g := field(f, i); len(g) > 0 && !(len(g) == 1 && g[0] == '.') {
			return g
		}
	}
	return nil
}
