package encoders

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// matmul returns the m x n product of A (m x k; stored transposed, k x m,
// with transA) and B (k x n; stored transposed, n x k, with transB), on the
// packed kernel. Row panels of C are spread over workers; each is computed
// the same way whatever the split.
func matmul(a []float32, m, k int, b []float32, n int, transA, transB bool,
	workers int) []float32 {
	mPanels, ld := roundUp(m, mr)/mr, roundUp(n, nr)
	pa := make([]float32, mPanels*mr*k)
	if transA {
		packCols(pa, a, m, k, m)
	} else {
		packRows(pa, a, m, k, k)
	}
	pb := b
	if transB || ld != n {
		pb = make([]float32, k*ld)
		for l := range k {
			for j := range n {
				if transB {
					pb[l*ld+j] = b[j*k+l]
				} else {
					pb[l*ld+j] = b[l*n+j]
				}
			}
		}
	}
	c := make([]float32, mPanels*mr*ld)
	parallelFor(workers, mPanels, func(_, p int) {
		gemmPacked(1, ld/nr, k, pa[p*k*mr:(p+1)*k*mr], pb, ld, c[p*mr*ld:(p+1)*mr*ld], ld, false)
	})
	out := make([]float32, m*n)
	for i := range m {
		copy(out[i*n:(i+1)*n], c[i*ld:])
	}
	return out
}

// denseOp is the fully connected layer y = x*w + b for x [rows, in], w [in,
// out] and b [1, out], on the package's own matrix kernel.
type denseOp struct {
	opBase
	workers int
}

// dense adds x*w + bias.
func (b *builder) dense(x, w, bias *G.Node) *G.Node {
	if b.err != nil {
		return nil
	}
	op := denseOp{opBase{"dense", 3, []int{2, 2, 2, 2}}, b.workers}
	return b.apply(G.ApplyOp(op, x, w, bias))
}

func (op denseOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	x, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	w, err := shapeOf(in, 1)
	if err != nil {
		return nil, err
	}
	return tensor.Shape{x[0], w[1]}, nil
}

func (op denseOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	xs, ws := vs[0].Shape(), vs[1].Shape()
	rows, k, n := xs[0], xs[1], ws[1]
	if ws[0] != k || len(in[2]) != n {
		return nil, fmt.Errorf("%w: dense layer of %v by %v", ErrShapeMismatch, xs, ws)
	}
	y := matmul(in[0], rows, k, in[1], n, false, false, op.workers)
	for i := range rows {
		for j, b := range in[2] {
			y[i*n+j] += b
		}
	}
	return dense(y, rows, n), nil
}

func (op denseOp) DiffWRT(int) []bool { return []bool{true, true, true} }

func (op denseOp) SymDiff(in G.Nodes, _, dy *G.Node) (G.Nodes, error) {
	out := make(G.Nodes, 3)
	var err error
	for i, mode := range []int{denseDataGrad, denseWeightGrad, denseBiasGrad} {
		gop := denseGradOp{opBase{fmt.Sprintf("dense'(%d)", mode), 2, []int{2, 2, 2}},
			mode, op.workers}
		args := G.Nodes{dy, in[1]}
		if mode != denseDataGrad {
			args = G.Nodes{in[0], dy}
		}
		if out[i], err = G.ApplyOp(gop, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// The gradients of denseOp: for the data (dy, w) -> dy*w^T, the weights
// (x, dy) -> x^T*dy and the bias (x, dy) -> column sums of dy.
const (
	denseDataGrad = iota
	denseWeightGrad
	denseBiasGrad
)

type denseGradOp struct {
	opBase
	mode    int
	workers int
}

func (op denseGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	a, err := shapeOf(in, 0)
	if err != nil {
		return nil, err
	}
	b, err := shapeOf(in, 1)
	if err != nil {
		return nil, err
	}
	switch op.mode {
	case denseDataGrad:
		return tensor.Shape{a[0], b[0]}, nil
	case denseWeightGrad:
		return tensor.Shape{a[1], b[1]}, nil
	}
	return tensor.Shape{1, b[1]}, nil
}

func (op denseGradOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	a, b := vs[0].Shape(), vs[1].Shape()
	if (op.mode == denseDataGrad && a[1] != b[1]) || (op.mode != denseDataGrad && a[0] != b[0]) {
		return nil, fmt.Errorf("%w: dense gradient of %v and %v", ErrShapeMismatch, a, b)
	}
	switch op.mode {
	case denseDataGrad: // dy [rows, n], w [k, n]
		return dense(matmul(in[0], a[0], a[1], in[1], b[0], false, true, op.workers),
			a[0], b[0]), nil
	case denseWeightGrad: // x [rows, k], dy [rows, n]
		return dense(matmul(in[0], a[1], a[0], in[1], b[1], true, false, op.workers),
			a[1], b[1]), nil
	}
	return dense(columnSums(in[1], b[0], b[1]), 1, b[1]), nil
}

// columnSums sums the rows of the rows x n matrix d, in row order.
func columnSums(d []float32, rows, n int) []float32 {
	out := make([]float32, n)
	for j := range n {
		var s float64
		for i := range rows {
			s += float64(d[i*n+j])
		}
		out[j] = float32(s)
	}
	return out
}
