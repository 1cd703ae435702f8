package encoders

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// fusedBCEOp is the supervised objective of encoder training: each row's
// logit is the mean of its per-modality logits over the modalities its mask
// keeps, and the loss is the binary cross-entropy of that logit against the
// label, averaged with row weights (rows of weight 0, or with no kept
// modality, do not count). Inputs: logits and mask [rows, views], labels and
// weights [rows]. Only the logits are differentiated.
type fusedBCEOp struct {
	opBase
	scale float64
}

func fusedBCE(logits, mask, y, w *G.Node, scale float64) (*G.Node, error) {
	op := fusedBCEOp{opBase{fmt.Sprintf("fusedbce(%g)", scale), 4, []int{2, 2, 1, 1, 0}}, scale}
	return G.ApplyOp(op, logits, mask, y, w)
}

func (op fusedBCEOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

// bceRows evaluates the fused logit of every row; it returns per-row
// logits, kept-modality counts and the total weight of counted rows.
func bceRows(in [][]float32) (zbar, count []float64, total float64, err error) {
	z, mask, y, w := in[0], in[1], in[2], in[3]
	rows := len(y)
	if rows == 0 || len(w) != rows || len(z) != len(mask) || len(z)%rows != 0 {
		return nil, nil, 0, fmt.Errorf("%w: fused bce over %d rows", ErrShapeMismatch, rows)
	}
	views := len(z) / rows
	zbar, count = make([]float64, rows), make([]float64, rows)
	for i := range rows {
		for v := range views {
			if m := mask[i*views+v]; m != 0 {
				zbar[i] += float64(z[i*views+v])
				count[i]++
			}
		}
		if count[i] > 0 {
			zbar[i] /= count[i]
			total += float64(w[i])
		}
	}
	return zbar, count, total, nil
}

func (op fusedBCEOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	zbar, count, total, err := bceRows(in)
	if err != nil || total == 0 {
		return G.NewF32(0), err
	}
	var sum float64
	for i, z := range zbar {
		if count[i] > 0 {
			sum += float64(in[3][i]) * (softplus(z) - float64(in[2][i])*z)
		}
	}
	return G.NewF32(float32(op.scale * sum / total)), nil
}

// softplus is log(1+e^z), computed without overflow.
func softplus(z float64) float64 {
	return math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z)))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

func (op fusedBCEOp) DiffWRT(int) []bool { return []bool{true, false, false, false} }

func (op fusedBCEOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	gop := fusedBCEGradOp{opBase{fmt.Sprintf("fusedbce'(%g)", op.scale), 5,
		[]int{2, 2, 1, 1, 0, 2}}, op.scale}
	n, err := G.ApplyOp(gop, in[0], in[1], in[2], in[3], grad)
	return G.Nodes{n, nil, nil, nil}, err
}

// fusedBCEGradOp is the gradient of fusedBCEOp with respect to the logits.
type fusedBCEGradOp struct {
	opBase
	scale float64
}

func (op fusedBCEGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, 0)
	return s.Clone(), err
}

func (op fusedBCEGradOp) Do(vs ...G.Value) (G.Value, error) {
	in, err := inputsOf(vs[:4])
	if err != nil {
		return nil, err
	}
	g, err := scalarOf(vs[4])
	if err != nil {
		return nil, err
	}
	zbar, count, total, err := bceRows(in)
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(in[0]))
	views := len(out) / len(zbar)
	for i, z := range zbar {
		if count[i] == 0 || total == 0 {
			continue
		}
		d := g * op.scale * float64(in[3][i]) * (sigmoid(z) - float64(in[2][i])) /
			(total * count[i])
		for v := range views {
			if in[1][i*views+v] != 0 {
				out[i*views+v] = float32(d)
			}
		}
	}
	return dense(out, vs[0].Shape()...), nil
}
