package records

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// System names written for Synthea codes.
const (
	systemSNOMED = "SNOMED-CT"
	systemLOINC  = "http://loinc.org"
	systemRxNorm = "RxNorm"
)

// checkEvery is how many lines pass between context checks.
const checkEvery = 4096

// csvTable parses one Synthea table's records. parse fills the table's row
// from rec and returns a rejection reason, or "" when the row is good; put
// writes the row parsed last.
type csvTable interface {
	parse(rec []string) string
	put(w *writer)
}

// readCSV reads a Synthea CSV file. With a nil out, or a table that is not
// read, it only counts well-formed records as rows.
func readCSV(ctx context.Context, in *input, st *Stats, out *sink) error {
	r := csv.NewReader(in.lines)
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%w: %s: header: %w", ErrMalformed, in.source, err)
	}
	width := len(header)
	tab := newCSVTable(st.Table, header)
	for n := 0; ; n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("records: %s: %w", in.source, err)
			}
		}
		done, err := csvRecord(r, width, tab, st, out)
		if done || err != nil {
			return err
		}
	}
}

// csvRecord reads and handles one record; done is true at the end of the
// file.
func csvRecord(r *csv.Reader, width int, tab csvTable, st *Stats, out *sink) (bool, error) {
	rec, err := r.Read()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return true, nil
	case errors.As(err, &pe):
		st.reject(int64(pe.StartLine), "CSV syntax: "+pe.Err.Error())
		return false, nil
	case err != nil:
		return true, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	line, _ := r.FieldPos(0)
	if len(rec) != width {
		st.reject(int64(line), fmt.Sprintf("row has %d fields, header has %d", len(rec), width))
		return false, nil
	}
	if tab == nil || out == nil {
		st.Rows++
		return false, nil
	}
	if reason := tab.parse(rec); reason != "" {
		st.reject(int64(line), reason)
		return false, nil
	}
	if w := out.row(); w != nil {
		tab.put(w)
	}
	return false, out.done()
}

// newCSVTable resolves the header's columns for a table that is read; nil
// for other tables.
func newCSVTable(t Table, header []string) csvTable {
	c := columns(header)
	switch t {
	case Patients:
		return &patientsCSV{c: c}
	case Conditions:
		return &conditionsCSV{c: c}
	case Observations:
		return &observationsCSV{c: c}
	case Encounters:
		return &encountersCSV{c: c}
	case Medications:
		return &medicationsCSV{c: c}
	}
	return nil
}

// colIndex maps upper-cased column names to positions.
type colIndex map[string]int

func columns(header []string) colIndex {
	c := make(colIndex, len(header))
	for i, h := range header {
		c[strings.ToUpper(strings.TrimSpace(h))] = i
	}
	return c
}

// get returns the named column of rec, "" when the header lacks it.
func (c colIndex) get(rec []string, name string) string {
	if i, ok := c[name]; ok {
		return rec[i]
	}
	return ""
}

// csvFields reads required and optional fields and collects the first
// problem as a rejection reason.
type csvFields struct {
	c      colIndex
	rec    []string
	reason string
}

func (f *csvFields) fail(col, problem string) {
	if f.reason == "" {
		f.reason = col + ": " + problem
	}
}

// text returns the column's value, failing when required and empty.
func (f *csvFields) text(col string, required bool) string {
	v := f.c.get(f.rec, col)
	if required && strings.TrimSpace(v) == "" {
		f.fail(col, "empty")
	}
	return v
}

// time parses a date or date-time column; an empty optional one is absent.
func (f *csvFields) time(col string, required bool) optStamp {
	v := strings.TrimSpace(f.text(col, required))
	if v == "" {
		return optStamp{}
	}
	st, err := parseStamp(v, csvDateTime)
	if err != nil {
		f.fail(col, err.Error())
		return optStamp{}
	}
	return optStamp{stamp: st, ok: true}
}

// number parses a decimal (1.2E+2 included); ok is false when empty.
func (f *csvFields) number(col string) (float64, bool) {
	v := strings.TrimSpace(f.c.get(f.rec, col))
	if v == "" {
		return 0, false
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		f.fail(col, "not a finite number")
		return 0, false
	}
	return x, true
}

// orDefault returns the column's value, or def when empty or absent.
func (f *csvFields) orDefault(col, def string) string {
	if v := f.c.get(f.rec, col); v != "" {
		return v
	}
	return def
}

type patientsCSV struct {
	c   colIndex
	row patientRow
}

func (p *patientsCSV) parse(rec []string) string {
	f := csvFields{c: p.c, rec: rec}
	p.row = patientRow{
		id:    f.text("ID", true),
		birth: f.time("BIRTHDATE", false),
		death: f.time("DEATHDATE", false),
		race:  f.text("RACE", false),
		eth:   f.text("ETHNICITY", false),
		site:  f.text("COUNTY", false),
	}
	sex, ok := sexCode(f.text("GENDER", false))
	if !ok {
		f.fail("GENDER", "not one of M, F, O, U")
	}
	p.row.sex = sex
	return f.reason
}

func (p *patientsCSV) put(w *writer) { p.row.put(w) }

// sexCode maps Synthea's GENDER (and spelled-out forms) to F, M, O or U.
func sexCode(g string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(g)) {
	case "f", "female":
		return "F", true
	case "m", "male":
		return "M", true
	case "o", "other":
		return "O", true
	case "", "u", "unknown":
		return "U", true
	}
	return "", false
}

type conditionsCSV struct {
	c   colIndex
	row conditionRow
}

func (p *conditionsCSV) parse(rec []string) string {
	f := csvFields{c: p.c, rec: rec}
	start := f.time("START", true)
	p.row = conditionRow{
		patient: f.text("PATIENT", true),
		start:   start.ms,
		stop:    f.time("STOP", false),
		system:  f.orDefault("SYSTEM", systemSNOMED),
		code:    f.text("CODE", true),
		desc:    f.text("DESCRIPTION", false),
	}
	return f.reason
}

func (p *conditionsCSV) put(w *writer) { p.row.put(w) }

type observationsCSV struct {
	c   colIndex
	row observationRow
}

func (p *observationsCSV) parse(rec []string) string {
	f := csvFields{c: p.c, rec: rec}
	p.row = observationRow{
		patient:  f.text("PATIENT", true),
		time:     f.time("DATE", true).ms,
		category: f.text("CATEGORY", false),
		system:   f.orDefault("SYSTEM", systemLOINC),
		code:     f.text("CODE", true),
		desc:     f.text("DESCRIPTION", false),
		unit:     f.text("UNITS", false),
	}
	p.value(&f)
	return f.reason
}

// value fills the numeric or text value by TYPE: numeric must parse, text
// stays text, and an absent or other TYPE is numeric when it parses.
func (p *observationsCSV) value(f *csvFields) {
	raw := f.c.get(f.rec, "VALUE")
	switch strings.ToLower(strings.TrimSpace(f.c.get(f.rec, "TYPE"))) {
	case "numeric":
		p.row.value, p.row.hasValue = f.number("VALUE")
	case "text":
		p.row.text = raw
	default:
		v := strings.TrimSpace(raw)
		x, err := strconv.ParseFloat(v, 64)
		if err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
			p.row.value, p.row.hasValue = x, true
		} else {
			p.row.text = raw
		}
	}
}

func (p *observationsCSV) put(w *writer) { p.row.put(w) }

type encountersCSV struct {
	c   colIndex
	row encounterRow
}

func (p *encountersCSV) parse(rec []string) string {
	f := csvFields{c: p.c, rec: rec}
	p.row = encounterRow{
		patient: f.text("PATIENT", true),
		id:      f.text("ID", true),
		start:   f.time("START", true).ms,
		stop:    f.time("STOP", false),
		class:   f.text("ENCOUNTERCLASS", false),
		code:    f.text("CODE", false),
		desc:    f.text("DESCRIPTION", false),
	}
	if p.row.code != "" {
		p.row.system = f.orDefault("SYSTEM", systemSNOMED)
	}
	return f.reason
}

func (p *encountersCSV) put(w *writer) { p.row.put(w) }

type medicationsCSV struct {
	c   colIndex
	row medicationRow
}

func (p *medicationsCSV) parse(rec []string) string {
	f := csvFields{c: p.c, rec: rec}
	p.row = medicationRow{
		patient: f.text("PATIENT", true),
		start:   f.time("START", true).ms,
		stop:    f.time("STOP", false),
		system:  f.orDefault("SYSTEM", systemRxNorm),
		code:    f.text("CODE", true),
		desc:    f.text("DESCRIPTION", false),
	}
	return f.reason
}

func (p *medicationsCSV) put(w *writer) { p.row.put(w) }
