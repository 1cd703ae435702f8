package encoders

import (
	"fmt"
	"math"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// activation is the elementwise function fused into an op.
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
		if act == actReLU {
			b := float32(0)
			if bias != nil {
				b = bias[c]
			}
			biasReLU(seg, b)
			continue
		}
		if bias != nil {
			b := bias[c]
			for j := range seg {
				seg[j] += b
			}
		}
		if act == actSigmoid {
			for j, v := range seg {
				seg[j] = fastSigmoid(v)
			}
		}
	}
}

// biasReLUGo sets y[i] = y[i]+b when that is positive, else 0 (also for
// NaN), exactly as the vector instruction does.
func biasReLUGo(y []float32, b float32) {
	for i, v := range y {
		v += b
		if !(v > 0) {
			v = 0
		}
		y[i] = v
	}
}

// fastSigmoid is 1/(1+e^-v) from the float32 exponential expApprox.
func fastSigmoid(v float32) float32 {
	return 1 / (1 + expApprox(-v))
}

// expApprox is e^v for float32: v*log2(e) is split into an integer part,
// applied to the exponent bits, and a fraction whose power of two comes from
// a degree-6 polynomial. Arguments are clamped to [-87, 88]; the relative
// error stays below 1e-5 (below 1e-6 for |v| < 10).
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

// A convolution is built from four ops over the column matrices of
// convGeom (im2colBatch): im2colOp, gemmOp (W*col + bias, activation),
// and for transposed convolutions wtOp (W^T*z) and col2imOp. The column
// matrix is a node of its own, so the forward product and the filter
// gradient share it.

// conv adds act(conv(x) + bias); data marks x as input data, whose
// gradient is not built.
func (b *builder) conv(x *G.Node, g convGeom, w, bias *G.Node, act activation, data bool) *G.Node {
	if b.err != nil {
		return nil
	}
	col := b.apply(G.ApplyOp(newIm2colOp(g, !data, b.workers), x))
	if b.err != nil {
		return nil
	}
	return b.apply(G.ApplyOp(newGemmOp(g, act, true, b.workers), col, w, bias))
}

// convT adds the transposed convolution act(adjoint(z) + bias) of g.
func (b *builder) convT(z *G.Node, g convGeom, w, bias *param, act activation) *G.Node {
	if b.err != nil {
		return nil
	}
	col := b.apply(G.ApplyOp(newWtOp(g, b.workers), z, b.param(w)))
	if b.err != nil {
		return nil
	}
	return b.apply(G.ApplyOp(newCol2imOp(g, act, true, b.workers), col, b.param(bias)))
}

// im2colOp maps images [n, inC, inH, inW] to column matrices [n, colRows,
// colLd]. Its gradient (when grad) is col2imOp.
type im2colOp struct {
	opBase
	geom    convGeom
	grad    bool
	workers int
	out     *reuse
}

func newIm2colOp(g convGeom, grad bool, workers int) im2colOp {
	return im2colOp{opBase{fmt.Sprintf("im2col(%+v,%v)", g, grad), 1, []int{4, 3}},
		g, grad, workers, &reuse{}}
}

func (op im2colOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.geom.colRows(), op.geom.colLd()}, nil
}

func (op im2colOp) Do(vs ...G.Value) (G.Value, error) {
	x, err := floats(vs[0])
	if err != nil {
		return nil, err
	}
	n := vs[0].Shape()[0]
	if err := op.geom.check(x, n, true); err != nil {
		return nil, err
	}
	col := op.geom.im2colBatch(x, n, op.workers, op.out)
	return dense(col, n, op.geom.colRows(), op.geom.colLd()), nil
}

func (op im2colOp) DiffWRT(int) []bool { return []bool{op.grad} }

func (op im2colOp) SymDiff(_ G.Nodes, _, dcol *G.Node) (G.Nodes, error) {
	if !op.grad {
		return G.Nodes{nil}, nil
	}
	dx, err := G.ApplyOp(newCol2imOp(op.geom, actNone, false, op.workers), dcol)
	return G.Nodes{dx}, err
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

// checkCols verifies that data holds n column matrices.
func (g convGeom) checkCols(data []float32, n int) error {
	if len(data) != n*g.colSize() {
		return fmt.Errorf("%w: %d values for %d column matrices of %d",
			ErrShapeMismatch, len(data), n, g.colSize())
	}
	return nil
}

// checkFilter verifies a filter [outC, depth] and a bias of channels (or
// none when channels is 0).
func (g convGeom) checkFilter(w, bias []float32, channels int) error {
	if len(w) != g.outC*g.depth() || len(bias) != channels {
		return fmt.Errorf("%w: convolution filter of %d values and bias of %d",
			ErrShapeMismatch, len(w), len(bias))
	}
	return nil
}

// gemmOp is act(W*col + bias) over column matrices [n, colRows, colLd],
// giving [n, outC, outH, outW]; W is [outC, depth], the optional bias
// [outC].
type gemmOp struct{ fusedOp }

func newGemmOp(g convGeom, act activation, bias bool, workers int) gemmOp {
	return gemmOp{newFusedOp("convgemm", []int{3, 2, 4}, g, act, bias, workers)}
}

// fusedOp is what gemmOp and col2imOp share: a product over column
// matrices, then an optional per-channel bias (one more input, of one
// dimension, just before the output's dimensions) and an activation.
type fusedOp struct {
	opBase
	geom    convGeom
	act     activation
	bias    bool
	workers int
	out     *reuse
}

// newFusedOp names the op after kind and its settings; dims are the
// dimensions of its inputs and output without the bias.
func newFusedOp(kind string, dims []int, g convGeom, act activation, bias bool,
	workers int) fusedOp {
	arity := len(dims) - 1
	if bias {
		dims = append(slices.Clone(dims[:arity]), 1, dims[arity])
		arity++
	}
	return fusedOp{opBase{fmt.Sprintf("%s(%+v,%d,%v)", kind, g, act, bias), arity, dims},
		g, act, bias, workers, &reuse{}}
}

func (op gemmOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.geom.outC, op.geom.outH, op.geom.outW}, nil
}

func (op gemmOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	n, g := vs[0].Shape()[0], op.geom
	var bias []float32
	channels := 0
	if op.bias {
		bias, channels = in[2], g.outC
	}
	if err := g.checkCols(in[0], n); err != nil {
		return nil, err
	}
	if err := g.checkFilter(in[1], bias, channels); err != nil {
		return nil, err
	}
	y := g.gemmBatch(in[0], in[1], bias, op.act, n, op.workers, op.out)
	return dense(y, n, g.outC, g.outH, g.outW), nil
}

func (op gemmOp) DiffWRT(int) []bool { return []bool{true, true, true}[:op.Arity()] }

func (op gemmOp) SymDiff(in G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	g, err := actGrad(y, dy, op.act, op.workers)
	if err != nil {
		return nil, err
	}
	out := make(G.Nodes, op.Arity())
	if out[0], err = G.ApplyOp(newWtOp(op.geom, op.workers), g, in[1]); err != nil {
		return nil, err
	}
	if out[1], err = G.ApplyOp(newFilterGradOp(op.geom, op.workers), in[0], g); err != nil {
		return nil, err
	}
	if op.bias {
		out[2], err = newBiasGrad(g, op.workers)
	}
	return out, err
}

// wtOp is W^T*z for images z [n, outC, outH, outW], giving column matrices
// [n, colRows, colLd]: the forward pass of a transposed convolution and the
// column gradient of gemmOp.
type wtOp struct {
	opBase
	geom    convGeom
	workers int
	out     *reuse
}

func newWtOp(g convGeom, workers int) wtOp {
	return wtOp{opBase{fmt.Sprintf("convwt(%+v)", g), 2, []int{4, 2, 3}}, g, workers, &reuse{}}
}

func (op wtOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.geom.colRows(), op.geom.colLd()}, nil
}

func (op wtOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	n, g := vs[0].Shape()[0], op.geom
	if err := g.check(in[0], n, false); err != nil {
		return nil, err
	}
	if err := g.checkFilter(in[1], nil, 0); err != nil {
		return nil, err
	}
	return dense(g.wtBatch(in[0], in[1], n, op.workers, op.out), n, g.colRows(), g.colLd()), nil
}

func (op wtOp) DiffWRT(int) []bool { return []bool{true, true} }

func (op wtOp) SymDiff(in G.Nodes, _, dcol *G.Node) (G.Nodes, error) {
	dz, err := G.ApplyOp(newGemmOp(op.geom, actNone, false, op.workers), dcol, in[1])
	if err != nil {
		return nil, err
	}
	dw, err := G.ApplyOp(newFilterGradOp(op.geom, op.workers), dcol, in[0])
	return G.Nodes{dz, dw}, err
}

// col2imOp folds column matrices [n, colRows, colLd] onto images [n, inC,
// inH, inW], then adds the optional bias [inC] and applies act.
type col2imOp struct{ fusedOp }

func newCol2imOp(g convGeom, act activation, bias bool, workers int) col2imOp {
	return col2imOp{newFusedOp("col2im", []int{3, 4}, g, act, bias, workers)}
}

func (op col2imOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{s[0], op.geom.inC, op.geom.inH, op.geom.inW}, nil
}

func (op col2imOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	n, g := vs[0].Shape()[0], op.geom
	if err := g.checkCols(in[0], n); err != nil {
		return nil, err
	}
	var bias []float32
	if op.bias {
		if bias = in[1]; len(bias) != g.inC {
			return nil, fmt.Errorf("%w: bias of %d values for %d channels",
				ErrShapeMismatch, len(bias), g.inC)
		}
	}
	y := g.col2imBatch(in[0], bias, op.act, n, op.workers, op.out)
	return dense(y, n, g.inC, g.inH, g.inW), nil
}

func (op col2imOp) DiffWRT(int) []bool { return []bool{true, true}[:op.Arity()] }

func (op col2imOp) SymDiff(_ G.Nodes, y, dy *G.Node) (G.Nodes, error) {
	g, err := actGrad(y, dy, op.act, op.workers)
	if err != nil {
		return nil, err
	}
	out := make(G.Nodes, op.Arity())
	if out[0], err = G.ApplyOp(newIm2colOp(op.geom, false, op.workers), g); err != nil {
		return nil, err
	}
	if op.bias {
		out[1], err = newBiasGrad(g, op.workers)
	}
	return out, err
}
