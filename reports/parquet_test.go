package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/file"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/clinfuse/clinfuse/schemas"
)

func testAllocator(t *testing.T) memory.Allocator {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

func fixedClock() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC) }

// readParquet reads a whole Parquet file back with Arrow's Go reader.
func readParquet(t *testing.T, name string) arrow.Table {
	tbl, _ := readParquetSchema(t, name)
	return tbl
}

// readParquetSchema also returns the file's Arrow schema with its metadata
// (the table read drops the metadata).
func readParquetSchema(t *testing.T, name string) (arrow.Table, *arrow.Schema) {
	t.Helper()
	mem := testAllocator(t)
	pf, err := file.OpenParquetFile(name, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, mem)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := fr.Schema()
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tbl.Release)
	return tbl, withoutFieldMetadata(sc)
}

// withoutFieldMetadata drops the PARQUET:field_id metadata the reader adds
// to every field, keeping the schema's own metadata.
func withoutFieldMetadata(sc *arrow.Schema) *arrow.Schema {
	fields := sc.Fields()
	for i := range fields {
		fields[i].Metadata = arrow.Metadata{}
	}
	md := sc.Metadata()
	return arrow.NewSchema(fields, &md)
}

func TestParquetReadsBack(t *testing.T) {
	r := testRun(40, 5).withHostile()
	dir, _ := writeRun(t, r)
	n, _ := normalize(r)
	cases := []struct {
		file   string
		schema *arrow.Schema
		rows   int
	}{
		{NameRisks, schemas.Risks, len(n.Risks)},
		{NameContributions, schemas.Contributions, len(n.Contributions)},
		{NameEmbeddings, schemas.Embeddings, len(n.Embeddings)},
		{NameEdges, schemas.Edges, len(n.Edges)},
		{NameRejected, schemas.Rejected, len(n.Rejections)},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			tbl, sc := readParquetSchema(t, filepath.Join(dir, c.file))
			if err := schemas.Check(c.schema, sc); err != nil {
				t.Errorf("schema: %v", err)
			}
			if int(tbl.NumRows()) != c.rows {
				t.Errorf("%d rows, want %d", tbl.NumRows(), c.rows)
			}
		})
	}
	checkRiskValues(t, readParquet(t, filepath.Join(dir, NameRisks)), n.Risks)
	checkEmbeddings(t, readParquet(t, filepath.Join(dir, NameEmbeddings)), n.Embeddings)
	checkRejectedLines(t, readParquet(t, filepath.Join(dir, NameRejected)), n.Rejections)
}

// chunk returns column i of a table as one array of type A.
func chunk[A arrow.Array](t *testing.T, tbl arrow.Table, i int) A {
	t.Helper()
	chunks := tbl.Column(i).Data().Chunks()
	if len(chunks) != 1 {
		t.Fatalf("column %d has %d chunks, want 1 (small table)", i, len(chunks))
	}
	return chunks[0].(A)
}

func checkRiskValues(t *testing.T, tbl arrow.Table, want []Risk) {
	ids := chunk[*array.String](t, tbl, 0)
	risk := chunk[*array.Float64](t, tbl, 2)
	mods := chunk[*array.String](t, tbl, 7)
	for i, k := range want {
		if ids.Value(i) != validUTF8(k.PatientID) || risk.Value(i) != k.Risk ||
			mods.Value(i) != strings.Join(k.Modalities, "+") {
			t.Fatalf("risks row %d differs", i)
		}
	}
}

func checkEmbeddings(t *testing.T, tbl arrow.Table, want []Embedding) {
	lists := chunk[*array.List](t, tbl, 2)
	vals := lists.ListValues().(*array.Float32)
	for i, e := range want {
		lo, hi := lists.ValueOffsets(i)
		if !slices.Equal(vals.Float32Values()[lo:hi], e.Vector) {
			t.Fatalf("embedding row %d differs", i)
		}
	}
}

func checkRejectedLines(t *testing.T, tbl arrow.Table, want []Rejection) {
	lines := chunk[*array.Int64](t, tbl, 1)
	for i, r := range want {
		if (r.Line == 0) != lines.IsNull(i) || (r.Line > 0 && lines.Value(i) != r.Line) {
			t.Fatalf("rejected row %d: line %v, want %d", i, lines.ValueStr(i), r.Line)
		}
	}
}

// TestParquetManyRowGroups writes more rows than one batch and wants every
// row back, in order, with no Arrow memory left allocated.
func TestParquetManyRowGroups(t *testing.T) {
	n := batchRows*2 + 17
	r := &Run{Edges: make([]Edge, n)}
	for i := range r.Edges {
		r.Edges[i] = Edge{Source: fmt.Sprintf("P%06d", i), Target: "Q", Weight: float64(i)}
	}
	var buf bytes.Buffer
	w := writer{mem: testAllocator(t), now: fixedClock}
	if err := w.edgesParquet(context.Background(), &buf, r); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "edges.parquet")
	if err := os.WriteFile(name, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	tbl := readParquet(t, name)
	if tbl.NumRows() != int64(n) {
		t.Fatalf("%d rows, want %d", tbl.NumRows(), n)
	}
	last := tbl.Column(2).Data().Chunks()
	weights := last[len(last)-1].(*array.Float64)
	if got := weights.Value(weights.Len() - 1); got != float64(n-1) {
		t.Errorf("last weight %v, want %v", got, n-1)
	}
}
