package variants

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/google/go-cmp/cmp"

	"github.com/clinfuse/clinfuse/internal/shareddata"
	"github.com/clinfuse/clinfuse/schemas"
)

// clinicalTables reads a clinical table, returning the patient ids and sex
// of the Patients rows and the observations as "patient code value unit".
func clinicalTables(t *testing.T, path string, link Linker) (
	map[string]string, []string, Stats) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	patients := map[string]string{}
	var obs []string
	st, err := ReadClinical(context.Background(), path, "clinical.tsv", link, mem,
		func(table string, rec arrow.Record) error {
			want := map[string]*arrow.Schema{"patients": schemas.Patients,
				"observations": schemas.Observations}[table]
			if err := schemas.Check(want, rec.Schema()); err != nil {
				return err
			}
			for i := range int(rec.NumRows()) {
				id := rec.Column(0).(*array.String).Value(i)
				if table == "patients" {
					patients[id] = rec.Column(3).ValueStr(i)
					continue
				}
				c := func(j int) string { return rec.Column(j).ValueStr(i) }
				obs = append(obs, id+" "+c(4)+" "+c(6)+"/"+c(7)+" "+c(8))
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	return patients, obs, st
}

func TestReadClinical(t *testing.T) {
	link := MapOnlyLinker(SampleMap{"TCGA-AA-0001": "P1", "TCGA-AA-0002": "P2"})
	patients, obs, st := clinicalTables(t, filepath.Join("testdata", "clinical.tsv"), link)
	if want := map[string]string{"P1": "F", "P2": "U"}; !cmp.Equal(patients, want) {
		t.Errorf("patients %v, want %v", patients, want)
	}
	want := []string{
		"P1 days_to_last_followup 365/(null) d",
		"P1 FAB_classification (null)/M4 (null)",
		"P1 Overall_Survival_Status 1/(null) (null)",
		"P2 FAB_classification (null)/M3 (null)",
		"P2 Overall_Survival_Status 0/(null) (null)",
	}
	if !cmp.Equal(obs, want) {
		t.Errorf("observations:\n%s", cmp.Diff(want, obs))
	}
	if !cmp.Equal(st.Unlinked, []string{"TCGA-ZZ-9999"}) || st.Records != 3 {
		t.Errorf("unlinked %v records %d", st.Unlinked, st.Records)
	}
}

// TestTCGALinksGenomicAndClinical reads the TCGA LAML MAF and its clinical
// annotation with the same linker and checks that both describe the same
// patients: every mutated patient has clinical data, and the 7 annotated
// patients without mutations are the only extra ones.
func TestTCGALinksGenomicAndClinical(t *testing.T) {
	maf := shareddata.Path(t, "variants", "maf", "tcga_laml.maf.gz")
	annot := shareddata.Path(t, "variants", "maf", "tcga_laml_annot.tsv")
	link := NewLinker(nil)

	mutated := map[string]int{}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	st, err := Read(context.Background(), maf, "tcga_laml.maf.gz", link, mem,
		func(rec arrow.Record) error {
			ids := rec.Column(2).(*array.String)
			for i := range ids.Len() {
				if ids.IsNull(i) {
					t.Errorf("row %d has no patient", i)
					continue
				}
				mutated[ids.Value(i)]++
			}
			return nil
		})
	mem.AssertSize(t, 0)
	if err != nil {
		t.Fatal(err)
	}
	patients, obs, cst := clinicalTables(t, annot, link)

	if len(mutated) != 193 || st.Calls != 2207 || len(patients) != 200 {
		t.Fatalf("%d mutated patients, %d calls, %d annotated",
			len(mutated), st.Calls, len(patients))
	}
	var missing, extra []string
	for p := range mutated {
		if _, ok := patients[p]; !ok {
			missing = append(missing, p)
		}
	}
	for p := range patients {
		if _, ok := mutated[p]; !ok {
			extra = append(extra, p)
		}
	}
	if len(missing) != 0 || len(extra) != 7 {
		t.Errorf("mutated without clinical data: %v; annotated without mutations: %d",
			missing, len(extra))
	}
	// Three clinical columns per patient; one FAB_classification is NA.
	if len(obs) != 3*200-1 || len(cst.Unlinked) != 0 {
		t.Errorf("%d observations, want 599; unlinked %v", len(obs), cst.Unlinked)
	}
}

func TestReadSampleMap(t *testing.T) {
	cases := []struct {
		name     string
		want     SampleMap
		rejected []int64
	}{
		{"samples.tsv", SampleMap{"S1": "P-1", "S2": "P-2"}, []int64{5, 6, 8}},
		{"samples_noheader.tsv", SampleMap{"S1": "P-1", "S2": "P-2"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, rej, err := ReadSampleMap(context.Background(), filepath.Join("testdata", c.name))
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(m, c.want) {
				t.Errorf("map %v, want %v", m, c.want)
			}
			var lines []int64
			for _, r := range rej {
				lines = append(lines, r.Line)
			}
			if !slices.Equal(lines, c.rejected) {
				t.Errorf("rejected lines %v, want %v (%v)", lines, c.rejected, rej)
			}
		})
	}
}

func TestLinkers(t *testing.T) {
	m := SampleMap{"S1": "P1"}
	cases := []struct {
		name   string
		link   Linker
		sample string
		want   string
		ok     bool
	}{
		{"mapped", NewLinker(m), "S1", "P1", true},
		{"direct", NewLinker(m), "P7", "P7", true},
		{"nil map", NewLinker(nil), "P7", "P7", true},
		{"empty name", NewLinker(m), "", "", false},
		{"map only", MapOnlyLinker(m), "P7", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := c.link(c.sample)
			if got != c.want || ok != c.ok {
				t.Errorf("got %q %v", got, ok)
			}
		})
	}
}
