package graphfusion

import (
	"math"
	"slices"

	"github.com/clinfuse/clinfuse/graphfusion/internal/gnn"
	"github.com/clinfuse/clinfuse/schemas"
)

// link is a weighted edge to reference patient To.
type link struct {
	To     int
	Sim    float64 // cosine similarity
	Weight float64 // similarity times phenotype agreement
}

// phenoFactor is the phenotype agreement of two patients (see package doc).
func phenoFactor(cfg schemas.GraphConfig, a, b Phenotype) float64 {
	f := 1.0
	if a.Sex != "" && b.Sex != "" && a.Sex != b.Sex {
		f *= cfg.SexWeight
	}
	if cfg.AgeBand > 0 && !math.IsNaN(a.Age) && !math.IsNaN(b.Age) &&
		math.Floor(a.Age/cfg.AgeBand) != math.Floor(b.Age/cfg.AgeBand) {
		f *= cfg.AgeWeight
	}
	if a.Site != "" && b.Site != "" && a.Site != b.Site {
		f *= cfg.SiteWeight
	}
	return f
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// topK returns the k reference patients with the largest positive edge
// weight to a patient with unit vector u and phenotype ph, skipping index
// self (-1 for none); ties go to the lower index. It keeps only the k best
// while scanning, so its memory does not grow with the reference
// population.
func topK(cfg schemas.GraphConfig, u []float64, ph Phenotype,
	refU [][]float64, refPh []Phenotype, self int) []link {
	k := max(cfg.K, 0)
	best := make([]link, 0, k)
	for j, r := range refU {
		if j == self || k == 0 {
			continue
		}
		s := dot(u, r)
		w := s * phenoFactor(cfg, ph, refPh[j])
		if w <= 0 || (len(best) == k && w <= best[k-1].Weight) {
			continue
		}
		// Insert before the first link of smaller weight: an equal weight
		// seen earlier has the lower index and stays ahead.
		p := len(best)
		for p > 0 && best[p-1].Weight < w {
			p--
		}
		if len(best) < k {
			best = append(best, link{})
		}
		copy(best[p+1:], best[p:len(best)-1])
		best[p] = link{To: j, Sim: s, Weight: w}
	}
	return best
}

// refGraph is the normalised reference adjacency and its degrees.
type refGraph struct {
	Adj *gnn.CSR
	Deg []float64
}

// buildRefGraph links each reference patient to its K most similar others,
// symmetrises with the larger weight and normalises with self loops.
func buildRefGraph(cfg schemas.GraphConfig, u [][]float64, ph []Phenotype) refGraph {
	n := len(u)
	w := make([]map[int]float64, n)
	for i := range w {
		w[i] = map[int]float64{}
	}
	for i := range n {
		for _, l := range topK(cfg, u[i], ph[i], u, ph, i) {
			w[i][l.To] = max(w[i][l.To], l.Weight)
			w[l.To][i] = max(w[l.To][i], l.Weight)
		}
	}
	deg := make([]float64, n)
	for i := range n {
		deg[i] = 1
		for _, j := range sortedKeys(w[i]) {
			deg[i] += w[i][j]
		}
	}
	var es []gnn.Entry
	for i := range n {
		es = append(es, gnn.Entry{Row: i, Col: i, Val: 1 / deg[i]})
		for _, j := range sortedKeys(w[i]) {
			es = append(es, gnn.Entry{Row: i, Col: j, Val: w[i][j] / math.Sqrt(deg[i]*deg[j])})
		}
	}
	adj, err := gnn.NewCSR(n, n, es)
	if err != nil {
		panic(err) // indices come from 0..n-1 above
	}
	return refGraph{Adj: adj, Deg: deg}
}

func sortedKeys(m map[int]float64) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// inductive returns the adjacency over the reference patients followed by
// scored patients whose links are given: reference rows are unchanged and
// scored rows reach only reference columns and themselves.
func (g refGraph) inductive(links [][]link) *gnn.CSR {
	n := g.Adj.Rows
	m := n + len(links)
	a := &gnn.CSR{Rows: m, Cols: m,
		Ptr: slices.Clone(g.Adj.Ptr), Idx: slices.Clone(g.Adj.Idx), Val: slices.Clone(g.Adj.Val)}
	for t, ls := range links {
		d := 1.0
		for _, l := range ls {
			d += l.Weight
		}
		sorted := slices.Clone(ls)
		slices.SortFunc(sorted, func(a, b link) int { return a.To - b.To })
		for _, l := range sorted {
			a.Idx = append(a.Idx, l.To)
			a.Val = append(a.Val, l.Weight/math.Sqrt(d*g.Deg[l.To]))
		}
		a.Idx = append(a.Idx, n+t)
		a.Val = append(a.Val, 1/d)
		a.Ptr = append(a.Ptr, len(a.Idx))
	}
	return a
}
