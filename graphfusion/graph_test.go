package graphfusion

import (
	"math"
	"testing"

	"github.com/clinfuse/clinfuse/schemas"
)

func TestPhenoFactor(t *testing.T) {
	cfg := schemas.GraphConfig{SexWeight: 0.5, AgeBand: 10, AgeWeight: 0.25, SiteWeight: 0.1}
	nan := math.NaN()
	cases := []struct {
		name string
		a, b Phenotype
		want float64
	}{
		{"same", Phenotype{"F", "A", 31}, Phenotype{"F", "A", 39}, 1},
		{"sex differs", Phenotype{"F", "A", 31}, Phenotype{"M", "A", 35}, 0.5},
		{"age band differs", Phenotype{"F", "A", 39}, Phenotype{"F", "A", 41}, 0.25},
		{"site differs", Phenotype{"F", "A", 39}, Phenotype{"F", "B", 39}, 0.1},
		{"all differ", Phenotype{"F", "A", 20}, Phenotype{"M", "B", 70}, 0.5 * 0.25 * 0.1},
		{"unknowns ignored", Phenotype{"", "", nan}, Phenotype{"M", "B", 70}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := phenoFactor(cfg, tc.a, tc.b); !near(got, tc.want) {
				t.Fatalf("got %v want %v", got, tc.want)
			}
		})
	}
}

func TestRefGraphIsSymmetricNormalised(t *testing.T) {
	u := [][]float64{{1, 0}, {0.8, 0.6}, {0.6, 0.8}, {0, 1}, {-1, 0}}
	ph := make([]Phenotype, len(u))
	for i := range ph {
		ph[i].Age = math.NaN()
	}
	cfg := schemas.GraphConfig{K: 1}
	g := buildRefGraph(cfg, u, ph)
	d := g.Adj.Dense()
	n := len(u)
	// Node 4 is opposite to everyone: only its self loop.
	if g.Deg[4] != 1 || d[4*n+4] != 1 {
		t.Fatalf("isolated node: degree %v self %v", g.Deg[4], d[4*n+4])
	}
	for i := range n {
		for j := range n {
			if !near(d[i*n+j], d[j*n+i]) {
				t.Fatalf("asymmetric at (%d,%d)", i, j)
			}
		}
		if want := 1 / g.Deg[i]; !near(d[i*n+i], want) {
			t.Fatalf("self loop %d = %v, want %v", i, d[i*n+i], want)
		}
	}
	// 0 links to 1 (cos 0.8); 1 to 2 (cos 0.96); edge 0-1 has weight 0.8.
	want01 := 0.8 / math.Sqrt(g.Deg[0]*g.Deg[1])
	if !near(d[0*n+1], want01) {
		t.Fatalf("edge 0-1 = %v, want %v", d[1], want01)
	}
	if g.Adj.NNZ() >= n*n {
		t.Fatal("adjacency is not sparse")
	}
}

func TestInductiveRowsReachOnlyReference(t *testing.T) {
	u := [][]float64{{1, 0}, {0.8, 0.6}, {0, 1}}
	ph := []Phenotype{{Age: math.NaN()}, {Age: math.NaN()}, {Age: math.NaN()}}
	cfg := schemas.GraphConfig{K: 2}
	g := buildRefGraph(cfg, u, ph)
	links := [][]link{
		topK(cfg, []float64{1, 0}, Phenotype{Age: math.NaN()}, u, ph, -1),
		topK(cfg, []float64{0, 1}, Phenotype{Age: math.NaN()}, u, ph, -1),
	}
	a := g.inductive(links)
	d, m := a.Dense(), a.Rows
	for i := range 3 {
		for j := 3; j < m; j++ {
			if d[i*m+j] != 0 {
				t.Fatalf("reference row %d reaches scored column %d", i, j)
			}
		}
	}
	if d[3*m+4] != 0 || d[4*m+3] != 0 {
		t.Fatal("scored patients link to each other")
	}
	deg := 1 + links[0][0].Weight + links[0][1].Weight
	if !near(d[3*m+3], 1/deg) || !near(d[3*m+0], 1/math.Sqrt(deg*g.Deg[0])) {
		t.Fatalf("scored row %v", d[3*m:4*m])
	}
}
