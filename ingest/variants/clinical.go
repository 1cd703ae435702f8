package variants

import (
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"

	"github.com/clinfuse/clinfuse/schemas"
)

// ClinicalSystem is the coding system of observations read from a clinical
// annotation table; the code is the column name.
const ClinicalSystem = "TCGA-clinical"

// ReadClinical reads a clinical annotation table (such as maftools'
// tcga_laml_annot.tsv): a key column (Tumor_Sample_Barcode or
// bcr_patient_barcode) and clinical columns. Each key is linked to a patient
// with link; rows whose key links to no patient are skipped and their keys
// listed in Stats.Unlinked.
//
// Every linked patient gets one schemas.Patients row: sex from a sex or
// gender column when present (M, F), else "U"; no dates. Every other
// non-empty cell gives one schemas.Observations row with system
// ClinicalSystem, code the column name, a numeric value when the cell reads
// as a number (value_text otherwise) and unit "d" for columns named
// days_to_*. The table carries no dates, so time is the Unix epoch
// (1970-01-01T00:00:00Z), which stands for "undated".
//
// emit receives the table name ("patients" or "observations") and a batch
// that is released after emit returns. Stats.Records counts table rows,
// Stats.Samples the distinct keys and Stats.Calls the observation rows.
func ReadClinical(ctx context.Context, path, source string, link Linker, mem memory.Allocator,
	emit func(table string, rec arrow.Record) error) (Stats, error) {
	st := Stats{Format: FormatClinical}
	in, err := openInput(ctx, path)
	if err != nil {
		return st, err
	}
	defer in.Close()
	c, err := newClinicalReader(in, &st, link)
	if err != nil {
		return st, err
	}
	c.out = newClinicalBuilder(mem, source, emit)
	defer c.out.release()
	if err := c.loop(ctx); err != nil {
		return st, err
	}
	return st, c.out.flush()
}

// newClinicalReader reads the header and finds the key and sex columns.
func newClinicalReader(in *input, st *Stats, link Linker) (*clinicalReader, error) {
	t := newTableReader(in)
	h, err := t.header()
	if err == io.EOF {
		return nil, malformedf(in.path, "no header line")
	}
	if err != nil {
		return nil, err
	}
	c := &clinicalReader{t: t, h: h, st: st, link: link, seen: map[string]bool{}}
	if c.key = columnIndex(h, clinicalKeys); c.key < 0 {
		if c.key = columnIndex(h, mapSample); c.key < 0 {
			return nil, unsupportedf(in.path, "table has no Tumor_Sample_Barcode column")
		}
	}
	c.sex = columnIndex(h, []string{"sex", "gender"})
	return c, nil
}

// clinicalReader holds the state of one ReadClinical.
type clinicalReader struct {
	t        *tableReader
	h        []string
	st       *Stats
	link     Linker
	key, sex int
	seen     map[string]bool // patients already written
	out      *clinicalBuilder
}

func (c *clinicalReader) loop(ctx context.Context) error {
	keys := map[string]bool{}
	return c.t.each(ctx, func(row [][]byte) error {
		c.st.Records++
		key := string(cell(row, c.key))
		if missing([]byte(key)) {
			c.st.reject(c.t.lr.n, "empty key column")
			return nil
		}
		if !keys[key] {
			keys[key] = true
			c.st.Samples = append(c.st.Samples, key)
		}
		return c.row(key, row)
	})
}

// row writes the patient (once) and the observations of one row.
func (c *clinicalReader) row(key string, row [][]byte) error {
	pid, ok := "", false
	if c.link != nil {
		pid, ok = c.link(key)
	}
	if !ok {
		c.st.Unlinked = append(c.st.Unlinked, key)
		return nil
	}
	if !c.seen[pid] {
		c.seen[pid] = true
		if err := c.out.patient(pid, sexCode(cell(row, c.sex))); err != nil {
			return err
		}
	}
	return c.observations(pid, row)
}

// observations writes one observation per non-empty clinical cell.
func (c *clinicalReader) observations(pid string, row [][]byte) error {
	for i, name := range c.h {
		v := cell(row, i)
		if i == c.key || i == c.sex || missing(v) {
			continue
		}
		if err := c.out.observation(pid, name, string(v)); err != nil {
			return err
		}
		c.st.Calls++
	}
	return nil
}

// sexCode maps a sex or gender cell to F, M or U.
func sexCode(b []byte) string {
	switch strings.ToUpper(string(b)) {
	case "F", "FEMALE":
		return "F"
	case "M", "MALE":
		return "M"
	}
	return "U"
}

// clinicalBuilder accumulates Patients and Observations rows.
type clinicalBuilder struct {
	pat, obs *array.RecordBuilder
	np, no   int
	source   string
	emit     func(string, arrow.Record) error
}

func newClinicalBuilder(mem memory.Allocator, source string,
	emit func(string, arrow.Record) error) *clinicalBuilder {
	return &clinicalBuilder{
		pat:    array.NewRecordBuilder(mem, schemas.Patients),
		obs:    array.NewRecordBuilder(mem, schemas.Observations),
		source: source, emit: emit,
	}
}

// patient appends one Patients row.
func (b *clinicalBuilder) patient(id, sex string) error {
	f := b.pat.Field
	appendStr(f(0), id)
	appendNulls(f(1), f(2))
	appendStr(f(3), sex)
	appendNulls(f(4), f(5), f(6))
	appendStr(f(7), b.source)
	if b.np++; b.np == batchRows {
		return b.flushTable("patients", b.pat, &b.np)
	}
	return nil
}

// appendStr appends v to a string builder.
func appendStr(b array.Builder, v string) { b.(*array.StringBuilder).Append(v) }

// appendNulls appends a null to each builder.
func appendNulls(bs ...array.Builder) {
	for _, b := range bs {
		b.AppendNull()
	}
}

// observation appends one Observations row for a clinical cell.
func (b *clinicalBuilder) observation(pid, column, value string) error {
	f := b.obs.Field
	appendStr(f(0), pid)
	f(1).(*array.TimestampBuilder).Append(0)
	appendNulls(f(2))
	appendStr(f(3), ClinicalSystem)
	appendStr(f(4), column)
	appendNulls(f(5))
	if x, err := strconv.ParseFloat(value, 64); err == nil {
		f(6).(*array.Float64Builder).Append(x)
		appendNulls(f(7))
	} else {
		appendNulls(f(6))
		appendStr(f(7), value)
	}
	if strings.HasPrefix(strings.ToLower(column), "days_to_") {
		appendStr(f(8), "d")
	} else {
		appendNulls(f(8))
	}
	appendStr(f(9), b.source)
	if b.no++; b.no == batchRows {
		return b.flushTable("observations", b.obs, &b.no)
	}
	return nil
}

// flushTable emits one table's pending rows.
func (b *clinicalBuilder) flushTable(name string, rb *array.RecordBuilder, n *int) error {
	if *n == 0 {
		return nil
	}
	*n = 0
	rec := rb.NewRecord()
	defer rec.Release()
	return b.emit(name, rec)
}

// flush emits both tables' pending rows, patients first.
func (b *clinicalBuilder) flush() error {
	if err := b.flushTable("patients", b.pat, &b.np); err != nil {
		return err
	}
	return b.flushTable("observations", b.obs, &b.no)
}

func (b *clinicalBuilder) release() {
	b.pat.Release()
	b.obs.Release()
}
