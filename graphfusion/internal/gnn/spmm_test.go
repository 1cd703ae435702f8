package gnn

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func randomCSR(rng *rand.Rand, rows, cols int, density float64) *CSR {
	var es []Entry
	for r := range rows {
		for c := range cols {
			if rng.Float64() < density {
				es = append(es, Entry{Row: r, Col: c, Val: rng.NormFloat64()})
			}
		}
	}
	m, err := NewCSR(rows, cols, es)
	if err != nil {
		panic(err)
	}
	return m
}

// lossAndGrad evaluates sum(tanh(A·x)) and its gradient through gorgonia.
func lossAndGrad(t *testing.T, a, at *CSR, x []float64, width int) (float64, []float64) {
	t.Helper()
	g := G.NewGraph()
	xv := tensor.New(tensor.WithShape(a.Cols, width), tensor.WithBacking(x))
	xn := G.NewMatrix(g, tensor.Float64, G.WithShape(a.Cols, width), G.WithValue(xv))
	y, err := SpMM(a, at, xn)
	if err != nil {
		t.Fatal(err)
	}
	loss := G.Must(G.Sum(G.Must(G.Tanh(y))))
	if _, err := G.Grad(loss, xn); err != nil {
		t.Fatal(err)
	}
	m := G.NewTapeMachine(g, G.BindDualValues(xn))
	defer m.Close()
	if err := m.RunAll(); err != nil {
		t.Fatal(err)
	}
	gv, err := xn.Grad()
	if err != nil {
		t.Fatal(err)
	}
	return loss.Value().Data().(float64), append([]float64(nil), gv.Data().([]float64)...)
}

func TestSpMMGradientMatchesNumerical(t *testing.T) {
	cases := []struct {
		name              string
		rows, cols, width int
		density           float64
	}{
		{"square", 6, 6, 3, 0.4},
		{"wide", 4, 9, 2, 0.3},
		{"tall", 9, 4, 1, 0.5},
		{"empty rows", 5, 5, 2, 0.1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			a := randomCSR(rng, tc.rows, tc.cols, tc.density)
			at, _ := a.Transpose()
			x := make([]float64, tc.cols*tc.width)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			_, grad := lossAndGrad(t, a, at, append([]float64(nil), x...), tc.width)
			const h = 1e-6
			for i := range x {
				xp := append([]float64(nil), x...)
				xm := append([]float64(nil), x...)
				xp[i] += h
				xm[i] -= h
				lp, _ := lossAndGrad(t, a, at, xp, tc.width)
				lm, _ := lossAndGrad(t, a, at, xm, tc.width)
				num := (lp - lm) / (2 * h)
				if math.Abs(num-grad[i]) > 1e-6*(1+math.Abs(num)) {
					t.Fatalf("x[%d]: analytic %.9g, numerical %.9g", i, grad[i], num)
				}
			}
		})
	}
}

func TestSpMMForwardMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := randomCSR(rng, 7, 5, 0.4)
	x := make([]float64, 5*3)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	got := make([]float64, 7*3)
	a.MulDense(x, 3, got)
	d := a.Dense()
	for r := range 7 {
		for j := range 3 {
			want := 0.0
			for k := range 5 {
				want += d[r*5+k] * x[k*3+j]
			}
			if math.Abs(got[r*3+j]-want) > 1e-12 {
				t.Fatalf("(%d,%d): got %g want %g", r, j, got[r*3+j], want)
			}
		}
	}
}

func TestTransposeRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a := randomCSR(rng, 6, 8, 0.3)
	at, perm := a.Transpose()
	d, dt := a.Dense(), at.Dense()
	for r := range 6 {
		for c := range 8 {
			if d[r*8+c] != dt[c*6+r] {
				t.Fatalf("(%d,%d) differs", r, c)
			}
		}
	}
	for k := range a.Val {
		a.Val[k] *= 2
	}
	RefreshTranspose(a, at, perm)
	if got, want := at.Dense()[0:6], a.Dense(); got[0] != want[0] {
		t.Fatalf("refresh did not copy values")
	}
}

func TestNewCSRRejectsOutOfRange(t *testing.T) {
	if _, err := NewCSR(2, 2, []Entry{{Row: 2, Col: 0, Val: 1}}); err == nil {
		t.Fatal("accepted an entry outside the matrix")
	}
}

func TestNewCSRSumsDuplicates(t *testing.T) {
	m, err := NewCSR(2, 3, []Entry{{1, 2, 1}, {0, 1, 2}, {1, 2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if m.NNZ() != 2 || m.Dense()[5] != 4 || m.Ptr[1] != 1 || m.Ptr[2] != 2 {
		t.Fatalf("got %+v", m)
	}
}

func TestAdamMatchesHandComputedStep(t *testing.T) {
	p := [][]float64{{1}}
	a := NewAdam(0.1)
	a.Step(p, [][]float64{{0.5}}, []float64{0.1})
	// g = 0.5+0.1 = 0.6; m̂ = 0.6, v̂ = 0.36 -> step 0.1*0.6/(0.6+1e-8)
	if want := 1 - 0.1*0.6/(0.6+1e-8); math.Abs(p[0][0]-want) > 1e-12 {
		t.Fatalf("got %v want %v", p[0][0], want)
	}
}
