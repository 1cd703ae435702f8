package features

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"

	"github.com/clinfuse/clinfuse/ingest/records"
	"github.com/clinfuse/clinfuse/internal/shareddata"
	"github.com/clinfuse/clinfuse/schemas"
)

// TestSharedSynthea runs the Synthea sample through records.Read and the
// Builder. Expected values were established with Debian's Python 3 csv
// module on the same files: 27 patients; prediabetes (15777000) first
// recorded for 5 patients, earliest 1991-11-27; the latest date among
// condition starts, observation dates and death dates is 2024-02-02; 23
// patients have a BMI (39156-5) observation.
func TestSharedSynthea(t *testing.T) {
	dir := shareddata.Path(t, "records", "synthea_csv")
	s := buildShared(t, dir, "patients.csv", "conditions.csv", "observations.csv")
	if len(s.Patients) != 27 || s.AsOf != time.Date(2024, 2, 2, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("%d patients, AsOf %v", len(s.Patients), s.AsOf)
	}
	var diagnosed int
	earliest := time.Now()
	for _, l := range s.Labels["prediabetes"] {
		if l.Diagnosed {
			diagnosed++
			if l.Onset.Before(earliest) {
				earliest = l.Onset
			}
		}
	}
	if diagnosed != 5 || !earliest.Equal(time.Date(1991, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("diagnosed %d, earliest onset %v", diagnosed, earliest)
	}
	checkFinite(t, s.Records["prediabetes"])
	m := s.Records["prediabetes"]
	withBMI := 0
	for _, p := range s.Patients {
		if value(t, s, m, p.ID, "lab:BMI:missing") == 0 {
			withBMI++
		}
	}
	// Diagnosed patients may have had their only BMI after onset.
	if withBMI > 23 || withBMI < 23-diagnosed {
		t.Errorf("%d patients with a BMI before the cut-off", withBMI)
	}
	if s.Dropped != (Dropped{}) {
		t.Errorf("dropped rows: %+v", s.Dropped)
	}
}

func add(b *Builder, t records.Table, rec arrow.Record) error {
	switch t {
	case records.Patients:
		return b.AddPatients(rec)
	case records.Conditions:
		return b.AddConditions(rec)
	case records.Observations:
		return b.AddObservations(rec)
	}
	return nil
}

func checkFinite(t *testing.T, m Matrix) {
	t.Helper()
	for i, row := range m.Rows {
		if len(row) != len(m.Names) {
			t.Fatalf("row %d has %d values for %d names", i, len(row), len(m.Names))
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("row %d %s = %v", i, m.Names[j], v)
			}
		}
	}
}

// TestSharedFHIR runs the FHIR bulk sample through records.Read and the
// Builder. Expected values were established with Debian's Python 3 (json
// and datetime modules): 13 patients; prediabetes (15777000) in 5, the
// earliest onset 1958-08-03T03:58:16Z; the latest date is the condition
// onset 2023-02-05T04:41:21Z (birth and death dates are earlier).
func TestSharedFHIR(t *testing.T) {
	dir := shareddata.Path(t, "records", "fhir_ndjson")
	s := buildShared(t, dir, "Patient.000.ndjson", "Condition.000.ndjson")
	if len(s.Patients) != 13 || s.AsOf != time.Date(2023, 2, 5, 0, 0, 0, 0, time.UTC) {
		t.Fatalf("%d patients, AsOf %v", len(s.Patients), s.AsOf)
	}
	var onsets []time.Time
	for _, l := range s.Labels["prediabetes"] {
		if l.Diagnosed {
			onsets = append(onsets, l.Onset)
		}
	}
	slices.SortFunc(onsets, time.Time.Compare)
	want := time.Date(1958, 8, 3, 3, 58, 16, 0, time.UTC)
	if len(onsets) != 5 || !onsets[0].Equal(want) {
		t.Errorf("onsets %v, want 5 from %v", onsets, want)
	}
	checkFinite(t, s.Records["prediabetes"])
	for _, c := range s.Spec.Conditions {
		if c.System != "SNOMED-CT" {
			t.Errorf("vocabulary code %v: FHIR SNOMED URI not shortened", c)
		}
	}
}

// buildShared builds the features of the record files of dir with the
// prediabetes target, checking that every Arrow buffer is released.
func buildShared(t *testing.T, dir string, files ...string) *Set {
	t.Helper()
	cfg := schemas.Default()
	cfg.Targets = []schemas.Target{{Name: "prediabetes", Codes: []string{"15777000"}}}
	mem := newTestAllocator()
	defer mem.AssertSize(t, 0)
	b := NewBuilder(cfg, nil)
	for _, f := range files {
		_, err := records.Read(context.Background(), filepath.Join(dir, f), f, mem,
			func(tb records.Table, rec arrow.Record) error { return add(b, tb, rec) })
		if err != nil {
			t.Fatal(err)
		}
	}
	s, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return s
}
