package records

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/schemas"
)

// readFile reads path with a checked allocator, checks every batch's
// schema, and returns the stats and the batches' rows as maps from column
// name to a printable value. It fails the test if memory is left
// allocated.
func readFile(t *testing.T, path string) (Stats, []map[string]any) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var rows []map[string]any
	st, err := Read(context.Background(), path, "export/"+filepath.Base(path), mem,
		func(tb Table, rec arrow.Record) error {
			if err := schemas.Check(tb.Schema(), rec.Schema()); err != nil {
				t.Errorf("batch schema: %v", err)
			}
			if rec.NumRows() > BatchRows {
				t.Errorf("batch of %d rows", rec.NumRows())
			}
			rows = append(rows, recordRows(rec)...)
			return nil
		})
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	if int64(len(rows)) != st.Rows {
		t.Errorf("emitted %d rows, stats say %d", len(rows), st.Rows)
	}
	return st, rows
}

// recordRows turns a batch into maps; nulls are nil, timestamps and dates
// are formatted in UTC.
func recordRows(rec arrow.Record) []map[string]any {
	out := make([]map[string]any, rec.NumRows())
	for i := range out {
		out[i] = map[string]any{}
	}
	for c, f := range rec.Schema().Fields() {
		col := rec.Column(c)
		for i := range out {
			out[i][f.Name] = cell(col, i)
		}
	}
	return out
}

func cell(col arrow.Array, i int) any {
	if col.IsNull(i) {
		return nil
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Float64:
		return a.Value(i)
	case *array.Timestamp:
		return a.Value(i).ToTime(arrow.Millisecond).UTC().Format("2006-01-02T15:04:05.000Z")
	case *array.Date32:
		return a.Value(i).ToTime().Format("2006-01-02")
	}
	return col.ValueStr(i)
}

// writeTemp writes content to a file named name in a new temporary folder.
func writeTemp(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
