package variants

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseGT(t *testing.T) {
	cases := []struct {
		name, gt string
		want     []int
		ok       bool
	}{
		{"het", "0/1", []int{0, 1}, true},
		{"phased", "1|2", []int{1, 2}, true},
		{"haploid", "1", []int{1}, true},
		{"missing", ".", []int{-1}, true},
		{"missing diploid", "./.", []int{-1, -1}, true},
		{"half missing", "./1", []int{-1, 1}, true},
		{"triploid", "0/1/1", []int{0, 1, 1}, true},
		{"leading phase (4.4)", "|0/1", []int{0, 1}, true},
		{"empty (dropped)", "", []int{-1}, true},
		{"two digits", "0/12", []int{0, 12}, true},
		{"letter", "0/x", nil, false},
		{"trailing separator", "0/", nil, false},
		{"bad separator", "0-1", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := parseGT([]byte(c.gt), nil)
			if ok != c.ok {
				t.Fatalf("ok = %v, want %v", ok, c.ok)
			}
			if ok && !cmp.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestZygosity(t *testing.T) {
	cases := []struct {
		name string
		gt   []int
		k    int
		want string
	}{
		{"het", []int{0, 1}, 1, zygHet},
		{"hom", []int{1, 1}, 1, zygHomAlt},
		{"two alts", []int{1, 2}, 2, zygHet},
		{"hemi", []int{1}, 1, zygHemi},
		{"half missing", []int{-1, 1}, 1, zygUnknown},
		{"triploid hom", []int{2, 2, 2}, 2, zygHomAlt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := zygosity(c.gt, c.k); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestClassifyAllele(t *testing.T) {
	cases := []struct {
		name, ref, alt string
		kind, sv       string
		skip           bool
	}{
		{"snv", "A", "G", kindSNV, "", false},
		{"padded snv", "AC", "AT", kindSNV, "", false},
		{"mnv", "AC", "GT", kindMNV, "", false},
		{"insertion", "A", "ATT", kindIndel, "", false},
		{"deletion", "ATT", "A", kindIndel, "", false},
		{"symbolic", "N", "<DEL>", kindSV, "DEL", false},
		{"symbolic subtype", "G", "<DUP:TANDEM>", kindSV, "DUP", false},
		{"breakend", "T", "T[chr2:5[", kindBreakend, "BND", false},
		{"breakend left", "T", "]13:123]T", kindBreakend, "BND", false},
		{"single breakend", "G", "G.", kindBreakend, "BND", false},
		{"non-ref", "A", "<NON_REF>", "", "", true},
		{"gvcf star", "A", "<*>", "", "", true},
		{"spanning deletion", "A", "*", "", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := allele{text: []byte(c.alt)}
			a.classify([]byte(c.ref))
			if a.kind != c.kind || string(a.svType) != c.sv || a.skip != c.skip {
				t.Errorf("got kind %q sv %q skip %v", a.kind, a.svType, a.skip)
			}
		})
	}
}

func TestLayoutFromDescription(t *testing.T) {
	cases := []struct {
		name string
		kind annotKind
		desc string
		want layout
	}{
		{"vep", annCSQ, "Annotations from Ensembl VEP. Format: Allele|Consequence|IMPACT",
			layout{"Allele", "Consequence", "IMPACT"}},
		{"bcsq", annBCSQ, "BCFtools/csq. Format: Consequence|gene|dna_change",
			layout{"Consequence", "gene", "dna_change"}},
		{"ann", annANN, "Functional annotations: 'Allele | Annotation | Gene_Name' ",
			layout{"Allele", "Annotation", "Gene_Name"}},
		{"eff", annEFF, "Predicted effects. Format: 'Effect ( Effect_Impact | Gene_Name " +
			"[ | ERRORS ] )'",
			layout{"Effect_Impact", "Gene_Name", "ERRORS"}},
		{"no format", annCSQ, "VEP output", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := layoutFromDescription(c.kind, c.desc); !cmp.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestWorstTerm(t *testing.T) {
	cases := []struct {
		name, terms string
		aliases     map[string]string
		want        string
		impact      impact
	}{
		{"single", "missense_variant", nil, "missense_variant", impactModerate},
		{"joined", "intron_variant&splice_donor_variant", nil, "splice_donor_variant", impactHigh},
		{"unknown kept", "made_up_term", nil, "made_up_term", impactNone},
		{"eff alias", "NON_SYNONYMOUS_CODING", effTerms, "missense_variant", impactModerate},
		{"bcsq alias", "missense&splice_region", bcsqTerms, "missense_variant", impactModerate},
		{"maf alias", "Frame_Shift_Del", mafTerms, "frameshift_variant", impactHigh},
		{"empty", "", nil, "", impactNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := worstTerm([]byte(c.terms), c.aliases)
			if got.name != c.want || got.impact != c.impact {
				t.Errorf("got %q %v, want %q %v", got.name, got.impact, c.want, c.impact)
			}
		})
	}
}

func TestMetaField(t *testing.T) {
	val := `<ID=CSQ,Number=.,Type=String,Description="VEP, \"quoted\". Format: A|B">`
	cases := []struct{ key, want string }{
		{"ID", "CSQ"},
		{"Number", "."},
		{"Description", `VEP, "quoted". Format: A|B`},
		{"Missing", ""},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			if got := metaField(val, c.key); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	cases := []struct {
		name, text string
		want       []string
	}{
		{"lf", "a\nb\n", []string{"a", "b"}},
		{"crlf", "a\r\nb\r\n", []string{"a", "b"}},
		{"cr only", "a\rb\rc", []string{"a", "b", "c"}},
		{"no final newline", "a\nb", []string{"a", "b"}},
		{"bom", "\xef\xbb\xbfa\n", []string{"a"}},
		{"blank kept", "a\n\nb\n", []string{"a", "", "b"}},
		{"long line", long + "\ny\n", []string{long, "y"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lr := newLineReader(strings.NewReader(c.text))
			var got []string
			for {
				line, err := lr.next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, string(line))
			}
			if !cmp.Equal(got, c.want) {
				t.Errorf("got %d lines %.40q, want %d", len(got), got, len(c.want))
			}
			if lr.n != int64(len(c.want)) {
				t.Errorf("line count %d, want %d", lr.n, len(c.want))
			}
		})
	}
}

func TestSubfield(t *testing.T) {
	cases := []struct {
		col  string
		idx  int
		want []byte
	}{
		{"0/1:12:99", 0, []byte("0/1")},
		{"0/1:12:99", 2, []byte("99")},
		{"./.", 1, nil},
		{"0/1", 0, []byte("0/1")},
	}
	for _, c := range cases {
		t.Run(c.col, func(t *testing.T) {
			if got := subfield([]byte(c.col), c.idx); !bytes.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
