package variants

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// addSeeds adds every small test file, and its gzip and BGZF forms, as
// seeds.
func addSeeds(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(filepath.Join("testdata", p))
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
			f.Add(gzipBytes(f, b))
			f.Add(bgzfBytes(f, b, 97))
		}
	}
}

// fuzzRead reads data as a file of any format and checks the invariants
// that hold for any input: no panic, no Arrow memory left, as many rows as
// calls, no more rejections than records.
func fuzzRead(t *testing.T, data []byte) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	in, err := newInput(context.Background(), "fuzz", bytes.NewReader(data))
	if err != nil {
		return
	}
	defer in.Close()
	var rows int64
	st, err := readInput(context.Background(), in, "fuzz", NewLinker(nil), mem,
		func(rec arrow.Record) error {
			rows += rec.NumRows()
			return nil
		})
	if err == nil && rows != st.Calls {
		t.Fatalf("%d rows, %d calls", rows, st.Calls)
	}
	if st.Rejected > st.Records || int64(len(st.Rejections)) > st.Rejected {
		t.Fatalf("rejected %d of %d records", st.Rejected, st.Records)
	}
}

func FuzzReadVCF(f *testing.F) {
	addSeeds(f, "*.vcf")
	f.Fuzz(fuzzRead)
}

func FuzzReadMAF(f *testing.F) {
	addSeeds(f, "*.maf", "*.tsv")
	f.Fuzz(fuzzRead)
}

func FuzzReadSampleMap(f *testing.F) {
	addSeeds(f, "samples*.tsv")
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := newInput(context.Background(), "fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		defer in.Close()
		m, _, err := readSampleMap(context.Background(), in)
		for s, p := range m {
			if s == "" || p == "" {
				t.Fatalf("empty name mapped")
			}
		}
		_ = err
	})
}

func FuzzSniff(f *testing.F) {
	addSeeds(f, "*.vcf", "*.maf", "*.tsv")
	f.Fuzz(func(t *testing.T, head []byte) {
		if len(head) > sniffLen {
			head = head[:sniffLen]
		}
		if format, ok := Sniff("fuzz", head); ok == (format == "") {
			t.Fatalf("Sniff gave %q, %v", format, ok)
		}
	})
}
