package records

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// benchRows is the size of the generated observations file: 1M rows,
// about 170 MB, as bench/records_peer.py generates it too. Set
// CLINFUSE_BENCH_ROWS to change it.
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("CLINFUSE_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// benchObservation writes row i of the benchmark file: Synthea 3.x
// observations, three numeric rows for every two text rows, 5,000
// patients.
func benchObservation(w *bufio.Writer, i int) {
	p := i % 5000
	day := 1 + i%28
	if i%5 < 3 {
		fmt.Fprintf(w, "2020-01-%02dT08:%02d:00Z,%08x-aaaa-4bbb-8ccc-%012x,"+
			"%08x-dddd-4eee-8fff-%012x,laboratory,4548-4,"+
			"Hemoglobin A1c/Hemoglobin.total in Blood,%d.%d,%%,numeric\n",
			day, i%60, p, p, i, i, 4+i%6, i%10)
		return
	}
	fmt.Fprintf(w, "2020-01-%02dT08:%02d:00Z,%08x-aaaa-4bbb-8ccc-%012x,"+
		"%08x-dddd-4eee-8fff-%012x,survey,72166-2,Tobacco smoking status,"+
		"Never smoked tobacco (finding),,text\n", day, i%60, p, p, i, i)
}

// observationsFile writes the benchmark file into a temporary folder, or
// names the file in CLINFUSE_BENCH_FILE (rows then unknown, -1).
func observationsFile(b *testing.B) (string, int) {
	if p := os.Getenv("CLINFUSE_BENCH_FILE"); p != "" {
		return p, -1
	}
	path, rows := filepath.Join(b.TempDir(), "observations.csv"), benchRows()
	if err := writeBenchFile(path, rows); err != nil {
		b.Fatal(err)
	}
	return path, rows
}

func writeBenchFile(path string, rows int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(obsHeader3 + "\n")
	for i := range rows {
		benchObservation(w, i)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// BenchmarkReadObservationsCSV reads the generated observations file into
// Arrow batches and reports rows/s.
func BenchmarkReadObservationsCSV(b *testing.B) {
	path, rows := observationsFile(b)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ReportAllocs()
	emit := func(Table, arrow.Record) error { return nil }
	for b.Loop() {
		st, err := Read(context.Background(), path, "observations.csv",
			memory.DefaultAllocator, emit)
		if rows < 0 {
			rows = int(st.Rows)
		}
		if err != nil || st.Rows != int64(rows) || st.Rejected != 0 {
			b.Fatalf("rows %d of %d, %d rejected, err %v", st.Rows, rows, st.Rejected, err)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkParseStamp(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseStamp("2020-01-02T03:04:05.678+01:00", fhirDateTime); err != nil {
			b.Fatal(err)
		}
	}
}
