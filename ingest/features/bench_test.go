package features

import (
	"fmt"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/memory"
)

// BenchmarkBuilder feeds 5,000 patients, 50,000 conditions and 500,000
// observations (half of them configured labs) and reports rows/s.
func BenchmarkBuilder(b *testing.B) {
	const patients, conds, observations, batch = 5000, 50_000, 500_000, 8192
	mem := memory.NewGoAllocator()
	var pats []pat
	for i := range patients {
		pats = append(pats, pat{id: fmt.Sprintf("p%05d", i), birth: "1960-01-01", sex: "F"})
	}
	codes := []string{htn, obes, t2d, "15777000", "271737000", "10509002"}
	var cs []cond
	for i := range conds {
		cs = append(cs, cond{pats[i%patients].id, fmt.Sprintf("%04d-01-01", 2000+i%20),
			"SNOMED-CT", codes[i%len(codes)]})
	}
	labs := []string{hba1c, bmi, "8302-2", "72514-3"}
	var obsRows []obs
	for i := range observations {
		obsRows = append(obsRows, obs{pats[i%patients].id, yearStart(2000 + i%24), labs[i%4],
			float64(i%100) / 10})
	}
	pb := patientsBatch(b, mem, pats...)
	defer pb.Release()
	cb := conditionsBatch(b, mem, cs...)
	defer cb.Release()
	var ob []arrow.Record
	for i := 0; i < len(obsRows); i += batch {
		ob = append(ob, observationsBatch(b, mem, obsRows[i:min(i+batch, len(obsRows))]...))
	}
	defer func() {
		for _, r := range ob {
			r.Release()
		}
	}()
	b.ReportAllocs()
	for b.Loop() {
		benchBuild(b, pb, cb, ob)
	}
	rows := float64(patients + conds + observations)
	b.ReportMetric(rows*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

func benchBuild(b *testing.B, pb, cb arrow.Record, ob []arrow.Record) {
	bl := NewBuilder(testConfig(), nil)
	if err := bl.AddPatients(pb); err != nil {
		b.Fatal(err)
	}
	if err := bl.AddConditions(cb); err != nil {
		b.Fatal(err)
	}
	for _, r := range ob {
		if err := bl.AddObservations(r); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := bl.Finish(); err != nil {
		b.Fatal(err)
	}
}
