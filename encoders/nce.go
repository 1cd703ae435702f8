package encoders

import (
	"fmt"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// infoNCEOp is the symmetric InfoNCE loss between two views za and zb
// ([rows, width] each) of the same patients: rows are L2-normalised, the
// cosine similarities divided by a temperature are the logits, and each row
// of za must pick its own row of zb among the valid rows (and the reverse).
// Only rows whose valid flag is 1 take part; with fewer than two valid rows
// the loss is 0. The result is multiplied by scale.
type infoNCEOp struct {
	opBase
	tau, scale float64
}

func infoNCE(za, zb, valid *G.Node, tau, scale float64) (*G.Node, error) {
	op := infoNCEOp{opBase{fmt.Sprintf("infonce(%g,%g)", tau, scale), 3,
		[]int{2, 2, 1, 0}}, tau, scale}
	return G.ApplyOp(op, za, zb, valid)
}

func (op infoNCEOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.ScalarShape(), nil
}

func (op infoNCEOp) Do(vs ...G.Value) (G.Value, error) {
	st, err := newNCEState(vs, op.tau)
	if err != nil {
		return nil, err
	}
	return G.NewF32(float32(op.scale * st.loss())), nil
}

func (op infoNCEOp) DiffWRT(int) []bool { return []bool{true, true, false} }

func (op infoNCEOp) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	out := make(G.Nodes, 3)
	for side := range 2 {
		gop := infoNCEGradOp{opBase{fmt.Sprintf("infonce'(%g,%g,%d)", op.tau, op.scale, side),
			4, []int{2, 2, 1, 0, 2}}, op.tau, op.scale, side}
		n, err := G.ApplyOp(gop, in[0], in[1], in[2], grad)
		if err != nil {
			return nil, err
		}
		out[side] = n
	}
	return out, nil
}

// infoNCEGradOp is the gradient of infoNCEOp with respect to za (side 0) or
// zb (side 1).
type infoNCEGradOp struct {
	opBase
	tau, scale float64
	side       int
}

func (op infoNCEGradOp) InferShape(in ...G.DimSizer) (tensor.Shape, error) {
	s, err := shapeOf(in, op.side)
	return s.Clone(), err
}

func (op infoNCEGradOp) Do(vs ...G.Value) (G.Value, error) {
	st, err := newNCEState(vs[:3], op.tau)
	if err != nil {
		return nil, err
	}
	g, err := scalarOf(vs[3])
	if err != nil {
		return nil, err
	}
	out := make([]float32, st.rows*st.width)
	st.grad(op.side, g*op.scale, out)
	return dense(out, st.rows, st.width), nil
}

// nceState holds the normalised valid rows and softmaxes of one evaluation.
type nceState struct {
	rows, width int
	tau         float64
	idx         []int          // indices of the valid rows
	u           [2][][]float64 // normalised valid rows of za and zb
	norm        [2][]float64
	pRow, pCol  [][]float64 // softmax over j of s_ij, and over i of s_ij
}

func newNCEState(vs []G.Value, tau float64) (*nceState, error) {
	in, err := inputsOf(vs)
	if err != nil {
		return nil, err
	}
	rows := len(in[2])
	if rows == 0 || len(in[0]) != len(in[1]) || len(in[0])%rows != 0 {
		return nil, fmt.Errorf("%w: infonce of %d and %d values over %d rows",
			ErrShapeMismatch, len(in[0]), len(in[1]), rows)
	}
	st := &nceState{rows: rows, width: len(in[0]) / rows, tau: tau}
	for i, v := range in[2] {
		if v != 0 {
			st.idx = append(st.idx, i)
		}
	}
	for side := range 2 {
		st.u[side], st.norm[side] = st.normalise(in[side])
	}
	st.softmaxes()
	return st, nil
}

func (st *nceState) normalise(z []float32) ([][]float64, []float64) {
	u := make([][]float64, len(st.idx))
	norm := make([]float64, len(st.idx))
	for k, i := range st.idx {
		row := z[i*st.width : (i+1)*st.width]
		var sq float64
		for _, v := range row {
			sq += float64(v) * float64(v)
		}
		norm[k] = math.Sqrt(sq + 1e-12)
		u[k] = make([]float64, st.width)
		for j, v := range row {
			u[k][j] = float64(v) / norm[k]
		}
	}
	return u, norm
}

// softmaxes fills pRow and pCol from the logits s_ij = u_a[i].u_b[j]/tau.
func (st *nceState) softmaxes() {
	m := len(st.idx)
	s := make([][]float64, m)
	for i := range m {
		s[i] = make([]float64, m)
		for j := range m {
			s[i][j] = dot64(st.u[0][i], st.u[1][j]) / st.tau
		}
	}
	st.pRow, st.pCol = make([][]float64, m), make([][]float64, m)
	for i := range m {
		st.pRow[i], st.pCol[i] = make([]float64, m), make([]float64, m)
	}
	for i := range m {
		softmaxInto(func(j int) float64 { return s[i][j] }, m,
			func(j int, p float64) { st.pRow[i][j] = p })
		softmaxInto(func(j int) float64 { return s[j][i] }, m,
			func(j int, p float64) { st.pCol[j][i] = p })
	}
}

// softmaxInto writes the softmax of the m values at(j) through set.
func softmaxInto(at func(int) float64, m int, set func(int, float64)) {
	top := math.Inf(-1)
	for j := range m {
		top = math.Max(top, at(j))
	}
	var sum float64
	for j := range m {
		sum += math.Exp(at(j) - top)
	}
	for j := range m {
		set(j, math.Exp(at(j)-top)/sum)
	}
}

// loss is the mean over both directions of -log p(own pair).
func (st *nceState) loss() float64 {
	m := len(st.idx)
	if m < 2 {
		return 0
	}
	var sum float64
	for i := range m {
		sum -= math.Log(math.Max(st.pRow[i][i], 1e-300))
		sum -= math.Log(math.Max(st.pCol[i][i], 1e-300))
	}
	return sum / float64(2*m)
}

// grad writes c times the gradient for za (side 0) or zb (side 1) into out.
func (st *nceState) grad(side int, c float64, out []float32) {
	m := len(st.idx)
	if m < 2 {
		return
	}
	other := st.u[1-side]
	for k, i := range st.idx {
		du := make([]float64, st.width)
		for l := range m {
			gkl := st.logitGrad(k, l, side) * c / (float64(2*m) * st.tau)
			for j := range du {
				du[j] += gkl * other[l][j]
			}
		}
		u := st.u[side][k]
		ud := dot64(u, du)
		for j := range du {
			out[i*st.width+j] = float32((du[j] - u[j]*ud) / st.norm[side][k])
		}
	}
}

// logitGrad is 2m times d loss / d s, for the pair (k of this side, l of the
// other side).
func (st *nceState) logitGrad(k, l, side int) float64 {
	i, j := k, l
	if side == 1 {
		i, j = l, k
	}
	g := st.pRow[i][j] + st.pCol[i][j]
	if i == j {
		g -= 2
	}
	return g
}

func dot64(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
