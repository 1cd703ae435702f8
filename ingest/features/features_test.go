package features

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/clinfuse/clinfuse/schemas"
)

const (
	hba1c = "4548-4"
	bmi   = "39156-5"
	t2d   = "44054006"
	htn   = "59621000" // hypertension
	obes  = "162864005"
)

// onsetInput has a patient "d" diagnosed on 2020-01-01 and a patient "u"
// never diagnosed, with the same labs and conditions around that date.
func onsetInput() input {
	in := input{pats: []pat{
		{id: "d", birth: "1960-01-01", sex: "F", site: "North"},
		{id: "u", birth: "1970-01-01", sex: "M", site: "South"},
	}}
	for _, id := range []string{"d", "u"} {
		in.conds = append(in.conds,
			cond{id, "2019-01-01", "SNOMED-CT", htn},
			cond{id, "2021-01-01", "SNOMED-CT", obes})
		in.obs = append(in.obs,
			obs{id, "2018-01-01T00:00:00Z", hba1c, 6.0},
			obs{id, "2019-01-01T00:00:00Z", hba1c, 6.4},
			obs{id, "2020-01-01T00:00:00Z", hba1c, 7.5},
			obs{id, "2021-01-01T00:00:00Z", hba1c, 8.0})
	}
	in.conds = append(in.conds, cond{"d", "2020-01-01", "http://snomed.info/sct", t2d})
	return in
}

func TestOnsetExclusion(t *testing.T) {
	s, err := build(t, testConfig(), nil, onsetInput())
	if err != nil {
		t.Fatal(err)
	}
	m := s.Records["t2d"]
	cases := []struct {
		id, name string
		want     float64
	}{
		{"d", "lab:HbA1c:latest", 6.4},
		{"d", "lab:HbA1c:count", 2},
		{"d", "condition:SNOMED-CT|" + htn, 1},
		{"d", "condition:SNOMED-CT|" + obes, 0}, // after onset
		{"d", "conditions:count", 1},
		{"d", "age_years", 60}, // at onset
		{"u", "lab:HbA1c:latest", 8.0},
		{"u", "lab:HbA1c:count", 4},
		{"u", "condition:SNOMED-CT|" + obes, 1},
		{"u", "conditions:count", 2},
	}
	for _, tc := range cases {
		t.Run(tc.id+" "+tc.name, func(t *testing.T) {
			got := value(t, s, m, tc.id, tc.name)
			if math.Abs(got-tc.want) > 0.01 {
				t.Errorf("= %v, want %v", got, tc.want)
			}
		})
	}
	for _, n := range m.Names {
		if strings.Contains(n, t2d) {
			t.Errorf("target code used as a feature: %s", n)
		}
	}
	want := []Label{{Diagnosed: true, Onset: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}, {}}
	if diff := cmp.Diff(want, s.Labels["t2d"]); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
}

func TestAsOfCutoff(t *testing.T) {
	cases := []struct {
		name      string
		asOf      string
		wantAsOf  string
		diagnosed bool
		latest    float64
		count     float64
	}{
		{"derived from the latest date", "", "2021-01-01", true, 6.4, 2},
		{"before the diagnosis", "2019-06-30", "2019-06-30", false, 6.4, 2},
		{"day of a value includes it", "2018-01-01", "2018-01-01", false, 6.0, 1},
		{"after everything", "2030-01-01", "2030-01-01", true, 6.4, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.AsOf = tc.asOf
			s, err := build(t, cfg, nil, onsetInput())
			if err != nil {
				t.Fatal(err)
			}
			if got := s.AsOf.Format("2006-01-02"); got != tc.wantAsOf {
				t.Errorf("AsOf = %s, want %s", got, tc.wantAsOf)
			}
			if got := s.Labels["t2d"][0].Diagnosed; got != tc.diagnosed {
				t.Errorf("diagnosed = %v, want %v", got, tc.diagnosed)
			}
			m := s.Records["t2d"]
			if got := value(t, s, m, "d", "lab:HbA1c:latest"); got != tc.latest {
				t.Errorf("latest = %v, want %v", got, tc.latest)
			}
			if got := value(t, s, m, "d", "lab:HbA1c:count"); got != tc.count {
				t.Errorf("count = %v, want %v", got, tc.count)
			}
		})
	}
}

func TestTrend(t *testing.T) {
	cases := []struct {
		name    string
		values  []float64 // one per year from 2000
		want    float64
		missing bool
	}{
		{"rising one per year", []float64{1, 2, 3, 4}, 1, false},
		{"falling", []float64{10, 8, 6}, -2, false},
		{"flat with noise", []float64{5, 6, 5, 6}, 0.2, false},
		{"single value", []float64{7}, 0, true},
		// Only the latest TrendWindow values count: the early rise is ignored.
		{"window", append([]float64{-100, -50}, ramp(TrendWindow, 3)...), 3, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := input{pats: []pat{{id: "p", birth: "1950-01-01", sex: "F"}}}
			for i, v := range tc.values {
				at := 2000 + i
				in.obs = append(in.obs, obs{"p", yearStart(at), bmi, v})
			}
			s, err := build(t, testConfig(), nil, in)
			if err != nil {
				t.Fatal(err)
			}
			m := s.Records["t2d"]
			got := value(t, s, m, "p", "lab:BMI:trend_per_year")
			if math.Abs(got-tc.want) > 0.01 {
				t.Errorf("trend = %v, want %v", got, tc.want)
			}
			if got := value(t, s, m, "p", "lab:BMI:trend_missing"); got != flag(tc.missing) {
				t.Errorf("trend_missing = %v", got)
			}
		})
	}
}

func ramp(n int, step float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i) * step
	}
	return out
}

func yearStart(y int) string { return fmt.Sprintf("%04d-01-01T00:00:00Z", y) }

func TestMissingIndicators(t *testing.T) {
	in := input{pats: []pat{
		{id: "bare", sex: "U"},
		{id: "full", birth: "1980-01-01", sex: "O"},
	}, obs: []obs{{"full", "2020-01-01T00:00:00Z", hba1c, 5.5}}}
	s, err := build(t, testConfig(), nil, in)
	if err != nil {
		t.Fatal(err)
	}
	m := s.Records["t2d"]
	cases := []struct {
		id, name string
		want     float64
	}{
		{"bare", "age_years", 0},
		{"bare", "age_missing", 1},
		{"bare", "sex_missing", 1},
		{"bare", "lab:HbA1c:latest", 0},
		{"bare", "lab:HbA1c:missing", 1},
		{"bare", "lab:HbA1c:trend_missing", 1},
		{"full", "age_missing", 0},
		{"full", "sex_other", 1},
		{"full", "sex_missing", 0},
		{"full", "lab:HbA1c:latest", 5.5},
		{"full", "lab:HbA1c:missing", 0},
		{"full", "lab:HbA1c:trend_missing", 1},
		{"full", "lab:BMI:missing", 1},
	}
	for _, tc := range cases {
		if got := value(t, s, m, tc.id, tc.name); got != tc.want {
			t.Errorf("%s %s = %v, want %v", tc.id, tc.name, got, tc.want)
		}
	}
	if !math.IsNaN(s.Patients[0].Age) {
		t.Errorf("age of a patient without birth date = %v, want NaN", s.Patients[0].Age)
	}
	for _, row := range m.Rows {
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("non-finite feature in %v", row)
			}
		}
	}
}

// TestDeterminism feeds the same rows split into batches in shuffled
// orders and expects identical sets.
func TestDeterminism(t *testing.T) {
	in := randomInput(rand.New(rand.NewPCG(1, 2)), 40)
	var first *Set
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 99))
		s := buildShuffled(t, in, r)
		if first == nil {
			first = s
			continue
		}
		if diff := cmp.Diff(first, s, cmpopts.EquateNaNs()); diff != "" {
			t.Fatalf("seed %d differs (-first +this):\n%s", seed, diff)
		}
	}
	if len(first.Spec.Conditions) == 0 || len(first.Spec.Genes) == 0 {
		t.Fatalf("vocabularies empty: %+v", first.Spec)
	}
}

func randomInput(r *rand.Rand, n int) input {
	var in input
	codes := []string{htn, obes, t2d, "E11.9", "15777000", "271737000"}
	genes := []string{"TP53", "BRCA1", "KRAS", "APOE"}
	for i := range n {
		id := string(rune('A'+i%26)) + string(rune('a'+i/26))
		in.pats = append(in.pats, pat{id: id, birth: "1950-06-01", sex: "FM"[i%2 : i%2+1]})
		for range 3 {
			y := 2000 + r.IntN(20)
			in.conds = append(in.conds, cond{id, yearStart(y)[:10], "SNOMED-CT",
				codes[r.IntN(len(codes))]})
		}
		for range 12 {
			y := 2000 + r.IntN(20)
			in.obs = append(in.obs, obs{id, yearStart(y), hba1c, 5 + r.Float64()*3})
		}
		for range r.IntN(3) {
			in.calls = append(in.calls, call{id, genes[r.IntN(4)], "HIGH", "het", false})
		}
	}
	return in
}

// buildShuffled feeds in's rows in random order and random batch sizes.
func buildShuffled(t *testing.T, in input, r *rand.Rand) *Set {
	mem := newTestAllocator()
	defer mem.AssertSize(t, 0)
	b := NewBuilder(testConfig(), nil)
	feedAll(t, r, in.pats, b.AddPatients, func(rows []pat) arrow.Record {
		return patientsBatch(t, mem, rows...)
	})
	feedAll(t, r, in.conds, b.AddConditions, func(rows []cond) arrow.Record {
		return conditionsBatch(t, mem, rows...)
	})
	feedAll(t, r, in.obs, b.AddObservations, func(rows []obs) arrow.Record {
		return observationsBatch(t, mem, rows...)
	})
	feedAll(t, r, in.calls, b.AddVariantCalls, func(rows []call) arrow.Record {
		return callsBatch(mem, rows...)
	})
	s, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func feedAll[R any](t *testing.T, r *rand.Rand, rows []R, add func(arrow.Record) error,
	batch func([]R) arrow.Record) {
	rows = slices.Clone(rows)
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	for len(rows) > 0 {
		n := 1 + r.IntN(len(rows))
		if err := feed(add, batch(rows[:n])); err != nil {
			t.Fatal(err)
		}
		rows = rows[n:]
	}
}

func TestVariants(t *testing.T) {
	cfg := testConfig()
	cfg.Genomics = schemas.GenomicsConfig{MaxGenes: 2, Impacts: []string{"HIGH"},
		PassOnly: true}
	in := input{pats: []pat{{id: "a", sex: "F"}, {id: "b", sex: "M"}, {id: "c", sex: "F"}}}
	in.calls = []call{
		{"a", "ZZZ", "HIGH", "het", false},
		{"a", "ZZZ", "HIGH", "hom_alt", false},
		{"a", "AAA", "HIGH", "hemi", false},
		{"a", "BBB", "HIGH", "unknown", false},
		{"b", "BBB", "HIGH", "het", false},
		{"b", "AAA", "LOW", "het", false},  // impact not counted
		{"b", "ZZZ", "HIGH", "het", true},  // filtered out
		{"", "ZZZ", "HIGH", "het", false},  // unlinked sample
		{"x", "ZZZ", "HIGH", "het", false}, // no patients row
	}
	s, err := build(t, cfg, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	// BBB qualifies in two patients; AAA and ZZZ in one each, and AAA wins
	// the tie by name.
	if want := []string{"BBB", "AAA"}; !slices.Equal(s.Spec.Genes, want) {
		t.Errorf("panel = %v, want %v", s.Spec.Genes, want)
	}
	want := Matrix{
		Names: []string{"burden:HIGH:het", "burden:HIGH:hom", "gene:BBB:HIGH:het",
			"gene:BBB:HIGH:hom", "gene:AAA:HIGH:het", "gene:AAA:HIGH:hom"},
		Rows: [][]float64{{2, 2, 1, 0, 0, 1}, {1, 0, 1, 0, 0, 0}, nil},
	}
	if diff := cmp.Diff(want, s.Variants); diff != "" {
		t.Errorf("variants (-want +got):\n%s", diff)
	}
	if s.Dropped.VariantCalls != 1 {
		t.Errorf("dropped calls = %d, want 1", s.Dropped.VariantCalls)
	}
}

func TestSpecFrozen(t *testing.T) {
	s, err := build(t, testConfig(), nil, randomInput(rand.New(rand.NewPCG(3, 4)), 30))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s.Spec)
	if err != nil {
		t.Fatal(err)
	}
	var spec Spec
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	// Other data, same spec: the same columns.
	other := randomInput(rand.New(rand.NewPCG(5, 6)), 7)
	s2, err := build(t, testConfig(), &spec, other)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.Spec, s2.Spec); diff != "" {
		t.Errorf("spec changed (-saved +new):\n%s", diff)
	}
	// Another lab list cannot use the spec.
	cfg := testConfig()
	cfg.Labs = cfg.Labs[:1]
	if _, err := build(t, cfg, &spec, other); !errors.Is(err, ErrSpecMismatch) {
		t.Errorf("changed labs: err = %v, want ErrSpecMismatch", err)
	}
	spec.Version++
	if _, err := build(t, testConfig(), &spec, other); !errors.Is(err, ErrSpecMismatch) {
		t.Errorf("other version: err = %v, want ErrSpecMismatch", err)
	}
}

func TestOrderAndSchema(t *testing.T) {
	mem := newTestAllocator()
	defer mem.AssertSize(t, 0)
	b := NewBuilder(testConfig(), nil)
	if err := feed(b.AddObservations, observationsBatch(t, mem)); err != nil {
		t.Fatal(err)
	}
	err := feed(b.AddConditions, conditionsBatch(t, mem, cond{"a", "2020-01-01", "x", "1"}))
	if !errors.Is(err, ErrOrder) {
		t.Errorf("conditions after observations: err = %v, want ErrOrder", err)
	}
	err = feed(b.AddPatients, conditionsBatch(t, mem))
	if !errors.Is(err, schemas.ErrSchemaMismatch) {
		t.Errorf("wrong schema: err = %v, want ErrSchemaMismatch", err)
	}
	if _, err := b.Finish(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Finish(); !errors.Is(err, ErrOrder) {
		t.Errorf("second Finish: err = %v, want ErrOrder", err)
	}
}

// TestTwoTargets checks that each target has its own cut-off and leaves
// out only its own codes.
func TestTwoTargets(t *testing.T) {
	cfg := testConfig()
	cfg.Targets = append(cfg.Targets, schemas.Target{Name: "htn", Codes: []string{htn}})
	s, err := build(t, cfg, nil, onsetInput())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		target, id, name string
		want             float64
	}{
		{"t2d", "d", "lab:HbA1c:latest", 6.4},
		{"t2d", "d", "condition:SNOMED-CT|" + htn, 1},
		{"htn", "d", "lab:HbA1c:latest", 6.0}, // hypertension began 2019-01-01
		{"htn", "d", "lab:HbA1c:count", 1},
		{"htn", "d", "conditions:count", 0},
		{"htn", "u", "lab:HbA1c:count", 1},
		{"htn", "u", "condition:SNOMED-CT|" + obes, 0},
	}
	for _, tc := range cases {
		got := value(t, s, s.Records[tc.target], tc.id, tc.name)
		if math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s %s %s = %v, want %v", tc.target, tc.id, tc.name, got, tc.want)
		}
	}
	if slices.Contains(s.Records["htn"].Names, "condition:SNOMED-CT|"+htn) {
		t.Error("htn matrix holds its own target code")
	}
	if !s.Labels["htn"][1].Diagnosed || !s.Labels["htn"][0].Diagnosed {
		t.Errorf("htn labels = %v", s.Labels["htn"])
	}
}
