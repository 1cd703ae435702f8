package records

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// Error classes. Every error about a file wraps one of them; an error from
// emit or from the context is returned wrapped with the file's name.
var (
	// ErrMalformed reports a file that cannot be read: empty, without a
	// header, or broken beyond single rows.
	ErrMalformed = errors.New("records: malformed file")
	// ErrUnsupported reports a file that is not a records file this
	// package knows, a table it recognises but does not read, or an
	// encoding it does not handle.
	ErrUnsupported = errors.New("records: unsupported file")
)

// Table names a records table. The five tables clinfuse reads are the
// constants below. Tables that are recognised but not read carry Synthea's
// table name (allergies, procedures, ...), also for the FHIR resource types
// that correspond to one (AllergyIntolerance, Procedure, ...), and else the
// lower-cased FHIR resource type (diagnosticreport).
type Table string

// The tables clinfuse reads.
const (
	Patients     Table = "patients"
	Conditions   Table = "conditions"
	Observations Table = "observations"
	Encounters   Table = "encounters"
	Medications  Table = "medications"
)

// Read reports whether clinfuse reads this table.
func (t Table) Read() bool {
	switch t {
	case Patients, Conditions, Observations, Encounters, Medications:
		return true
	}
	return false
}

// Schema returns the Arrow schema of the table's batches, nil for a table
// that is not read.
func (t Table) Schema() *arrow.Schema {
	return tableSchemas[t]
}

// Format names a records file format.
type Format string

// The accepted formats.
const (
	SyntheaCSV Format = "synthea-csv"
	FHIRNDJSON Format = "fhir-ndjson"
)

// BatchRows is the largest number of rows in one emitted batch.
const BatchRows = 8192

// MaxRejections is the number of rejections kept in Stats.Rejections; the
// count in Stats.Rejected goes on past it.
const MaxRejections = 1000

// Rejection is one row that could not be read.
type Rejection struct {
	// Line is the 1-based line where the row starts.
	Line int64 `json:"line"`
	// Reason says what was wrong, without the offending value.
	Reason string `json:"reason"`
}

// Stats describes one file's reading.
type Stats struct {
	Table  Table
	Format Format
	// Rows is the number of rows emitted (a FHIR resource may give several).
	Rows int64
	// Rejected is the number of rows (CSV records, NDJSON lines) rejected.
	Rejected int64
	// Skipped counts FHIR resources left out on purpose (entered in error,
	// refuted, cancelled).
	Skipped int64
	// Rejections holds the first MaxRejections rejections in line order.
	Rejections []Rejection
}

func (s *Stats) reject(line int64, reason string) {
	s.Rejected++
	if len(s.Rejections) < MaxRejections {
		s.Rejections = append(s.Rejections, Rejection{Line: line, Reason: reason})
	}
}

// Read streams the records file at path into Arrow record batches with the
// schema of its table, calling emit for each. source is the export-relative
// path written in every row's source column and used in error messages.
// Batches are released after emit returns: emit must Retain a batch to keep
// it. A file that cannot be read at all returns an error wrapping
// ErrMalformed or ErrUnsupported (a recognised table that is not read is
// ErrUnsupported; check Table.Read first); bad rows are only counted and
// listed in the Stats. An error from emit or ctx stops reading and is
// returned as is, wrapped.
func Read(ctx context.Context, path, source string, mem memory.Allocator,
	emit func(Table, arrow.Record) error) (Stats, error) {
	if source == "" {
		source = filepath.ToSlash(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return Stats{}, fmt.Errorf("%w: %s: %w", ErrMalformed, source, err)
	}
	return readFrom(ctx, f, filepath.Base(path), source, mem, emit)
}

// readFrom is Read on an open file; it closes rc.
func readFrom(ctx context.Context, rc io.ReadCloser, name, source string,
	mem memory.Allocator, emit func(Table, arrow.Record) error) (Stats, error) {
	in, st, err := open(rc, name, source)
	if err != nil {
		return st, err
	}
	defer in.close()
	if !st.Table.Read() {
		return st, fmt.Errorf("%w: %s: table %s is recognised but not read",
			ErrUnsupported, source, st.Table)
	}
	out := newSink(st.Table, source, mem, emit)
	defer out.release()
	err = readRows(ctx, in, &st, out)
	if err == nil {
		err = out.flush()
	}
	st.Rows = out.rows
	return st, err
}

// Info is what `clinfuse inspect` shows about a records file.
type Info struct {
	Table  Table  `json:"table"`
	Format Format `json:"format"`
	// Read is whether clinfuse reads this table.
	Read bool `json:"read"`
	// Rows counts the rows a read would emit; for a table that is not read,
	// the well-formed records (CSV records with the header's field count,
	// NDJSON lines holding a resource of the file's type).
	Rows         int64 `json:"rows"`
	RejectedRows int64 `json:"rejected_rows"`
	// Skipped counts FHIR resources left out on purpose.
	Skipped int64 `json:"skipped,omitempty"`
}

// Inspect reads the file at path without keeping its rows and describes it.
func Inspect(ctx context.Context, path string) (Info, error) {
	source := filepath.ToSlash(path)
	f, err := os.Open(path)
	if err != nil {
		return Info{}, fmt.Errorf("%w: %s: %w", ErrMalformed, source, err)
	}
	in, st, err := open(f, filepath.Base(path), source)
	if err != nil {
		return Info{}, err
	}
	defer in.close()
	var out *sink
	if st.Table.Read() {
		out = newSink(st.Table, source, nil, nil)
	}
	if err := readRows(ctx, in, &st, out); err != nil {
		return Info{}, err
	}
	info := Info{Table: st.Table, Format: st.Format, Read: st.Table.Read(),
		RejectedRows: st.Rejected, Skipped: st.Skipped, Rows: st.Rows}
	if out != nil {
		info.Rows = out.rows
	}
	return info, nil
}

// open wraps an open file, sniffs it and returns its input with the table
// and format filled into the stats. It closes rc when it fails.
func open(rc io.ReadCloser, name, source string) (*input, Stats, error) {
	in, err := newInput(rc, source)
	if err != nil {
		rc.Close()
		return nil, Stats{}, err
	}
	t, fm, ok := Sniff(name, in.head())
	if !ok {
		in.close()
		return nil, Stats{}, fmt.Errorf("%w: %s: not a Synthea CSV table or FHIR NDJSON file",
			ErrUnsupported, source)
	}
	return in, Stats{Table: t, Format: fm}, nil
}

// readRows dispatches on the format. out is nil when only counting.
func readRows(ctx context.Context, in *input, st *Stats, out *sink) error {
	if st.Format == SyntheaCSV {
		return readCSV(ctx, in, st, out)
	}
	return readNDJSON(ctx, in, st, out)
}
