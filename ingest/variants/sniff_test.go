package variants

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniff(t *testing.T) {
	vcf := "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
	cases := []struct {
		name, file string
		head       []byte
		want       Format
		ok         bool
	}{
		{"vcf", "x.txt", []byte(vcf), FormatVCF, true},
		{"vcf gzip", "x", gz(t, vcf), FormatVCFGz, true},
		{"vcf truncated gzip", "x", gz(t, vcf+strings.Repeat("1\t2\n", 4000))[:60],
			FormatVCFGz, true},
		{"vcf 3", "x", []byte("##format=VCFv3.3\n"), FormatVCF, true},
		{"chrom line only", "x", []byte("#CHROM\tPOS\tID\tREF\tALT\tQUAL\n"), FormatVCF, true},
		{"bcf", "x.vcf", []byte("BCF\x02\x02rest"), FormatBCF, true},
		{"bcf in gzip", "x", gz(t, "BCF\x02\x02rest"), FormatBCF, true},
		{"maf version line", "x", []byte("#version 2.4\nHugo_Symbol\n"), FormatMAF, true},
		{"maf", "x", []byte("Hugo_Symbol\tChromosome\tStart_Position\tReference_Allele\t" +
			"Tumor_Seq_Allele2\tTumor_Sample_Barcode\n"), FormatMAF, true},
		{"maf cr", "x", []byte("Chromosome\tStart_Position\tReference_Allele\t" +
			"Tumor_Seq_Allele2\r1\t2\tA\tG\r"), FormatMAF, true},
		{"maf gzip", "x.gz", gz(t, "Chr\tStart\tRef\tAlt\tTumor_Sample_Barcode\n"),
			FormatMAF, true},
		{"sample map", "any.tsv", []byte("sample_id\tpatient_id\nS\tP\n"), FormatSampleMap, true},
		{"headerless samples.tsv", "genomics/samples.tsv", []byte("S1\tP1\n"),
			FormatSampleMap, true},
		{"headerless other", "pairs.tsv", []byte("S1\tP1\n"), "", false},
		{"clinical", "x.tsv", []byte("Tumor_Sample_Barcode\tFAB_classification\n"),
			FormatClinical, true},
		{"segments", "x", []byte("Sample\tChromosome\tStart\tEnd\tSegment_Mean\n"), "", false},
		{"csv", "patients.csv", []byte("Id,BIRTHDATE\n"), "", false},
		{"empty", "x", nil, "", false},
		{"dicom", "x", append(make([]byte, 128), "DICM"...), "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Sniff(c.file, c.head)
			if got != c.want || ok != c.ok {
				t.Errorf("got %q %v, want %q %v", got, ok, c.want, c.ok)
			}
		})
	}
}
