package records

import (
	"fmt"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/schemas"
)

var tableSchemas = map[Table]*arrow.Schema{
	Patients:     schemas.Patients,
	Conditions:   schemas.Conditions,
	Observations: schemas.Observations,
	Encounters:   schemas.Encounters,
	Medications:  schemas.Medications,
}

// sink builds a table's rows into batches of BatchRows and hands each to
// emit. With a nil emit it only counts rows (Inspect).
type sink struct {
	table  Table
	source string
	mem    memory.Allocator
	rb     *array.RecordBuilder
	emit   func(Table, arrow.Record) error
	rows   int64 // rows added in all
	n      int   // rows in the current batch
	w      writer
}

func newSink(t Table, source string, mem memory.Allocator,
	emit func(Table, arrow.Record) error) *sink {
	s := &sink{table: t, source: strings.ToValidUTF8(source, "\uFFFD"), mem: mem, emit: emit}
	if emit != nil {
		s.rb = array.NewRecordBuilder(mem, tableSchemas[t])
		s.rb.Reserve(BatchRows)
	}
	return s
}

// row starts a row and returns the writer for its columns, or nil when
// only counting. The caller writes every column but source, then calls
// done.
func (s *sink) row() *writer {
	if s.rb == nil {
		return nil
	}
	s.w = writer{rb: s.rb}
	return &s.w
}

// done ends the row started by row, emitting a full batch.
func (s *sink) done() error {
	s.rows++
	if s.rb == nil {
		return nil
	}
	s.w.str(s.source)
	s.n++
	if s.n < BatchRows {
		return nil
	}
	return s.flush()
}

// flush emits the rows built so far, if any.
func (s *sink) flush() error {
	if s.rb == nil || s.n == 0 {
		return nil
	}
	// Reserve the next batch's string bytes from this one's, so that the
	// builders do not grow by copying.
	sizes := make([]int, len(s.rb.Fields()))
	for i, f := range s.rb.Fields() {
		if b, ok := f.(*array.StringBuilder); ok {
			sizes[i] = b.DataLen()
		}
	}
	rec := s.rb.NewRecord()
	defer rec.Release()
	s.n = 0
	s.rb.Reserve(BatchRows)
	for i, f := range s.rb.Fields() {
		if b, ok := f.(*array.StringBuilder); ok {
			b.ReserveData(sizes[i] + sizes[i]/8)
		}
	}
	if err := s.emit(s.table, rec); err != nil {
		return fmt.Errorf("records: %s: %w", s.source, err)
	}
	return nil
}

func (s *sink) release() {
	if s.rb != nil {
		s.rb.Release()
		s.rb = nil
	}
}

// writer appends one row's values column by column, in schema order.
type writer struct {
	rb  *array.RecordBuilder
	col int
}

func (w *writer) next() array.Builder {
	b := w.rb.Field(w.col)
	w.col++
	return b
}

func (w *writer) str(s string) { w.next().(*array.StringBuilder).Append(s) }

// optStr appends s, or null when s is empty.
func (w *writer) optStr(s string) {
	b := w.next().(*array.StringBuilder)
	if s == "" {
		b.AppendNull()
		return
	}
	b.Append(s)
}

func (w *writer) ts(ms int64) {
	w.next().(*array.TimestampBuilder).Append(arrow.Timestamp(ms))
}

func (w *writer) optTS(v optStamp) {
	b := w.next().(*array.TimestampBuilder)
	if !v.ok {
		b.AppendNull()
		return
	}
	b.Append(arrow.Timestamp(v.ms))
}

func (w *writer) optDay(v optStamp) {
	b := w.next().(*array.Date32Builder)
	if !v.ok {
		b.AppendNull()
		return
	}
	b.Append(arrow.Date32(v.day))
}

func (w *writer) optF64(v float64, ok bool) {
	b := w.next().(*array.Float64Builder)
	if !ok {
		b.AppendNull()
		return
	}
	b.Append(v)
}

// optStamp is a stamp that may be absent.
type optStamp struct {
	stamp
	ok bool
}

// Row values, one type per table, written in schema order (source last,
// by the sink).

type patientRow struct {
	id                   string
	birth, death         optStamp
	sex, race, eth, site string
}

func (r *patientRow) put(w *writer) {
	w.str(r.id)
	w.optDay(r.birth)
	w.optDay(r.death)
	w.str(r.sex)
	w.optStr(r.race)
	w.optStr(r.eth)
	w.optStr(r.site)
}

type conditionRow struct {
	patient            string
	start              int64
	stop               optStamp
	system, code, desc string
}

func (r *conditionRow) put(w *writer) {
	w.str(r.patient)
	w.ts(r.start)
	w.optTS(r.stop)
	w.str(r.system)
	w.str(r.code)
	w.optStr(r.desc)
}

type observationRow struct {
	patient                      string
	time                         int64
	category, system, code, desc string
	value                        float64
	hasValue                     bool
	text, unit                   string
}

func (r *observationRow) put(w *writer) {
	w.str(r.patient)
	w.ts(r.time)
	w.optStr(r.category)
	w.str(r.system)
	w.str(r.code)
	w.optStr(r.desc)
	w.optF64(r.value, r.hasValue)
	w.optStr(r.text)
	w.optStr(r.unit)
}

type encounterRow struct {
	patient, id               string
	start                     int64
	stop                      optStamp
	class, system, code, desc string
}

func (r *encounterRow) put(w *writer) {
	w.str(r.patient)
	w.str(r.id)
	w.ts(r.start)
	w.optTS(r.stop)
	w.optStr(r.class)
	w.optStr(r.system)
	w.optStr(r.code)
	w.optStr(r.desc)
}

type medicationRow struct {
	patient            string
	start              int64
	stop               optStamp
	system, code, desc string
}

func (r *medicationRow) put(w *writer) {
	w.str(r.patient)
	w.ts(r.start)
	w.optTS(r.stop)
	w.optStr(r.system)
	w.str(r.code)
	w.optStr(r.desc)
}
