package records

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clinfuse/clinfuse/internal/shareddata"
)

// The expected counts below were established independently of this
// package, once, with Debian's Python 3:
//
//	Synthea CSV rows: len(list(csv.DictReader(open(f, newline=""))))
//	distinct patients: len({r["PATIENT"] for r in rows})
//	FHIR NDJSON rows: resources per line with json.loads; for Condition
//	  and MedicationRequest also the number of codings (one each here).
//	Bundle observations: per Observation entry, 1 if it has a value[x]
//	  or no component, plus its number of components.

func TestSharedSyntheaCSV(t *testing.T) {
	dir := shareddata.Path(t, "records", "synthea_csv")
	cases := []struct {
		file     string
		table    Table
		rows     int
		patients int
	}{
		{"patients.csv", Patients, 27, 27},
		{"conditions.csv", Conditions, 438, 24},
		{"observations.csv", Observations, 990, 27},
		{"encounters.csv", Encounters, 604, 27},
		{"medications.csv", Medications, 663, 19},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			st, rows := readFile(t, filepath.Join(dir, tc.file))
			checkCounts(t, st, rows, tc.table, SyntheaCSV, tc.rows, tc.patients)
		})
	}
}

func checkCounts(t *testing.T, st Stats, rows []map[string]any, table Table, f Format,
	wantRows, wantPatients int) {
	t.Helper()
	if st.Table != table || st.Format != f {
		t.Errorf("got %s/%s, want %s/%s", st.Table, st.Format, table, f)
	}
	if st.Rejected != 0 {
		t.Errorf("%d rows rejected, first: %+v", st.Rejected, st.Rejections[0])
	}
	if len(rows) != wantRows {
		t.Errorf("rows = %d, want %d", len(rows), wantRows)
	}
	ids := map[any]bool{}
	for _, r := range rows {
		ids[r["patient_id"]] = true
	}
	if len(ids) != wantPatients {
		t.Errorf("distinct patients = %d, want %d", len(ids), wantPatients)
	}
}

func TestSharedSyntheaValues(t *testing.T) {
	dir := shareddata.Path(t, "records", "synthea_csv")
	_, pats := readFile(t, filepath.Join(dir, "patients.csv"))
	first := pats[0]
	want := map[string]any{"birth_date": "2014-10-06", "death_date": nil, "sex": "M",
		"race": "white", "ethnicity": "nonhispanic", "site": "Middlesex County",
		"source": "export/patients.csv"}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("patients row 1 %s = %v, want %v", k, first[k], v)
		}
	}
	_, obs := readFile(t, filepath.Join(dir, "observations.csv"))
	o := obs[0]
	wantObs := map[string]any{"time": "2023-10-10T04:17:47.000Z", "category": "vital-signs",
		"system": "http://loinc.org", "code": "8302-2", "value": 127.9, "unit": "cm",
		"value_text": nil}
	for k, v := range wantObs {
		if o[k] != v {
			t.Errorf("observations row 1 %s = %v, want %v", k, o[k], v)
		}
	}
	_, conds := readFile(t, filepath.Join(dir, "conditions.csv"))
	if c := conds[0]; c["system"] != "SNOMED-CT" || c["start"] != "2023-01-27T00:00:00.000Z" {
		t.Errorf("conditions row 1 = %v", c)
	}
}

func TestSharedSyntheaSniff(t *testing.T) {
	dir := shareddata.Path(t, "records", "synthea_csv")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		head := readHead(t, filepath.Join(dir, e.Name()))
		want := Table(strings.TrimSuffix(e.Name(), ".csv"))
		// Content alone must decide: the name is hidden.
		tb, f, ok := Sniff("export.csv", head)
		if !ok || tb != want || f != SyntheaCSV {
			t.Errorf("Sniff(%s) = %s, %s, %v; want %s", e.Name(), tb, f, ok, want)
		}
	}
}

func readHead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:min(len(b), sniffBytes)]
}

func TestSharedFHIRNDJSON(t *testing.T) {
	dir := shareddata.Path(t, "records", "fhir_ndjson")
	cases := []struct {
		file     string
		table    Table
		rows     int
		patients int
	}{
		{"Patient.000.ndjson", Patients, 13, 13},
		{"Condition.000.ndjson", Conditions, 555, 13},
		{"Encounter.000.ndjson", Encounters, 1215, 13},
		{"MedicationRequest.000.ndjson", Medications, 1745, 13},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			st, rows := readFile(t, filepath.Join(dir, tc.file))
			checkCounts(t, st, rows, tc.table, FHIRNDJSON, tc.rows, tc.patients)
		})
	}
}

func TestSharedFHIRSniff(t *testing.T) {
	dir := shareddata.Path(t, "records", "fhir_ndjson")
	cases := []struct {
		file  string
		table Table
		ok    bool
	}{
		{"AllergyIntolerance.000.ndjson", "allergies", true},
		{"Condition.000.ndjson", Conditions, true},
		{"Device.000.ndjson", "devices", true},
		{"Encounter.000.ndjson", Encounters, true},
		{"Immunization.000.ndjson", "immunizations", true},
		{"MedicationRequest.000.ndjson", Medications, true},
		{"Patient.000.ndjson", Patients, true},
		{"log.ndjson", "", false},
	}
	for _, tc := range cases {
		tb, _, ok := Sniff("x", readHead(t, filepath.Join(dir, tc.file)))
		if tb != tc.table || ok != tc.ok {
			t.Errorf("Sniff(%s) = %s, %v; want %s, %v", tc.file, tb, ok, tc.table, tc.ok)
		}
	}
}

// TestSharedFHIRObservations turns the Observation entries of the two R4
// Synthea bundles into a bulk NDJSON file (the NDJSON sample has no
// Observation file) and reads it.
func TestSharedFHIRObservations(t *testing.T) {
	dir := shareddata.Path(t, "records", "fhir_bundles")
	cases := []struct {
		file      string
		resources int
		rows      int
	}{
		{"R4_Synthea_Buster_Hoeger.json", 33, 36},
		{"R4_Synthea_Clemente_Kreiger.json", 48, 51},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := bundleToNDJSON(t, filepath.Join(dir, tc.file), "Observation", tc.resources)
			st, rows := readFile(t, path)
			checkCounts(t, st, rows, Observations, FHIRNDJSON, tc.rows, 1)
			var bp int
			for _, r := range rows {
				if r["code"] == "8480-6" {
					bp++
					if r["unit"] != "mm[Hg]" || r["value"] == nil {
						t.Errorf("systolic row = %v", r)
					}
				}
			}
			if bp != 3 {
				t.Errorf("systolic components = %d, want 3", bp)
			}
		})
	}
}

// bundleToNDJSON writes the resources of one type from a Bundle, one per
// line, to a temporary file.
func bundleToNDJSON(t *testing.T, bundle, resourceType string, want int) string {
	t.Helper()
	b, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), resourceType+".000.ndjson")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	n := 0
	for _, e := range doc.Entry {
		var head struct{ ResourceType string }
		if json.Unmarshal(e.Resource, &head) != nil || head.ResourceType != resourceType {
			continue
		}
		var line bytes.Buffer
		if err := json.Compact(&line, e.Resource); err != nil {
			t.Fatal(err)
		}
		w.WriteString(line.String() + "\n")
		n++
	}
	if n != want {
		t.Fatalf("%s: %d %s resources, want %d", bundle, n, resourceType, want)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return path
}
