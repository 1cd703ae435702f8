package variants

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/schemas"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// readAll reads path with a checked allocator, returning the rows as text
// lines (every column but source) and the stats. It fails t if any Arrow
// memory is left allocated or a batch has the wrong schema.
func readAll(t testing.TB, path string, link Linker) ([]string, Stats, error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []string
	st, err := Read(context.Background(), path, filepath.Base(path), link, mem,
		func(rec arrow.Record) error {
			if err := schemas.Check(schemas.VariantCalls, rec.Schema()); err != nil {
				return err
			}
			rows = append(rows, recordLines(rec)...)
			return nil
		})
	return rows, st, err
}

// recordLines renders every row of rec but its first column.
func recordLines(rec arrow.Record) []string {
	var out []string
	for i := range int(rec.NumRows()) {
		var f []string
		for c := 1; c < int(rec.NumCols()); c++ {
			f = append(f, rec.Column(c).ValueStr(i))
		}
		out = append(out, strings.Join(f, "\t"))
	}
	return out
}

// describe renders stats and rows as the golden text.
func describe(st Stats, rows []string, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# format=%s version=%s records=%d calls=%d rejected=%d\n",
		st.Format, st.Version, st.Records, st.Calls, st.Rejected)
	fmt.Fprintf(&b, "# samples=%q unlinked=%q\n", st.Samples, st.Unlinked)
	for _, n := range st.Notes {
		fmt.Fprintf(&b, "# note: %s\n", n)
	}
	for _, r := range st.Rejections {
		fmt.Fprintf(&b, "# rejected line %d: %s\n", r.Line, r.Reason)
	}
	if err != nil {
		fmt.Fprintf(&b, "# error: %v\n", err)
	}
	names := []string{}
	for _, f := range schemas.VariantCalls.Fields()[1:] {
		names = append(names, f.Name)
	}
	b.WriteString(strings.Join(names, "\t") + "\n")
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	return b.String()
}

// TestReadGolden reads each small test file and compares every row and
// statistic with testdata/golden (regenerate with -update after checking
// the difference by eye).
func TestReadGolden(t *testing.T) {
	link := NewLinker(SampleMap{"S1": "patient-1", "TCGA-AA-0001": "P1"})
	for _, name := range []string{"ann.vcf", "csq.vcf", "csq_undeclared.vcf", "eff.vcf",
		"bcsq.vcf", "bad_lines.vcf", "spaced.vcf", "small.maf"} {
		t.Run(name, func(t *testing.T) {
			rows, st, err := readAll(t, filepath.Join("testdata", name), link)
			got := describe(st, rows, err)
			golden := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s:\n%s", name, golden, got)
			}
		})
	}
}

// TestReadErrors checks whole-file failures and their classification.
func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, text string
		want       error
		says       string
	}{
		{"empty", "", ErrMalformed, "empty file"},
		{"only meta", "##fileformat=VCFv4.2\n", ErrMalformed, "no #CHROM header line"},
		{"data first", "#\nis not\na vcf", ErrMalformed, "line 2: data line before"},
		{"bcf", "BCF\x02\x02\x00\x00\x00\x00", ErrUnsupported, "bcftools view -Ov"},
		{"empty sample", "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER" +
			"\tINFO\tFORMAT\tA\t\tB\n", ErrMalformed, "sample column 11"},
		{"repeated sample", "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tA\tA\n",
			ErrMalformed, "repeats"},
		{"no format", "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tGT\tA\n",
			ErrMalformed, "not FORMAT"},
		{"segments", "Sample\tChromosome\tStart\tEnd\tSegment_Mean\nA\t1\t1\t9\t0.1\n",
			ErrUnsupported, "no reference and alternate allele"},
		{"maf without sample", "Chromosome\tStart_Position\tReference_Allele\t" +
			"Tumor_Seq_Allele2\n1\t5\tA\tG\n", ErrUnsupported, "no sample column"},
		{"prose", "hello world\n", ErrUnsupported, "neither a VCF nor a MAF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(c.name, " ", "_"), c.text)
			_, _, err := readAll(t, p, nil)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want %v saying %q", err, c.want, c.says)
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestReadMissingFile checks that a missing file is an I/O error, not a
// format error.
func TestReadMissingFile(t *testing.T) {
	_, _, err := readAll(t, filepath.Join(t.TempDir(), "absent.vcf"), nil)
	if !errors.Is(err, os.ErrNotExist) || errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v", err)
	}
}
