package encoders

import (
	"math"
	"testing"

	G "gorgonia.org/gorgonia"
)

// lossCase builds a scalar loss over learnable inputs (whose gradients are
// checked) and fixed inputs.
type lossCase struct {
	name  string
	build func(b *builder, learn []*G.Node) (*G.Node, error)
	// shapes of the learnable inputs
	shapes [][]int
}

var lossCases = []lossCase{
	{"weighted mse", func(b *builder, l []*G.Node) (*G.Node, error) {
		tgt, tb := b.bound("t", 4, 3)
		w, wb := b.bound("w", 4)
		copy(tb, randomFloats(21, 12))
		copy(wb, []float32{0.5, 0, 2, 1})
		return weightedMSE(l[0], tgt, w, 0.7)
	}, [][]int{{4, 3}}},
	{"global mean", func(b *builder, l []*G.Node) (*G.Node, error) {
		tgt, tb := b.bound("t", 2, 3)
		w, wb := b.bound("w", 2)
		copy(tb, randomFloats(22, 6))
		copy(wb, []float32{1, 0.5})
		return weightedMSE(b.globalMean(l[0]), tgt, w, 1)
	}, [][]int{{2, 3, 2, 5}}},
	{"infonce", func(b *builder, l []*G.Node) (*G.Node, error) {
		valid, vb := b.bound("v", 5)
		copy(vb, []float32{1, 1, 0, 1, 1})
		return infoNCE(l[0], l[1], valid, 0.3, 0.8)
	}, [][]int{{5, 4}, {5, 4}}},
	{"fused bce", func(b *builder, l []*G.Node) (*G.Node, error) {
		mask, mb := b.bound("m", 4, 3)
		y, yb := b.bound("y", 4)
		w, wb := b.bound("w", 4)
		copy(mb, []float32{1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1})
		copy(yb, []float32{1, 0, 1, 0})
		copy(wb, []float32{1, 1, 1, 0})
		return fusedBCE(l[0], mask, y, w, 1.3)
	}, [][]int{{4, 3}}},
}

// TestLossGradients compares each loss op's gradient with central
// differences.
func TestLossGradients(t *testing.T) {
	for _, lc := range lossCases {
		t.Run(lc.name, func(t *testing.T) {
			b := newBuilder(false, 1)
			learn := make([]*G.Node, len(lc.shapes))
			for k, sh := range lc.shapes {
				p := newParam("in", sh...)
				copy(p.data, randomFloats(uint64(30+k), len(p.data)))
				learn[k] = b.param(p)
			}
			cost, err := lc.build(b, learn)
			if err != nil || b.err != nil {
				t.Fatal(err, b.err)
			}
			if _, err := G.Grad(cost, learn...); err != nil {
				t.Fatal(err)
			}
			vm := G.NewTapeMachine(b.g, G.BindDualValues(learn...))
			defer vm.Close()
			checkLossGradient(t, vm, cost, learn)
		})
	}
}

func checkLossGradient(t *testing.T, vm G.VM, cost *G.Node, learn []*G.Node) {
	t.Helper()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	analytic := make([][]float32, len(learn))
	for k, n := range learn {
		g, err := n.Grad()
		if err != nil {
			t.Fatal(err)
		}
		analytic[k] = append([]float32(nil), mustFloats(t, g)...)
	}
	for k, n := range learn {
		w := mustFloats(t, n.Value())
		for j := range w {
			orig := w[j]
			eval := func(v float32) float64 {
				w[j] = v
				vm.Reset()
				if err := vm.RunAll(); err != nil {
					t.Fatal(err)
				}
				c, _ := scalarOf(cost.Value())
				return c
			}
			num := (eval(orig+1e-3) - eval(orig-1e-3)) / 2e-3
			w[j] = orig
			if math.Abs(num-float64(analytic[k][j])) > 1e-2*math.Abs(num)+1e-3 {
				t.Fatalf("input %d[%d]: analytic %g, numeric %g", k, j, analytic[k][j], num)
			}
		}
	}
}
