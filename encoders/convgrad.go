package encoders

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// actGradOp turns the gradient dy at an activation's output y into the
// gradient at its input: dy*(y>0) for ReLU, dy*y*(1-y) for the sigmoid.
type actGradOp struct {
	opBase
	act     activation
	workers int
	out     *reuse
}

// actGrad adds the activation gradient; for actNone it is dy itself.
func actGrad(y, dy *G.Node, act activation, workers int) (*G.Node, error) {
	if act == actNone {
		return dy, nil
	}
	op := actGradOp{opBase{fmt.Sprintf("actgrad(%d)", act), 2, []int{4, 4, 4}}, act, workers,
		&reuse{}}
	return G.ApplyOp(op, y, dy)
}

func (op actGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	return s.Clone(), err
}

func (op actGradOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	y, dy := in[0], in[1]
	if len(y) != len(dy) {
		return nil, fmt.Errorf("%w: activation gradient of %d and %d values",
			ErrShapeMismatch, len(y), len(dy))
	}
	out := op.out.get(len(y))
	const chunk = 1 << 14
	parallelFor(op.workers, (len(y)+chunk-1)/chunk, func(_, c int) {
		lo, hi := c*chunk, min(len(y), (c+1)*chunk)
		actGradRange(op.act, y[lo:hi], dy[lo:hi], out[lo:hi])
	})
	return dense(out, vs[0].Shape()...), nil
}

func actGradRange(act activation, y, dy, out []float32) {
	switch act {
	case actReLU:
		reluGrad(y, dy, out)
	case actSigmoid:
		for i, v := range y {
			out[i] = dy[i] * v * (1 - v)
		}
	}
}

// reluGradGo sets out[i] = dy[i] where y[i] > 0, else 0. y >= 0, so its
// bits are positive exactly when y > 0; the mask avoids a branch the signs
// would mispredict.
func reluGradGo(y, dy, out []float32) {
	for i, v := range y {
		mask := uint32(-int32(math.Float32bits(v)) >> 31)
		out[i] = math.Float32frombits(math.Float32bits(dy[i]) & mask)
	}
}

// filterGradOp is the weight gradient of gemmOp: (col [n, colRows, colLd],
// gy [n, outC, outH, outW]) -> [outC, depth]. Gradient ops are not
// differentiated themselves.
type filterGradOp struct {
	opBase
	geom    convGeom
	workers int
	partial *reuse
}

func newFilterGradOp(g convGeom, workers int) filterGradOp {
	return filterGradOp{opBase{fmt.Sprintf("filtergrad(%+v)", g), 2, []int{3, 4, 2}},
		g, workers, &reuse{}}
}

func (op filterGradOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{op.geom.outC, op.geom.depth()}, nil
}

func (op filterGradOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	n, g := vs[0].Shape()[0], op.geom
	if err := g.checkCols(in[0], n); err != nil {
		return nil, err
	}
	if err := g.check(in[1], n, false); err != nil {
		return nil, err
	}
	dw := g.filterGradBatch(in[0], in[1], n, op.workers, op.partial)
	return dense(dw, g.outC, g.depth()), nil
}

// biasGradOp sums a gradient [n, channels, h, w] into [channels].
type biasGradOp struct {
	opBase
	workers int
}

func newBiasGrad(g *G.Node, workers int) (*G.Node, error) {
	return G.ApplyOp(biasGradOp{opBase{"biasgrad", 1, []int{4, 1}}, workers}, g)
}

func (op biasGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[1]}, nil
}

func (op biasGradOp) Do(vs ...G.Value) (G.Value, error) {
	d, err := floats(vs[0])
	if err != nil {
		return nil, err
	}
	s := vs[0].Shape()
	out := biasGrad(d, s[0], s[1], s[2]*s[3], op.workers)
	return dense(out, s[1]), nil
}
