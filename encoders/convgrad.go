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
}

// actGrad adds the activation gradient; for actNone it is dy itself.
func actGrad(y, dy *G.Node, act activation, workers int) (*G.Node, error) {
	if act == actNone {
		return dy, nil
	}
	op := actGradOp{opBase{fmt.Sprintf("actgrad(%d)", act), 2, []int{4, 4, 4}}, act, workers}
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
	out := make([]float32, len(y))
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
		// y >= 0, so its bits are positive exactly when y > 0; the mask
		// avoids a branch the signs would mispredict.
		for i, v := range y {
			mask := uint32(-int32(math.Float32bits(v)) >> 31)
			out[i] = math.Float32frombits(math.Float32bits(dy[i]) & mask)
		}
	case actSigmoid:
		for i, v := range y {
			out[i] = dy[i] * v * (1 - v)
		}
	}
}

// The linear maps of a convolution geometry used by the gradients.
const (
	linForward = iota // (x, w) -> conv(x, w), no bias
	linAdjoint        // (gy, w) -> adjoint(gy, w)
	linFilter         // (x, gy) -> filter gradient [outC, depth]
)

// convLinearOp is one of the linear maps of a geometry, as an op. These ops
// only appear in gradients, so they are not differentiated themselves.
type convLinearOp struct {
	opBase
	geom    convGeom
	mode    int
	workers int
}

func convLinear(g convGeom, mode int, a, b *G.Node, workers int) (*G.Node, error) {
	dims := []int{4, 2, 4}
	switch mode {
	case linFilter:
		dims = []int{4, 4, 2}
	}
	op := convLinearOp{opBase{fmt.Sprintf("convlin(%+v,%d)", g, mode), 2, dims}, g, mode, workers}
	return G.ApplyOp(op, a, b)
}

func (op convLinearOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	g := op.geom
	switch op.mode {
	case linForward:
		return tensor.Shape{s[0], g.outC, g.outH, g.outW}, nil
	case linAdjoint:
		return tensor.Shape{s[0], g.inC, g.inH, g.inW}, nil
	}
	return tensor.Shape{g.outC, g.depth()}, nil
}

func (op convLinearOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	g, n := op.geom, vs[0].Shape()[0]
	shape, err := op.InferShape(vs[0].Shape())
	if err != nil {
		return nil, err
	}
	if err := op.checkInputs(in, n); err != nil {
		return nil, err
	}
	var out []float32
	switch op.mode {
	case linForward:
		out = g.forward(in[0], in[1], nil, actNone, n, op.workers)
	case linAdjoint:
		out = g.adjoint(in[0], in[1], nil, actNone, n, op.workers)
	default:
		out = g.filterGrad(in[0], in[1], n, op.workers)
	}
	return dense(out, shape...), nil
}

// checkInputs verifies the sizes of the two inputs for n images.
func (op convLinearOp) checkInputs(in [][]float32, n int) error {
	g := op.geom
	wsize := g.outC * g.depth()
	switch op.mode {
	case linForward:
		if len(in[1]) != wsize {
			return fmt.Errorf("%w: filter of %d values", ErrShapeMismatch, len(in[1]))
		}
		return g.check(in[0], n, true)
	case linAdjoint:
		if len(in[1]) != wsize {
			return fmt.Errorf("%w: filter of %d values", ErrShapeMismatch, len(in[1]))
		}
		return g.check(in[0], n, false)
	}
	if err := g.check(in[1], n, false); err != nil {
		return err
	}
	return g.check(in[0], n, true)
}

// biasGradOp sums a gradient [n, channels, h, w] into [channels].
type biasGradOp struct {
	opBase
	workers int
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
