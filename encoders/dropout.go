package encoders

import (
	"fmt"
	"math/rand/v2"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// maskOp is x*mask elementwise, for a mask of the same shape; its gradient
// for x is dy*mask. It never writes into its inputs: gorgonia may run its
// own elementwise product in place, which corrupts the input when that is a
// reshaped view of a value the backward pass still reads.
type maskOp struct {
	opBase
	out *reuse
}

func newMaskOp(dims int) maskOp {
	return maskOp{opBase{fmt.Sprintf("mask(%d)", dims), 2, []int{dims, dims, dims}}, &reuse{}}
}

func (op maskOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	return s.Clone(), err
}

func (op maskOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	if len(in[0]) != len(in[1]) {
		return nil, fmt.Errorf("%w: mask of %d values for %d", ErrShapeMismatch,
			len(in[1]), len(in[0]))
	}
	out := op.out.get(len(in[0]))
	for i, v := range in[0] {
		out[i] = v * in[1][i]
	}
	return dense(out, vs[0].Shape()...), nil
}

func (op maskOp) DiffWRT(int) []bool { return []bool{true, false} }

func (op maskOp) SymDiff(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
	dx, err := G.ApplyOp(newMaskOp(in[0].Dims()), dy, in[1])
	return G.Nodes{dx, nil}, err
}

// dropout multiplies x by a fresh mask of inverted dropout with drop
// probability p at every training step; outside training it is x.
func (b *builder) dropout(x *G.Node, p float64) *G.Node {
	if b.err != nil || !b.train || p <= 0 {
		return x
	}
	shape := x.Shape()
	mask := b.input(fmt.Sprintf("dropout%d", len(b.feeds)), shape...)
	keep := float32(1 / (1 - p))
	b.feeds = append(b.feeds, feed{node: mask, data: make([]float32, shape.TotalSize()),
		fill: func(rng *rand.Rand, dst []float32) {
			for i := range dst {
				dst[i] = 0
				if rng.Float64() >= p {
					dst[i] = keep
				}
			}
		}})
	return b.apply(G.ApplyOp(newMaskOp(x.Dims()), x, mask))
}
