package features

import (
	"fmt"
	"testing"
)

// TestTrainingIndexDates checks the training matrix: a diagnosed patient's
// row equals its scoring row (both stop at onset); an undiagnosed patient's
// training row stops at one of the diagnosed patients' onsets, chosen by
// its id and the seed, while its scoring row runs to AsOf.
func TestTrainingIndexDates(t *testing.T) {
	in := input{
		pats: []pat{{id: "d1", birth: "1960-01-01", sex: "F"},
			{id: "d2", birth: "1960-01-01", sex: "M"}},
		conds: []cond{{"d1", "2021-01-01", "SNOMED-CT", t2d},
			{"d2", "2023-01-01", "SNOMED-CT", t2d}},
	}
	for k := range 20 {
		id := fmt.Sprintf("u%02d", k)
		in.pats = append(in.pats, pat{id: id, birth: "1960-01-01", sex: "F"})
		for _, d := range []string{"2020-06-01", "2022-06-01", "2024-06-01"} {
			in.obs = append(in.obs, obs{id, d, "4548-4", 5.0})
		}
	}
	cfg := testConfig()
	cfg.AsOf = "2025-01-01"
	s, err := build(t, cfg, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	train, score := s.Training["t2d"], s.Records["t2d"]
	counts := map[float64]int{}
	for i, p := range s.Patients {
		got := value(t, s, train, p.ID, "lab:HbA1c:count")
		if p.ID[0] == 'd' {
			if fmt.Sprint(train.Rows[i]) != fmt.Sprint(score.Rows[i]) {
				t.Errorf("%s: a diagnosed patient's training row differs from its scoring row",
					p.ID)
			}
			continue
		}
		if n := value(t, s, score, p.ID, "lab:HbA1c:count"); n != 3 {
			t.Errorf("%s: scoring count %v, want 3", p.ID, n)
		}
		// Index 2021-01-01 keeps one value, 2023-01-01 keeps two.
		if got != 1 && got != 2 {
			t.Errorf("%s: training count %v, want 1 or 2", p.ID, got)
		}
		counts[got]++
	}
	if counts[1] == 0 || counts[2] == 0 {
		t.Errorf("index dates not spread over the onsets: %v", counts)
	}
	again, err := build(t, cfg, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(again.Training) != fmt.Sprint(s.Training) {
		t.Error("index dates differ between two builds")
	}
	cfg.Seed++
	other, _ := build(t, cfg, nil, in)
	if fmt.Sprint(other.Training) == fmt.Sprint(s.Training) {
		t.Error("another seed gave the same index dates")
	}
}

// TestMarkGenomic: a patient whose linked sample carries no call has a
// row of zero burdens, not a missing variant modality.
func TestMarkGenomic(t *testing.T) {
	in := input{
		pats: []pat{{id: "a", birth: "1970-01-01", sex: "F"},
			{id: "b", birth: "1970-01-01", sex: "M"}},
		calls: []call{{id: "a", gene: "TCF7L2", impact: "HIGH", zyg: "het"}},
	}
	cfg := testConfig()
	mem := newTestAllocator()
	defer mem.AssertSize(t, 0)
	b := NewBuilder(cfg, nil)
	if err := feed(b.AddPatients, patientsBatch(t, mem, in.pats...)); err != nil {
		t.Fatal(err)
	}
	if err := feed(b.AddVariantCalls, callsBatch(mem, in.calls...)); err != nil {
		t.Fatal(err)
	}
	if err := b.MarkGenomic("b"); err != nil {
		t.Fatal(err)
	}
	s, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range s.Patients {
		row := s.Variants.Rows[i]
		if row == nil {
			t.Fatalf("%s: nil variant row", p.ID)
		}
		sum := 0.0
		for _, v := range row {
			sum += v
		}
		if (p.ID == "b") != (sum == 0) {
			t.Errorf("%s: burden sum %v", p.ID, sum)
		}
	}
	if err := b.MarkGenomic("a"); err == nil {
		t.Error("MarkGenomic after Finish was accepted")
	}
}
