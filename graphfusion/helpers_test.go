package graphfusion

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/clinfuse/clinfuse/schemas"
)

// synthetic returns n patients with three views whose embeddings carry a
// planted signal; about missing of the view entries are absent.
func synthetic(n int, missing float64, seed uint64) Dataset {
	rng := rand.New(rand.NewPCG(seed, 99))
	names := []string{"images", "records", "variants"}
	widths := []int{6, 5, 4}
	ds := Dataset{IDs: make([]string, n), Y: make([]float64, n), Pheno: make([]Phenotype, n)}
	for v, name := range names {
		ds.Views = append(ds.Views, View{Name: name, X: make([][]float32, n),
			Present: make([]bool, n)})
		_ = v
	}
	for i := range n {
		ds.IDs[i] = fmt.Sprintf("p%04d", i)
		latent := rng.NormFloat64()
		if latent > 0.3 {
			ds.Y[i] = 1
		}
		ds.Pheno[i] = Phenotype{Sex: []string{"F", "M"}[rng.IntN(2)], Site: "A",
			Age: 30 + 50*rng.Float64()}
		if i%17 == 0 {
			ds.Pheno[i].Age = math.NaN()
		}
		for v, w := range widths {
			keep := rng.Float64() >= missing || v == 0
			x := make([]float32, w)
			for j := range x {
				x[j] = float32(rng.NormFloat64())
			}
			x[0] += float32(latent * float64(v+1) * 0.6)
			ds.Views[v].X[i], ds.Views[v].Present[i] = x, keep
		}
	}
	return ds
}

func testOptions() Options {
	c := schemas.Default()
	c.Model.Epochs = 60
	c.Model.Patience = 15
	c.Model.Folds = 3
	c.Model.Hidden = 8
	c.Graph.K = 5
	return Options{Graph: c.Graph, Model: c.Model, Seed: 7, Workers: 2}
}
