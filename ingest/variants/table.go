package variants

import (
	"bytes"
	"context"
	"io"
	"strings"
)

// Column names recognised in tab-separated tables, lower case, in order of
// preference within each role.
var (
	chromNames = []string{"chromosome", "chrom", "chr", "#chrom", "chromosome_name"}
	startNames = []string{"start_position", "start_pos", "chromosome_start", "start",
		"pos", "position"}
	refNames  = []string{"reference_allele", "ref", "ref_allele", "reference_genome_allele"}
	alt2Names = []string{"tumor_seq_allele2", "alt", "alt_allele", "mutated_to_allele",
		"tumor_allele"}
	alt1Names   = []string{"tumor_seq_allele1"}
	sampleNames = []string{"tumor_sample_barcode", "sample", "sample_id", "sample_name",
		"samplename", "submitted_sample_id", "icgc_sample_id", "tumor_sample"}
	geneNames = []string{"hugo_symbol", "gene.refgene", "gene.ensgene", "gene.knowngene",
		"symbol", "gene", "gene_affected"}
	classNames = []string{"variant_classification", "exonicfunc.refgene", "exonicfunc.ensgene",
		"exonicfunc.knowngene", "consequence_type"}
	funcNames    = []string{"func.refgene", "func.ensgene", "func.knowngene"}
	patientNames = []string{"patient_id", "patient", "participant_id", "participant",
		"donor_id", "subject_id", "subject", "case_id"}
	mapSample = []string{"sample", "sample_id", "sample_name", "samplename",
		"tumor_sample_barcode"}
	clinicalKeys = []string{"tumor_sample_barcode", "bcr_patient_barcode"}
)

// columnIndex returns the index of the first header column matching any of
// names (case-insensitive, in the order of names), or -1.
func columnIndex(header []string, names []string) int {
	for _, n := range names {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return i
			}
		}
	}
	return -1
}

// classifyColumns decides a table's format from its header.
func classifyColumns(cols []string) Format {
	has := func(names []string) bool { return columnIndex(cols, names) >= 0 }
	switch {
	case has(chromNames) && has(startNames) && has(refNames) &&
		(has(alt2Names) || has(alt1Names)):
		return FormatMAF
	case has(chromNames):
		return ""
	case has(mapSample) && has(patientNames) && len(cols) <= 3:
		return FormatSampleMap
	case has(clinicalKeys) && len(cols) >= 2:
		return FormatClinical
	}
	return ""
}

// tableReader reads a tab-separated table, skipping blank lines and lines
// starting with '#'. A field wrapped in double quotes loses the quotes.
type tableReader struct {
	in   *input
	lr   *lineReader
	cols [][]byte
}

func newTableReader(in *input) *tableReader {
	return &tableReader{in: in, lr: newLineReader(in.text)}
}

// next returns the next row's fields, valid until the following call, or
// io.EOF.
func (t *tableReader) next() ([][]byte, error) {
	for {
		line, err := t.lr.next()
		if err == io.EOF {
			return nil, io.EOF
		}
		if err != nil {
			return nil, t.in.wrapErr(t.lr.n+1, err)
		}
		if len(bytes.TrimSpace(line)) == 0 || line[0] == '#' {
			continue
		}
		t.cols = splitFields(line, '\t', t.cols)
		for i, c := range t.cols {
			if len(c) >= 2 && c[0] == '"' && c[len(c)-1] == '"' {
				t.cols[i] = c[1 : len(c)-1]
			}
		}
		return t.cols, nil
	}
}

// each calls fn for every row until the rows end or fn fails, checking ctx
// every 4096 rows.
func (t *tableReader) each(ctx context.Context, fn func(row [][]byte) error) error {
	for n := 1; ; n++ {
		row, err := t.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if n&0xfff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// header reads the first row as column names.
func (t *tableReader) header() ([]string, error) {
	row, err := t.next()
	if err != nil {
		return nil, err
	}
	h := make([]string, len(row))
	for i, c := range row {
		h[i] = strings.TrimSpace(string(c))
	}
	return h, nil
}

// cell returns row[i], or nil when i is -1 or the row is short.
func cell(row [][]byte, i int) []byte {
	if i < 0 || i >= len(row) {
		return nil
	}
	return bytes.TrimSpace(row[i])
}

// missing reports whether a cell holds no value.
func missing(b []byte) bool {
	switch string(b) {
	case "", ".", "NA", "N/A", "NaN", "null", "[Not Available]", "[Not Applicable]":
		return true
	}
	return false
}
