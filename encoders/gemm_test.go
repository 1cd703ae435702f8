package encoders

import (
	"math"
	"testing"
)

// naiveProduct is the float64 reference of A [m,k] * B [k,n].
func naiveProduct(a, b []float32, m, k, n int) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for l := range k {
			for j := range n {
				out[i*n+j] += float64(a[i*k+l]) * float64(b[l*n+j])
			}
		}
	}
	return out
}

func randomFloats(seed uint64, n int) []float32 {
	rng := newRand(seed, 7)
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64())
	}
	return out
}

func TestGemmPacked(t *testing.T) {
	cases := []struct {
		name    string
		m, k, n int
	}{
		{"one tile", 4, 9, 16},
		{"ragged rows", 7, 5, 16},
		{"deep", 8, 700, 32},
		{"single row", 1, 3, 16},
		{"empty depth", 4, 0, 16},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := randomFloats(1, tc.m*tc.k), randomFloats(2, tc.k*tc.n)
			want := naiveProduct(a, b, tc.m, tc.k, tc.n)
			mp := roundUp(tc.m, mr) / mr
			packed := make([]float32, mp*mr*tc.k)
			packRows(packed, a, tc.m, tc.k, tc.k)
			for _, acc := range []bool{false, true} {
				c := make([]float32, mp*mr*tc.n)
				for i := range c {
					c[i] = 1
				}
				gemmPacked(mp, tc.n/nr, tc.k, packed, b, tc.n, c, tc.n, acc)
				for i := range tc.m * tc.n {
					w := want[i]
					if acc {
						w++
					}
					if math.Abs(float64(c[i])-w) > 1e-4*(1+math.Sqrt(float64(tc.k))) {
						t.Fatalf("acc %v: element %d is %g, want %g", acc, i, c[i], w)
					}
				}
			}
		})
	}
}

func TestPackColsIsTransposedPackRows(t *testing.T) {
	m, k := 6, 5
	src := randomFloats(3, m*k) // m x k
	tr := make([]float32, k*m)  // its transpose, k x m
	for i := range m {
		for l := range k {
			tr[l*m+i] = src[i*k+l]
		}
	}
	a, b := make([]float32, 8*k), make([]float32, 8*k)
	packRows(a, src, m, k, k)
	packCols(b, tr, m, k, m)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("packed element %d: %g by rows, %g by columns", i, a[i], b[i])
		}
	}
}

func TestKernelsAgree(t *testing.T) {
	if !useAVX2 {
		t.Log("no AVX2 on this machine: the portable kernel is the only one")
	}
	k := 37
	a, b := randomFloats(4, k*mr), randomFloats(5, k*nr*2)
	c1, c2 := make([]float32, mr*nr*2), make([]float32, mr*nr*2)
	kernelGo(k, a, b, 2*nr, c1, 2*nr, false)
	kernel(k, a, b, 2*nr, c2, 2*nr, false)
	for i := range c1 {
		if math.Abs(float64(c1[i]-c2[i])) > 1e-4 {
			t.Fatalf("element %d: portable %g, dispatched %g", i, c1[i], c2[i])
		}
	}
}
