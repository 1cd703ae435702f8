package encoders

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// mseOp is the row-weighted squared error scale*sum_i w_i*sum_j (p_ij-t_ij)^2
// of a prediction p against a target t (same shape, rows along axis 0) with
// row weights w. Only p is differentiated.
type mseOp struct {
	opBase
	scale float64
}

// weightedMSE adds the loss node of mseOp.
func weightedMSE(pred, target, w *G.Node, scale float64) (*G.Node, error) {
	d := pred.Dims()
	op := mseOp{opBase{fmt.Sprintf("wmse(%d,%g)", d, scale), 3, []int{d, d, 1, 0}}, scale}
	return G.ApplyOp(op, pred, target, w)
}

func (op mseOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (op mseOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	p, t, w := in[0], in[1], in[2]
	if len(p) != len(t) || len(w) == 0 || len(p)%len(w) != 0 {
		return nil, fmt.Errorf("%w: mse of %d, %d values with %d rows", ErrShapeMismatch,
			len(p), len(t), len(w))
	}
	cols := len(p) / len(w)
	var sum float64
	for i, wi := range w {
		var row float64
		for j := i * cols; j < (i+1)*cols; j++ {
			e := float64(p[j]) - float64(t[j])
			row += e * e
		}
		sum += float64(wi) * row
	}
	return G.NewF32(float32(op.scale * sum)), nil
}

func (op mseOp) DiffWRT(int) []bool { return []bool{true, false, false} }

func (op mseOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d := in[0].Dims()
	gop := mseGradOp{opBase{fmt.Sprintf("wmse'(%d,%g)", d, op.scale), 4,
		[]int{d, d, 1, 0, d}}, op.scale, &reuse{}}
	dp, err := G.ApplyOp(gop, in[0], in[1], in[2], grad)
	return G.Nodes{dp, nil, nil}, err
}

// mseGradOp is the gradient of mseOp with respect to the prediction.
type mseGradOp struct {
	opBase
	scale float64
	out   *reuse
}

func (op mseGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	return s.Clone(), err
}

func (op mseGradOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	p, t, w := in[0], in[1], in[2]
	g, err := scalarOf(vs[3])
	if err != nil {
		return nil, err
	}
	if len(p) != len(t) || len(w) == 0 || len(p)%len(w) != 0 {
		return nil, fmt.Errorf("%w: mse gradient of %d values with %d rows",
			ErrShapeMismatch, len(p), len(w))
	}
	cols := len(p) / len(w)
	out := op.out.get(len(p))
	for j := range p {
		c := 2 * op.scale * g * float64(w[j/cols])
		out[j] = float32(c * (float64(p[j]) - float64(t[j])))
	}
	return dense(out, vs[0].Shape()...), nil
}
