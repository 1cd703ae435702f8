package gnn

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// spmmOp multiplies the constant sparse matrix a by its dense input. Its
// gradient with respect to the input is the same operation with a's
// transpose, so backpropagation never builds a dense adjacency.
type spmmOp struct {
	a, at *CSR
}

// SpMM returns the node a·x for a constant sparse a and a dense float64
// matrix node x. at must be a's transpose (see CSR.Transpose); the values of
// a and at may be changed between runs of a machine (for example by sparse
// dropout) as long as they stay each other's transpose.
func SpMM(a, at *CSR, x *G.Node) (*G.Node, error) {
	if x.Dims() != 2 || x.Shape()[0] != a.Cols {
		return nil, fmt.Errorf("%w: sparse %dx%d times dense %v",
			ErrShape, a.Rows, a.Cols, x.Shape())
	}
	return G.ApplyOp(&spmmOp{a: a, at: at}, x)
}

func (op *spmmOp) Arity() int { return 1 }

func (op *spmmOp) Type() hm.Type {
	t := G.TensorType{Dims: 2, Of: hm.TypeVariable('a')}
	return hm.NewFnType(t, t)
}

func (op *spmmOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, ok := in[0].(tensor.Shape)
	if !ok || len(s) != 2 {
		return nil, fmt.Errorf("%w: spmm needs a matrix input", ErrShape)
	}
	return tensor.Shape{op.a.Rows, s[1]}, nil
}

func (op *spmmOp) Do(in ...G.Value) (G.Value, error) {
	if len(in) != 1 {
		return nil, fmt.Errorf("%w: spmm takes one input, got %d", ErrShape, len(in))
	}
	x, ok := in[0].(*tensor.Dense)
	if !ok || x.Dtype() != tensor.Float64 || x.Dims() != 2 {
		return nil, fmt.Errorf("%w: spmm needs a float64 matrix", ErrShape)
	}
	if x.Shape()[0] != op.a.Cols {
		return nil, fmt.Errorf("%w: sparse %dx%d times dense %v",
			ErrShape, op.a.Rows, op.a.Cols, x.Shape())
	}
	width := x.Shape()[1]
	out := make([]float64, op.a.Rows*width)
	op.a.MulDense(x.Data().([]float64), width, out)
	return tensor.New(tensor.WithShape(op.a.Rows, width), tensor.WithBacking(out)), nil
}

func (op *spmmOp) ReturnsPtr() bool     { return false }
func (op *spmmOp) CallsExtern() bool    { return false }
func (op *spmmOp) OverwritesInput() int { return -1 }

// WriteHash identifies the op by its matrix, so that two products with
// different matrices are never merged into one node by the graph.
func (op *spmmOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "spmm(%p)", op.a) }

func (op *spmmOp) Hashcode() uint32 {
	h := fnv.New32a()
	op.WriteHash(h)
	return h.Sum32()
}

func (op *spmmOp) String() string { return fmt.Sprintf("SpMM%dx%d", op.a.Rows, op.a.Cols) }

// DiffWRT reports that the dense input is differentiable.
func (op *spmmOp) DiffWRT(inputs int) []bool { return []bool{true} }

// SymDiff returns aᵀ·grad, the gradient of a·x with respect to x.
func (op *spmmOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(&spmmOp{a: op.at, at: op.a}, grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{d}, nil
}
