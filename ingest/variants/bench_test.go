package variants

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/ingest/variants/vcfsynth"
)

// benchVCF writes the 200,000-line, 10-sample synthetic bgzip VCF into a
// temporary folder of b.
func benchVCF(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.vcf.gz")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	z := vcfsynth.NewBGZFWriter(f)
	c := vcfsynth.Config{Records: 200000, Samples: 10, Seed: 1}
	if err := vcfsynth.Write(z, c); err != nil {
		b.Fatal(err)
	}
	if err := z.Close(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReadVCF reports variants (data lines) per second for Read of the
// synthetic bgzip VCF into Arrow batches.
func BenchmarkReadVCF(b *testing.B) {
	path := benchVCF(b)
	ctx := context.Background()
	mem := memory.NewGoAllocator()
	var records, n int64
	b.ReportAllocs()
	for b.Loop() {
		st, err := Read(ctx, path, "bench", NewLinker(nil), mem,
			func(arrow.Record) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		records, n = st.Records, n+1
	}
	b.ReportMetric(float64(records*n)/b.Elapsed().Seconds(), "variants/s")
}

// BenchmarkInspectVCF reports variants per second for Inspect of the same
// file (parsing without building Arrow data).
func BenchmarkInspectVCF(b *testing.B) {
	path := benchVCF(b)
	ctx := context.Background()
	var records, n int64
	b.ReportAllocs()
	for b.Loop() {
		info, err := Inspect(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		records, n = info.Records, n+1
	}
	b.ReportMetric(float64(records*n)/b.Elapsed().Seconds(), "variants/s")
}
