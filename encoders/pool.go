package encoders

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// globalMeanOp averages feature maps [n, c, h, w] over their positions,
// giving [n, c]; each mean is summed in a fixed order (sum8). Its gradient
// spreads dy/(h*w) over the positions (globalMeanGradOp).
type globalMeanOp struct {
	opBase
	workers int
}

// globalMean adds the average of x [n, c, h, w] over its positions.
func (b *builder) globalMean(x *G.Node) *G.Node {
	if b.err != nil {
		return nil
	}
	op := globalMeanOp{opBase{"globalmean", 1, []int{4, 2}}, b.workers}
	return b.apply(G.ApplyOp(op, x))
}

func (op globalMeanOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	if len(s) != 4 {
		return nil, fmt.Errorf("%w: global mean of shape %v", ErrShapeMismatch, s)
	}
	return tensor.Shape{s[0], s[1]}, nil
}

func (op globalMeanOp) Do(vs ...G.Value) (G.Value, error) {
	x, err := floats(vs[0])
	if err != nil {
		return nil, err
	}
	s := vs[0].Shape()
	maps, hw := s[0]*s[1], s[2]*s[3]
	if len(s) != 4 || len(x) != maps*hw {
		return nil, fmt.Errorf("%w: global mean of %d values, shape %v", ErrShapeMismatch,
			len(x), s)
	}
	out := make([]float32, maps)
	parallelFor(op.workers, s[0], func(_, i int) {
		for m := i * s[1]; m < (i+1)*s[1]; m++ {
			out[m] = float32(sum8(x[m*hw:(m+1)*hw]) / float64(hw))
		}
	})
	return dense(out, s[0], s[1]), nil
}

func (op globalMeanOp) DiffWRT(int) []bool { return []bool{true} }

func (op globalMeanOp) SymDiff(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
	gop := globalMeanGradOp{opBase{"globalmean'", 2, []int{4, 2, 4}}, &reuse{}}
	dx, err := G.ApplyOp(gop, in[0], dy)
	return G.Nodes{dx}, err
}

// globalMeanGradOp is the gradient of globalMeanOp: (x, dy) -> dy/(h*w) at
// every position of x's shape (x's values are not read).
type globalMeanGradOp struct {
	opBase
	out *reuse
}

func (op globalMeanGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	return s.Clone(), err
}

func (op globalMeanGradOp) Do(vs ...G.Value) (G.Value, error) {
	dy, err := floats(vs[1])
	if err != nil {
		return nil, err
	}
	s := vs[0].Shape()
	maps, hw := s[0]*s[1], s[2]*s[3]
	if len(dy) != maps {
		return nil, fmt.Errorf("%w: global mean gradient of %d values for shape %v",
			ErrShapeMismatch, len(dy), s)
	}
	out := op.out.get(maps * hw)
	for m, g := range dy {
		v := g / float32(hw)
		seg := out[m*hw : (m+1)*hw]
		for j := range seg {
			seg[j] = v
		}
	}
	return dense(out, s...), nil
}
