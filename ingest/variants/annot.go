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
	width     int // number of fields needed to reach every index
}

// Default layouts, used when the header does not declare the field or its
// declaration does not spell out a layout.
var defaultLayouts = map[annotKind][]string{
	annANN: {"Allele", "Annotation", "Annotation_Impact", "Gene_Name", "Gene_ID"},
	annEFF: {"Effect_Impact", "Functional_Class", "Codon_Change", "Amino_Acid_Change",
		"Amino_Acid_Length", "Gene_Name", "Transcript_BioType", "Gene_Coding",
		"Transcript_ID", "Exon_Rank", "Genotype_Number"},
	annCSQ:  {"Allele", "Consequence", "IMPACT", "SYMBOL", "Gene"},
	annBCSQ: {"Consequence", "gene", "transcript", "biotype", "strand", "amino_acid_change", "dna_change"},
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
func layoutFromDescription(kind annotKind, desc string) []string {
	var body string
	switch kind {
	case annCSQ, annBCSQ:
		_, after, ok := strings.Cut(desc, "Format:")
		if !ok {
			return nil
		}
		body = after
	case annANN:
		i, j := strings.Index(desc, "'"), strings.LastIndex(desc, "'")
		if i < 0 || j <= i {
			return nil
		}
		body = desc[i+1 : j]
	case annEFF:
		i, j := strings.Index(desc, "("), strings.LastIndex(desc, ")")
		if i < 0 || j <= i {
			return nil
		}
		body = strings.NewReplacer("[", "", "]", "").Replace(desc[i+1 : j])
	}
	fields := strings.Split(strings.Trim(strings.TrimSpace(body), `'"`), "|")
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	if len(fields) < 2 {
		return nil
	}
	return fields
}

// newAnnotSpec finds the interesting fields in a layout.
func newAnnotSpec(key string, kind annotKind, fields []string) *annotSpec {
	find := func(names ...string) int {
		for _, n := range names {
			for i, f := range fields {
				if strings.EqualFold(f, n) {
					return i
				}
			}
		}
		return -1
	}
	s := &annotSpec{key: key, kind: kind, allele: -1, cons: -1, impact: -1,
		alleleNum: -1, genotype: -1, dna: -1}
	switch kind {
	case annANN:
		s.allele, s.cons, s.impact = find("Allele"), find("Annotation"), find("Annotation_Impact")
		s.gene = pick(find("Gene_Name"), find("Gene_ID"))
	case annEFF:
		s.impact, s.genotype = find("Effect_Impact"), find("Genotype_Number", "Genotype")
		s.gene = pick(find("Gene_Name"))
	case annCSQ:
		s.allele, s.cons, s.impact = find("Allele"), find("Consequence"), find("IMPACT")
		s.alleleNum = find("ALLELE_NUM")
		s.gene = pick(find("SYMBOL"), find("HGNC"), find("Gene"))
	case annBCSQ:
		s.cons, s.dna = find("Consequence"), find("dna_change")
		s.gene = pick(find("gene"))
	}
	s.width = max(s.allele, s.cons, s.impact, s.alleleNum, s.genotype, s.dna) + 1
	for _, g := range s.gene {
		s.width = max(s.width, g+1)
	}
	return s
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

// splitFields splits b on sep into dst, reusing its storage.
func splitFields(b []byte, sep byte, dst [][]byte) [][]byte {
	dst = dst[:0]
	for {
		i := bytes.IndexByte(b, sep)
		if i < 0 {
			return append(dst, b)
		}
		dst = append(dst, b[:i])
		b = b[i+1:]
	}
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
