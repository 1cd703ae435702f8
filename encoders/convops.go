package encoders

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// activation is the elementwise function fused into a convolution op.
type activation int

const (
	actNone activation = iota
	actReLU
	actSigmoid
)

// activate adds the bias of each channel (planes of size plane; nil adds
// nothing) and applies act in place over one image y [channels, plane].
func activate(y, bias []float32, plane int, act activation) {
	for c := range len(y) / plane {
		seg := y[c*plane : (c+1)*plane]
		if bias != nil {
			b := bias[c]
			for j := range seg {
				seg[j] += b
			}
		}
		switch act {
		case actReLU:
			for j, v := range seg {
				seg[j] = max(v, 0)
			}
		case actSigmoid:
			for j, v := range seg {
				seg[j] = fastSigmoid(v)
			}
		}
	}
}

// fastSigmoid is 1/(1+e^-v) with a relative error below 1e-6, from the
// float32 exponential expApprox.
func fastSigmoid(v float32) float32 {
	return 1 / (1 + expApprox(-v))
}

// expApprox is e^v for float32: v*log2(e) is split into an integer part,
// applied to the exponent bits, and a fraction whose power of two comes from
// a degree-6 polynomial. Arguments are clamped to [-87, 88].
func expApprox(v float32) float32 {
	v = min(max(v, -87), 88)
	t := v * 1.442695041
	k := float32(math.Floor(float64(t)))
	f := t - k // in [0, 1)
	p := float32(1.535336188319500e-4)
	p = p*f + 1.339887440266574e-3
	p = p*f + 9.618437357674640e-3
	p = p*f + 5.550332471162809e-2
	p = p*f + 2.402264791363012e-1
	p = p*f + 6.931472028550421e-1
	p = p*f + 1
	return math.Float32frombits(math.Float32bits(p) + uint32(int32(k))<<23)
}

// convOp is y = act(conv(x, w) + b) for x [n, inC, inH, inW], w [outC,
// inC*k*k] and b [outC]; y is [n, outC, outH, outW]. With noInputGrad the
// gradient for x is not built (x is data).
type convOp struct {
	opBase
	geom        convGeom
	act         activation
	noInputGrad bool
	workers     int
}

func (b *builder) conv(x *G.Node, g convGeom, w, bias *param, act activation, data bool) *G.Node {
	if b.err != nil {
		return nil
	}
	op := convOp{opBase{fmt.Sprintf("conv(%+v,%d,%v)", g, act, data), 3, []int{4, 2, 1, 4}},
		g, act, data, b.workers}
	return b.apply(G.ApplyOp(op, x, b.param(w), b.param(bias)))
}

func (op convOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.geom.outC, op.geom.outH, op.geom.outW}, nil
}

func (op convOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	n := vs[0].Shape()[0]
	if err := op.geom.checkOp(in, n, true); err != nil {
		return nil, err
	}
	y := op.geom.forward(in[0], in[1], in[2], op.act, n, op.workers)
	return dense(y, n, op.geom.outC, op.geom.outH, op.geom.outW), nil
}

func (op convOp) DiffWRT(int) []bool { return []bool{!op.noInputGrad, true, true} }

func (op convOp) SymDiff(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	g, err := actGrad(y, dy, op.act, op.workers)
	if err != nil {
		return nil, err
	}
	out := make(G.Nodes, 3)
	if !op.noInputGrad {
		if out[0], err = convLinear(op.geom, linAdjoint, g, in[1], op.workers); err != nil {
			return nil, err
		}
	}
	if out[1], err = convLinear(op.geom, linFilter, in[0], g, op.workers); err != nil {
		return nil, err
	}
	out[2], err = G.ApplyOp(biasGradOp{opBase{"biasgrad", 1, []int{4, 1}}, op.workers}, g)
	return out, err
}

// check verifies that data holds n images of the geometry's input (in) or
// output (!in) side.
func (g convGeom) check(data []float32, n int, in bool) error {
	size := g.outSize()
	if in {
		size = g.inSize()
	}
	if len(data) != n*size {
		return fmt.Errorf("%w: convolution over %d values, %d images of %d expected",
			ErrShapeMismatch, len(data), n, size)
	}
	return nil
}

// checkOp verifies the data, filter and bias of a convolution op (forward
// when fwd, transposed otherwise) for n images.
func (g convGeom) checkOp(in [][]float32, n int, fwd bool) error {
	channels := g.outC
	if !fwd {
		channels = g.inC
	}
	if len(in[1]) != g.outC*g.depth() || len(in[2]) != channels {
		return fmt.Errorf("%w: convolution filter of %d values and bias of %d",
			ErrShapeMismatch, len(in[1]), len(in[2]))
	}
	return g.check(in[0], n, fwd)
}

// convTOp is the transposed convolution y = act(adjoint(z, w) + b) of the
// geometry g: z [n, outC, outH, outW], w [outC, inC*k*k], b [inC]; y is
// [n, inC, inH, inW].
type convTOp struct {
	opBase
	geom    convGeom
	act     activation
	workers int
}

func (b *builder) convT(z *G.Node, g convGeom, w, bias *param, act activation) *G.Node {
	if b.err != nil {
		return nil
	}
	op := convTOp{opBase{fmt.Sprintf("convT(%+v,%d)", g, act), 3, []int{4, 2, 1, 4}},
		g, act, b.workers}
	return b.apply(G.ApplyOp(op, z, b.param(w), b.param(bias)))
}

func (op convTOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.geom.inC, op.geom.inH, op.geom.inW}, nil
}

func (op convTOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	n := vs[0].Shape()[0]
	if err := op.geom.checkOp(in, n, false); err != nil {
		return nil, err
	}
	y := op.geom.adjoint(in[0], in[1], in[2], op.act, n, op.workers)
	return dense(y, n, op.geom.inC, op.geom.inH, op.geom.inW), nil
}

func (op convTOp) DiffWRT(int) []bool { return []bool{true, true, true} }

func (op convTOp) SymDiff(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	g, err := actGrad(y, dy, op.act, op.workers)
	if err != nil {
		return nil, err
	}
	out := make(G.Nodes, 3)
	if out[0], err = convLinear(op.geom, linForward, g, in[1], op.workers); err != nil {
		return nil, err
	}
	if out[1], err = convLinear(op.geom, linFilter, g, in[0], op.workers); err != nil {
		return nil, err
	}
	out[2], err = G.ApplyOp(biasGradOp{opBase{"biasgrad", 1, []int{4, 1}}, op.workers}, g)
	return out, err
}
