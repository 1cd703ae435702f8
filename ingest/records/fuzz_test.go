package records

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/schemas"
)

// seed adds every testdata file matching pattern to the corpus.
func seed(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s: %v", pattern, err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// checkRead reads data as a file called name and checks the invariants
// that hold for any input: no panic, no leaked memory, batches of the
// table's schema, counts that add up, rejections in line order.
func checkRead(t *testing.T, name string, data []byte) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var emitted int64
	st, err := readFrom(context.Background(), io.NopCloser(bytes.NewReader(data)), name,
		name, mem, func(tb Table, rec arrow.Record) error {
			if err := schemas.Check(tb.Schema(), rec.Schema()); err != nil {
				t.Fatalf("schema: %v", err)
			}
			emitted += rec.NumRows()
			return nil
		})
	if err != nil {
		return
	}
	if emitted != st.Rows {
		t.Fatalf("emitted %d rows, stats say %d", emitted, st.Rows)
	}
	lines := int64(bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{'\r'}) + 1)
	var last int64
	for _, r := range st.Rejections {
		if r.Line < last || r.Line < 1 || r.Line > lines || r.Reason == "" {
			t.Fatalf("rejection %+v after line %d of at most %d", r, last, lines)
		}
		last = r.Line
	}
	if len(st.Rejections) > MaxRejections || int64(len(st.Rejections)) > st.Rejected {
		t.Fatalf("%d rejections listed, %d counted", len(st.Rejections), st.Rejected)
	}
}

func FuzzReadCSV(f *testing.F) {
	seed(f, "*.csv")
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, "export.csv", data) })
}

func FuzzReadNDJSON(f *testing.F) {
	seed(f, "*.ndjson")
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, "export.ndjson", data) })
}

// FuzzParseStamp checks that the date rules nest (a FHIR date is a FHIR
// dateTime is a CSV date-time) and agree on the instant.
func FuzzParseStamp(f *testing.F) {
	for _, s := range []string{"2020", "2020-02", "2020-02-29", "2020-01-01T10:20:30Z",
		"2020-01-01T10:20:30.123+05:30", "2020-01-01 10:20", "2016-12-31T23:59:60Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var prev *stamp
		for _, rule := range []dateRule{fhirDate, fhirDateTime, csvDateTime} {
			st, err := parseStamp(s, rule)
			switch {
			case err != nil && prev != nil:
				t.Fatalf("%q accepted by a stricter rule but not by rule %d", s, rule)
			case err == nil && prev != nil && *prev != st:
				t.Fatalf("%q: rule %d gives %+v, stricter rule %+v", s, rule, st, *prev)
			case err == nil:
				prev = &st
			}
		}
	})
}

func FuzzSniff(f *testing.F) {
	seed(f, "*.*")
	f.Fuzz(func(t *testing.T, head []byte) {
		t1, f1, ok1 := Sniff("export.csv", head)
		t2, f2, ok2 := Sniff("export.csv", bytes.Clone(head))
		if t1 != t2 || f1 != f2 || ok1 != ok2 {
			t.Fatal("Sniff is not deterministic")
		}
		if ok1 && (t1 == "" || f1 != SyntheaCSV && f1 != FHIRNDJSON) {
			t.Fatalf("Sniff ok with table %q format %q", t1, f1)
		}
	})
}

// FuzzCSVScanner holds csvScanner to encoding/csv: the same records (once
// made valid UTF-8), the same starting lines, the same syntax errors.
func FuzzCSVScanner(f *testing.F) {
	seed(f, "*.csv")
	f.Add([]byte("a,\"b\nc\"\r\n\n\"x\"y,z\n\"open"))
	f.Fuzz(func(t *testing.T, data []byte) {
		want := csv.NewReader(bytes.NewReader(data))
		want.FieldsPerRecord = -1
		got := newCSVScanner(bufio.NewReaderSize(bytes.NewReader(data), 16))
		for n := 0; ; n++ {
			wrec, werr := want.Read()
			grec, gerr := got.next()
			if !sameCSVError(werr, gerr) {
				t.Fatalf("record %d: error %v, encoding/csv %v", n, gerr, werr)
			}
			if werr != nil && !errors.As(werr, new(*csv.ParseError)) {
				return
			}
			if werr == nil {
				line, _ := want.FieldPos(0)
				for i := range wrec {
					wrec[i] = strings.ToValidUTF8(wrec[i], "\uFFFD")
				}
				if !slices.Equal(wrec, grec) || line != got.start {
					t.Fatalf("record %d: %q at line %d, encoding/csv %q at line %d",
						n, grec, got.start, wrec, line)
				}
			}
		}
	})
}

// sameCSVError compares errors by kind and, for syntax errors, by the
// record's starting line.
func sameCSVError(a, b error) bool {
	var pa, pb *csv.ParseError
	switch {
	case errors.As(a, &pa) && errors.As(b, &pb):
		return pa.StartLine == pb.StartLine && pa.Err == pb.Err
	case a == nil || b == nil:
		return a == b
	}
	return errors.Is(a, io.EOF) == errors.Is(b, io.EOF)
}
