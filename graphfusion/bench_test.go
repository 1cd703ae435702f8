package graphfusion

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/clinfuse/clinfuse/graphfusion/internal/gnn"
)

func BenchmarkSpMMCSR(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	var es []gnn.Entry
	for i := range 5000 {
		for range 10 {
			es = append(es, gnn.Entry{Row: i, Col: rng.IntN(5000), Val: rng.Float64()})
		}
	}
	a, err := gnn.NewCSR(5000, 5000, es)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float64, 5000*16)
	out := make([]float64, 5000*16)
	b.ReportAllocs()
	for b.Loop() {
		a.MulDense(x, 16, out)
	}
}

func BenchmarkScoreGraph(b *testing.B) {
	ds := synthetic(300, 0.2, 1)
	idx := make([]int, 250)
	for i := range idx {
		idx[i] = i
	}
	m, err := Fit(context.Background(), subset(ds, idx), "graph", testOptions())
	if err != nil {
		b.Fatal(err)
	}
	test := subset(ds, []int{260, 270, 280, 290})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Score(context.Background(), test); err != nil {
			b.Fatal(err)
		}
	}
}
