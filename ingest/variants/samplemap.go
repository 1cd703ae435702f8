package variants

import (
	"context"
	"fmt"
)

// SampleMap maps sample names to patient ids, as read from samples.tsv.
type SampleMap map[string]string

// ReadSampleMap reads a tab-separated sample map. The first line is a header
// when it names a sample column (sample, sample_id, sample_name,
// Tumor_Sample_Barcode) and a patient column (patient, patient_id,
// participant_id, donor_id, subject_id, case_id), in any order and
// case; otherwise the file has no header and holds the sample in column 1
// and the patient in column 2. Blank lines and lines starting with '#' are
// skipped. Rows with an empty sample or patient, too few columns, or a
// sample already mapped to a different patient are rejected (the first
// mapping stays).
func ReadSampleMap(ctx context.Context, path string) (SampleMap, []Rejection, error) {
	in, err := openInput(ctx, path)
	if err != nil {
		return nil, nil, err
	}
	defer in.Close()
	return readSampleMap(ctx, in)
}

// readSampleMap is ReadSampleMap on an opened input.
func readSampleMap(ctx context.Context, in *input) (SampleMap, []Rejection, error) {
	t := newTableReader(in)
	m := SampleMap{}
	var st Stats
	si, pi, first := 0, 1, true
	err := t.each(ctx, func(row [][]byte) error {
		if first {
			first = false
			if s, p, ok := sampleMapHeader(row); ok {
				si, pi = s, p
				return nil
			}
		}
		if reason := m.add(cell(row, si), cell(row, pi)); reason != "" {
			st.reject(t.lr.n, reason)
		}
		return nil
	})
	if err != nil {
		return nil, st.Rejections, err
	}
	return m, st.Rejections, nil
}

// sampleMapHeader finds the sample and patient columns of a header row.
func sampleMapHeader(row [][]byte) (sample, patient int, ok bool) {
	h := make([]string, len(row))
	for i, c := range row {
		h[i] = string(c)
	}
	sample, patient = columnIndex(h, mapSample), columnIndex(h, patientNames)
	return sample, patient, sample >= 0 && patient >= 0
}

// add maps one sample, returning why it could not.
func (m SampleMap) add(sample, patient []byte) string {
	if missing(sample) || missing(patient) {
		return "empty or missing sample or patient"
	}
	if old, dup := m[string(sample)]; dup {
		if old != string(patient) {
			return "sample already mapped to a different patient; first mapping kept"
		}
		return ""
	}
	m[string(sample)] = string(patient)
	return ""
}

// Link returns the patient a sample maps to.
func (m SampleMap) Link(sample string) (string, bool) {
	p, ok := m[sample]
	return p, ok
}

// NewLinker links samples as the export contract says: through the sample
// map when it names the sample, otherwise directly (the sample name is the
// patient id). A nil or empty map links every sample directly.
func NewLinker(m SampleMap) Linker {
	return func(sample string) (string, bool) {
		if p, ok := m[sample]; ok {
			return p, true
		}
		return sample, sample != ""
	}
}

// MapOnlyLinker links only the samples the map names; every other sample is
// unlinked.
func MapOnlyLinker(m SampleMap) Linker { return m.Link }

// String describes the map without naming samples or patients.
func (m SampleMap) String() string { return fmt.Sprintf("sample map of %d samples", len(m)) }
