package features

import (
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/schemas"
)

// Rows of the input tables, as test cases write them. Times are
// "YYYY-MM-DD" or RFC 3339.

type pat struct{ id, birth, death, sex, site string }

type cond struct{ id, start, system, code string }

type obs struct {
	id, at, code string
	value        float64
}

type call struct {
	id, gene, impact, zyg string
	fail                  bool // filter not passed
}

func ms(tb testing.TB, s string) int64 {
	tb.Helper()
	layout := time.RFC3339
	if len(s) == 10 {
		layout = time.DateOnly
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		tb.Fatal(err)
	}
	return t.UnixMilli()
}

func strOrNull(b *array.StringBuilder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}

func patientsBatch(tb testing.TB, mem memory.Allocator, rows ...pat) arrow.Record {
	rb := array.NewRecordBuilder(mem, schemas.Patients)
	defer rb.Release()
	for _, r := range rows {
		rb.Field(0).(*array.StringBuilder).Append(r.id)
		for i, d := range []string{r.birth, r.death} {
			b := rb.Field(1 + i).(*array.Date32Builder)
			if d == "" {
				b.AppendNull()
			} else {
				b.Append(arrow.Date32(ms(tb, d) / msPerDay))
			}
		}
		rb.Field(3).(*array.StringBuilder).Append(r.sex)
		rb.Field(4).(*array.StringBuilder).AppendNull()
		rb.Field(5).(*array.StringBuilder).AppendNull()
		strOrNull(rb.Field(6).(*array.StringBuilder), r.site)
		rb.Field(7).(*array.StringBuilder).Append("patients.csv")
	}
	return rb.NewRecord()
}

func conditionsBatch(tb testing.TB, mem memory.Allocator, rows ...cond) arrow.Record {
	rb := array.NewRecordBuilder(mem, schemas.Conditions)
	defer rb.Release()
	for _, r := range rows {
		rb.Field(0).(*array.StringBuilder).Append(r.id)
		rb.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(ms(tb, r.start)))
		rb.Field(2).(*array.TimestampBuilder).AppendNull()
		rb.Field(3).(*array.StringBuilder).Append(r.system)
		rb.Field(4).(*array.StringBuilder).Append(r.code)
		rb.Field(5).(*array.StringBuilder).AppendNull()
		rb.Field(6).(*array.StringBuilder).Append("conditions.csv")
	}
	return rb.NewRecord()
}

func observationsBatch(tb testing.TB, mem memory.Allocator, rows ...obs) arrow.Record {
	rb := array.NewRecordBuilder(mem, schemas.Observations)
	defer rb.Release()
	for _, r := range rows {
		rb.Field(0).(*array.StringBuilder).Append(r.id)
		rb.Field(1).(*array.TimestampBuilder).Append(arrow.Timestamp(ms(tb, r.at)))
		rb.Field(2).(*array.StringBuilder).Append("laboratory")
		rb.Field(3).(*array.StringBuilder).Append("http://loinc.org")
		rb.Field(4).(*array.StringBuilder).Append(r.code)
		rb.Field(5).(*array.StringBuilder).AppendNull()
		rb.Field(6).(*array.Float64Builder).Append(r.value)
		rb.Field(7).(*array.StringBuilder).AppendNull()
		rb.Field(8).(*array.StringBuilder).Append("%")
		rb.Field(9).(*array.StringBuilder).Append("observations.csv")
	}
	return rb.NewRecord()
}

func callsBatch(mem memory.Allocator, rows ...call) arrow.Record {
	rb := array.NewRecordBuilder(mem, schemas.VariantCalls)
	defer rb.Release()
	for _, r := range rows {
		s := func(i int, v string) { strOrNull(rb.Field(i).(*array.StringBuilder), v) }
		s(0, "calls.vcf")
		s(1, "S-"+r.id)
		s(2, r.id)
		s(3, "chr1")
		rb.Field(4).(*array.Int64Builder).Append(100)
		s(5, "A")
		s(6, "T")
		s(7, "snv")
		s(8, "")
		rb.Field(9).(*array.BooleanBuilder).Append(!r.fail)
		rb.Field(10).(*array.Float64Builder).AppendNull()
		s(11, r.gene)
		s(12, "missense_variant")
		s(13, r.impact)
		s(14, r.zyg)
		rb.Field(15).(*array.Int32Builder).Append(1)
	}
	return rb.NewRecord()
}

// poison overwrites memory when it is freed, so that a string kept from a
// released batch shows up as garbage.
type poison struct{ memory.Allocator }

func (p poison) Free(b []byte) {
	for i := range b {
		b[i] = '#'
	}
	p.Allocator.Free(b)
}

// newTestAllocator is a checked allocator that poisons freed memory.
func newTestAllocator() *memory.CheckedAllocator {
	return memory.NewCheckedAllocator(poison{memory.NewGoAllocator()})
}

// build runs a Builder over batches made by the input rows, releasing
// every batch, and checks that no Arrow memory is left.
func build(tb testing.TB, cfg schemas.Config, spec *Spec, in input) (*Set, error) {
	tb.Helper()
	mem := newTestAllocator()
	defer mem.AssertSize(tb, 0)
	b := NewBuilder(cfg, spec)
	steps := []func() error{
		func() error { return feed(b.AddPatients, patientsBatch(tb, mem, in.pats...)) },
		func() error { return feed(b.AddConditions, conditionsBatch(tb, mem, in.conds...)) },
		func() error { return feed(b.AddObservations, observationsBatch(tb, mem, in.obs...)) },
		func() error { return feed(b.AddVariantCalls, callsBatch(mem, in.calls...)) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

type input struct {
	pats  []pat
	conds []cond
	obs   []obs
	calls []call
}

func feed(add func(arrow.Record) error, rec arrow.Record) error {
	defer rec.Release()
	return add(rec)
}

// testConfig is the default configuration with one target and two labs.
func testConfig() schemas.Config {
	cfg := schemas.Default()
	cfg.Targets = []schemas.Target{{Name: "t2d", Codes: []string{"44054006", "E11*"}}}
	cfg.Labs = []schemas.Lab{{Name: "HbA1c", Code: "4548-4"}, {Name: "BMI", Code: "39156-5"}}
	return cfg
}

// value returns the named column of patient id's row in m.
func value(tb testing.TB, s *Set, m Matrix, id, name string) float64 {
	tb.Helper()
	col := -1
	for i, n := range m.Names {
		if n == name {
			col = i
		}
	}
	if col < 0 {
		tb.Fatalf("no feature %q in %v", name, m.Names)
	}
	for i, p := range s.Patients {
		if p.ID == id {
			if m.Rows[i] == nil {
				tb.Fatalf("patient %s has a nil row", id)
			}
			return m.Rows[i][col]
		}
	}
	tb.Fatalf("no patient %s", id)
	return 0
}
