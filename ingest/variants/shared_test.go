package variants

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clinfuse/clinfuse/internal/shareddata"
)

// readTSV reads a reference table with a header into maps.
func readTSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	var head []string
	var rows []map[string]string
	for s.Scan() {
		cols := strings.Split(s.Text(), "\t")
		if head == nil {
			head = cols
			continue
		}
		row := map[string]string{}
		for i, h := range head {
			if i < len(cols) {
				row[h] = cols[i]
			}
		}
		rows = append(rows, row)
	}
	return rows
}

func atoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// refusedByBcftools says what clinfuse does with each file bcftools 1.16
// refuses: either it is read (samples and records given, and a note that
// explains the workaround) or rejected with an error of the given class.
var refusedByBcftools = map[string]struct {
	samples int
	records int64
	note    string
	err     error
	says    string
}{
	"variants/vcf/cyvcf2_empty.vcf": {err: ErrMalformed, says: "empty file"},
	"variants/vcf/cyvcf2_test-invalid-header.vcf": {samples: 1, records: 5,
		note: "trailing tab"},
	"variants/vcf/htsjdk_HiSeq.10000.vcf.bgz": {samples: 1, records: 9965,
		note: "trailing tab"},
	"variants/vcf/htsjdk_VCF4_4HeaderTest.vcf": {samples: 1, records: 1,
		note: "trailing tab"},
	"variants/vcf/htsjdk_corrupt_file_that_starts_with_hash.vcf": {err: ErrMalformed,
		says: "line 2: data line before the #CHROM header line"},
	"variants/vcf/htsjdk_dbsnp_135.b37.1000.vcf": {samples: 0, records: 99,
		note: "trailing tab"},
	"variants/vcf/htsjdk_test_withNanQual.vcf": {samples: 1, records: 4,
		note: "QUAL that is not a finite number"},
	"variants/vcf/htsjdk_test_withNegInfQual.vcf": {samples: 1, records: 4,
		note: "QUAL that is not a finite number"},
	"variants/vcf/htsjdk_vcfexampleV3.2.vcf": {samples: 3, records: 4,
		note: "VCF 3.x"},
}

// TestInspectMatchesBcftools compares Inspect with the counts bcftools 1.16
// gave for every shared VCF and BCF (testdata/vcf_reference.tsv, made by
// testdata/make_vcf_reference.sh), and checks what happens to every file
// bcftools refuses.
func TestInspectMatchesBcftools(t *testing.T) {
	data := shareddata.Dir(t)
	ref := readTSV(t, filepath.Join("testdata", "vcf_reference.tsv"))
	listed := map[string]bool{}
	for _, row := range ref {
		rel := row["path"]
		listed[rel] = true
		t.Run(filepath.Base(rel), func(t *testing.T) {
			info, err := Inspect(context.Background(), filepath.Join(data, rel))
			if row["status"] == "refused" {
				checkRefused(t, rel, info, err)
				return
			}
			if err != nil {
				t.Fatalf("bcftools reads it, Inspect fails: %v", err)
			}
			records, samples := atoi(t, row["records"]), atoi(t, row["samples"])
			if info.Records != records || int64(info.Samples) != samples {
				t.Errorf("records %d samples %d, bcftools %s and %s",
					info.Records, info.Samples, row["records"], row["samples"])
			}
			if int64(len(info.Contigs)) != atoi(t, row["contigs"]) {
				t.Errorf("%d contigs, bcftools %s", len(info.Contigs), row["contigs"])
			}
		})
	}
	checkAllListed(t, data, listed)
}

func checkRefused(t *testing.T, rel string, info Info, err error) {
	t.Helper()
	want, ok := refusedByBcftools[rel]
	if !ok {
		t.Fatalf("bcftools refuses %s and the test says nothing about it", rel)
	}
	if want.err != nil {
		if !errors.Is(err, want.err) || !strings.Contains(err.Error(), want.says) {
			t.Fatalf("got %v, want %v saying %q", err, want.err, want.says)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if info.Samples != want.samples || info.Records != want.records {
		t.Errorf("samples %d records %d, want %d and %d", info.Samples, info.Records,
			want.samples, want.records)
	}
	if !strings.Contains(strings.Join(info.Notes, "\n"), want.note) {
		t.Errorf("notes %q do not explain %q", info.Notes, want.note)
	}
}

// checkAllListed fails when a shared VCF has no reference row, so that a
// new file cannot slip past the comparison.
func checkAllListed(t *testing.T, data string, listed map[string]bool) {
	t.Helper()
	var files []string
	for _, pattern := range []string{"variants/vcf/*", "bugs/vcf-*/*"} {
		m, _ := filepath.Glob(filepath.Join(data, pattern))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no shared VCF files found")
	}
	for _, f := range files {
		rel, _ := filepath.Rel(data, f)
		if !listed[filepath.ToSlash(rel)] {
			t.Errorf("%s is not in testdata/vcf_reference.tsv; rerun make_vcf_reference.sh", rel)
		}
	}
}

// TestReadSharedVCF reads every shared VCF that bcftools reads: Read must
// agree with Inspect, fail only on BCF, and reject no line.
func TestReadSharedVCF(t *testing.T) {
	data := shareddata.Dir(t)
	for _, row := range readTSV(t, filepath.Join("testdata", "vcf_reference.tsv")) {
		if row["status"] != "ok" {
			continue
		}
		rel := row["path"]
		t.Run(filepath.Base(rel), func(t *testing.T) {
			rows, st, err := readAll(t, filepath.Join(data, rel), NewLinker(nil))
			if strings.HasSuffix(rel, ".bcf") {
				if !errors.Is(err, ErrUnsupported) {
					t.Fatalf("BCF: got %v, want ErrUnsupported", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Records != atoi(t, row["records"]) || st.Rejected != 0 {
				t.Errorf("records %d rejected %d, bcftools %s",
					st.Records, st.Rejected, row["records"])
			}
			if int64(len(rows)) != st.Calls {
				t.Errorf("%d rows, stats say %d calls", len(rows), st.Calls)
			}
		})
	}
}

// TestMAFMatchesTabSplit compares Read's row counts with a plain tab split
// of every table in the shared maf folder (testdata/maf_reference.tsv, made
// by testdata/make_maf_reference.py). Tables that are not variant tables
// must be refused as such.
func TestMAFMatchesTabSplit(t *testing.T) {
	data := shareddata.Dir(t)
	notVariants := map[string]error{
		"variants/maf/TCGA.AB.3009.hg19.seg.txt": ErrUnsupported,
		"variants/maf/tcga_laml_annot.tsv":       ErrUnsupported,
	}
	for _, row := range readTSV(t, filepath.Join("testdata", "maf_reference.tsv")) {
		rel := row["path"]
		t.Run(filepath.Base(rel), func(t *testing.T) {
			rows, st, err := readAll(t, filepath.Join(data, rel), NewLinker(nil))
			if want, ok := notVariants[rel]; ok {
				if !errors.Is(err, want) {
					t.Fatalf("got %v, want %v", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Records != atoi(t, row["rows"]) {
				t.Errorf("%d records, tab split %s", st.Records, row["rows"])
			}
			if row["sample_column"] != "" && int64(len(st.Samples)) != atoi(t, row["samples"]) {
				t.Errorf("%d samples, tab split %s", len(st.Samples), row["samples"])
			}
			if int64(len(rows)) != st.Calls || st.Calls+st.Rejected > st.Records {
				t.Errorf("%d rows, %d calls, %d rejected of %d",
					len(rows), st.Calls, st.Rejected, st.Records)
			}
		})
	}
}
