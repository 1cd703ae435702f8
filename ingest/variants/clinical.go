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
// that is released after emit returns.
func ReadClinical(ctx context.Context, path, source string, link Linker, mem memory.Allocator,
	emit func(table string, rec arrow.Record) error) (Stats, error) {
	st := Stats{Format: FormatClinical}
	in, err := openInput(ctx, path)
	if err != nil {
		return st, err
	}
	defer in.Close()
	t := newTableReader(in)
	h, err := t.header()
	if err == io.EOF {
		return st, malformedf(path, "no header line")
	}
	if err != nil {
		return st, err
	}
	c := &clinicalReader{t: t, h: h, st: &st, link: link, seen: map[string]bool{}}
	if c.key = columnIndex(h, clinicalKeys); c.key < 0 {
		if c.key = columnIndex(h, mapSample); c.key < 0 {
			return st, unsupportedf(path, "table has no Tumor_Sample_Barcode column")
		}
	}
	c.sex = columnIndex(h, []string{"sex", "gender"})
	c.out = newClinicalBuilder(mem, source, emit)
	defer c.out.release()
	if err := c.loop(ctx); err != nil {
		return st, err
	}
	return st, c.out.flush()
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
	for {
		row, err := c.t.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if c.st.Records++; c.st.Records&0xfff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		key := string(cell(row, c.key))
		if missing([]byte(key)) {
			c.st.reject(c.t.lr.n, "empty key column")
			continue
		}
		if !keys[key] {
			keys[key] = true
			c.st.Samples = append(c.st.Samples, key)
		}
		if err := c.row(key, row); err != nil {
			return err
		}
	}
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
	f := b.pat
	f.Field(0).(*array.StringBuilder).Append(id)
	f.Field(1).AppendNull()
	f.Field(2).AppendNull()
	f.Field(3).(*array.StringBuilder).Append(sex)
	f.Field(4).AppendNull()
	f.Field(5).AppendNull()
	f.Field(6).AppendNull()
	f.Field(7).(*array.StringBuilder).Append(b.source)
	if b.np++; b.np == batchRows {
		return b.flushTable("patients", b.pat, &b.np)
	}
	return nil
}

// observation appends one Observations row for a clinical cell.
func (b *clinicalBuilder) observation(pid, column, value string) error {
	f := b.obs
	f.Field(0).(*array.StringBuilder).Append(pid)
	f.Field(1).(*array.TimestampBuilder).Append(0)
	f.Field(2).AppendNull()
	f.Field(3).(*array.StringBuilder).Append(ClinicalSystem)
	f.Field(4).(*array.StringBuilder).Append(column)
	f.Field(5).AppendNull()
	if x, err := strconv.ParseFloat(value, 64); err == nil {
		f.Field(6).(*array.Float64Builder).Append(x)
		f.Field(7).AppendNull()
	} else {
		f.Field(6).AppendNull()
		f.Field(7).(*array.StringBuilder).Append(value)
	}
	if strings.HasPrefix(strings.ToLower(column), "days_to_") {
		f.Field(8).(*array.StringBuilder).Append("d")
	} else {
		f.Field(8).AppendNull()
	}
	f.Field(9).(*array.StringBuilder).Append(b.source)
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
