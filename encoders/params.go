package encoders

import (
	"math"
	"math/rand/v2"
)

// param is one learnable tensor, stored row-major in float32.
type param struct {
	name  string
	shape []int
	data  []float32
}

func newParam(name string, shape ...int) *param {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return &param{name: name, shape: shape, data: make([]float32, n)}
}

// initUniform fills p with draws from U(-bound, bound).
func (p *param) initUniform(rng *rand.Rand, bound float64) {
	for i := range p.data {
		p.data[i] = float32((2*rng.Float64() - 1) * bound)
	}
}

// fill sets every value of p to v.
func (p *param) fill(v float32) {
	for i := range p.data {
		p.data[i] = v
	}
}

// heBound is the uniform bound of He initialisation for a layer followed by
// a ReLU, with fanIn inputs per output.
func heBound(fanIn int) float64 { return math.Sqrt(6 / float64(max(fanIn, 1))) }

// glorotBound is the uniform bound of Glorot initialisation for a linear
// layer.
func glorotBound(fanIn, fanOut int) float64 {
	return math.Sqrt(6 / float64(max(fanIn+fanOut, 1)))
}

// Salts of the independent random streams drawn from Options.Seed.
const (
	saltInit uint64 = 0x1d1e_5eed + iota
	saltBatches
	saltAugment
	saltDropout
	saltDecoder
	saltHeads
)

// newRand returns the stream salt of seed.
func newRand(seed, salt uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, salt))
}
