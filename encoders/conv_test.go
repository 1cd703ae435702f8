package encoders

import (
	"math"
	"slices"
	"testing"
)

// naiveConv is the float64 reference convolution of one image.
func naiveConv(g convGeom, x, w []float32) []float64 {
	out := make([]float64, g.outSize())
	for co := range g.outC {
		for oy := range g.outH {
			for ox := range g.outW {
				var s float64
				for c := range g.inC {
					for dy := range g.k {
						for dx := range g.k {
							iy, ix := oy*g.stride-g.pad+dy, ox*g.stride-g.pad+dx
							if iy < 0 || ix < 0 || iy >= g.inH || ix >= g.inW {
								continue
							}
							wv := w[co*g.depth()+(c*g.k+dy)*g.k+dx]
							s += float64(wv) * float64(x[(c*g.inH+iy)*g.inW+ix])
						}
					}
				}
				out[(co*g.outH+oy)*g.outW+ox] = s
			}
		}
	}
	return out
}

// The composed maps of a geometry, as the ops compose them.
func (g convGeom) forward(x, w []float32, n, workers int) []float32 {
	return g.gemmBatch(g.im2colBatch(x, n, workers, nil), w, nil, actNone, n, workers, nil)
}

func (g convGeom) adjoint(gy, w []float32, n, workers int) []float32 {
	return g.col2imBatch(g.wtBatch(gy, w, n, workers, nil), nil, actNone, n, workers, nil)
}

func (g convGeom) filterGrad(x, gy []float32, n, workers int) []float32 {
	return g.filterGradBatch(g.im2colBatch(x, n, workers, nil), gy, n, workers, nil)
}

func dot32(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

var convCases = []struct {
	name string
	g    convGeom
	n    int
}{
	{"stride 2 pad 1", newConvGeom(1, 16, 16, 8, 3, 2, 1), 5},
	{"stride 1 pad 1 odd", newConvGeom(3, 7, 9, 5, 3, 1, 1), 3},
	{"stride 2 no pad", newConvGeom(2, 9, 8, 6, 3, 2, 0), 2},
	{"one by one output", newConvGeom(4, 2, 2, 16, 3, 2, 1), 9},
	{"wide channels", newConvGeom(16, 8, 8, 32, 3, 2, 1), 4},
	{"long rows", newConvGeom(2, 40, 37, 5, 3, 2, 1), 3},
	{"stride 2 k 5 pad 2", newConvGeom(2, 12, 10, 4, 5, 2, 2), 3},
	{"1x1 stride 2", newConvGeom(3, 6, 8, 4, 1, 2, 0), 2},
}

// TestIm2colHalvesMatchesRows checks the polyphase im2col against the
// row-by-row gather, value for value, over a column matrix filled with NaN
// beforehand so that any entry left unwritten shows.
func TestIm2colHalvesMatchesRows(t *testing.T) {
	for _, tc := range convCases {
		g := tc.g
		if !g.halves() {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			x := randomFloats(7, g.inSize()+5)
			ld, sp := g.colLd(), g.spans()
			fast := slices.Repeat([]float32{float32(math.NaN())}, g.colSize())
			slow := make([]float32, g.colSize())
			g.im2colHalves(x, fast, ld)
			for c := range g.inC {
				for dy := range g.k {
					for dx := range g.k {
						r := (c*g.k+dy)*g.k + dx
						g.im2colRow(x[c*g.inH*g.inW:], slow[r*ld:(r+1)*ld], dy, dx, sp)
					}
				}
			}
			for i := range g.depth() * ld {
				if fast[i] != slow[i] {
					t.Fatalf("entry %d (row %d, column %d): %g, want %g", i, i/ld, i%ld,
						fast[i], slow[i])
				}
			}
		})
	}
}

func TestConvForwardMatchesReference(t *testing.T) {
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.g
			x := randomFloats(1, tc.n*g.inSize())
			w := randomFloats(2, g.outC*g.depth())
			got := g.forward(x, w, tc.n, 2)
			for i := range tc.n {
				want := naiveConv(g, x[i*g.inSize():], w)
				for j, v := range want {
					if e := math.Abs(float64(got[i*g.outSize()+j]) - v); e > 1e-4*(1+math.Abs(v)) {
						t.Fatalf("image %d output %d: %g, want %g", i, j, got[i*g.outSize()+j], v)
					}
				}
			}
		})
	}
}

// TestConvAdjoints checks the gradients by the identities that define them:
// <forward_w(x), gy> = <x, adjoint_w(gy)> = <w, filterGrad(x, gy)>.
func TestConvAdjoints(t *testing.T) {
	for _, tc := range convCases {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.g
			x, gy := randomFloats(3, tc.n*g.inSize()), randomFloats(4, tc.n*g.outSize())
			w := randomFloats(5, g.outC*g.depth())
			lhs := dot32(g.forward(x, w, tc.n, 1), gy)
			viaInput := dot32(x, g.adjoint(gy, w, tc.n, 1))
			viaFilter := dot32(w, g.filterGrad(x, gy, tc.n, 1))
			tol := 1e-4 * (1 + math.Abs(lhs)) * math.Sqrt(float64(len(gy)))
			if math.Abs(lhs-viaInput) > tol || math.Abs(lhs-viaFilter) > tol {
				t.Fatalf("<Wx,g> = %g, <x,W'g> = %g, <W,dW> = %g", lhs, viaInput, viaFilter)
			}
		})
	}
}

func TestConvIndependentOfWorkers(t *testing.T) {
	g := newConvGeom(3, 12, 12, 8, 3, 2, 1)
	n := 11
	x, gy := randomFloats(6, n*g.inSize()), randomFloats(7, n*g.outSize())
	w := randomFloats(8, g.outC*g.depth())
	for _, workers := range []int{2, 3, 8} {
		if !slices.Equal(g.forward(x, w, n, 1), g.forward(x, w, n, workers)) ||
			!slices.Equal(g.adjoint(gy, w, n, 1), g.adjoint(gy, w, n, workers)) ||
			!slices.Equal(g.filterGrad(x, gy, n, 1), g.filterGrad(x, gy, n, workers)) {
			t.Fatalf("%d workers give results different from 1 worker", workers)
		}
	}
}
