package records

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
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
	r := newCSVScanner(bufio.NewReaderSize(in.lines, 64<<10))
	header, err := r.next()
	if err != nil {
		return fmt.Errorf("%w: %s: header: %w", ErrMalformed, in.source, err)
	}
	header = slices.Clone(header)
	for i := range header {
		header[i] = strings.Clone(header[i])
	}
	c := csvReader{r: r, width: len(header), tab: newCSVTable(st.Table, header),
		st: st, out: out, source: in.source}
	for n := 0; ; n++ {
		if n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("records: %s: %w", in.source, err)
			}
		}
		if done, err := c.record(); done || err != nil {
			return err
		}
	}
}

// csvReader reads the records after the header.
type csvReader struct {
	r      *csvScanner
	width  int
	tab    csvTable // nil for a table that is not read
	st     *Stats
	out    *sink
	source string
}

// record reads and handles one record; done is true at the end of the
// file.
func (c *csvReader) record() (done bool, err error) {
	rec, err := c.r.next()
	if err != nil {
		return c.readError(err)
	}
	line := c.r.start
	if len(rec) != c.width {
		c.st.reject(int64(line), fmt.Sprintf("row has %d fields, header has %d",
			len(rec), c.width))
		return false, nil
	}
	if c.tab == nil || c.out == nil {
		c.st.Rows++
		return false, nil
	}
	if reason := c.tab.parse(rec); reason != "" {
		c.st.reject(int64(line), reason)
		return false, nil
	}
	if w := c.out.row(); w != nil {
		c.tab.put(w)
	}
	return false, c.out.done()
}

// readError handles a failed read: the end of the file, a syntax error
// (which rejects one record), or an I/O error.
func (c *csvReader) readError(err error) (bool, error) {
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return true, nil
	case errors.As(err, &pe):
		c.st.reject(int64(pe.StartLine), "CSV syntax: "+pe.Err.Error())
		return false, nil
	}
	return true, fmt.Errorf("%w: %s: %w", ErrMalformed, c.source, err)
}

// newCSVTable resolves the header's columns for a table that is read; nil
// for other tables.
func newCSVTable(t Table, header []string) csvTable {
	c := columns(header)
	switch t {
	case Patients:
		return &patientsCSV{id: c.col("ID"), birth: c.col("BIRTHDATE"),
			death: c.col("DEATHDATE"), gender: c.col("GENDER"), race: c.col("RACE"),
			eth: c.col("ETHNICITY"), county: c.col("COUNTY")}
	case Conditions:
		return &conditionsCSV{eventCols: c.events()}
	case Observations:
		return &observationsCSV{date: c.col("DATE"), patient: c.col("PATIENT"),
			category: c.col("CATEGORY"), system: c.col("SYSTEM"), code: c.col("CODE"),
			desc: c.col("DESCRIPTION"), value: c.col("VALUE"), units: c.col("UNITS"),
			typ: c.col("TYPE")}
	case Encounters:
		return &encountersCSV{eventCols: c.events(), id: c.col("ID"),
			class: c.col("ENCOUNTERCLASS")}
	case Medications:
		return &medicationsCSV{eventCols: c.events()}
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

// column is a named column's position, -1 when the header lacks it.
type column struct {
	name string
	i    int
}

func (c colIndex) col(name string) column {
	if i, ok := c[name]; ok {
		return column{name, i}
	}
	return column{name, -1}
}

// eventCols are the columns shared by conditions, encounters and
// medications.
type eventCols struct {
	start, stop, patient, system, code, desc column
}

func (c colIndex) events() eventCols {
	return eventCols{start: c.col("START"), stop: c.col("STOP"), patient: c.col("PATIENT"),
		system: c.col("SYSTEM"), code: c.col("CODE"), desc: c.col("DESCRIPTION")}
}

// csvFields reads the fields of one record and keeps the first problem as
// the rejection reason.
type csvFields struct {
	rec    []string
	reason string
}

func (f *csvFields) fail(c column, problem string) {
	if f.reason == "" {
		f.reason = c.name + ": " + problem
	}
}

// get returns the column's value, "" when the header lacks it.
func (f *csvFields) get(c column) string {
	if c.i < 0 {
		return ""
	}
	return f.rec[c.i]
}

// text returns the column's value, failing when required and blank.
func (f *csvFields) text(c column, required bool) string {
	v := f.get(c)
	if required && strings.TrimSpace(v) == "" {
		f.fail(c, "empty")
	}
	return v
}

// time parses a date or date-time column; a blank optional one is absent.
func (f *csvFields) time(c column, required bool) optStamp {
	v := strings.TrimSpace(f.text(c, required))
	if v == "" {
		return optStamp{}
	}
	st, err := parseStamp(v, csvDateTime)
	if err != nil {
		f.fail(c, err.Error())
		return optStamp{}
	}
	return optStamp{stamp: st, ok: true}
}

// number parses a decimal (1.2E+2 included); ok is false when blank.
func (f *csvFields) number(c column) (float64, bool) {
	v := strings.TrimSpace(f.get(c))
	if v == "" {
		return 0, false
	}
	x, ok := finite(v)
	if !ok {
		f.fail(c, "not a finite number")
	}
	return x, ok
}

// finite parses a finite decimal.
func finite(s string) (float64, bool) {
	x, err := strconv.ParseFloat(s, 64)
	return x, err == nil && !math.IsInf(x, 0) && !math.IsNaN(x)
}

// orDefault returns the column's value, or def when empty or absent.
func (f *csvFields) orDefault(c column, def string) string {
	if v := f.get(c); v != "" {
		return v
	}
	return def
}

type patientsCSV struct {
	id, birth, death, gender, race, eth, county column
	row                                         patientRow
}

func (p *patientsCSV) parse(rec []string) string {
	f := csvFields{rec: rec}
	p.row = patientRow{
		id:    f.text(p.id, true),
		birth: f.time(p.birth, false),
		death: f.time(p.death, false),
		race:  f.get(p.race),
		eth:   f.get(p.eth),
		site:  f.get(p.county),
	}
	sex, ok := sexCode(f.get(p.gender))
	if !ok {
		f.fail(p.gender, "not one of M, F, O, U")
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
	eventCols
	row conditionRow
}

func (p *conditionsCSV) parse(rec []string) string {
	f := csvFields{rec: rec}
	p.row = conditionRow{
		patient: f.text(p.patient, true),
		start:   f.time(p.start, true).ms,
		stop:    f.time(p.stop, false),
		system:  f.orDefault(p.system, systemSNOMED),
		code:    f.text(p.code, true),
		desc:    f.get(p.desc),
	}
	return f.reason
}

func (p *conditionsCSV) put(w *writer) { p.row.put(w) }

type observationsCSV struct {
	date, patient, category, system, code, desc, value, units, typ column
	row                                                            observationRow
}

func (p *observationsCSV) parse(rec []string) string {
	f := csvFields{rec: rec}
	p.row = observationRow{
		patient:  f.text(p.patient, true),
		time:     f.time(p.date, true).ms,
		category: f.get(p.category),
		system:   f.orDefault(p.system, systemLOINC),
		code:     f.text(p.code, true),
		desc:     f.get(p.desc),
		unit:     f.get(p.units),
	}
	p.fillValue(&f)
	return f.reason
}

// fillValue sets the numeric or text value by TYPE: numeric must parse,
// text stays text, and an absent or other TYPE is numeric when it parses.
func (p *observationsCSV) fillValue(f *csvFields) {
	switch typ := strings.TrimSpace(f.get(p.typ)); {
	case strings.EqualFold(typ, "numeric"):
		p.row.value, p.row.hasValue = f.number(p.value)
	case strings.EqualFold(typ, "text"):
		p.row.text = f.get(p.value)
	default:
		raw := f.get(p.value)
		if x, ok := finite(strings.TrimSpace(raw)); ok {
			p.row.value, p.row.hasValue = x, true
		} else {
			p.row.text = raw
		}
	}
}

func (p *observationsCSV) put(w *writer) { p.row.put(w) }

type encountersCSV struct {
	eventCols
	id, class column
	row       encounterRow
}

func (p *encountersCSV) parse(rec []string) string {
	f := csvFields{rec: rec}
	p.row = encounterRow{
		patient: f.text(p.patient, true),
		id:      f.text(p.id, true),
		start:   f.time(p.start, true).ms,
		stop:    f.time(p.stop, false),
		class:   f.get(p.class),
		code:    f.get(p.code),
		desc:    f.get(p.desc),
	}
	if p.row.code != "" {
		p.row.system = f.orDefault(p.system, systemSNOMED)
	}
	return f.reason
}

func (p *encountersCSV) put(w *writer) { p.row.put(w) }

type medicationsCSV struct {
	eventCols
	row medicationRow
}

func (p *medicationsCSV) parse(rec []string) string {
	f := csvFields{rec: rec}
	p.row = medicationRow{
		patient: f.text(p.patient, true),
		start:   f.time(p.start, true).ms,
		stop:    f.time(p.stop, false),
		system:  f.orDefault(p.system, systemRxNorm),
		code:    f.text(p.code, true),
		desc:    f.get(p.desc),
	}
	return f.reason
}

func (p *medicationsCSV) put(w *writer) { p.row.put(w) }
