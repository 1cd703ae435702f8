package gnn

import (
	"math"
	"math/rand/v2"
)

// Glorot fills w (fanIn×fanOut, row-major) uniformly in ±sqrt(6/(fanIn+fanOut)).
func Glorot(rng *rand.Rand, w []float64, fanIn, fanOut int) {
	limit := math.Sqrt(6 / float64(fanIn+fanOut))
	for i := range w {
		w[i] = (2*rng.Float64() - 1) * limit
	}
}

// FillDropout fills mask with 0 (probability p) or 1/(1-p), the inverted
// dropout scaling, drawing from rng in index order. p <= 0 gives all ones.
func FillDropout(rng *rand.Rand, mask []float64, p float64) {
	if p <= 0 {
		for i := range mask {
			mask[i] = 1
		}
		return
	}
	keep := 1 / (1 - p)
	for i := range mask {
		if rng.Float64() < p {
			mask[i] = 0
		} else {
			mask[i] = keep
		}
	}
}

// Adam is the Adam optimiser (Kingma and Ba 2015) with bias correction and
// coupled L2 weight decay (the decay is added to the gradient, as in
// PyTorch's Adam). Each parameter has its own decay.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	step                  int
	m, v                  [][]float64
}

// NewAdam returns Adam with learning rate lr and the usual betas and epsilon.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step updates every params[i] in place from grads[i] with weight decay
// decay[i].
func (a *Adam) Step(params, grads [][]float64, decay []float64) {
	if a.m == nil {
		a.m = make([][]float64, len(params))
		a.v = make([][]float64, len(params))
		for i, p := range params {
			a.m[i] = make([]float64, len(p))
			a.v[i] = make([]float64, len(p))
		}
	}
	a.step++
	c1 := 1 - math.Pow(a.Beta1, float64(a.step))
	c2 := 1 - math.Pow(a.Beta2, float64(a.step))
	for i, p := range params {
		m, v, g, wd := a.m[i], a.v[i], grads[i], decay[i]
		for j := range p {
			gj := g[j] + wd*p[j]
			m[j] = a.Beta1*m[j] + (1-a.Beta1)*gj
			v[j] = a.Beta2*v[j] + (1-a.Beta2)*gj*gj
			p[j] -= a.LR * (m[j] / c1) / (math.Sqrt(v[j]/c2) + a.Eps)
		}
	}
}
